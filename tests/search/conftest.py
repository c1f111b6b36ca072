"""Search fixtures: the backend under test (Whoosh always, PostgreSQL with TEST_DATABASE_URL), content factories.

Every test module that needs an index uses the `backend` fixture, so it runs once per backend.
SEARCH_SYNC applies the outbox right after each commit, so a test sees its change at once.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest

from forum import services as forum_services
from forum.models import Category
from konsultasi import services as konsultasi_services
from portal.db import utcnow
from portal.feedback import services as feedback_services
from portal.search.drainer import get_backend
from tests.konsultasi.conftest import PATH, consultation_values

POSTGRES = pytest.param("postgres", marks=pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL backend needs TEST_DATABASE_URL"))
BACKENDS = ["whoosh", POSTGRES]


def without_worker(app):
    """As in production with no worker running yet: commits ask for a drain that nobody carries out."""
    app.config["SEARCH_SYNC"] = False
    app.extensions["jobs"].huey.immediate = False  # the queue keeps what it is given (a file under instance/)


@pytest.fixture(params=BACKENDS)
def backend(request, app):
    """The search backend name; the app drains the outbox synchronously after each commit."""
    app.config.update(SEARCH_BACKEND=request.param, SEARCH_SYNC=True, SEARCH_VOCABULARY_TTL=0)
    return request.param


@pytest.fixture
def engine(app, backend):
    """The backend object itself."""
    return get_backend(app)


@dataclass
class World:
    dinkes: object
    dispendik: object
    kesehatan: object
    pendidikan: object
    resident: object
    neighbour: object
    moderator: object
    officer: object


@pytest.fixture
def world(db, make_unit, make_user, make_asn):
    dinkes = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas",))
    dispendik = make_unit(name="Dinas Pendidikan", slug="dispendik", services=("PPDB",))
    kesehatan = Category(name="Kesehatan", slug="kesehatan", unit=dinkes)
    pendidikan = Category(name="Pendidikan", slug="pendidikan", unit=dispendik, position=1)
    db.session.add_all([kesehatan, pendidikan])
    resident = make_user(name="Budi Santoso", email="budi@contoh.id")
    neighbour = make_user(name="Sri Rahayu", email="sri@contoh.id")
    for person in (resident, neighbour):  # established accounts: no new-account posting limit
        person.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return World(
        dinkes=dinkes, dispendik=dispendik, kesehatan=kesehatan, pendidikan=pendidikan, resident=resident,
        neighbour=neighbour, moderator=make_user(name="Moderator Portal", roles=("warga", "moderator")),
        officer=make_asn(unit=dinkes, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan"),
    )


@pytest.fixture
def make_thread(db, world):
    def make(title="Antrean puskesmas terlalu panjang", body="Saya antre tiga jam di loket.", category=None,
             author=None, **kwargs):
        thread = forum_services.open_thread(author or world.resident, category or world.kesehatan, title=title,
                                            body=body, notify=False, **kwargs)
        db.session.commit()
        return thread

    return make


@pytest.fixture
def make_feedback(db, world):
    def make(title="Antrean puskesmas terlalu lama", body="Saya menunggu empat jam di Puskesmas Ketabang.",
             is_public=True, unit=None, **kwargs):
        values = {"unit": unit or world.dinkes, "service": None, "type": "keluhan", "title": title, "body": body,
                  "is_public": is_public, "contact_name": "Hartono Rahasiawan",
                  "contact_email": "hartono.rahasiawan@contoh.id"}
        values.update(kwargs)
        feedback, _secret = feedback_services.submit_feedback(**values)
        db.session.commit()
        return feedback

    return make


@pytest.fixture
def make_consultation(db, world):
    def make(phase="diumumkan", sections=(("Pasal 1 — Jam layanan", "Puskesmas buka 24 jam setiap hari."),),
             **overrides):
        consultation = konsultasi_services.create_consultation(
            world.moderator, **consultation_values(overrides.pop("unit", world.dinkes), **overrides))
        for heading, body in sections:
            konsultasi_services.add_section(world.moderator, consultation, heading=heading, body=body)
        for step in PATH[phase]:
            if step == "laporan":
                konsultasi_services.save_report_summary(world.moderator, consultation, "Ringkasan hasil konsultasi.")
            konsultasi_services.transition_consultation(world.moderator, consultation, step)
        db.session.commit()
        return consultation

    return make


@pytest.fixture
def find(app, backend):
    """Search like the page does; return the document keys found, best first."""
    from portal.search.service import search

    def run(text, **kwargs):
        return [item.key for item in search(text, **kwargs).items]

    return run
