"""Feedback list and detail pages send the same number of SQL queries whatever the data size.

Each request is measured as a fresh one (tests.querycount.page_statements empties the session), so
the objects of the world are detached afterwards: the helpers below hold plain ids and reload.
"""

from sqlalchemy import select

from portal.feedback import services
from portal.feedback.models import Feedback
from portal.organisation.models import AsnProfile, Service, Unit
from tests.querycount import page_statements


def ids_of(world):
    return {"unit": world.unit.id, "service": world.service.id, "asn": world.asn.id, "atasan": world.atasan.id}


def submit(db, ids, **overrides):
    values = {"unit": db.session.get(Unit, ids["unit"]), "service": db.session.get(Service, ids["service"]),
              "type": "keluhan", "title": "Antrean Puskesmas terlalu lama",
              "body": "Saya menunggu empat jam di Puskesmas Ketabang.", "is_public": True,
              "contact_name": "Budi Rahasia", "contact_email": "budi.rahasia@contoh.id"}
    values.update(overrides)
    feedback, secret = services.submit_feedback(**values)
    db.session.commit()
    return feedback.tracking_number, secret


def work_on(db, ids, number, *steps):
    """Take the item through steps ("verify", "assign", "answer", "reopen") as the unit's staff would."""
    feedback = db.session.scalars(select(Feedback).where(Feedback.tracking_number == number)).one()
    asn, atasan = db.session.get(AsnProfile, ids["asn"]), db.session.get(AsnProfile, ids["atasan"])
    for step in steps:
        if step == "verify":
            services.verify_feedback(asn.user, feedback)
        elif step == "assign":
            services.assign_feedback(atasan.user, feedback, asn)
        elif step == "answer":
            services.answer_feedback(asn, feedback, "Sudah kami tindak lanjuti dengan menambah loket.")
        elif step == "reopen":
            services.reopen_feedback(feedback, "Belum selesai")
    db.session.commit()


def make_many(db, ids, n):
    for i in range(n):
        number, _secret = submit(db, ids, title=f"Keluhan nomor {i} tentang antrean")
        work_on(db, ids, number, "verify", "assign", "answer")


def queries_for(client, path):
    statements, status = page_statements(client, path)
    assert status == 200, path
    return len(statements)


def test_public_list_and_inbox_do_not_grow_with_the_data(client, world, db, login):
    ids = ids_of(world)
    make_many(db, ids, 2)
    small = queries_for(client, "/masukan")
    make_many(db, ids, 18)
    assert queries_for(client, "/masukan") == small

    login(db.session.get(AsnProfile, ids["asn"]).user)
    submit(db, ids)
    inbox_small = queries_for(client, "/masukan/kotak")
    for _ in range(15):
        submit(db, ids)
    assert queries_for(client, "/masukan/kotak") == inbox_small


def test_detail_page_does_not_grow_with_history(client, world, db):
    ids = ids_of(world)
    number, secret = submit(db, ids)
    work_on(db, ids, number, "verify", "assign", "answer")
    few = queries_for(client, f"/masukan/{number}")
    track_few = queries_for(client, f"/lacak/{number}?kunci={secret}")
    work_on(db, ids, number, "reopen", "answer")
    assert queries_for(client, f"/masukan/{number}") == few
    assert queries_for(client, f"/lacak/{number}?kunci={secret}") == track_few
