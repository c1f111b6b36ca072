"""Public pages that belong to no single capability: home, directory of services."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import views  # noqa: E402,F401  (views attach routes to bp)
