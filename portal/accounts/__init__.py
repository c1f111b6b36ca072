"""Accounts: registration, e-mail verification, login, password reset, profile, deletion."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import views  # noqa: E402,F401  (views attach routes to bp)
