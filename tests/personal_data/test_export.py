"""UU 27/2022 Pasal 7: the data download holds everything the portal keeps that references the person.

The test walks the models: every column with a foreign key to users.id gets a row pointing at
the person, and the download must change. A new model that references users fails here until
its capability exports it (a section in its personal_data.py).
"""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.feedback.models import Feedback
from portal.pembinaan.models import Training
from tests.clicking import Visitor
from tests.conftest import PASSWORD
from tests.personal_data.rows import make_row, user_columns


def download(client):
    response = client.get("/akun/profil/ekspor")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_every_row_that_references_the_person_is_in_their_download(client, db, make_user, login):
    columns = user_columns(db.Model)
    names = {f"{table.name}.{column.name}" for table, column in columns}
    # The walk sees every capability's models (create_app imported them).
    for expected in (
        "feedback.submitter_id",
        "forum_threads.author_id",
        "forum_posts.author_id",
        "konsultasi_comments.author_id",
        "konsultasi_questions.author_id",
        "konsultasi_registrations.user_id",
        "response_events.rated_by_id",
        "notifications.user_id",
    ):
        assert expected in names
    other = make_user(name="Orang Lain")
    missing = []
    for table, column in columns:
        person = login(make_user(name="Sari Wulandari"))
        before = download(client)
        make_row(db.session, table, user_fk=column, user=person, other_user=other)
        db.session.commit()
        if download(client) == before:
            missing.append(f"{table.name}.{column.name}")
    assert not missing, f"these reference the person but are not in their data download: {missing}"


def test_feedback_in_the_download_has_tracking_number_and_contact_details(client, db, make_user, make_unit):
    person = make_user(name="Sari Wulandari", email="sari@contoh.id")
    unit = make_unit()
    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", "sari@contoh.id").fill("Kata sandi", PASSWORD).press("Masuk")
    other = make_user()
    row = make_row(
        db.session,
        Feedback.__table__,
        user_fk=Feedback.__table__.c.submitter_id,
        user=person,
        other_user=other,
        values={
            "unit_id": unit.id,
            "tracking_number": "SBY-2026-000042",
            "contact_name": "Sari W",
            "contact_phone": "0812 3456 7890",
            "contact_email": "sari.kontak@contoh.id",
            "title": "Antrean panjang",
        },
    )
    db.session.commit()
    visitor.click("Sari Wulandari")  # the account menu
    response = visitor.client.get(visitor.soup.find("a", string=lambda s: s and "Unduh data saya" in s)["href"])
    data = json.loads(response.get_data(as_text=True))
    sent = data["masukan"]["masukan_dikirim"]
    assert sent == [
        {
            **sent[0],
            "nomor_pelacakan": "SBY-2026-000042",
            "nama_kontak": "Sari W",
            "telepon_kontak": "0812 3456 7890",
            "email_kontak": "sari.kontak@contoh.id",
            "judul": "Antrean panjang",
        }
    ]
    assert db.session.scalar(select(Feedback.id)) == row["id"]


def test_an_asn_download_holds_their_own_development_record(client, db, make_asn, login):
    profile = make_asn(name="Rina Kartika")
    db.session.add(
        Training(
            asn_id=profile.id,
            title="Bimtek SP4N-LAPOR!",
            organiser="BKPSDM",
            form="bimbingan_teknis",
            starts_on=date(2026, 5, 4),
            ends_on=date(2026, 5, 6),
            jp=Decimal("1.50"),
        )
    )
    db.session.commit()
    login(profile.user)
    record = download(client)["pembinaan"]["pelatihan"]
    assert [(t["judul"], t["jp"]) for t in record] == [("Bimtek SP4N-LAPOR!", "1.50")]
