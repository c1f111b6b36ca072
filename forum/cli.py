"""`flask --app portal forum …`: the cron jobs of the forum."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.web import site_context

forum_cli = AppGroup("forum", help="Tugas terjadwal untuk forum.")


@forum_cli.command("escalate")
def escalate_command():
    """Notify the atasan (then the unit head) of threads past their answer deadline; reruns send nothing twice."""
    from forum.services import escalate_overdue_threads

    with site_context(current_app):
        created = escalate_overdue_threads()
    db.session.commit()
    click.echo(f"{len(created)} eskalasi utas baru.")
