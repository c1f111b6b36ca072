"""In-app notifications (the bell), their e-mail copies and digests, and each person's preferences."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)


def init_app(app):
    """Mount the notification pages under /notifikasi and hook into the person's data download and erasure."""
    from portal.accounts.services import register_personal_data
    from portal.notifications import views  # noqa: F401  (views attach routes to bp)
    from portal.notifications.personal_data import erase_notification_preferences, export_notification_preferences

    app.register_blueprint(bp, url_prefix="/notifikasi")
    register_personal_data(export=export_notification_preferences, erase=erase_notification_preferences)  # UU 27/2022
    _schedule(app)


def _schedule(app):
    from functools import partial

    from portal.jobs import periodic_job
    from portal.notifications.digests import send_digests

    # Crontab fields are UTC: 00.00 UTC is 07.00 WIB; day_of_week 1 is Monday.
    periodic_job(app, "notifications.digest_daily", every="day", hour="0", minute="0")(partial(send_digests, "daily"))
    periodic_job(app, "notifications.digest_weekly", every="week", day_of_week="1", hour="0", minute="5")(
        partial(send_digests, "weekly"))
