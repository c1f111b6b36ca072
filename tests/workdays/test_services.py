"""The calendar and deadline-policy services: rules, audit, and which policy applies."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.workdays import services
from portal.workdays.deadlines import Deadlines, deadlines_for
from portal.workdays.models import DeadlinePolicy, Holiday

DAYS = {"verify_working_days": 2, "answer_working_days": 4, "close_calendar_days": 30, "forum_answer_working_days": 1}


@pytest.fixture
def dinkes(make_unit):
    return make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Imunisasi", "Puskesmas"))


@pytest.fixture
def admin(make_user):
    return make_user(name="Admin BKPSDM", roles=("warga", "admin"))


def test_adding_a_holiday_flushes_and_audits_and_refuses_the_same_day_twice(db, admin):
    holiday = services.add_holiday(admin, date(2026, 8, 17), "Hari Kemerdekaan")
    assert holiday.id is not None and holiday.kind == "libur_nasional"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "holiday.create"))
    assert entry.after == {"day": "2026-08-17", "name": "Hari Kemerdekaan"}
    with pytest.raises(services.HolidayExists):
        services.add_holiday(admin, date(2026, 8, 17), "Lagi", "cuti_bersama")
    db.session.rollback()  # services never commit: nothing of the above was kept
    assert db.session.scalar(select(Holiday)) is None


def test_deleting_a_holiday_keeps_what_it_was_in_the_audit_log(db, admin):
    holiday = services.add_holiday(admin, date(2026, 12, 25), "Hari Raya Natal")
    db.session.commit()
    services.delete_holiday(admin, holiday)
    db.session.commit()
    assert db.session.scalar(select(Holiday)) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "holiday.delete"))
    assert entry.before == {"day": "2026-12-25", "name": "Hari Raya Natal"}


def test_saving_a_policy_twice_updates_it_and_audits_before_and_after(db, admin, dinkes):
    first = services.save_deadline_policy(admin, dinkes.id, None, **DAYS)
    db.session.commit()
    second = services.save_deadline_policy(admin, dinkes.id, None, **{**DAYS, "answer_working_days": 6})
    db.session.commit()
    assert second.id == first.id and second.answer_working_days == 6
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "deadline_policy.save")
                                 .order_by(AuditEntry.id)).all()
    assert [e.before and e.before["answer"] for e in entries] == [None, 4]
    assert entries[-1].after["answer"] == 6


def test_a_policy_for_another_units_service_is_refused(db, admin, dinkes, make_unit):
    ppdb = make_unit(name="Dinas Pendidikan", slug="dispendik", services=("PPDB",)).services[0]
    with pytest.raises(services.ServiceNotOfUnit):
        services.save_deadline_policy(admin, dinkes.id, ppdb.id, **DAYS)
    assert db.session.scalar(select(DeadlinePolicy)) is None


def test_deadlines_come_from_the_service_then_the_unit_then_the_defaults(db, admin, dinkes, make_unit):
    imunisasi, puskesmas = dinkes.services
    assert deadlines_for(dinkes.id) == Deadlines()  # nothing set: DOMAIN.md §4 defaults
    services.save_deadline_policy(admin, dinkes.id, None, **DAYS)
    services.save_deadline_policy(admin, dinkes.id, imunisasi.id, **{**DAYS, "verify_working_days": 1})
    db.session.commit()
    assert deadlines_for(dinkes.id, imunisasi.id) == Deadlines(1, 4, 30, 1)
    assert deadlines_for(dinkes.id, puskesmas.id) == Deadlines(2, 4, 30, 1)  # the unit's own
    assert deadlines_for(make_unit().id) == Deadlines(3, 5, 60, 2)  # another unit keeps the defaults
