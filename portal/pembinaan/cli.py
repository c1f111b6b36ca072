"""`flask --app portal pembinaan …`: the periodic summary and the rebuild of the kept response figures."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.web import site_context

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
        created, mailed = services.store_and_mail_summaries(period)
        db.session.commit()
    click.echo(f"Periode {period.label}: {len(created)} ringkasan baru disimpan, {len(mailed)} dikirim ke antrean email.")


@pembinaan_cli.command("rebuild-stats")
def rebuild_stats_command():
    """Recompute every ASN's kept response figures from the events (after a bulk import, or to check)."""
    from portal.pembinaan.stats import rebuild_response_stats

    written = rebuild_response_stats()
    click.echo(f"{written} baris angka tanggapan per periode dihitung ulang.")
