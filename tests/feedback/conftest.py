from dataclasses import dataclass

import pytest

from portal.feedback import services
from portal.organisation.models import Service, Unit


@dataclass
class World:
    unit: Unit
    service: Service
    other_unit: Unit
    atasan: object
    asn: object
    colleague: object
    outsider: object
    moderator: object
    citizen: object


@pytest.fixture
def world(db, make_unit, make_asn, make_user):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    other = make_unit(name="Dinas Pendidikan", slug="dispendik", services=["PPDB"])
    atasan = make_asn(unit=unit, name="Bagus Atasan")
    asn = make_asn(unit=unit, supervisor=atasan, name="Rina Petugas")
    colleague = make_asn(unit=unit, supervisor=atasan, name="Agus Rekan")
    outsider = make_asn(unit=other, name="Dimas Luar")
    return World(unit, unit.services[0], other, atasan, asn, colleague, outsider,
                 make_user(name="Moderator", roles=("warga", "moderator")), make_user(name="Sari Warga", email="sari@contoh.id"))


@pytest.fixture
def submit(world, db):
    def make(**overrides):
        values = {"unit": world.unit, "service": world.service, "type": "keluhan", "title": "Antrean Puskesmas terlalu lama",
                      "body": "Saya menunggu empat jam di Puskesmas Ketabang.", "is_public": True,
                      "contact_name": "Budi Rahasia", "contact_email": "budi.rahasia@contoh.id"}
        values.update(overrides)
        feedback, secret = services.submit_feedback(**values)
        db.session.commit()
        return feedback, secret

    return make


SURVEY = {f"u{i}": 3 for i in range(1, 10)}
