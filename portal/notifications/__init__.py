"""In-app notifications (the bell) and their e-mail copies."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)


def init_app(app):
    """Mount the notification pages under /notifikasi."""
    from portal.notifications import views  # noqa: F401  (views attach routes to bp)

    app.register_blueprint(bp, url_prefix="/notifikasi")
