"""In-app notifications (the bell) and their e-mail copies."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from portal.notifications import views  # noqa: E402,F401  (views attach routes to bp)
