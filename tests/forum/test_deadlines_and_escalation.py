"""Issue 12 points 17 and 18 (forum): the answer deadline runs from the opening; overdue threads escalate."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import services
from forum.models import ThreadEscalation
from portal.audit import AuditEntry
from portal.db import utcnow
from portal.notifications.models import Notification
from portal.responses.models import Assignment
from portal.web import wib
from portal.workdays.calendar import add_working_days
from tests.clicking import Visitor
from tests.conftest import PASSWORD


def sign_in(client, user):
    visitor = Visitor(client).start()
    return visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")


def escalation_bell(db, user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "escalation")
    ).all()


@pytest.fixture
def old_thread(make_thread):
    """A thread opened ten days ago and still without an official answer."""
    return make_thread(title="Obat di puskesmas sering kosong", now=utcnow() - timedelta(days=10))


def test_reassigning_by_clicking_keeps_the_deadline_from_the_opening(client, db, old_thread, officer, atasan):
    opened_deadline = add_working_days(old_thread.created_at, 2)
    assert old_thread.deadline_at == opened_deadline

    visitor = sign_in(client, atasan.user)
    visitor.click("Forum").click("Kesehatan").click(old_thread.title).click("Tugaskan")
    visitor.fill("Tugaskan kepada", str(officer.id)).press("Tugaskan")
    visitor.see(f"Tenggat: {wib(opened_deadline)}")  # the flash
    visitor.see(f"Jawaban resmi paling lambat {wib(opened_deadline)}")  # the thread page

    db.session.expire_all()
    current = db.session.scalar(select(Assignment).where(Assignment.asn_id == officer.id))
    assert current.deadline_at == opened_deadline and old_thread.deadline_at == opened_deadline

    with client.session_transaction() as session:
        session.clear()
    queue = sign_in(client, officer.user).click("Perlu ditanggapi")
    queue.see(old_thread.title, wib(opened_deadline), "lewat tenggat")
    queue.see("10 hari")  # waiting since the opening, not since the reassignment a moment ago


def test_moving_to_another_unit_counts_that_units_deadline_from_the_opening(
    client, login, db, old_thread, other_category, moderator
):
    login(moderator)
    assert client.post(f"/forum/t/{old_thread.id}/pindah", data={"category": str(other_category.id)}).status_code == 303
    db.session.expire_all()
    assert old_thread.deadline_at == add_working_days(old_thread.created_at, 2)
    current = db.session.scalar(select(Assignment).where(Assignment.ended_at.is_(None)))
    assert current.unit_id == other_category.unit_id and current.deadline_at == old_thread.deadline_at


def test_overdue_threads_escalate_to_the_atasan_then_the_unit_head_once_per_level(
    app, client, db, old_thread, make_thread, officer, atasan, make_asn, unit
):
    head = make_asn(unit=unit, name="Kepala Dinas Kesehatan", jabatan="Kepala Dinas")
    atasan.supervisor = head
    db.session.commit()
    services.assign_thread(
        head.user, old_thread, asn=officer, now=old_thread.created_at + timedelta(hours=1), notify=False
    )
    answered = make_thread(title="Sudah dijawab resmi", now=utcnow() - timedelta(days=10))
    services.reply(officer.user, answered, "Jawaban resmi kami.", official=True, notify=False)
    fresh = make_thread(title="Baru saja dibuka")
    db.session.commit()

    runner = app.test_cli_runner()
    first = runner.invoke(args=["forum", "escalate"])
    assert first.exit_code == 0 and "2 eskalasi utas baru" in first.output, first.output
    rows = db.session.scalars(select(ThreadEscalation).order_by(ThreadEscalation.level)).all()
    assert [(row.thread_id, row.level, row.notified_user_id) for row in rows] == [
        (old_thread.id, 1, atasan.user_id),
        (old_thread.id, 2, head.user_id),
    ]
    assert {row.thread_id for row in rows}.isdisjoint({answered.id, fresh.id})
    second = runner.invoke(args=["forum", "escalate"])
    assert second.exit_code == 0 and "0 eskalasi utas baru" in second.output
    assert len(escalation_bell(db, atasan.user)) == 1 and len(escalation_bell(db, head.user)) == 1
    assert escalation_bell(db, officer.user) == []
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "forum.thread.escalate")) == 2

    visitor = sign_in(client, atasan.user)
    visitor.click("Pemberitahuan").press("melewati tenggat")
    visitor.see(old_thread.title, "Jawaban resmi paling lambat")


def test_level_two_waits_for_more_working_days_past_the_deadline(db, make_thread, officer, atasan):
    thread = make_thread(title="Baru lewat tenggat")
    just_late = thread.deadline_at + timedelta(hours=1)
    created = services.escalate_overdue_threads(now=just_late)
    assert [(row.level, row.notified_user_id) for row in created] == [(1, atasan.user_id)]
    assert services.escalate_overdue_threads(now=just_late + timedelta(minutes=5)) == []
    later = add_working_days(thread.deadline_at, 3)
    assert [row.level for row in services.escalate_overdue_threads(now=later)] == [2]
