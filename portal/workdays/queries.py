"""Read-only queries on the holiday calendar and the deadline policies."""

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.workdays.models import DeadlinePolicy, Holiday


def list_holidays(year=None):
    """List the holidays by date, of one year or of every year."""
    query = select(Holiday).order_by(Holiday.day)
    if year:
        query = query.where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
    return db.session.scalars(query).all()


def get_holiday_or_404(holiday_id):
    """Return the holiday or abort with 404."""
    return db.get_or_404(Holiday, holiday_id)


def list_deadline_policies():
    """List every deadline policy, by unit and then service (the unit's own first)."""
    return db.session.scalars(
        select(DeadlinePolicy).order_by(DeadlinePolicy.unit_id, DeadlinePolicy.service_id)
    ).all()
