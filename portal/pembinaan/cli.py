"""`flask --app portal pembinaan …`: the periodic summary."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.web import site_context

log = logging.getLogger("portal.pembinaan")

pembinaan_cli = AppGroup("pembinaan", help="Rekam pembinaan ASN.")


@pembinaan_cli.command("summary")
@click.option("--period", "period_text", required=True, help="Periode: 2026, 2026-S1, 2026-Q3, atau 2026-07.")
def summary_command(period_text):
    """Store each ASN's figures for the period and mail them to the ASN and the atasan (idempotent)."""
    from portal.pembinaan import services

    try:
        period = services.summary_period(period_text)
    except services.PembinaanError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    # Mails carry absolute links: build them on PUBLIC_BASE_URL, as every job outside a request does.
    with site_context(current_app):
        created = services.store_period_summaries(period)
        # Stored first and committed: a mail server failure below never loses or repeats the figures.
        db.session.commit()
        mailed, failed = 0, 0
        for summary in services.pending_summary_mails(period):
            try:
                services.mail_period_summary(summary)
            except OSError:
                db.session.rollback()
                failed += 1
                log.exception("summary mail failed", extra={"asn_id": summary.asn_id, "period": period.label})
                continue
            # One commit per ASN: a crash halfway never mails anyone twice on the next run.
            db.session.commit()
            mailed += 1
    click.echo(f"Periode {period.label}: {len(created)} ringkasan baru disimpan, {mailed} dikirim"
               + (f", {failed} gagal dikirim (dicoba lagi pada run berikutnya)." if failed else "."))
