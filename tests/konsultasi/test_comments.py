"""Comments per section of the draft: counts, hiding with a reason, official answers."""

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import Comment, Section
from portal.responses.models import ResponseEvent


def sections_of(db, consultation):
    return db.session.scalars(select(Section).where(Section.consultation_id == consultation.id)
                              .order_by(Section.position)).all()


def test_comments_are_counted_per_section_and_shown_under_it(client, db, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    first, second = sections_of(db, consultation)
    services.add_comment(world.citizen, first, "Definisi **gawat darurat** perlu jelas.")
    services.add_comment(world.neighbour, first, "Setuju dengan pasal ini.")
    services.add_comment(world.citizen, second, "Jam layanan perlu diperpanjang.")
    db.session.commit()
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.comment_count, second.comment_count) == (2, 1)
    html = client.get(f"/konsultasi/{consultation.id}/dokumen").get_data(as_text=True)
    assert "<strong>gawat darurat</strong>" in html
    section_one = html.split(f'id="bagian-{first.id}"')[1].split(f'id="bagian-{second.id}"')[0]
    assert "Setuju dengan pasal ini." in section_one
    assert "Jam layanan perlu diperpanjang." not in section_one
    assert 'data-comment-count="2"' in section_one


@pytest.mark.parametrize("phase", ["draf", "ditutup", "laporan"])
def test_comments_are_closed_outside_diumumkan_and_berlangsung(db, world, make_consultation, phase):
    consultation = make_consultation(phase=phase)
    with pytest.raises(services.CommentsClosed):
        services.add_comment(world.citizen, sections_of(db, consultation)[0], "Terlambat.")


def test_commenting_by_view(client, login, db, world, make_consultation):
    consultation = make_consultation(phase="berlangsung")
    section = sections_of(db, consultation)[0]
    url = f"/konsultasi/{consultation.id}/dokumen/{section.id}/komentar"
    assert client.post(url, data={"body": "Tanpa akun"}).status_code == 302  # sent to sign in
    login(world.citizen)
    response = client.post(url, data={"body": "Mohon sosialisasi di tingkat RT."})
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert response.headers["Location"] == f"/konsultasi/{consultation.id}/dokumen#komentar-{comment.id}"
    empty = client.post(url, data={"body": ""})
    assert empty.status_code == 422
    assert "Tulis komentar Anda." in empty.get_data(as_text=True)
    overlong = client.post(url, data={"body": "x" * 3001})
    assert overlong.status_code == 422
    assert "x" * 3001 in overlong.get_data(as_text=True)  # what the person typed is kept


def test_moderator_hides_a_comment_and_the_reason_is_shown(client, login, db, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    section = sections_of(db, consultation)[0]
    comment = services.add_comment(world.citizen, section, "Alamat rumah tetangga saya Jl. Kenanga 7.")
    db.session.commit()
    login(world.citizen)
    hide_url = f"/konsultasi/{consultation.id}/komentar/{comment.id}/sembunyikan"
    assert client.post(hide_url, data={"reason": "x"}).status_code == 403
    login(world.moderator)
    assert client.post(hide_url, data={"reason": ""}).status_code == 422
    assert client.post(hide_url, data={"reason": "Memuat data pribadi."}).status_code == 303
    db.session.refresh(section)
    assert section.comment_count == 0
    login(world.neighbour)
    html = client.get(f"/konsultasi/{consultation.id}/dokumen").get_data(as_text=True)
    assert "Memuat data pribadi." in html
    assert "Jl. Kenanga 7" not in html
    login(world.moderator)
    assert client.post(f"/konsultasi/{consultation.id}/komentar/{comment.id}/tampilkan").status_code == 303
    db.session.refresh(section)
    assert section.comment_count == 1


def test_asn_answer_to_a_comment_is_a_response_event(client, login, db, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    comment = services.add_comment(world.citizen, sections_of(db, consultation)[0], "Kapan berlaku?")
    db.session.commit()
    url = f"/konsultasi/{consultation.id}/komentar/{comment.id}/jawab"
    login(world.outsider.user)
    assert client.post(url, data={"body": "Bukan urusan saya"}).status_code == 403
    login(world.asn.user)
    assert client.get(url).status_code == 200
    assert client.post(url, data={"body": ""}).status_code == 422
    response = client.post(url, data={"body": "Perwali berlaku 1 Juli 2027."})
    assert response.status_code == 303
    event = db.session.scalar(select(ResponseEvent))
    assert (event.source, event.item_type, event.item_id, event.answer_id) == ("konsultasi", "comment", comment.id,
                                                                              comment.id)
    assert event.asn_id == world.asn.id
    assert event.url == f"/konsultasi/{consultation.id}/dokumen#komentar-{comment.id}"
    assert client.post(url, data={"body": "Lagi"}).status_code == 409  # one official answer per comment
    assert "Perwali berlaku 1 Juli 2027." in client.get(f"/konsultasi/{consultation.id}/dokumen").get_data(as_text=True)


def test_a_speaker_from_another_unit_may_answer(db, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    comment = services.add_comment(world.citizen, sections_of(db, consultation)[0], "Pertanyaan lintas dinas.")
    with pytest.raises(services.AnswererNotEligible):
        services.answer_comment(world.speaker.user, comment, "Belum boleh.")
    services.add_speaker(world.moderator, consultation, nip=world.speaker.nip, role="Narasumber")
    services.answer_comment(world.speaker.user, comment, "Sekarang boleh.")
    db.session.commit()
    assert comment.answered_by_asn_id == world.speaker.id
