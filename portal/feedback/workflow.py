"""The feedback workflow as one table: each action, the statuses it starts from, where it leads, who takes it.

SP4N-LAPOR! practice (DOMAIN.md §4): the unit's ASN verify or reject a new report, an atasan or
a moderator assigns it (or an ASN of the unit takes it), the assignee answers, and the resident
confirms or reopens once. The service refuses any other step (InvalidTransition); the
permission predicates (portal.permissions, `can_<action>_feedback`) read the same table, so a
button shows exactly when the service would accept the step.

This module imports nothing from the app: permissions.py and services.py both read it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """One step of the workflow."""

    sources: frozenset  # the statuses it may start from
    target: str | None  # the status it leads to; None: the status stays (a rating)
    actor: str  # who takes it, a key of permissions.FEEDBACK_ACTORS; "system" is a scheduled job


def _action(sources, target, actor):
    return Action(frozenset(sources), target, actor)


ACTIONS = {
    # The unit's ASN (or a moderator) check a new report within 3 working days (DOMAIN.md §4).
    "verify": _action({"diterima"}, "diverifikasi", "handler"),
    "reject": _action({"diterima", "diverifikasi"}, "ditolak", "handler"),
    # Assigning again while in process hands the item over to another ASN.
    "assign": _action({"diverifikasi", "diproses"}, "diproses", "assigner"),
    "take": _action({"diverifikasi", "diproses"}, "diproses", "unit_asn"),
    "answer": _action({"diproses"}, "ditindaklanjuti", "assignee"),
    "rate": _action({"ditindaklanjuti", "selesai"}, None, "resident"),
    "confirm": _action({"ditindaklanjuti"}, "selesai", "resident"),
    # Once only (services.reopen_feedback counts it), also after the case was closed.
    "reopen": _action({"ditindaklanjuti", "selesai"}, "diproses", "resident"),
    "auto_close": _action({"ditindaklanjuti"}, "selesai", "system"),
}

# Every allowed (from, to) status pair, and nothing else.
TRANSITIONS = frozenset(
    (source, action.target) for action in ACTIONS.values() if action.target for source in action.sources
)


def allows(action, status):
    """Say whether the action may start from this status."""
    return status in ACTIONS[action].sources


def actions_from(status):
    """The names of the actions that may start from this status."""
    return sorted(name for name, action in ACTIONS.items() if status in action.sources)
