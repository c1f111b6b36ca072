"""Write response tracking rows. They flush but never commit."""

from sqlalchemy import select, update

from portal.db import utcnow
from portal.extensions import db
from portal.responses.models import Assignment, ResponseEvent
from portal.workdays.calendar import working_seconds_between


class InvalidRating(ValueError):
    """A rating outside 1–5."""


def current_assignment(source, item_type, item_id):
    """Return the item's open assignment, or None."""
    return db.session.scalar(
        select(Assignment)
        .where(Assignment.source == source, Assignment.item_type == item_type, Assignment.item_id == item_id)
        .where(Assignment.ended_at.is_(None), Assignment.answered_at.is_(None))
        .order_by(Assignment.assigned_at.desc())
    )


def assign_item(*, source, item_type, item_id, title, url, unit, asn=None, assigned_by=None, deadline_at=None, now=None):
    """Give an item to a unit (and optionally a named ASN), ending any earlier open assignment."""
    now = now or utcnow()
    db.session.execute(
        update(Assignment)
        .where(Assignment.source == source, Assignment.item_type == item_type, Assignment.item_id == item_id)
        .where(Assignment.ended_at.is_(None), Assignment.answered_at.is_(None))
        .values(ended_at=now)
    )
    assignment = Assignment(
        source=source, item_type=item_type, item_id=item_id, title=title[:200], url=url,
        unit_id=unit.id if unit else None, asn_id=asn.id if asn else None,
        assigned_by_id=getattr(assigned_by, "id", None), assigned_at=now, deadline_at=deadline_at,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def end_assignments(source, item_type, item_id, now=None):
    """Close every open assignment of an item (it was closed, rejected or removed)."""
    db.session.execute(
        update(Assignment)
        .where(Assignment.source == source, Assignment.item_type == item_type, Assignment.item_id == item_id)
        .where(Assignment.ended_at.is_(None), Assignment.answered_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def record_response(*, source, item_type, item_id, answer_id, title, url, asn, opened_at, deadline_at=None, now=None):
    """Record an ASN's official answer: timed from `opened_at`, the start of the deadline it is judged by.

    `opened_at` is when the item's deadline started (a thread's opening, a report's verification):
    the clock never restarts on (re)assignment, so a late hand-over shows as a late answer.
    """
    now = now or utcnow()
    assignment = current_assignment(source, item_type, item_id)
    started_at = opened_at
    if assignment is not None:
        deadline_at = assignment.deadline_at or deadline_at
        assignment.answered_at = now
    already_answered = db.session.scalar(
        select(ResponseEvent.id).where(
            ResponseEvent.source == source, ResponseEvent.item_type == item_type, ResponseEvent.item_id == item_id
        ).limit(1)
    )
    event = ResponseEvent(
        source=source, item_type=item_type, item_id=item_id, answer_id=answer_id, title=title[:200], url=url,
        unit_id=asn.unit_id, asn_id=asn.id, assignment_id=assignment.id if assignment else None,
        started_at=started_at, answered_at=now,
        response_seconds=max(0, int((now - started_at).total_seconds())),
        working_seconds=working_seconds_between(started_at, now),
        deadline_at=deadline_at, deadline_met=None if deadline_at is None else now <= deadline_at,
        is_first=already_answered is None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def rate_response(event, rating, comment=None, rated_by=None, now=None):
    """Store the citizen's 1–5 rating of an answer (a later rating replaces the earlier one)."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRating(rating)
    event.rating = rating
    event.rating_comment = (comment or "").strip() or None
    event.rated_at = now or utcnow()
    event.rated_by_id = getattr(rated_by, "id", None)
    return event


def event_for_answer(source, answer_id):
    """Return the response event recorded for an answer row, or None."""
    return db.session.scalar(
        select(ResponseEvent).where(ResponseEvent.source == source, ResponseEvent.answer_id == answer_id)
    )
