"""Who hears of an overdue item, level by level: feedback and forum threads climb the same ladder.

DOMAIN.md §4: overdue items escalate to the assignee's atasan, then the unit head, once per level.
Each capability stores what it escalated (unique per item, deadline and level), so a cron job
run twice sends nothing twice; this module only decides who is next.
"""

from flask import current_app

from portal.organisation.queries import list_unit_asn
from portal.workdays.calendar import holidays_between, wib_date, working_days_between


def level2_working_days():
    """Return how many working days past the deadline level 2 (the unit head) follows level 1."""
    return current_app.config.get("FEEDBACK_ESCALATION_LEVEL2_WORKING_DAYS", 2)


def unit_head(unit_id):
    """The head of a unit: the ASN of the unit whose atasan is outside it (or who has none)."""
    profiles = list_unit_asn(unit_id)
    heads = [p for p in profiles if p.supervisor is None or p.supervisor.unit_id != unit_id]
    return min(heads, key=lambda p: p.id) if heads else None


def holidays_for_run(deadlines, now):
    """Return the holidays from the earliest deadline to now: one query for a whole escalation run."""
    deadlines = [deadline for deadline in deadlines if deadline is not None and deadline < now]
    if not deadlines:
        return set()
    return holidays_between(wib_date(min(deadlines)), wib_date(now))


def escalation_levels(assignee, head, deadline, now, level2_after=None, holidays=None):
    """Return the (level, AsnProfile) pairs due now for an item overdue since `deadline`.

    Level 1 is the assignee's atasan (the unit head when nobody in particular has the item);
    level 2, the unit head, once the item is still overdue `level2_after` working days later.
    A run over many items passes `holidays` from holidays_for_run, so no item queries the calendar.
    """
    level2_after = level2_working_days() if level2_after is None else level2_after
    first = assignee.supervisor if assignee is not None and assignee.supervisor is not None else head
    levels = [(1, first)]
    if working_days_between(deadline, now, holidays) >= level2_after:
        levels.append((2, head))
    return levels
