"""Full-text search over the portal's public content: threads, public feedback, consultations.

Mounted by create_app through init_app: the /cari pages, the outbox listener that keeps the
index in step with every commit, the worker jobs that drain and verify it, and `flask --app portal search …`.
"""

from flask import Blueprint

bp = Blueprint("search", __name__)

DEFAULTS = {
    # Drain right after each commit, in the committing thread (tests, scripts). Off in production:
    # there a worker drains (portal/jobs), so no request waits for the index.
    "SEARCH_SYNC": False,
    "SEARCH_REFRESH_INTERVAL": 0.0,  # seconds a Whoosh searcher is reused before checking for changes
    "SEARCH_VOCABULARY_TTL": 60.0,
    "SEARCH_MAX_SEGMENTS": 8,  # more small segments than this are merged by the idle drainer
    "SEARCH_REINDEX_PROCS": 1,
    # PostgreSQL: keep facet counts ready for stems in at least this many documents (chosen at
    # each reindex); rarer words are counted when searched, which is cheap for them.
    "SEARCH_COUNTED_STEMS_FROM": 2000,
    # /healthz answers 503 when the oldest undrained outbox row is older than this (seconds) or
    # more rows than this wait: the workers are stuck and search shows stale or withdrawn content.
    "SEARCH_OUTBOX_MAX_LAG_SECONDS": 300,
    "SEARCH_OUTBOX_MAX_PENDING": 10000,
}


def init_app(app):
    """Mount search: pages, navigation, CLI, the outbox listener and the worker jobs."""
    from flask_babel import lazy_gettext as _l

    from portal.jobs import get_queue, periodic_job
    from portal.search import cli, outbox, views  # noqa: F401  (views attach routes to the blueprint)
    from portal.search.drainer import SearchState, drain_in_worker, rebuild_in_worker
    from portal.search.maintenance import verify_and_repair
    from portal.search.sources import default_registry
    from portal.web import add_nav_item

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["SEARCH_BACKEND"] == "postgres" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise RuntimeError("SEARCH_BACKEND=postgres needs DATABASE_URL to point at PostgreSQL")
    registry = default_registry()
    app.extensions["search"] = SearchState(app, registry)
    outbox.configure(registry.watch_map())
    app.register_blueprint(bp)
    app.cli.add_command(cli.search_cli)
    add_nav_item(app, "search.index", _l("Cari"), order=60)
    # A drain is asked for after each commit that changed public content; the minute drain catches
    # a request that was lost (queue unreachable at that moment). Draining twice is harmless.
    periodic_job(app, "search.drain", every=None, minute="*")(drain_in_worker)
    periodic_job(app, "search.verify", every="day", hour="19", minute="0")(verify_and_repair)  # 02.00 WIB
    get_queue(app).add_task("search.rebuild", rebuild_in_worker)
