from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from konsultasi import services
from portal.organisation.models import Unit

START = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 09.00 WIB


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    asn: object  # ASN profile of the responsible unit
    outsider: object  # ASN profile of another unit
    speaker: object  # ASN profile of another unit, attached as speaker where needed
    moderator: object
    admin: object
    citizen: object
    neighbour: object


@pytest.fixture
def world(db, make_unit, make_asn, make_user):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    other = make_unit(name="Dinas Pendidikan", slug="dispendik")
    return World(
        unit=unit, other_unit=other,
        asn=make_asn(unit=unit, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan"),
        outsider=make_asn(unit=other, name="Dimas Aditya"),
        speaker=make_asn(unit=other, name="Siti Aminah", jabatan="Kepala Bidang SD"),
        moderator=make_user(name="Moderator Portal", roles=("warga", "moderator")),
        admin=make_user(name="Admin BKPSDM", roles=("warga", "admin")),
        citizen=make_user(name="Sari Warga", email="sari@contoh.id"),
        neighbour=make_user(name="Budi Tetangga", email="budi@contoh.id"),
    )


PATH = {
    "draf": [],
    "diumumkan": ["diumumkan"],
    "berlangsung": ["diumumkan", "berlangsung"],
    "ditutup": ["diumumkan", "berlangsung", "ditutup"],
    "laporan": ["diumumkan", "berlangsung", "ditutup", "laporan"],
}


def consultation_values(unit, **overrides):
    values = {
        "title": "Dialog Publik Rancangan Perwali Layanan Puskesmas 24 Jam", "topic": "kesehatan", "unit": unit,
        "description": "Menghimpun masukan warga atas rancangan Perwali.", "format": "tatap_muka",
        "location": "Aula Dinas Kesehatan, Jl. Jemursari 197", "online_url": "", "starts_at": START,
        "ends_at": START + timedelta(hours=3), "capacity": 10, "document_title": "Rancangan Perwali Puskesmas 24 Jam",
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_consultation(db, world):
    """Create a consultation through the services and walk it to the wanted phase."""

    def make(phase="draf", sections=("Pasal 1 — Ketentuan Umum", "Pasal 2 — Jam Layanan"), **overrides):
        unit = overrides.pop("unit", world.unit)
        consultation = services.create_consultation(world.moderator, **consultation_values(unit, **overrides))
        for heading in sections:
            services.add_section(world.moderator, consultation, heading=heading, body=f"Isi *{heading}*.")
        for step in PATH[phase]:
            if step == "laporan":
                services.save_report_summary(world.moderator, consultation, "Ringkasan **hasil** konsultasi.")
            services.transition_consultation(world.moderator, consultation, step)
        db.session.commit()
        return consultation

    return make
