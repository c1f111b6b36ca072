"""Forum: public threads on services, official ASN answers, votes, moderation (mounted at /forum)."""

from flask import Blueprint

bp = Blueprint("forum", __name__)
admin_bp = Blueprint("forum_admin", __name__)


def init_app(app):
    """Mount the forum and its admin pages, add it to the navigation, and hook into accounts and demo data."""
    from flask_babel import format_timedelta
    from flask_babel import lazy_gettext as _l

    from forum import views  # noqa: F401  (views attach routes to the blueprints)
    from forum.cli import forum_cli
    from forum.demo import seed_forum
    from forum.services import anonymise_forum_contributions
    from portal import permissions
    from portal.accounts.services import ACCOUNT_DELETION_HOOKS, register_personal_data
    from portal.demo import DEMO_SEEDERS
    from portal.web import add_nav_item

    app.register_blueprint(bp, url_prefix="/forum")
    app.register_blueprint(admin_bp, url_prefix="/admin/forum")
    app.cli.add_command(forum_cli)
    from forum.services import escalate_overdue_threads
    from portal.jobs import periodic_job

    periodic_job(app, "forum.escalate", every="hour", minute="10")(escalate_overdue_threads)
    add_nav_item(app, "forum.index", _l("Forum"), order=10)
    add_nav_item(app, "forum.needs_response", _l("Perlu ditanggapi"), visible=lambda user: permissions.is_asn(user),
                 order=12)
    add_nav_item(app, "forum.moderation", _l("Moderasi"),
                 visible=lambda user: permissions.can_moderate_forum(user), order=14)
    app.add_template_filter(lambda delta: format_timedelta(delta, threshold=1.5), "waited")
    # The hook lists are module-wide and create_app runs once per test: register once.
    if anonymise_forum_contributions not in ACCOUNT_DELETION_HOOKS:
        ACCOUNT_DELETION_HOOKS.append(anonymise_forum_contributions)
    from forum.personal_data import export_forum_data  # UU 27/2022: the person's data download
    register_personal_data(export=export_forum_data)
    if seed_forum not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seed_forum)
