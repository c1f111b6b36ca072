"""Which deadlines for answering the public apply (DOMAIN.md §4, configurable per unit and service).

Feedback and forum threads read the same policies: the admin sets them in one place.
"""

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.workdays.models import DeadlinePolicy


@dataclass(frozen=True)
class Deadlines:
    # Defaults follow SP4N-LAPOR! practice and Perpres 76/2013 (DOMAIN.md §4).
    verify_working_days: int = 3
    answer_working_days: int = 5
    close_calendar_days: int = 60
    forum_answer_working_days: int = 2  # first official answer in a unit's forum category


def deadlines_for(unit_id, service_id=None):
    """Return the service's own policy, else the unit's, else the defaults."""
    policies = db.session.scalars(
        select(DeadlinePolicy).where(DeadlinePolicy.unit_id == unit_id)
    ).all()
    by_service = {p.service_id: p for p in policies}
    policy = by_service.get(service_id) if service_id is not None else None
    policy = policy or by_service.get(None)
    if policy is None:
        return Deadlines()
    return Deadlines(policy.verify_working_days, policy.answer_working_days, policy.close_calendar_days,
                     policy.forum_answer_working_days)
