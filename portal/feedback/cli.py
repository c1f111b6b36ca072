"""`flask --app portal feedback …`: the cron jobs of the feedback workflow."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.web import site_context

feedback_cli = AppGroup("feedback", help="Tugas terjadwal untuk masukan layanan.")


@feedback_cli.command("escalate")
def escalate_command():
    """Notify the atasan (then the unit head) of overdue items; running twice sends nothing twice."""
    from portal.feedback.services import escalate_overdue

    with site_context(current_app):
        created = escalate_overdue()
    db.session.commit()
    click.echo(f"{len(created)} eskalasi baru.")


@feedback_cli.command("auto-close")
def auto_close_command():
    """Close answered items the resident has not reacted to within the configured working days."""
    from portal.feedback.services import auto_close_answered

    with site_context(current_app):
        closed = auto_close_answered()
    db.session.commit()
    click.echo(f"{len(closed)} masukan ditutup otomatis.")
