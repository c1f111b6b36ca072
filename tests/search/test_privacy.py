"""Private, hidden, deleted and draft content never appears — also right after it stops being public."""

import pytest
from sqlalchemy import update

from forum import services as forum_services
from konsultasi import services as konsultasi_services
from portal.feedback.models import Feedback
from portal.search import drainer
from portal.search.documents import doc_key
from portal.search.service import search
from tests.search.conftest import without_worker

pytestmark = pytest.mark.usefixtures("backend")


def test_private_feedback_is_never_indexed(make_feedback, find):
    make_feedback(title="Pungutan liar di kelurahan", body="Saya diminta membayar.", is_public=False)
    public = make_feedback(title="Pungutan liar di kecamatan", body="Ada yang minta uang.")
    assert find("pungutan") == [f"feedback:{public.id}"]


def test_contact_and_identity_are_never_searchable(make_feedback, make_thread, world, find):
    make_feedback(title="Lampu jalan mati", body="Gelap sekali.")  # contact: Hartono Rahasiawan
    make_thread(title="Tanya jadwal vaksin", body="Kapan?", pseudonym="Warga Gubeng")  # account: Budi Santoso
    for who in ("Hartono", "Rahasiawan", "hartono.rahasiawan", "Budi", "Santoso", "budi@contoh.id"):
        assert find(who) == [], who


def test_feedback_made_private_disappears_at_once(db, make_feedback, find):
    feedback = make_feedback(title="Trotoar dipakai parkir", body="Pejalan kaki terpaksa lewat jalan.")
    assert find("trotoar") == [f"feedback:{feedback.id}"]
    feedback.is_public = False
    db.session.commit()
    assert find("trotoar") == []


def test_hidden_and_deleted_posts_and_threads(db, world, make_thread, find):
    thread = make_thread(title="Sekolah kekurangan guru", body="Kelas digabung.")
    reply = forum_services.reply(world.neighbour, thread, "Di SD kami juga ada pungutan seragam.", notify=False)
    db.session.commit()
    assert find("seragam") == [f"thread:{thread.id}"]

    forum_services.hide_post(world.moderator, reply, "Tuduhan tanpa bukti.")
    db.session.commit()
    assert find("seragam") == []  # the hidden reply's words are gone …
    assert find("guru") == [f"thread:{thread.id}"]  # … the thread itself stays

    forum_services.restore_post(world.moderator, reply)
    db.session.commit()
    assert find("seragam") == [f"thread:{thread.id}"]

    forum_services.hide_post(world.moderator, thread.posts[0], "Data pribadi.")
    db.session.commit()
    assert find("guru") == [] and find("seragam") == []  # hiding the opening post hides the thread


def test_deleted_thread_disappears(db, world, make_thread, find):
    thread = make_thread(title="Salah kategori, saya hapus", body="Maaf, keliru.")
    assert find("keliru") == [f"thread:{thread.id}"]
    forum_services.delete_post(world.resident, thread.posts[0])
    db.session.commit()
    assert find("keliru") == []


def test_edits_replace_the_old_text(db, world, make_thread, find):
    thread = make_thread(title="Air PDAM keruh", body="Warnanya coklat sejak pagi.")
    forum_services.edit_post(world.resident, thread.posts[0], "Warnanya kuning sejak pagi.", title="Air PDAM kuning")
    db.session.commit()
    assert find("coklat") == [] and find("keruh") == []
    assert find("kuning") == [f"thread:{thread.id}"]


def test_draft_consultations_stay_out_until_announced(db, world, make_consultation, find):
    consultation = make_consultation(phase="draf", title="Rancangan perwali parkir berlangganan")
    assert find("berlangganan") == []
    konsultasi_services.transition_consultation(world.moderator, consultation, "diumumkan")
    db.session.commit()
    assert find("berlangganan") == [f"konsultasi:{consultation.id}"]


def test_only_approved_questions_and_visible_comments_of_a_consultation(db, world, make_consultation, find):
    consultation = make_consultation(phase="berlangsung", title="Dialog layanan kesehatan")
    key = doc_key("konsultasi", consultation.id)
    question = konsultasi_services.submit_question(world.resident, consultation, "Bagaimana nasib bidan honorer?")
    db.session.commit()
    assert find("honorer") == []  # waiting for moderation
    konsultasi_services.approve_question(world.moderator, question)
    db.session.commit()
    assert find("honorer") == [key]
    konsultasi_services.answer_question(world.moderator, question, asn=world.officer,
                                        answer="Akan diangkat bertahap mulai tahun depan.")
    db.session.commit()
    assert find("diangkat") == [key]
    rejected = konsultasi_services.submit_question(world.neighbour, consultation, "Kenapa tunjangan dipotong?")
    konsultasi_services.reject_question(world.moderator, rejected, "Di luar topik.")
    db.session.commit()
    assert find("tunjangan") == []

    comment = konsultasi_services.add_comment(world.neighbour, consultation.sections[0], "Tambahkan ambulans malam.")
    db.session.commit()
    assert find("ambulans") == [key]
    konsultasi_services.hide_comment(world.moderator, comment, "Spam.")
    db.session.commit()
    assert find("ambulans") == []


def test_results_are_checked_against_the_database_even_if_the_index_lags(app, db, make_feedback, find):
    feedback = make_feedback(title="Retribusi pasar naik", body="Pedagang keberatan.")
    without_worker(app)  # nothing drains: the index still holds the public version
    db.session.execute(update(Feedback).where(Feedback.id == feedback.id).values(is_public=False))
    db.session.commit()
    assert search("retribusi").items == []
    app.config["SEARCH_SYNC"] = True
    drainer.drain_outbox(app)
