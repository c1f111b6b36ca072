"""Factories for the development record: an organisation with a chain of supervisors, events, trainings."""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from portal.pembinaan.models import Training
from portal.responses.models import Assignment, ResponseEvent

_items = itertools.count(1)


def at(year, month, day, hour=10, minute=0):
    """An aware UTC datetime (tests pick times far from WIB midnight unless they test it)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Org:
    unit: object
    other_unit: object
    kadin: object  # head of the unit: above the atasan in the chain
    atasan: object
    asn: object
    colleague: object  # same unit, same atasan
    outsider: object  # another unit
    admin: object
    moderator: object
    citizen: object


@pytest.fixture
def org(db, make_unit, make_asn, make_user):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    other = make_unit(name="Dinas Pendidikan", slug="dispendik")
    kadin = make_asn(unit=unit, name="Kepala Dinas", jabatan="Kepala Dinas Kesehatan")
    atasan = make_asn(unit=unit, supervisor=kadin, name="Bagus Atasan", jabatan="Kepala Bidang")
    asn = make_asn(unit=unit, supervisor=atasan, name="Rina Petugas", jabatan="Analis Pelayanan")
    colleague = make_asn(unit=unit, supervisor=atasan, name="Agus Rekan", jabatan="Penyuluh")
    outsider = make_asn(unit=other, name="Dimas Luar", jabatan="Pranata Komputer")
    return Org(unit, other, kadin, atasan, asn, colleague, outsider,
               make_user(name="Admin BKPSDM", roles=("warga", "admin")),
               make_user(name="Moderator", roles=("warga", "moderator")),
               make_user(name="Sari Warga", email="sari.warga@contoh.id"))


@pytest.fixture
def make_event(db):
    """A ResponseEvent as the forum/feedback/konsultasi services would record it."""

    def make(asn, answered_at, working_seconds=3600, *, is_first=True, deadline_met=None, rating=None,
             rating_comment=None, excluded=False, source="forum", item_id=None, started_at=None, title=None,
             commit=True):
        item_id = item_id or next(_items)
        started = started_at or answered_at - timedelta(seconds=working_seconds)
        event = ResponseEvent(
            source=source, item_type="thread" if source == "forum" else "item", item_id=item_id, answer_id=None,
            title=title or f"Pertanyaan warga {item_id}", url=f"/forum/t/{item_id}", unit_id=asn.unit_id,
            asn_id=asn.id, started_at=started, answered_at=answered_at,
            response_seconds=int((answered_at - started).total_seconds()), working_seconds=working_seconds,
            deadline_at=None if deadline_met is None else answered_at + timedelta(hours=1 if deadline_met else -1),
            deadline_met=deadline_met, is_first=is_first, rating=rating, rating_comment=rating_comment,
            rated_at=answered_at + timedelta(days=1) if rating else None, rating_excluded=excluded,
        )
        db.session.add(event)
        if commit:
            db.session.commit()
        return event

    return make


@pytest.fixture
def make_assignment(db):
    def make(asn, assigned_at, *, deadline_at=None, item_id=None, ended_at=None, answered_at=None, source="forum"):
        item_id = item_id or next(_items)
        row = Assignment(source=source, item_type="thread", item_id=item_id, title=f"Utas {item_id}",
                         url=f"/forum/t/{item_id}", unit_id=asn.unit_id if asn else None, asn_id=asn.id if asn else None,
                         assigned_at=assigned_at, deadline_at=deadline_at, ended_at=ended_at, answered_at=answered_at)
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def make_training(db):
    def make(asn, ends_on, jp, *, form="e_learning", title=None, starts_on=None):
        row = Training(asn_id=asn.id, title=title or f"Pelatihan {next(_items)}", organiser="BKPSDM Kota Surabaya",
                       form=form, starts_on=starts_on or ends_on, ends_on=ends_on, jp=jp)
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def bulk_events(db):
    """Insert many events in one statement (for the query-count test and the benchmark shape)."""

    def make(asn, count, start=date(2026, 1, 5)):
        base = datetime(start.year, start.month, start.day, 2, 0, tzinfo=UTC)
        rows = []
        for n in range(count):
            answered = base + timedelta(minutes=97 * n % (300 * 24 * 60))
            item = next(_items)
            rows.append({
                "source": ("forum", "feedback", "konsultasi")[n % 3], "item_type": "thread", "item_id": item,
                "answer_id": None, "title": f"Pertanyaan {item}", "url": f"/forum/t/{item}", "unit_id": asn.unit_id,
                "asn_id": asn.id, "started_at": answered - timedelta(hours=n % 50 + 1), "answered_at": answered,
                "response_seconds": (n % 50 + 1) * 3600, "working_seconds": (n % 50 + 1) * 3600,
                "deadline_at": answered + timedelta(hours=1), "deadline_met": n % 4 != 0, "is_first": n % 5 != 0,
                "rating": n % 5 + 1 if n % 2 else None, "rating_comment": "Terima kasih" if n % 2 else None,
                "rated_at": answered if n % 2 else None, "rating_excluded": False, "created_at": answered,
            })
        db.session.execute(insert(ResponseEvent), rows)
        db.session.commit()

    return make
