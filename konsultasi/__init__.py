"""Konsultasi publik: events with registration, a draft document to comment on, live Q&A and a report.

Mounted at /konsultasi by create_app through init_app.
"""

from flask import Blueprint

bp = Blueprint("konsultasi", __name__)


def init_app(app):
    """Mount the konsultasi pages, add them to the navigation, and hook into accounts and demo data."""
    from flask_babel import lazy_gettext as _l

    from konsultasi import views  # noqa: F401  (views attach routes to the blueprint)
    from konsultasi.demo import seed_konsultasi
    from konsultasi.services import anonymise_account
    from portal.accounts.services import ACCOUNT_DELETION_HOOKS, register_personal_data
    from portal.demo import DEMO_SEEDERS
    from portal.web import add_nav_item

    app.register_blueprint(bp, url_prefix="/konsultasi")
    add_nav_item(app, "konsultasi.index", _l("Konsultasi"), order=20)
    # The hook lists are module-wide and create_app runs once per test: register once.
    if anonymise_account not in ACCOUNT_DELETION_HOOKS:
        ACCOUNT_DELETION_HOOKS.append(anonymise_account)
    from konsultasi.personal_data import export_konsultasi_data  # UU 27/2022: the person's data download
    register_personal_data(export=export_konsultasi_data)
    if seed_konsultasi not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seed_konsultasi)
