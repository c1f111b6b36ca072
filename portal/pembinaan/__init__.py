"""Rekam pembinaan: each ASN's development record, fed by community input (mounted at /pembinaan)."""

from flask import Blueprint

bp = Blueprint("pembinaan", __name__)


def init_app(app):
    """Mount the record pages, the navigation links, the template filters, the CLI and the demo seeder."""
    from flask_babel import lazy_gettext as _l

    from portal import permissions
    from portal.accounts.services import register_personal_data
    from portal.demo import DEMO_SEEDERS
    from portal.pembinaan import cli, views  # noqa: F401  (views attach routes to the blueprint)
    from portal.pembinaan.demo import seed_pembinaan
    from portal.pembinaan.formatting import register_filters
    from portal.pembinaan.personal_data import export_pembinaan_data
    from portal.web import add_nav_item

    app.config.setdefault("PEMBINAAN_EVALUATION_CADENCE", "quarter")
    app.register_blueprint(bp, url_prefix="/pembinaan")
    app.cli.add_command(cli.pembinaan_cli)
    from portal.jobs import periodic_job
    from portal.pembinaan import stats
    from portal.pembinaan.services import summarise_last_quarter

    # 01.30 UTC is 08.30 WIB: the first working day after a quarter mails its summaries.
    periodic_job(app, "pembinaan.summary", every="day", hour="1", minute="30")(summarise_last_quarter)
    # The kept response figures follow each commit (a job); 20.00 UTC (03.00 WIB) rebuilds them all.
    stats.listen_to_sessions()
    periodic_job(app, "pembinaan.rebuild_stats", every="day", hour="20", minute="0")(stats.rebuild_response_stats)
    register_filters(app)
    register_personal_data(export=export_pembinaan_data)
    add_nav_item(app, "pembinaan.mine", _l("Rekam pembinaan saya"),
                 visible=permissions.can_open_own_pembinaan_record, order=60)
    add_nav_item(app, "pembinaan.team", _l("Tim saya"), visible=permissions.can_view_team_pembinaan, order=61)
    add_nav_item(app, "pembinaan.overview", _l("Pembinaan ASN"),
                 visible=permissions.can_view_pembinaan_overview, order=62)
    add_nav_item(app, "pembinaan.contests", _l("Sanggahan penilaian"),
                 visible=permissions.can_review_rating_contests, order=63)
    # DEMO_SEEDERS is module-wide and create_app runs once per test: register once.
    if seed_pembinaan not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seed_pembinaan)
