"""Working days (hari kerja) in WIB: Monday–Friday minus holidays and cuti bersama, and the deadline policies.

DOMAIN.md §4, following SP4N-LAPOR! practice and Perpres 76/2013: deadlines for answering
the public count working days; a deadline on a day off moves to the next working day. Feedback
and forum read their deadlines here (`deadlines.deadlines_for`); admins keep the holiday
calendar and the policies on /admin/hari-libur and /admin/tenggat.
"""

from flask import Blueprint

bp = Blueprint("workdays", __name__)


def init_app(app):
    """Mount the admin pages for holidays and deadline policies under /admin."""
    from portal.workdays import views  # noqa: F401  (views attach routes to the blueprint)

    app.register_blueprint(bp, url_prefix="/admin")
