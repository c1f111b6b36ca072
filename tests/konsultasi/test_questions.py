"""Live questions: moderation, one vote per person (never one's own), answers as response events."""

import pytest
from sqlalchemy import func, select

from konsultasi import services
from konsultasi.models import Question, QuestionVote
from portal.responses.models import ResponseEvent


@pytest.fixture
def live(make_consultation):
    return make_consultation(phase="berlangsung")


def approved_question(db, world, consultation, author=None, body="Apakah apotek buka 24 jam?"):
    question = services.submit_question(author or world.citizen, consultation, body)
    services.approve_question(world.moderator, question)
    db.session.commit()
    return question


def test_questions_wait_for_moderation(db, world, live):
    question = services.submit_question(world.citizen, live, "Kapan mulai?")
    assert question.status == "menunggu"
    from konsultasi.queries import live_board

    assert live_board(live, world.neighbour)["approved"] == []
    assert [q["id"] for q in live_board(live, world.citizen)["mine_pending"]] == [question.id]
    services.approve_question(world.moderator, question)
    assert [q["id"] for q in live_board(live, world.neighbour)["approved"]] == [question.id]
    with pytest.raises(services.QuestionNotPending):
        services.approve_question(world.moderator, question)


@pytest.mark.parametrize("phase", ["diumumkan", "ditutup", "laporan"])
def test_questions_only_while_live(world, make_consultation, phase):
    consultation = make_consultation(phase=phase)
    with pytest.raises(services.QuestionsClosed):
        services.submit_question(world.citizen, consultation, "Terlambat?")


def test_one_vote_per_person_and_never_ones_own(db, world, make_user, live):
    question = approved_question(db, world, live)
    assert services.vote_question(world.neighbour, question) == 1
    assert services.vote_question(world.neighbour, question) == 1  # a second click counts once
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(QuestionVote)) == 1
    with pytest.raises(services.OwnQuestion):
        services.vote_question(world.citizen, question)
    for _ in range(3):
        services.vote_question(make_user(), question)
    db.session.commit()
    assert question.vote_count == 4
    assert services.unvote_question(world.neighbour, question) == 3
    assert services.unvote_question(world.neighbour, question) == 3


def test_pending_or_rejected_questions_cannot_be_voted(db, world, live):
    pending = services.submit_question(world.citizen, live, "Belum disetujui?")
    with pytest.raises(services.QuestionNotApproved):
        services.vote_question(world.neighbour, pending)


def test_vote_by_view_json_and_form(client, login, db, world, live):
    question = approved_question(db, world, live)
    url = f"/konsultasi/{live.id}/pertanyaan/{question.id}/dukung"
    login(world.citizen)
    assert client.post(url).status_code == 403  # own question
    login(world.neighbour)
    response = client.post(url, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.get_json() == {"id": question.id, "votes": 1, "voted": True}
    again = client.post(url)  # the same button again takes the vote back
    assert again.status_code == 303
    assert again.headers["Location"] == f"/konsultasi/{live.id}/tanya-jawab#pertanyaan-{question.id}"
    db.session.refresh(question)
    assert question.vote_count == 0


def test_board_is_sorted_by_votes_and_the_feed_updates(client, login, db, world, make_user, live):
    low = approved_question(db, world, live, body="Pertanyaan sedikit dukungan")
    high = approved_question(db, world, live, author=world.neighbour, body="Pertanyaan banyak dukungan")
    for _ in range(2):
        services.vote_question(make_user(), high)
    services.vote_question(make_user(), low)
    db.session.commit()
    feed = client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()
    assert [q["id"] for q in feed["approved"]] == [high.id, low.id]
    assert [q["votes"] for q in feed["approved"]] == [2, 1]
    assert "pending_count" not in feed  # moderators only
    login(world.moderator)
    assert client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()["pending_count"] == 0


def test_anonymous_questions_hide_the_name_from_the_public_not_from_moderators(client, login, db, world, live):
    question = services.submit_question(world.citizen, live, "Pertanyaan rahasia?", anonymous=True)
    services.approve_question(world.moderator, question)
    db.session.commit()
    feed = client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()
    assert feed["approved"][0]["author"] == "Anonim"
    assert "Sari Warga" not in client.get(f"/konsultasi/{live.id}/tanya-jawab").get_data(as_text=True)
    login(world.moderator)
    console = client.get(f"/konsultasi/{live.id}/konsol").get_data(as_text=True)
    # Moderators see which account asked (its @handle), but no resident's account name (UU 27/2022).
    assert world.citizen.public_name in console and "anonim untuk publik" in console
    assert "Sari Warga" not in console
    # An approved question can still be closed as not taken up, with a reason for the report.
    assert "Tidak ditanggapi" in console and f'/pertanyaan/{question.id}/tolak"' in console


def test_reject_needs_a_reason(client, login, db, world, live):
    question = services.submit_question(world.citizen, live, "Di luar topik?")
    db.session.commit()
    login(world.moderator)
    url = f"/konsultasi/{live.id}/pertanyaan/{question.id}/tolak"
    console = client.get(f"/konsultasi/{live.id}/konsol").get_data(as_text=True)
    assert "Tolak dengan alasan" in console and f'action="{url}"' in console and "<details open>" not in console
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tulis alasannya" in html and "<details open>" in html  # the console again, this form open
    assert client.post(url, data={"reason": "Di luar topik konsultasi."}).status_code == 303
    db.session.refresh(question)
    assert (question.status, question.reason) == ("ditolak", "Di luar topik konsultasi.")


def test_now_answering_then_answered_by_asn_is_a_response_event(client, login, db, world, live):
    question = approved_question(db, world, live)
    login(world.moderator)
    assert client.post(f"/konsultasi/{live.id}/pertanyaan/{question.id}/sedang-dijawab").status_code == 303
    feed = client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()
    assert feed["now_answering"]["id"] == question.id
    response = client.post(f"/konsultasi/{live.id}/pertanyaan/{question.id}/jawab",
                           data={"asn_id": str(world.asn.id), "answer": "Apotek buka sampai pukul 21.00."})
    assert response.status_code == 303
    db.session.refresh(question)
    assert question.status == "dijawab" and question.answered_by_asn_id == world.asn.id
    event = db.session.scalar(select(ResponseEvent))
    assert (event.source, event.item_type, event.item_id, event.asn_id) == ("konsultasi", "question", question.id,
                                                                            world.asn.id)
    assert client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()["now_answering"] is None


def test_answered_without_asn_records_no_response_event(db, world, live):
    question = approved_question(db, world, live)
    services.answer_question(world.moderator, question)
    db.session.commit()
    assert question.status == "dijawab"
    assert db.session.scalar(select(func.count()).select_from(ResponseEvent)) == 0
    with pytest.raises(services.AlreadyAnswered):
        services.answer_question(world.moderator, question)


def test_answerer_must_be_a_speaker_or_of_the_unit(client, login, db, world, live):
    question = approved_question(db, world, live)
    with pytest.raises(services.AnswererNotEligible):
        services.answer_question(world.moderator, question, asn=world.outsider)
    db.session.rollback()
    login(world.moderator)
    forged = client.post(f"/konsultasi/{live.id}/pertanyaan/{question.id}/jawab", data={"asn_id": str(world.outsider.id)})
    assert forged.status_code == 422
    garbage = client.post(f"/konsultasi/{live.id}/pertanyaan/{question.id}/jawab", data={"asn_id": "abc"})
    assert garbage.status_code == 422


def test_asn_answers_a_question_themselves(client, login, db, world, live):
    question = approved_question(db, world, live)
    login(world.asn.user)
    response = client.post(f"/konsultasi/{live.id}/pertanyaan/{question.id}/jawab",
                           data={"asn_id": str(world.speaker.id), "answer": "Jawaban saya."})
    assert response.status_code == 303
    db.session.refresh(question)
    assert question.answered_by_asn_id == world.asn.id  # never someone else's name


def test_moderation_after_closing_but_not_after_the_report(db, world, live):
    question = approved_question(db, world, live)
    services.transition_consultation(world.moderator, live, "ditutup")
    services.reject_question(world.moderator, question, "Waktu sesi habis.")
    services.save_report_summary(world.moderator, live, "Ringkasan.")
    services.transition_consultation(world.moderator, live, "laporan")
    other = db.session.scalar(select(Question).where(Question.id == question.id))
    with pytest.raises(services.ModerationClosed):
        services.approve_question(world.moderator, other)
