"""Service feedback: keluhan, saran, apresiasi; the SKM survey and IKM; follow-up by tracking number."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)


def init_app(app):
    """Mount the feedback pages and the CLI, and hook into accounts, demo data and the navigation."""
    from flask_babel import lazy_gettext as _l

    from portal.demo import DEMO_SEEDERS
    from portal.feedback import cli, views  # noqa: F401  (attach routes and commands)
    from portal.feedback.demo import seed_feedback
    from portal.permissions import is_asn, is_moderator
    from portal.web import add_nav_item

    app.register_blueprint(bp)
    app.cli.add_command(cli.feedback_cli)
    _schedule(app)
    from portal.accounts.services import register_personal_data
    from portal.feedback.personal_data import erase_feedback_contacts, export_feedback_data
    register_personal_data(export=export_feedback_data, erase=erase_feedback_contacts)  # UU 27/2022
    if seed_feedback not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seed_feedback)
    add_nav_item(app, "feedback.public_list", _l("Masukan"), order=30)
    add_nav_item(app, "feedback.inbox", _l("Kotak masukan"), visible=lambda u: is_asn(u) or is_moderator(u), order=35)


def _schedule(app):
    from portal.feedback.services import auto_close_answered, escalate_overdue
    from portal.jobs import periodic_job

    # Crontab fields are UTC: minute 5 of every hour; 18.15 UTC is 01.15 WIB.
    periodic_job(app, "feedback.escalate", every="hour", minute="5")(escalate_overdue)
    periodic_job(app, "feedback.auto_close", every="day", hour="18", minute="15")(auto_close_answered)
