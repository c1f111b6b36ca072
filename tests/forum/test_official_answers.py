"""Official answers, thread status, accepted answers, ratings and the response events they record."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum import services
from portal.responses.models import Assignment, ResponseEvent
from portal.workdays.calendar import add_working_days


def test_official_answer_shows_the_badge_records_the_event_and_marks_the_thread(
        client, login, db, thread, officer):
    login(officer.user)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Kami tambah loket pagi.", "official": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (thread.status, thread.has_official_answer) == ("dijawab", True)
    post = thread.posts[1]
    assert post.is_official and post.official_asn_id == officer.id and post.pseudonym is None

    event = db.session.scalar(select(ResponseEvent))
    assert (event.source, event.item_type, event.item_id, event.answer_id) == ("forum", "thread", thread.id, post.id)
    assert event.asn_id == officer.id and event.unit_id == officer.unit_id and event.is_first
    assert event.started_at == thread.created_at and event.answered_at == post.created_at
    assert event.deadline_at == thread.deadline_at and event.deadline_met is True
    assert db.session.scalar(select(Assignment.answered_at)) == post.created_at

    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Jawaban resmi</strong>" in html
    assert "Rina Wulandari · Analis Pelayanan Kesehatan · Dinas Kesehatan" in html
    assert "tepat waktu" in html and "sejak utas dibuka" in html


def test_a_second_official_answer_is_not_the_first_and_keeps_the_status(db, thread, officer, atasan, make_reply):
    make_reply(officer.user, thread, "Jawaban pertama.", official=True)
    make_reply(atasan.user, thread, "Tambahan dari atasan.", official=True)
    events = db.session.scalars(select(ResponseEvent).order_by(ResponseEvent.id)).all()
    assert [e.is_first for e in events] == [True, False]
    assert thread.status == "dijawab"


def test_a_late_answer_misses_the_deadline(db, officer, resident, category):
    # Friday 10.00 WIB; due by the end of Tuesday (2 working days); answered on Wednesday.
    opened = datetime(2026, 3, 6, 3, 0, tzinfo=UTC)
    thread = services.open_thread(resident, category, title="Pertanyaan hari Jumat", body="Isi", now=opened)
    assert thread.deadline_at == add_working_days(opened, 2)
    services.reply(officer.user, thread, "Maaf terlambat.", official=True, now=datetime(2026, 3, 11, 2, tzinfo=UTC))
    event = db.session.scalar(select(ResponseEvent))
    assert event.deadline_met is False
    assert event.response_seconds == 5 * 24 * 3600 - 3600
    assert event.working_seconds < event.response_seconds  # the weekend does not count


def test_timing_starts_at_the_opening_even_after_assignment_to_the_answering_asn(db, thread, officer, atasan):
    # Issue 12 point 20: the clock runs from the start of the deadline it is judged against.
    assigned_at = thread.created_at + timedelta(days=1)
    services.assign_thread(atasan.user, thread, asn=officer, now=assigned_at)
    answered = assigned_at + timedelta(hours=3)
    services.reply(officer.user, thread, "Sudah kami cek.", official=True, now=answered)
    event = db.session.scalar(select(ResponseEvent))
    assert event.started_at == thread.created_at and event.response_seconds == 27 * 3600
    assert event.assignment_id == db.session.scalar(select(Assignment.id).where(Assignment.asn_id == officer.id))


def test_citizens_and_asn_of_other_units_cannot_answer_officially(client, login, db, thread, neighbour, outsider):
    for person in (neighbour, outsider.user):
        login(person)
        response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Resmi?", "official": "y"})
        assert response.status_code == 403
        with pytest.raises(services.NotAllowed):
            services.reply(person, thread, "Resmi?", official=True)
        db.session.rollback()
    db.session.expire_all()
    assert thread.post_count == 1 and not thread.has_official_answer
    assert db.session.scalar(select(ResponseEvent.id)) is None


def test_author_accepts_an_answer_and_the_thread_is_done(client, login, db, thread, resident, make_reply, neighbour):
    reply = make_reply(neighbour, thread, "Coba daftar lewat E-Health.")
    login(resident)
    response = client.post(f"/forum/p/{reply.id}/terima")
    assert response.status_code == 303
    db.session.expire_all()
    assert (thread.status, thread.accepted_post_id) == ("selesai", reply.id)
    assert db.session.scalar(select(Assignment.ended_at)) is not None
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Jawaban yang diterima penanya" in html and "Selesai" in html


def test_the_opening_post_cannot_be_the_accepted_answer(client, login, thread, resident):
    login(resident)
    # can_accept_answer(user, post) refuses the opening post: no button, and the POST is forbidden.
    assert "/terima" not in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert client.post(f"/forum/p/{thread.posts[0].id}/terima").status_code == 403
    with pytest.raises(services.InvalidInput, match="Hanya balasan yang tampil"):
        services.accept_answer(resident, thread.posts[0])


def test_author_rates_the_official_answer_and_can_change_the_rating(client, login, db, thread, resident, officer,
                                                                   make_reply):
    answer = make_reply(officer.user, thread, "Jawaban resmi.", official=True)
    login(resident)
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "<legend" in page and "Nilai jawaban resmi ini" in page and 'type="radio" name="rating"' in page
    response = client.post(f"/forum/p/{answer.id}/nilai", data={"rating": "4", "comment": "Jelas, terima kasih."})
    assert response.status_code == 303
    event = db.session.scalar(select(ResponseEvent))
    assert (event.rating, event.rating_comment, event.rated_by_id) == (4, "Jelas, terima kasih.", resident.id)
    client.post(f"/forum/p/{answer.id}/nilai", data={"rating": "5"})
    db.session.expire_all()
    assert event.rating == 5 and event.rating_comment is None
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "5 dari 5 bintang" in html


@pytest.mark.parametrize("data", [{}, {"rating": "0"}, {"rating": "6"}, {"rating": "lima"}, {"rating": "5", "comment": "x" * 1001}])
def test_bad_ratings_are_refused_with_422_and_nothing_stored(client, login, db, thread, resident, officer, make_reply,
                                                             data):
    answer = make_reply(officer.user, thread, "Jawaban resmi.", official=True)
    login(resident)
    response = client.post(f"/forum/p/{answer.id}/nilai", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ada yang perlu diperbaiki" in html
    assert "Pilih nilai 1 sampai 5 bintang." in html or "Pilihan tidak valid." in html or "Maksimal 1000" in html
    assert db.session.scalar(select(ResponseEvent.rating)) is None


def test_only_official_answers_can_be_rated_and_only_by_the_author(client, login, db, thread, neighbour, officer,
                                                                  make_reply, resident):
    plain = make_reply(neighbour, thread, "Bukan jawaban resmi.")
    official = make_reply(officer.user, thread, "Jawaban resmi.", official=True)
    login(resident)
    assert client.post(f"/forum/p/{plain.id}/nilai", data={"rating": "5"}).status_code == 403
    login(neighbour)
    assert client.post(f"/forum/p/{official.id}/nilai", data={"rating": "1"}).status_code == 403
    assert db.session.scalar(select(ResponseEvent.rating)) is None


def test_status_moves_terbuka_dijawab_selesai_and_a_moderator_can_reopen(db, thread, officer, moderator, make_reply):
    assert thread.status == "terbuka"
    make_reply(officer.user, thread, "Jawaban.", official=True)
    assert thread.status == "dijawab"
    services.close_thread(moderator, thread, "Sudah selesai.")
    assert thread.status == "selesai"
    services.reopen_thread(moderator, thread)
    assert thread.status == "dijawab"  # it still has its official answer


def test_reopening_an_unanswered_thread_gives_the_unit_a_new_deadline(db, thread, moderator):
    services.close_thread(moderator, thread)
    services.reopen_thread(moderator, thread)
    db.session.commit()
    open_rows = db.session.scalars(select(Assignment).where(Assignment.ended_at.is_(None))).all()
    assert thread.status == "terbuka" and len(open_rows) == 1
