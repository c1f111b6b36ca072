"""Issue 12 points 20 and 18 (feedback): response time runs from the start of the deadline it is judged
against, never from assignment; the 60-day closing deadline of feedback is shown to staff and escalates."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import services as forum_services
from forum.models import Category
from portal.db import utcnow
from portal.feedback import services as feedback_services
from portal.feedback.models import Escalation
from portal.notifications.models import Notification
from portal.responses.models import ResponseEvent
from portal.web import wib
from tests.clicking import Visitor
from tests.conftest import PASSWORD

DAY = 24 * 3600


@pytest.fixture
def unit(make_unit):
    return make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas",))


@pytest.fixture
def atasan(make_asn, unit):
    return make_asn(unit=unit, name="Bagus Atasan", jabatan="Kepala Bidang")


@pytest.fixture
def officer(make_asn, unit, atasan):
    return make_asn(unit=unit, supervisor=atasan, name="Rina Petugas", jabatan="Analis Pelayanan")


@pytest.fixture
def resident(db, make_user):
    user = make_user(name="Sari Warga", email="sari@contoh.id")
    user.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return user


def sign_in(client, user):
    visitor = Visitor(client).start()
    return visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")


def test_a_forum_answer_after_a_late_assignment_counts_from_the_opening_and_shows_as_late(
    client, login, db, unit, atasan, officer, resident
):
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit)
    db.session.add(category)
    opened = utcnow() - timedelta(days=10)
    thread = forum_services.open_thread(
        resident, category, title="Stok vaksin habis", body="Kapan tersedia lagi?", now=opened, notify=False
    )
    forum_services.assign_thread(atasan.user, thread, asn=officer, now=utcnow() - timedelta(hours=1), notify=False)
    db.session.commit()

    login(officer.user)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Stok datang besok pagi.", "official": "y"})
    assert response.status_code == 303
    event = db.session.scalar(select(ResponseEvent))
    assert event.started_at == thread.created_at
    assert event.response_seconds >= 10 * DAY - 60
    assert event.deadline_at == thread.deadline_at and event.deadline_met is False
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "sejak utas dibuka" in html and "melewati tenggat" in html and "sejak ditugaskan" not in html


def test_a_feedback_answer_after_a_late_assignment_counts_from_verification(client, login, db, unit, atasan, officer):
    verified = utcnow() - timedelta(days=12)
    feedback, _ = feedback_services.submit_feedback(
        unit=unit,
        type="keluhan",
        title="Antrean loket lama",
        body="Saya menunggu tiga jam.",
        now=verified - timedelta(hours=2),
    )
    feedback_services.verify_feedback(atasan.user, feedback, now=verified)
    feedback_services.assign_feedback(atasan.user, feedback, officer, now=utcnow() - timedelta(hours=1))
    db.session.commit()

    login(officer.user)
    response = client.post(
        f"/masukan/{feedback.tracking_number}/jawab", data={"body": "Kami menambah satu loket mulai pekan depan."}
    )
    assert response.status_code == 303
    event = db.session.scalar(select(ResponseEvent))
    assert event.started_at == verified and event.response_seconds >= 12 * DAY - 60
    assert event.deadline_met is False  # answered days after the 5-working-day deadline


def test_the_closing_deadline_is_shown_to_staff_and_escalates_once_per_level(
    app, client, db, unit, atasan, officer, make_asn
):
    head = make_asn(unit=unit, name="Kepala Dinas", jabatan="Kepala Dinas")
    atasan.supervisor = head
    db.session.commit()
    verified = utcnow() - timedelta(days=70)
    feedback, _ = feedback_services.submit_feedback(
        unit=unit,
        type="keluhan",
        title="Saluran air tersumbat",
        body="Sudah dua bulan belum diperbaiki.",
        now=verified - timedelta(hours=2),
    )
    feedback_services.verify_feedback(atasan.user, feedback, now=verified)
    feedback_services.assign_feedback(atasan.user, feedback, officer, now=verified + timedelta(hours=1))
    db.session.commit()
    assert feedback.close_deadline_at < utcnow()

    runner = app.test_cli_runner()
    assert runner.invoke(args=["feedback", "escalate"]).exit_code == 0
    kinds = {(row.deadline_kind, row.level, row.notified_user_id) for row in db.session.scalars(select(Escalation))}
    assert {("close", 1, atasan.user_id), ("close", 2, head.user_id)} <= kinds
    assert "0 eskalasi baru" in runner.invoke(args=["feedback", "escalate"]).output
    messages = db.session.scalars(
        select(Notification.message).where(Notification.user_id == atasan.user_id, Notification.kind == "escalation")
    ).all()
    assert any("penyelesaian 60 hari" in message for message in messages)

    visitor = sign_in(client, officer.user)
    visitor.click("Kotak masukan").click(feedback.tracking_number)
    visitor.see("Batas penyelesaian kasus", wib(feedback.close_deadline_at), "Lewat batas penyelesaian")
