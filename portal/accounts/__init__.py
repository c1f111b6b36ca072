"""Accounts: registration, e-mail verification, login, password reset, profile, deletion."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


def init_app(app):
    """Mount the account pages under /akun."""
    from portal.accounts import views  # noqa: F401  (views attach routes to bp)

    app.register_blueprint(bp, url_prefix="/akun")
