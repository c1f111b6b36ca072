"""The /admin/ area for HR (BKPSDM): users and roles, organisation, audit log."""

from flask import Blueprint
from flask_login import current_user

from portal.permissions import can_access_admin, require

bp = Blueprint("admin", __name__)


@bp.before_request
def admins_only():
    # Every /admin/ page needs an admin; single views may check finer rules on top.
    require(can_access_admin(current_user))


def init_app(app):
    """Mount the admin pages under /admin."""
    from portal.admin import organisation_views, views  # noqa: F401  (views attach routes to bp)

    app.register_blueprint(bp, url_prefix="/admin")
