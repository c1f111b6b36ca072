"""Portal Partisipasi Publik: the application factory."""

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Build the portal: configuration, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from portal.config import load_config

    load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    from portal import converters

    converters.register(app)  # before the blueprints: `<int:…>` ids stay within the database's integer
    _register_blueprints(app)

    from portal import cli, errors, observability, unit_of_work, web

    errors.register(app)
    observability.register(app)
    web.register(app)
    cli.register(app)
    unit_of_work.register(app)  # last: its commit runs before the other after_request functions
    _trust_proxies(app)
    _refuse_untrusted_hosts(app)
    _warn_about_risky_production_settings(app)
    return app


def _refuse_untrusted_hosts(app):
    from flask import Response
    from flask_babel import gettext as _
    from werkzeug.exceptions import SecurityError

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # A Host outside TRUSTED_HOSTS leaves no URL adapter: the usual error page (which builds
        # links) cannot render, so answer in plain text.
        return Response(_("Alamat situs (Host) tidak dikenal oleh portal ini."), 400, mimetype="text/plain")


def _trust_proxies(app):
    # Behind N reverse proxies the socket address is the proxy's: without this, every resident
    # shares one rate-limit budget. Only trust as many X-Forwarded-* hops as there are proxies.
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _warn_about_risky_production_settings(app):
    import logging

    if app.config["PORTAL_ENV"] != "production":
        return
    log = logging.getLogger("portal.startup")
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        # Each worker counts on its own: with 4 gunicorn workers, 27 of 45 wrong logins passed.
        log.warning(
            "RATELIMIT_STORAGE_URI is memory:// in production: every worker keeps its own counters, "
            "so rate limits are several times weaker; set it to redis://…"
        )


def _init_extensions(app):
    from portal import i18n, mailer, uploads
    from portal.accounts.login import init_login
    from portal.db import configure_sqlite
    from portal.extensions import babel, csrf, db, limiter, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "portal" / "translations"),
    )
    init_login(app)
    mailer.init_outbox(app)
    uploads.listen_to_sessions()
    with app.app_context():
        configure_sqlite(db.engine)
    _import_models()


def _import_models():
    # Every model module, so metadata (and Alembic) sees all tables.
    import forum.models  # noqa: F401
    import konsultasi.models  # noqa: F401
    import portal.accounts.models  # noqa: F401
    import portal.audit  # noqa: F401
    import portal.feedback.models  # noqa: F401
    import portal.idempotency  # noqa: F401
    import portal.jobs.models  # noqa: F401
    import portal.notifications.models  # noqa: F401
    import portal.organisation.models  # noqa: F401
    import portal.pembinaan.models  # noqa: F401
    import portal.responses.models  # noqa: F401
    import portal.search.models  # noqa: F401
    import portal.workdays.models  # noqa: F401


def _register_blueprints(app):
    from portal import accounts, admin, jobs, main, notifications
    from portal.i18n import bp as i18n_bp

    jobs.init_app(app)  # first: capabilities register their periodic jobs on it
    main.init_app(app)
    app.register_blueprint(i18n_bp)
    accounts.init_app(app)
    admin.init_app(app)
    notifications.init_app(app)

    # Each capability mounts its own blueprints, navigation, CLI and demo seeder.
    import forum
    import konsultasi
    from portal import api, feedback, search, workdays

    workdays.init_app(app)
    forum.init_app(app)
    konsultasi.init_app(app)
    feedback.init_app(app)
    search.init_app(app)
    api.init_app(app)
    from portal import pembinaan

    pembinaan.init_app(app)
