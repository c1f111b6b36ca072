"""Read-only queries for feedback pages."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, true
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.extensions import db
from portal.feedback.models import Feedback
from portal.organisation.models import AsnProfile
from portal.organisation.queries import list_unit_atasan
from portal.pagination import paginate
from portal.workdays.calendar import wib_day_bounds

OPEN_STATUSES = ("diterima", "diverifikasi", "diproses", "ditindaklanjuti")


def find_feedback(number):
    """Return the feedback with this tracking number (any case), or None."""
    return db.session.scalar(
        select(Feedback).where(Feedback.tracking_number == (number or "").strip().upper())
        .options(selectinload(Feedback.history), selectinload(Feedback.answers), selectinload(Feedback.attachments))
    )


def get_feedback_or_404(number):
    """Return the feedback with this tracking number (any case), or abort 404."""
    feedback = find_feedback(number)
    if feedback is None:
        abort(404)
    return feedback


def list_public_feedback(*, unit=None, service=None, type=None, status=None, period=None, page=1, per_page=20):
    """Paginate public feedback, newest first, with the filters given."""
    # `= true`, not `IS TRUE`: PostgreSQL can only search an index with the former.
    query = select(Feedback).where(Feedback.is_public == true())
    if unit is not None:
        query = query.where(Feedback.unit_id == unit.id)
    if service is not None:
        query = query.where(Feedback.service_id == service.id)
    if type:
        query = query.where(Feedback.type == type)
    if status:
        query = query.where(Feedback.status == status)
    if period is not None:
        start, end = wib_day_bounds(period.start, period.end)
        query = query.where(Feedback.created_at >= start, Feedback.created_at < end)
    query = query.order_by(Feedback.created_at.desc(), Feedback.id.desc())
    return paginate(query, page=page, per_page=per_page)


def list_inbox(user, *, status=None, mine=False, page=1, per_page=25):
    """The unit's open items sorted by the deadline that matters now, soonest (most overdue) first."""
    deadline = case(
        (Feedback.status == "diterima", Feedback.verify_deadline_at),
        (Feedback.status.in_(("diverifikasi", "diproses")), Feedback.answer_deadline_at),
        else_=None,
    )
    query = select(Feedback).where(Feedback.status.in_(OPEN_STATUSES))
    if user.has_role("asn") and user.asn_profile is not None and not user.has_role("moderator"):
        query = query.where(Feedback.unit_id == user.asn_profile.unit_id)
    if mine and user.asn_profile is not None:
        query = query.where(Feedback.assigned_asn_id == user.asn_profile.id)
    if status in OPEN_STATUSES:
        query = query.where(Feedback.status == status)
    # Items with a running deadline first (NULLs last on both databases), then the oldest.
    query = query.order_by(deadline.is_(None), deadline, Feedback.created_at)
    return paginate(query, page=page, per_page=per_page)


def list_my_feedback(user, page=1):
    """The signed-in resident's own feedback, newest first."""
    query = select(Feedback).where(Feedback.submitter_id == user.id).order_by(Feedback.created_at.desc())
    return paginate(query, page=page, per_page=20)


@dataclass(frozen=True)
class NextStep:
    """Who must act next on a feedback item, by name, for the handling page."""

    kind: str  # "verify", "take_or_assign", "answer", "resident" or "done"
    assignee: AsnProfile | None
    assigners: list


def next_step(feedback):
    """Say who must act next on the item: the unit's ASN, the assignee, the atasan, or the resident."""
    if feedback.status == "diterima":
        return NextStep("verify", None, [])
    if feedback.status in ("diverifikasi", "diproses"):
        # The unit's atasan with an account may (re)assign its feedback, besides moderators.
        assigners = list_unit_atasan(feedback.unit_id)
        if feedback.assigned_asn is None:
            return NextStep("take_or_assign", None, assigners)
        return NextStep("answer", feedback.assigned_asn, assigners)
    if feedback.status == "ditindaklanjuti":
        return NextStep("resident", feedback.assigned_asn, [])
    return NextStep("done", feedback.assigned_asn, [])


def is_overdue(feedback, now=None):
    deadline = feedback.current_deadline
    return deadline is not None and deadline < (now or utcnow())


def is_past_close_deadline(feedback, now=None):
    """Whether an open case has passed its closing deadline (60 calendar days, DOMAIN.md §4)."""
    deadline = feedback.close_deadline_at
    open_case = feedback.status not in ("selesai", "ditolak")
    return open_case and deadline is not None and deadline < (now or utcnow())


@dataclass(frozen=True)
class HistoryStep:
    at: datetime
    status: str
    label: str
    note: str | None


# Steps the resident takes with a note in their own words (the reopen reason). UU 27/2022: what a
# resident writes may name them or their illness, so only the owner and the staff read it.
RESIDENT_NOTE_STEPS = {("ditindaklanjuti", "diproses"), ("selesai", "diproses")}
RESIDENT_NOTE_PUBLIC = _l("Dibuka kembali oleh pelapor.")


def public_history(feedback, *, show_resident_notes=False):
    """The status steps without who took them; the resident's own notes only when allowed."""
    steps = []
    for change in feedback.history:
        note = change.note
        if (change.from_status, change.to_status) in RESIDENT_NOTE_STEPS and not show_resident_notes:
            note = str(RESIDENT_NOTE_PUBLIC)
        steps.append(HistoryStep(change.created_at, change.to_status, str(change.to_label), note))
    return steps


