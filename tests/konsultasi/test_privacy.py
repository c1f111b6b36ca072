"""Issue 12, UU 27/2022: residents appear by their @handle only, and published text holds no personal data."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from konsultasi import services
from konsultasi.models import Comment, Question

RESIDENT_NAMES = ("Sari Warga", "Budi Tetangga", "sari@contoh.id", "budi@contoh.id")


@pytest.fixture
def talked(db, world, make_consultation):
    """A live consultation with a comment, an approved question and an answered one."""
    consultation = make_consultation(phase="berlangsung")
    section = consultation.sections[0]
    comment = services.add_comment(world.citizen, section, "Mohon jam layanan diperpanjang.")
    asked = services.submit_question(world.neighbour, consultation, "Apakah apotek buka malam?")
    answered = services.submit_question(world.citizen, consultation, "Berapa dokter jaga tiap sif?")
    for question in (asked, answered):
        services.approve_question(world.moderator, question)
    services.answer_question(world.moderator, answered, asn=world.asn, answer="Dua dokter pada sif malam.")
    services.answer_comment(world.asn.user, comment, "Jam layanan akan dievaluasi.")
    db.session.commit()
    return consultation


def main_part(html):
    """The page's content, without the account menu (where a signed-in person sees their own name)."""
    if not html.lstrip().startswith("<"):
        return html  # the JSON feed
    return str(BeautifulSoup(html, "html.parser").select_one("main"))


def assert_no_resident_names(text, where):
    for name in RESIDENT_NAMES:
        assert name not in text, (name, where)


def test_pages_and_feed_show_the_handle_never_the_account_name(client, login, world, talked):
    for user in (None, world.neighbour, world.moderator):
        if user is not None:
            login(user)
        for page in ("", "/dokumen", "/tanya-jawab", "/tanya-jawab.json"):
            text = client.get(f"/konsultasi/{talked.id}{page}").get_data(as_text=True)
            assert_no_resident_names(main_part(text), (user, page))
    document = client.get(f"/konsultasi/{talked.id}/dokumen").get_data(as_text=True)
    assert world.citizen.public_name in document
    assert "Rina Wulandari" in document  # staff answer by name
    feed = client.get(f"/konsultasi/{talked.id}/tanya-jawab.json").get_json()
    authors = {q["author"] for q in feed["approved"] + feed["answered"]}
    assert authors == {world.citizen.public_name, world.neighbour.public_name}
    assert feed["answered"][0]["answered_by"] == "Rina Wulandari"


def test_moderators_see_the_handle_too(client, login, db, world, talked):
    comment = db.session.scalar(select(Comment))
    services.hide_comment(world.moderator, comment, "Di luar topik.")
    db.session.commit()
    login(world.moderator)
    for page in ("/konsol", "/dokumen"):
        text = main_part(client.get(f"/konsultasi/{talked.id}{page}").get_data(as_text=True))
        assert_no_resident_names(text, page)
        assert world.citizen.public_name in text, page


def test_the_report_and_its_csv_name_no_resident(client, login, db, world, talked):
    services.transition_consultation(world.moderator, talked, "ditutup")
    services.save_report_summary(world.moderator, talked, "Ringkasan hasil konsultasi.")
    services.transition_consultation(world.moderator, talked, "laporan")
    db.session.commit()
    report = client.get(f"/konsultasi/{talked.id}/laporan").get_data(as_text=True)
    csv = client.get(f"/konsultasi/{talked.id}/laporan.csv").get_data(as_text=True)
    for text, where in ((report, "report"), (csv, "csv")):
        assert_no_resident_names(text, where)
        assert world.citizen.public_name not in text  # the report names nobody who wrote in


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("Hubungi saya di 0812-3456-7890 untuk detailnya.", "nomor telepon"),
        ("Kirim jawabannya ke sari.warga@gmail.com ya.", "alamat email"),
        ("NIK saya 3578 0112 3456 0001, mohon dicek.", "NIK"),
    ],
)
def test_a_comment_with_personal_data_is_refused_and_kept_for_editing(
    client, login, db, world, make_consultation, body, what
):
    consultation = make_consultation(phase="diumumkan")
    section = consultation.sections[0]
    login(world.citizen)
    response = client.post(f"/konsultasi/{consultation.id}/dokumen/{section.id}/komentar", data={"body": body})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert what in html and "Hapus data pribadi sebelum mengirim" in html
    assert f">{body}</textarea>" in html  # what the person typed is kept, to rephrase
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    with pytest.raises(services.PersonalDataInText):
        services.add_comment(world.citizen, section, body)


def test_a_question_with_personal_data_is_refused(client, login, db, world, make_consultation):
    consultation = make_consultation(phase="berlangsung")
    login(world.citizen)
    response = client.post(
        f"/konsultasi/{consultation.id}/tanya-jawab", data={"body": "Nomor saya +62 812 3456 7890, tolong telepon."}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "nomor telepon" in html and "+62 …90" in html
    assert db.session.scalar(select(func.count(Question.id))) == 0
    with pytest.raises(services.PersonalDataInText):
        services.submit_question(world.citizen, consultation, "NIK saya 3578011234560001 belum terdaftar?")


def test_official_answers_may_give_the_units_phone_but_no_nik(client, login, db, world, make_consultation):
    consultation = make_consultation(phase="berlangsung")
    section = consultation.sections[0]
    comment = services.add_comment(world.citizen, section, "Ke mana mengadu bila puskesmas tutup?")
    question = services.submit_question(world.citizen, consultation, "Apakah ada layanan ambulans?")
    services.approve_question(world.moderator, question)
    db.session.commit()
    login(world.asn.user)
    with_nik = client.post(
        f"/konsultasi/{consultation.id}/pertanyaan/{question.id}/jawab",
        data={"asn_id": world.asn.id, "answer": "Data warga 3578011234560001 sudah kami cek."},
    )
    assert with_nik.status_code == 422 and "NIK" in with_nik.get_data(as_text=True)
    ok = client.post(
        f"/konsultasi/{consultation.id}/komentar/{comment.id}/jawab",
        data={"body": "Hubungi Command Center di (031) 5312144 atau 112."},
    )
    assert ok.status_code == 303
    db.session.refresh(comment)
    assert comment.is_answered
