"""The JSON API for partner apps (/api/v1): CSRF-exempt, rate limited, JSON errors."""

from flask import Blueprint, current_app

from portal.extensions import csrf, limiter

bp = Blueprint("api", __name__)


def _api_rate_limit():
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


def init_app(app):
    from portal.api import openapi, views  # noqa: F401  (attach routes)

    csrf.exempt(bp)
    limiter.limit(_api_rate_limit)(bp)
    app.register_blueprint(bp, url_prefix="/api")
