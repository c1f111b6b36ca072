"""Keeping the holiday calendar and the deadline policies. Services flush but never commit; the caller commits once."""

from sqlalchemy import exc, select

from portal.audit import record_audit
from portal.extensions import db
from portal.organisation.models import Service
from portal.workdays.models import DeadlinePolicy, Holiday


class HolidayExists(Exception):
    """The date is already in the calendar (one entry per day)."""


class ServiceNotOfUnit(Exception):
    """The chosen service belongs to another unit."""


class PolicyChangedConcurrently(Exception):
    """Someone else saved a policy for the same unit and service at the same moment."""


def add_holiday(actor, day, name, kind="libur_nasional"):
    """Add a holiday or cuti bersama day to the calendar; deadlines computed from now on skip it."""
    if db.session.scalar(select(Holiday.id).where(Holiday.day == day)) is not None:
        raise HolidayExists(day)
    holiday = Holiday(day=day, name=name, kind=kind)
    db.session.add(holiday)
    db.session.flush()
    record_audit(actor, "holiday.create", holiday, after={"day": holiday.day.isoformat(), "name": holiday.name})
    return holiday


def delete_holiday(actor, holiday):
    """Remove a day from the calendar, keeping what it was in the audit log."""
    record_audit(actor, "holiday.delete", holiday, before={"day": holiday.day.isoformat(), "name": holiday.name})
    db.session.delete(holiday)
    db.session.flush()


def _policy_values(policy):
    return {"verify": policy.verify_working_days, "answer": policy.answer_working_days,
            "close": policy.close_calendar_days, "forum_answer": policy.forum_answer_working_days}


def save_deadline_policy(actor, unit_id, service_id, *, verify_working_days, answer_working_days,
                         close_calendar_days, forum_answer_working_days):
    """Create or update the deadlines of a unit (service_id None) or of one of its services."""
    if service_id is not None and db.session.scalar(
        select(Service.id).where(Service.id == service_id, Service.unit_id == unit_id)
    ) is None:
        raise ServiceNotOfUnit(service_id)
    policy = db.session.scalar(select(DeadlinePolicy).filter_by(unit_id=unit_id, service_id=service_id))
    before = None
    if policy is None:
        policy = DeadlinePolicy(unit_id=unit_id, service_id=service_id)
        db.session.add(policy)
    else:
        before = _policy_values(policy)
    policy.verify_working_days = verify_working_days
    policy.answer_working_days = answer_working_days
    policy.close_calendar_days = close_calendar_days
    policy.forum_answer_working_days = forum_answer_working_days
    try:
        db.session.flush()
    except exc.IntegrityError as error:  # the caller rolls back: the (unit, service) constraint won the race
        raise PolicyChangedConcurrently(unit_id, service_id) from error
    record_audit(actor, "deadline_policy.save", policy, before=before, after=_policy_values(policy))
    return policy
