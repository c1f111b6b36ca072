"""One fixture world for the route sweep (tests/core/test_access_matrix.py): one real object per URL parameter.

Everything is made through the services where they exist, so the objects are in the states the
pages expect: a unit with a service and its forum category, the unit's atasan and the ASN they
supervise, a resident (warga) who opened a thread and submitted a public feedback item, a
neighbour who replied and flagged, a moderator, an admin, a consultation under way with a section,
comment, approved and pending questions, registration and speaker, a closed consultation, and the ASN's development record (training with a
certificate, evaluation, goal, work target, a contested and an uncontested rating).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from forum import services as forum_services
from forum.models import Category, PostRevision
from konsultasi import services as konsultasi_services
from portal.db import utcnow
from portal.extensions import db
from portal.feedback import services as feedback_services
from portal.feedback.models import FeedbackAttachment
from portal.jobs.models import DEAD, Job
from portal.notifications.models import Notification
from portal.pembinaan import services as pembinaan_services
from portal.responses.models import ResponseEvent
from tests.konsultasi.conftest import PATH, consultation_values

ROLES = ("anonymous", "warga", "asn", "atasan", "moderator", "admin")

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class World:
    people: dict  # role → user (None for anonymous)
    args: dict = field(default_factory=dict)  # URL argument name → value, for url_for


def _model_by_table(name):
    """The mapped class of a table, wherever its capability keeps it."""
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_
    raise LookupError(name)


def _rated_event(asn, title):
    answered = utcnow() - timedelta(days=20)
    event = ResponseEvent(
        source="forum", item_type="thread", item_id=9000 + len(title), answer_id=None, title=title,
        url="/forum/", unit_id=asn.unit_id, asn_id=asn.id, started_at=answered - timedelta(hours=2),
        answered_at=answered, response_seconds=7200, working_seconds=7200, deadline_at=None, deadline_met=None,
        is_first=True, rating=1, rating_comment="Tidak membantu", rated_at=answered + timedelta(days=1),
        rating_excluded=False,
    )
    db.session.add(event)
    db.session.flush()
    return event


def build_world(app, make_user, make_unit, make_asn):
    """Make every object the parameterised routes need and return their ids, keyed by URL argument."""
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    other_unit = make_unit(name="Dinas Pendidikan", slug="dispendik")
    atasan = make_asn(unit=unit, name="Bagus Atasan", jabatan="Kepala Bidang Pelayanan")
    asn = make_asn(unit=unit, supervisor=atasan, name="Rina Petugas", jabatan="Analis Pelayanan")
    speaker = make_asn(unit=other_unit, name="Siti Narasumber", jabatan="Kepala Bidang SD")
    warga = make_user(name="Budi Warga", email="budi@contoh.id")
    neighbour = make_user(name="Sri Tetangga", email="sri@contoh.id")
    for person in (warga, neighbour):  # established accounts: no new-account posting limit
        person.created_at = utcnow() - timedelta(days=30)
    moderator = make_user(name="Moderator Portal", roles=("warga", "moderator"))
    admin = make_user(name="Admin BKPSDM", roles=("warga", "admin"))
    people = {"anonymous": None, "warga": warga, "asn": asn.user, "atasan": atasan.user, "moderator": moderator,
              "admin": admin}

    # Forum: the warga's thread, a neighbour's reply (flagged), the warga's own reply, the ASN's answer.
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit, description="Pertanyaan kesehatan.")
    db.session.add(category)
    db.session.flush()
    thread = forum_services.open_thread(warga, category, title="Antrean puskesmas terlalu panjang",
                                        body="Saya antre tiga jam.", notify=False)
    reply = forum_services.reply(neighbour, thread, "Saya juga mengalaminya.", notify=False)
    own_reply = forum_services.reply(warga, thread, "Tambahan dari penanya.", notify=False)
    official = forum_services.reply(asn.user, thread, "Jawaban resmi dinas.", official=True, notify=False)
    forum_services.edit_post(warga, thread.posts[0], "Saya antre tiga jam di loket.")
    flag = forum_services.flag_post(warga, reply, "spam", notify=False)
    db.session.flush()
    revision = db.session.scalar(select(PostRevision.id))

    # Feedback: a public item of the warga's, with a photo on disk.
    feedback, _secret = feedback_services.submit_feedback(
        unit=unit, service=unit.services[0], type="keluhan", title="Antrean Puskesmas terlalu lama",
        body="Saya menunggu empat jam di Puskesmas Ketabang.", is_public=True, submitter=warga,
        contact_name="Budi Warga", contact_email="budi@contoh.id")
    # The photo belongs to the neighbour's item, so the warga (not its submitter) is refused it.
    photographed, _secret = feedback_services.submit_feedback(
        unit=unit, service=unit.services[0], type="keluhan", title="Lampu puskesmas mati",
        body="Ruang tunggu gelap sejak kemarin.", is_public=True, submitter=neighbour, contact_name="Sri Tetangga",
        contact_email="sri@contoh.id")
    attachment = FeedbackAttachment(feedback=photographed, stored_name="sweep-photo.png", original_name="foto.png",
                                    content_type="image/png", size=len(PNG))
    db.session.add(attachment)
    path = feedback_services.attachment_path(attachment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)

    # Konsultasi: under way, so registration, comments and questions are open.
    consultation = konsultasi_services.create_consultation(moderator, **consultation_values(unit))
    konsultasi_services.add_section(moderator, consultation, heading="Pasal 1 — Ketentuan Umum", body="Isi pasal.")
    konsultasi_services.add_section(moderator, consultation, heading="Pasal 2 — Jam Layanan", body="Isi pasal.")
    konsultasi_speaker = konsultasi_services.add_speaker(moderator, consultation, nip=speaker.nip, role="Narasumber")
    for step in PATH["berlangsung"]:
        konsultasi_services.transition_consultation(moderator, consultation, step)
    section = consultation.sections[0]
    registration = konsultasi_services.register_for_consultation(neighbour, consultation)
    comment = konsultasi_services.add_comment(neighbour, section, "Komentar untuk diuji.")
    question = konsultasi_services.submit_question(neighbour, consultation, "Pertanyaan untuk diuji?")
    konsultasi_services.approve_question(moderator, question)  # approved: others may vote on it
    pending = konsultasi_services.submit_question(neighbour, consultation, "Pertanyaan yang menunggu?")
    # Closed, not yet reported: moderators preview the report, nobody else reads it.
    closed = konsultasi_services.create_consultation(moderator, **consultation_values(unit, title="Konsultasi Selesai"))
    konsultasi_services.add_section(moderator, closed, heading="Pasal 1", body="Isi pasal.")
    for step in PATH["ditutup"]:
        konsultasi_services.transition_consultation(moderator, closed, step)

    # Pembinaan: the ASN's record.
    today = date.today()
    training = pembinaan_services.add_training(asn.user, asn, title="Pelatihan Pelayanan Prima", organiser="BKPSDM",
                                               form="e_learning", starts_on=today - timedelta(days=10),
                                               ends_on=today - timedelta(days=9), jp=8)
    training.certificate_name, training.certificate_stored, training.certificate_type = (
        "sertifikat.png", "sweep-certificate.png", "image/png")
    certificate = pembinaan_services.certificate_folder() / training.certificate_stored
    certificate.parent.mkdir(parents=True, exist_ok=True)
    certificate.write_bytes(PNG)
    evaluation = pembinaan_services.save_evaluation(atasan.user, asn, period="2026-Q2", hasil_kerja="sesuai",
                                                    perilaku_kerja="sesuai", summary="Kinerja baik.")
    goal = pembinaan_services.propose_goal(atasan.user, asn, goal="Menguasai layanan daring",
                                           actions="Ikut pelatihan e-learning.", owner="Rina Petugas",
                                           due_on=today + timedelta(days=90))
    running_goal = pembinaan_services.propose_goal(atasan.user, asn, goal="Menulis jawaban baku",
                                                   actions="Menyusun templat jawaban.", owner="Rina Petugas",
                                                   due_on=today + timedelta(days=60))
    pembinaan_services.acknowledge_goal(asn.user, running_goal)
    target = pembinaan_services.add_work_target(atasan.user, asn, period=str(today.year),
                                                title="Jawaban warga tepat waktu",
                                                indicators=[("Jawaban dalam tenggat", "90%")])
    contested = _rated_event(asn, "Pertanyaan yang disanggah")
    contest = pembinaan_services.contest_rating(asn.user, contested, "Penilaian ini tidak sesuai isi jawaban saya.")
    uncontested = _rated_event(asn, "Pertanyaan belum disanggah")

    notification = Notification(user_id=warga.id, kind="forum", message="Ada balasan baru.", url="/forum/")
    holiday = _model_by_table("holidays")(day=date(today.year + 1, 1, 1), name="Tahun Baru Masehi")
    dead_jobs = [Job(kind="mail", payload={"to": "gagal@contoh.id", "subject": "Uji", "body": "Uji"}, recipient="gagal@contoh.id", status=DEAD,
                     attempts=6, max_attempts=6, last_error="SMTPServerDisconnected") for _ in range(2)]
    db.session.add_all([notification, holiday, *dead_jobs])
    db.session.commit()

    return World(people=people, args={
        "unit_id": unit.id, "service_id": unit.services[0].id, "profile_id": asn.id, "user_id": neighbour.id,
        "role": "moderator", "holiday_id": holiday.id, "category_id": category.id,
        "token": "tautan-tidak-berlaku", "number": feedback.tracking_number, "slug": unit.slug,
        "service_slug": unit.services[0].slug, "category_slug": category.slug, "attachment_id": attachment.id,
        "thread_id": thread.id, "post_id": reply.id, "opening_post_id": thread.posts[0].id,
        "own_post_id": own_reply.id, "official_post_id": official.id, "flag_id": flag.id, "revision_id": revision,
        "consultation_id": consultation.id, "section_id": section.id, "comment_id": comment.id,
        "question_id": question.id,
        "pending_question_id": pending.id, "closed_consultation_id": closed.id, "registration_id": registration.id, "speaker_id": konsultasi_speaker.id,
        "phase": "ditutup", "notification_id": notification.id, "asn_id": asn.id, "evaluation_id": evaluation.id,
        "training_id": training.id, "goal_id": goal.id, "running_goal_id": running_goal.id, "contest_id": contest.id, "event_id": uncontested.id,
        "target_id": target.id, "filename": "css/portal.css", "job_id": dead_jobs[0].id,
        "discarded_job_id": dead_jobs[1].id,
    })
