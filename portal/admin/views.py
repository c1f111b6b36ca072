from flask import render_template
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.admin import bp
from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit


@bp.get("/")
def dashboard():
    counts = {
        "users": db.session.scalar(select(func.count(User.id)).where(User.deleted_at.is_(None))),
        "units": db.session.scalar(select(func.count(Unit.id))),
        "services": db.session.scalar(select(func.count(Service.id))),
        "asn": db.session.scalar(select(func.count(AsnProfile.id))),
    }
    return render_template("admin/dashboard.html", counts=counts)
