"""notify_many writes every notification in one INSERT: a crowd costs the statements of two people."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.services import notify_many
from tests.querycount import count_queries


def _statements_for(db, make_user, set_preferences, n):
    """Notify n people (no mail now, which adds a job each: bell only, digests, or mail switched off)."""
    people = [make_user() for _ in range(n)]
    for index, person in enumerate(people):
        if index % 3 == 0:
            set_preferences(person, reply=(True, "daily"))
        elif index % 3 == 1:
            set_preferences(person, reply=(False, "off"))
        else:
            set_preferences(person, email_notifications=False)
    ids = [person.id for person in people]
    db.session.expire_all()
    loaded = db.session.scalars(select(User).where(User.id.in_(ids))).all()  # as callers hold them: loaded
    with count_queries(db.engine) as statements:
        told = notify_many(loaded, "reply", "Balasan baru", "/forum/t/1")
        db.session.flush()
    assert told == n
    written = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id.in_(ids)))
    db.session.rollback()
    return statements, written


def test_notifying_20_people_costs_the_statements_of_2(db, make_user, set_preferences):
    few, written_few = _statements_for(db, make_user, set_preferences, 2)
    many, written_many = _statements_for(db, make_user, set_preferences, 20)
    assert (written_few, written_many) == (2, 20)
    assert len(few) == len(many), many
    assert sum(s.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS") for s in many) == 1


@pytest.mark.parametrize("people", [[], [None]])
def test_nobody_to_notify_sends_nothing(db, people):
    with count_queries(db.engine) as statements:
        assert notify_many(people, "reply", "Balasan baru", "/forum/t/1") == 0
    assert statements == []
