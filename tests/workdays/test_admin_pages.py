"""The holiday calendar and deadline policies (DOMAIN.md §4): the admin pages, and feedback and forum reading them."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from forum import services as forum_services
from forum.models import Category
from portal.audit import AuditEntry
from portal.workdays.calendar import add_working_days
from portal.workdays.deadlines import deadlines_for
from portal.workdays.models import DeadlinePolicy, Holiday


@pytest.fixture
def dinkes(make_unit):
    return make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas", "Imunisasi"))


@pytest.fixture
def admin(make_user):
    return make_user(name="Admin BKPSDM", email="admin@contoh.id", roles=("warga", "admin"))


def policy_form(unit, service=None, **days):
    values = {"verify_working_days": 3, "answer_working_days": 5, "close_calendar_days": 60,
              "forum_answer_working_days": 2, **days}
    return {"unit": str(unit.id), "service": str(service.id) if service else "", **{k: str(v) for k, v in values.items()}}


def test_admin_sets_a_units_deadlines_including_the_forums(client, db, login, admin, dinkes):
    login(admin)
    assert "Semua perangkat daerah memakai tenggat bawaan" in client.get("/admin/tenggat").get_data(as_text=True)
    response = client.post("/admin/tenggat", data=policy_form(dinkes, answer_working_days=4, forum_answer_working_days=1))
    assert response.status_code == 303
    policy = db.session.scalar(select(DeadlinePolicy))
    assert (policy.unit_id, policy.service_id, policy.answer_working_days, policy.forum_answer_working_days) == (
        dinkes.id, None, 4, 1)
    assert deadlines_for(dinkes.id).forum_answer_working_days == 1
    page = client.get("/admin/tenggat").get_data(as_text=True)
    assert "Tenggat disimpan" in page and "Dinas Kesehatan" in page

    client.post("/admin/tenggat", data=policy_form(dinkes, answer_working_days=4, forum_answer_working_days=3))
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "deadline_policy.save")
                                 .order_by(AuditEntry.id)).all()
    assert entries[-1].before["forum_answer"] == 1 and entries[-1].after["forum_answer"] == 3
    assert db.session.scalar(select(DeadlinePolicy.id).where(DeadlinePolicy.id != policy.id)) is None  # updated


@pytest.mark.parametrize("days, message", [
    ({"forum_answer_working_days": 0}, "antara 1 dan 30"),
    ({"forum_answer_working_days": "dua"}, "Masukkan bilangan bulat"),
])
def test_bad_deadlines_are_refused_with_a_message_and_nothing_stored(client, db, login, admin, dinkes, days, message):
    login(admin)
    response = client.post("/admin/tenggat", data=policy_form(dinkes, **days))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(DeadlinePolicy)) is None


def test_only_admins_may_set_deadlines(client, db, login, make_user, dinkes):
    login(make_user(roles=("warga", "moderator")))
    assert client.post("/admin/tenggat", data=policy_form(dinkes)).status_code == 403
    assert db.session.scalar(select(DeadlinePolicy)) is None


def test_forum_threads_take_the_units_or_the_services_forum_deadline(db, make_user, dinkes):
    category = Category(name="Kesehatan", slug="kesehatan", unit=dinkes, description="Tanya Dinkes.")
    resident = make_user(email="budi@contoh.id")
    resident.created_at = datetime(2025, 1, 1, tzinfo=UTC)  # no new-account limits
    puskesmas, imunisasi = dinkes.services
    db.session.add_all([category, DeadlinePolicy(unit_id=dinkes.id, forum_answer_working_days=4),
                        DeadlinePolicy(unit_id=dinkes.id, service_id=imunisasi.id, forum_answer_working_days=1)])
    db.session.commit()
    opened = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # a Monday, 10.00 WIB

    def deadline(service):
        thread = forum_services.open_thread(resident, category, title="Tanya jadwal", body="Kapan?", service=service,
                                            now=opened, notify=False)
        return thread.deadline_at

    assert deadline(None) == add_working_days(opened, 4)  # the unit's policy
    assert deadline(puskesmas) == add_working_days(opened, 4)  # a service without its own policy
    assert deadline(imunisasi) == add_working_days(opened, 1)  # the service's own policy


def test_admin_keeps_the_holiday_calendar_that_deadlines_skip(client, db, login, admin):
    login(admin)
    response = client.post("/admin/hari-libur", data={"day": "2026-03-20", "name": "Idul Fitri 1447 H",
                                                      "kind": "libur_nasional"})
    assert response.status_code == 303
    holiday = db.session.scalar(select(Holiday))
    assert (holiday.day, holiday.kind) == (date(2026, 3, 20), "libur_nasional")
    # Thursday 19 March + 1 working day skips the holiday on Friday: due Monday 23 March (WIB).
    due = add_working_days(datetime(2026, 3, 19, 3, 0, tzinfo=UTC), 1)
    assert due.astimezone(UTC).date() == date(2026, 3, 23)  # without the holiday: Friday 20 March

    again = client.post("/admin/hari-libur", data={"day": "2026-03-20", "name": "Dua kali", "kind": "cuti_bersama"})
    assert again.status_code == 422 and "sudah tercatat" in again.get_data(as_text=True)
    bad = client.post("/admin/hari-libur", data={"day": "20/03/2026x", "name": "Salah", "kind": "libur_nasional"})
    assert bad.status_code == 422 and "Masukkan tanggal yang benar" in bad.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Holiday.id))) == 1

    assert client.post(f"/admin/hari-libur/{holiday.id}/hapus").status_code == 303
    assert db.session.scalar(select(Holiday)) is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["holiday.create", "holiday.delete"]


def test_a_service_of_another_unit_is_refused_beside_the_field(client, db, login, admin, dinkes, make_unit):
    dispendik = make_unit(name="Dinas Pendidikan", slug="dispendik", services=("PPDB",))
    login(admin)
    response = client.post("/admin/tenggat", data=policy_form(dinkes, service=dispendik.services[0]))
    assert response.status_code == 422
    assert "bukan milik perangkat daerah yang dipilih" in response.get_data(as_text=True)
    assert db.session.scalar(select(DeadlinePolicy)) is None


@pytest.mark.parametrize("role, expected", [(None, 302), ("warga", 403), ("moderator", 403), ("asn", 403)])
def test_only_admins_may_delete_a_holiday(client, db, login, make_user, make_asn, role, expected):
    holiday = Holiday(day=date(2026, 8, 17), name="Hari Kemerdekaan", kind="libur_nasional")
    db.session.add(holiday)
    db.session.commit()
    if role == "asn":
        login(make_asn().user)
    elif role:
        login(make_user(roles=("warga",) if role == "warga" else ("warga", role)))
    response = client.post(f"/admin/hari-libur/{holiday.id}/hapus")
    assert response.status_code == expected
    if expected == 302:
        assert "/akun/masuk" in response.headers["Location"]
    assert db.session.get(Holiday, holiday.id) is not None


def test_deleting_an_unknown_holiday_is_a_404(client, login, admin):
    login(admin)
    assert client.post("/admin/hari-libur/999999/hapus").status_code == 404
