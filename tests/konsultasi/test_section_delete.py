"""Deleting a draft's section through the page works (the fuzz of issue 11 found it always answered 500)."""

from sqlalchemy import select

from konsultasi.models import Section


def test_a_moderator_deletes_a_section_of_a_draft(client, login, db, world, make_consultation):
    consultation = make_consultation("draf")
    consultation_id, first_id = consultation.id, consultation.sections[0].id
    login(world.moderator)
    db.session.expunge_all()  # as in production: the request loads its own objects
    response = client.post(f"/konsultasi/{consultation_id}/bagian/{first_id}/hapus")
    assert response.status_code == 303
    assert db.session.scalars(select(Section.heading)).all() == ["Pasal 2 — Jam Layanan"]
