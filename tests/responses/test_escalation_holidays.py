"""The escalation jobs read the holiday calendar once per run, not once per overdue item."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import services as forum_services
from forum.models import Category, ThreadEscalation
from portal.db import utcnow
from portal.feedback import services as feedback_services
from portal.feedback.models import Escalation
from portal.workdays.models import Holiday
from tests.querycount import count_queries


@pytest.fixture
def unit(db, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas",))
    head = make_asn(unit=unit, name="Kepala Dinas", jabatan="Kepala Dinas")
    make_asn(unit=unit, supervisor=head, name="Rina Petugas", jabatan="Analis Pelayanan")
    # A holiday inside the overdue period, so the calendar matters to the working-day count.
    db.session.add(Holiday(day=(utcnow() - timedelta(days=5)).date(), name="Libur uji"))
    db.session.commit()
    return unit


def add_overdue_feedback(db, unit, n):
    for i in range(n):
        feedback_services.submit_feedback(unit=unit, service=unit.services[0], type="keluhan", title=f"Antrean {i}",
                                          body="Lama sekali.", contact_email=f"pelapor{i}@contoh.id",
                                          now=utcnow() - timedelta(days=20 + i % 5))
    db.session.commit()


def add_overdue_threads(db, unit, make_user, n):
    category = db.session.scalar(select(Category).where(Category.unit_id == unit.id))
    if category is None:
        category = Category(name="Kesehatan", slug="kesehatan", unit=unit, description="Pertanyaan.")
        db.session.add(category)
    for i in range(n):
        author = make_user(name=f"Warga {i}")
        forum_services.open_thread(author, category, title=f"Obat kosong nomor {i}", body="Kapan ada?",
                                   now=utcnow() - timedelta(days=10 + i % 5), notify=False)
    db.session.commit()


def holiday_queries(db, job):
    """Run the job, count its statements on the holidays table, and undo what it wrote."""
    with count_queries(db.engine) as statements:
        created = job()
    db.session.rollback()
    return sum("FROM holidays" in statement for statement in statements), len(created)


def test_feedback_escalation_reads_holidays_once_for_3_or_30_items(db, unit):
    add_overdue_feedback(db, unit, 3)
    few, escalated_few = holiday_queries(db, feedback_services.escalate_overdue)
    add_overdue_feedback(db, unit, 27)
    many, escalated_many = holiday_queries(db, feedback_services.escalate_overdue)
    assert (escalated_few, escalated_many) == (6, 60)  # levels 1 and 2 of the verification deadline
    assert few == many == 1
    assert db.session.scalar(select(Escalation.id)) is None  # rolled back: nothing left behind


def test_forum_escalation_reads_holidays_once_for_3_or_30_threads(db, unit, make_user):
    add_overdue_threads(db, unit, make_user, 3)
    few, escalated_few = holiday_queries(db, forum_services.escalate_overdue_threads)
    add_overdue_threads(db, unit, make_user, 27)
    many, escalated_many = holiday_queries(db, forum_services.escalate_overdue_threads)
    assert escalated_few == 3 * 2 and escalated_many == 30 * 2  # the atasan (here the head), then the head
    assert few == many == 1
    assert db.session.scalar(select(ThreadEscalation.id)) is None


def add_unconfirmed_answers(db, unit, n):
    """Feedback answered weeks ago that the resident never confirmed (set straight on the rows: this is about reading)."""
    add_overdue_feedback(db, unit, n)
    from portal.feedback.models import Feedback

    for feedback in db.session.scalars(select(Feedback).where(Feedback.status == "diterima")):
        feedback.status, feedback.answered_at = "ditindaklanjuti", utcnow() - timedelta(days=20)
    db.session.commit()


def test_auto_close_reads_holidays_once_for_3_or_30_items(db, unit):
    add_unconfirmed_answers(db, unit, 3)
    few, closed_few = holiday_queries(db, feedback_services.auto_close_answered)
    add_unconfirmed_answers(db, unit, 27)
    many, closed_many = holiday_queries(db, feedback_services.auto_close_answered)
    assert (closed_few, closed_many) == (3, 30)
    assert few == many == 1
