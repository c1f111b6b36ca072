"""Public pages that belong to no single capability: home, directory of services."""

from flask import Blueprint

bp = Blueprint("main", __name__)


def init_app(app):
    """Mount the home page and the directory of services."""
    from portal.main import views  # noqa: F401  (views attach routes to bp)

    app.register_blueprint(bp)
