"""Konsultasi operations. They flush but never commit: the caller commits once.

They take the acting user and plain values, never `request` or `current_user`, so the web views,
the CLI, the demo seed and the tests all call the same functions.
"""

import logging

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from konsultasi.ics import build_ics
from konsultasi.models import (
    PHASE_LABELS,
    Comment,
    Consultation,
    Question,
    QuestionVote,
    Registration,
    Section,
    Speaker,
)
from portal.audit import record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.mailer import queue_mail
from portal.markup import plain_text, render_markdown
from portal.notifications.services import notify
from portal.organisation.models import AsnProfile
from portal.organisation.nip import InvalidNip, normalize_nip
from portal.organisation.queries import list_unit_asn
from portal.personal_text import find_personal_data, personal_data_message
from portal.responses.services import record_response
from portal.unit_of_work import ServiceError
from portal.web import wib

log = logging.getLogger("portal.konsultasi")

# The lifecycle: (from, to) → the action's name in the audit log. Only these moves exist; each is
# a deliberate moderator action (a button on the manage page), never a side effect of the clock.
TRANSITIONS = {
    ("draf", "diumumkan"): "publish",
    ("diumumkan", "berlangsung"): "start",
    ("berlangsung", "ditutup"): "close",
    ("ditutup", "laporan"): "publish_report",
}


class KonsultasiError(ServiceError):
    """A business rule refused the action; str(error) is the message for the person."""



class IllegalTransition(KonsultasiError):
    pass


class ReportSummaryMissing(KonsultasiError):
    status = 400


class NotEditable(KonsultasiError):
    pass


class CapacityTooLow(KonsultasiError):
    status = 400
    field = "capacity"


class RegistrationClosed(KonsultasiError):
    pass


class AlreadyRegistered(KonsultasiError):
    pass


class NotRegistered(KonsultasiError):
    pass


class CommentsClosed(KonsultasiError):
    pass


class QuestionsClosed(KonsultasiError):
    pass


class ModerationClosed(KonsultasiError):
    pass


class QuestionNotPending(KonsultasiError):
    pass


class QuestionNotApproved(KonsultasiError):
    pass


class OwnQuestion(KonsultasiError):
    pass


class AlreadyAnswered(KonsultasiError):
    pass


class AnswererNotEligible(KonsultasiError):
    status = 400
    field = "asn_id"


class SpeakerInvalid(KonsultasiError):
    status = 400
    field = "nip"


class SectionHasComments(KonsultasiError):
    pass


class CheckInClosed(KonsultasiError):
    pass


class PersonalDataInText(KonsultasiError):
    status = 400
    field = "body"


# UU 27/2022 (DOMAIN.md §6): a resident's comment or question is public, so it holds no NIK, phone
# number or e-mail address; an official answer may give the unit's own contacts, never a NIK. The
# forms check first; the services repeat it for the API, the CLI and the tests.
RESIDENT_TEXT = ("nik", "phone", "email")
OFFICIAL_TEXT = ("nik",)


def _refuse_personal_data(text, kinds, field="body"):
    findings = find_personal_data(text or "", kinds)
    if findings:
        raise PersonalDataInText(str(personal_data_message(findings)), field=field)


# ---------------------------------------------------------------- consultation and lifecycle


def _snapshot(consultation):
    return {
        "title": consultation.title,
        "topic": consultation.topic,
        "unit_id": consultation.unit_id,
        "format": consultation.format,
        "location": consultation.location,
        "online_url": consultation.online_url,
        "starts_at": consultation.starts_at.isoformat() if consultation.starts_at else None,
        "ends_at": consultation.ends_at.isoformat() if consultation.ends_at else None,
        "capacity": consultation.capacity,
        "document_title": consultation.document_title,
        "phase": consultation.phase,
    }


def _apply_fields(consultation, *, title, topic, unit, description, format, location, online_url,
                  starts_at, ends_at, capacity, document_title):
    consultation.title = title.strip()
    consultation.topic = topic
    consultation.unit_id = unit.id
    consultation.unit = unit
    consultation.description_md = description or ""
    consultation.description_html = render_markdown(description or "")
    consultation.format = format
    consultation.location = (location or "").strip() or None
    consultation.online_url = (online_url or "").strip() or None
    consultation.starts_at = starts_at
    consultation.ends_at = ends_at
    consultation.capacity = capacity
    consultation.document_title = (document_title or "").strip() or None


def _check_schedule(starts_at, ends_at, capacity):
    # The forms check these too; the service repeats them for the CLI, the API and the tests.
    if ends_at <= starts_at:
        raise KonsultasiError(_("Waktu selesai harus sesudah waktu mulai."), field="ends_at")
    if capacity is None or capacity < 1:
        raise CapacityTooLow(_("Kapasitas minimal 1 peserta."))


def create_consultation(actor, **fields):
    """Create a consultation in the draf phase."""
    _check_schedule(fields["starts_at"], fields["ends_at"], fields["capacity"])
    consultation = Consultation(phase="draf", created_by_id=actor.id, registered_count=0)
    _apply_fields(consultation, **fields)
    db.session.add(consultation)
    db.session.flush()
    record_audit(actor, "konsultasi.create", consultation, after=_snapshot(consultation))
    return consultation


def update_consultation(actor, consultation, **fields):
    """Change a consultation's details; a larger capacity promotes people from the waiting list."""
    if not consultation.is_editable:
        raise NotEditable(_("Konsultasi yang sudah berlangsung atau selesai tidak dapat diubah lagi."))
    _check_schedule(fields["starts_at"], fields["ends_at"], fields["capacity"])
    _lock_consultation(consultation)
    if fields["capacity"] < consultation.registered_count:
        raise CapacityTooLow(_(
            "Kapasitas tidak boleh kurang dari jumlah peserta yang sudah terdaftar (%(n)d).",
            n=consultation.registered_count,
        ))
    before = _snapshot(consultation)
    _apply_fields(consultation, **fields)
    consultation.updated_at = utcnow()
    after = _snapshot(consultation)
    if before != after:
        record_audit(actor, "konsultasi.update", consultation, before=before, after=after)
    promoted = _fill_free_seats(consultation)
    db.session.flush()
    return promoted


def allowed_next_phases(consultation):
    """List the phases the consultation may move to from where it is."""
    return [to for (frm, to) in TRANSITIONS if frm == consultation.phase]


def transition_consultation(actor, consultation, to_phase, now=None):
    """Move the consultation to the next phase, if the lifecycle table allows it; audited."""
    now = now or utcnow()
    _lock_consultation(consultation)  # two moderators clicking at once: the second one is refused
    from_phase = consultation.phase
    action = TRANSITIONS.get((from_phase, to_phase))
    if action is None:
        raise IllegalTransition(_(
            "Tahap konsultasi tidak dapat diubah dari %(from)s ke %(to)s.",
            **{"from": PHASE_LABELS.get(from_phase, from_phase), "to": PHASE_LABELS.get(to_phase, to_phase)},
        ))
    if to_phase == "laporan" and not (consultation.summary_md or "").strip():
        raise ReportSummaryMissing(_("Tulis ringkasan laporan terlebih dahulu, lalu terbitkan laporannya."))
    consultation.phase = to_phase
    stamp = {"diumumkan": "published_at", "berlangsung": "live_at", "ditutup": "closed_at",
             "laporan": "report_published_at"}[to_phase]
    setattr(consultation, stamp, now)
    if to_phase == "ditutup":
        consultation.now_answering_id = None
    record_audit(actor, f"konsultasi.{action}", consultation, before={"phase": from_phase}, after={"phase": to_phase})
    db.session.flush()
    if to_phase == "laporan":
        _notify_report(consultation)
    return consultation


def _notify_report(consultation):
    path = url_for("konsultasi.report", consultation_id=consultation.id)
    message = _("Laporan konsultasi \"%(title)s\" sudah terbit.", title=consultation.title)
    people = db.session.scalars(
        select(Registration.user_id).where(
            Registration.consultation_id == consultation.id, Registration.status == "terdaftar"
        ).union(select(Question.author_id).where(Question.consultation_id == consultation.id))
    ).all()
    from portal.accounts.models import User

    for user in db.session.scalars(select(User).where(User.id.in_(people))):
        notify(user, "konsultasi", message, path, email=False)


def save_report_summary(actor, consultation, summary):
    """Store the moderator's summary for the report (only once inputs are closed)."""
    if consultation.phase != "ditutup":
        raise NotEditable(_("Ringkasan laporan hanya dapat ditulis setelah konsultasi ditutup dan sebelum laporan terbit."))
    before = consultation.summary_md
    consultation.summary_md = summary
    consultation.summary_html = render_markdown(summary)
    record_audit(actor, "konsultasi.summary", consultation, before={"summary": before}, after={"summary": summary})
    db.session.flush()
    return consultation


# ---------------------------------------------------------------- registration

# Why registration cannot go over capacity, on PostgreSQL and on SQLite with several workers:
# every change to seats or the waiting list first takes the consultation row's write lock with an
# UPDATE that touches the row, and only then reads the counts and decides. On PostgreSQL that
# UPDATE holds the row lock until commit (as SELECT … FOR UPDATE would), so a second registration
# for the same consultation waits and then reads the first one's committed counts (READ
# COMMITTED takes a new snapshot per statement). On SQLite the UPDATE takes the database write
# lock; pysqlite opens the transaction right before that first write, so no stale read snapshot
# is held, and the busy_timeout (portal/db.py) makes other writers wait instead of failing. The
# CHECK constraint seats (registered_count <= capacity) would refuse any bug that slipped past.


def _lock_consultation(consultation):
    """Take the consultation row's write lock until commit and re-read its columns."""
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(registered_count=Consultation.registered_count)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(consultation)


def get_registration(consultation, user):
    """Return the person's registration row for the consultation (any status), or None."""
    if user is None or not getattr(user, "id", None):
        return None
    return db.session.scalar(
        select(Registration).where(Registration.consultation_id == consultation.id, Registration.user_id == user.id)
    )


def register_for_consultation(user, consultation, now=None):
    """Give the person a seat, or the next place on the waiting list when the event is full."""
    now = now or utcnow()
    if not consultation.is_open_for_registration:
        raise RegistrationClosed(_("Pendaftaran konsultasi ini tidak sedang dibuka."))
    _lock_consultation(consultation)
    if not consultation.is_open_for_registration:  # closed while we waited for the lock
        raise RegistrationClosed(_("Pendaftaran konsultasi ini tidak sedang dibuka."))
    registration = get_registration(consultation, user)
    if registration is not None and registration.is_active:
        raise AlreadyRegistered(_("Anda sudah terdaftar pada konsultasi ini."))
    if registration is None:
        registration = Registration(consultation_id=consultation.id, user_id=user.id)
        db.session.add(registration)
    registration.created_at = now
    registration.cancelled_at = None
    registration.attended_at = None
    if consultation.registered_count < consultation.capacity:
        consultation.registered_count += 1
        registration.status = "terdaftar"
        registration.confirmed_at = now
        registration.waitlist_position = None
    else:
        registration.status = "menunggu"
        registration.confirmed_at = None
        registration.waitlist_position = _next_waitlist_position(consultation)
    db.session.flush()
    record_audit(user, "konsultasi.register", consultation, after={"status": registration.status,
                                                                   "waitlist_position": registration.waitlist_position})
    _send_registration_mail(user, consultation, registration, now)
    return registration


def _next_waitlist_position(consultation):
    # Read under the lock taken by the caller, so two people never get the same place.
    last = db.session.scalar(
        select(func.max(Registration.waitlist_position)).where(Registration.consultation_id == consultation.id)
    )
    return (last or 0) + 1


def list_waiting(consultation):
    """List the waiting list in order: first come, first promoted."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.consultation_id == consultation.id, Registration.status == "menunggu")
        .order_by(Registration.waitlist_position, Registration.id)
    ).all()


def cancel_registration(user, consultation, now=None):
    """Cancel the person's seat or waiting place; a freed seat goes to the first person waiting."""
    now = now or utcnow()
    if not consultation.is_open_for_registration:
        raise RegistrationClosed(_("Pendaftaran konsultasi ini sudah tidak dapat diubah."))
    _lock_consultation(consultation)
    registration = get_registration(consultation, user)
    if registration is None or not registration.is_active:
        raise NotRegistered(_("Anda tidak terdaftar pada konsultasi ini."))
    had_seat = registration.status == "terdaftar"
    before = registration.status
    registration.status = "dibatalkan"
    registration.cancelled_at = now
    promoted = []
    if had_seat:
        consultation.registered_count -= 1
        promoted = _fill_free_seats(consultation, now)
    db.session.flush()
    record_audit(user, "konsultasi.cancel_registration", consultation, before={"status": before},
                 after={"status": "dibatalkan", "promoted_user_ids": [r.user_id for r in promoted]})
    return promoted


def _fill_free_seats(consultation, now=None):
    """Promote people from the waiting list, in order, while seats are free (caller holds the lock)."""
    now = now or utcnow()
    promoted = []
    if consultation.registered_count >= consultation.capacity:
        return promoted
    for registration in list_waiting(consultation):
        if consultation.registered_count >= consultation.capacity:
            break
        consultation.registered_count += 1
        registration.status = "terdaftar"
        registration.confirmed_at = now
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        record_audit(None, "konsultasi.promote", consultation, after={"user_id": registration.user_id,
                                                                      "waitlist_position": registration.waitlist_position})
        path = url_for("konsultasi.detail", consultation_id=consultation.id)
        notify(registration.user, "konsultasi",
               _("Kursi tersedia: Anda kini terdaftar pada \"%(title)s\".", title=consultation.title), path, email=False)
        _send_registration_mail(registration.user, consultation, registration, now, promoted=True)
    return promoted


def calendar_file(consultation, now=None, *, for_participant=True):
    """Return the consultation as an iCalendar (.ics) file, as bytes.

    Anyone may add a public event to a calendar; the online meeting link is only in the
    participants' copy (mailed at registration), as on the page.
    """
    link = public_url("konsultasi.detail", consultation_id=consultation.id)
    host = link.split("/")[2] if "://" in link else "portal.surabaya.go.id"
    description = plain_text(consultation.description_md, limit=600)
    online_url = consultation.online_url if for_participant and consultation.format != "tatap_muka" else None
    return build_ics(
        uid=f"konsultasi-{consultation.id}@{host}",
        dtstamp=now or utcnow(),
        starts_at=consultation.starts_at,
        ends_at=consultation.ends_at,
        summary=consultation.title,
        description=f"{description}\n\n{link}".strip(),
        location=consultation.location if consultation.format != "daring" else None,
        url=online_url or link,
    )


def _send_registration_mail(user, consultation, registration, now, promoted=False):
    if user is None or user.is_deleted:
        return
    link = public_url("konsultasi.detail", consultation_id=consultation.id)
    attachments = []
    if registration.status == "terdaftar":
        subject = _("Pendaftaran terkonfirmasi: %(title)s", title=consultation.title)
        attachments = [(f"konsultasi-{consultation.id}.ics", "text/calendar", calendar_file(consultation, now))]
    else:
        subject = _("Anda di daftar tunggu: %(title)s", title=consultation.title)
    # Sent by a worker after the commit, so the seat's row lock is never held while SMTP answers.
    queue_mail(user.email, subject[:150], "konsultasi_registration", attachments=attachments, user=user,
               consultation=consultation, registration=registration, link=link, promoted=promoted)


def set_attendance(actor, registration, attended, now=None):
    """Check a registered participant in (or undo it) on the attendance list."""
    consultation = registration.consultation
    if not consultation.is_check_in_open:
        raise CheckInClosed(_("Daftar hadir hanya dapat diisi sejak konsultasi diumumkan sampai ditutup."))
    if registration.status != "terdaftar":
        raise NotRegistered(_("Hanya peserta terdaftar yang dapat dicatat hadir."))
    before = registration.attended_at is not None
    if attended == before:
        return registration
    registration.attended_at = (now or utcnow()) if attended else None
    registration.checked_in_by_id = actor.id if attended else None
    record_audit(actor, "konsultasi.check_in" if attended else "konsultasi.check_in_undo", consultation,
                 before={"registration_id": registration.id, "attended": before},
                 after={"registration_id": registration.id, "attended": attended})
    db.session.flush()
    return registration


# ---------------------------------------------------------------- speakers and sections


def add_speaker(actor, consultation, *, nip, role):
    """Attach an ASN, found by NIP, to the event as a speaker."""
    try:
        digits = normalize_nip(nip)
    except InvalidNip as error:
        raise SpeakerInvalid(str(error)) from None
    profile = db.session.scalar(select(AsnProfile).where(AsnProfile.nip == digits))
    if profile is None:
        raise SpeakerInvalid(_("Tidak ada ASN dengan NIP ini. Periksa lagi NIP-nya."))
    if consultation.has_speaker(profile):
        raise SpeakerInvalid(_("%(name)s sudah menjadi narasumber konsultasi ini.", name=profile.name))
    speaker = Speaker(asn=profile, asn_id=profile.id, role=(role or "").strip() or _("Narasumber"),
                      position=len(consultation.speakers))
    consultation.speakers.append(speaker)
    db.session.flush()
    record_audit(actor, "konsultasi.speaker_add", consultation, after={"asn_id": profile.id, "role": speaker.role})
    _notify_speaker(consultation, speaker)
    return speaker


def _notify_speaker(consultation, speaker):
    """Tell the ASN (bell and mail) that they speak at the event, and where to find it."""
    user = speaker.asn.user
    if user is None:  # an ASN profile without a portal account: nobody to tell
        return
    # A draft is visible to moderators only: until it is announced, the person's own list names it.
    if consultation.phase == "draf":
        path = url_for("konsultasi.mine", _anchor="narasumber")
    else:
        path = url_for("konsultasi.detail", consultation_id=consultation.id)
    notify(user, "konsultasi",
           _("Anda ditambahkan sebagai narasumber (%(role)s) pada konsultasi \"%(title)s\", %(when)s.",
             role=speaker.role, title=consultation.title,
             when=wib(consultation.starts_at, "d MMMM yyyy, HH.mm")),
           path)


def remove_speaker(actor, consultation, speaker):
    """Detach a speaker from the event."""
    consultation.speakers.remove(speaker)
    record_audit(actor, "konsultasi.speaker_remove", consultation, before={"asn_id": speaker.asn_id})
    db.session.flush()


def _require_draft(consultation):
    if consultation.phase != "draf":
        raise NotEditable(_("Isi dokumen hanya dapat diubah selama konsultasi masih draf, "
                            "agar komentar warga tetap merujuk ke teks yang sama."))


def add_section(actor, consultation, *, heading, body):
    """Add a pasal or bagian at the end of the draft document."""
    _require_draft(consultation)
    position = (db.session.scalar(
        select(func.max(Section.position)).where(Section.consultation_id == consultation.id)) or 0) + 1
    section = Section(consultation_id=consultation.id, position=position, heading=heading.strip(),
                      body_md=body or "", body_html=render_markdown(body or ""))
    db.session.add(section)
    db.session.flush()
    record_audit(actor, "konsultasi.section_add", section, after={"heading": section.heading})
    return section


def update_section(actor, section, *, heading, body):
    """Change a section's heading and text."""
    _require_draft(section.consultation)
    before = {"heading": section.heading, "body": section.body_md}
    section.heading = heading.strip()
    section.body_md = body or ""
    section.body_html = render_markdown(body or "")
    record_audit(actor, "konsultasi.section_update", section, before=before,
                 after={"heading": section.heading, "body": section.body_md})
    db.session.flush()
    return section


def delete_section(actor, section):
    """Remove a section that nobody has commented on."""
    _require_draft(section.consultation)
    if db.session.scalar(select(func.count(Comment.id)).where(Comment.section_id == section.id)):
        raise SectionHasComments(_("Bagian ini sudah dikomentari, jadi tidak dapat dihapus."))
    record_audit(actor, "konsultasi.section_delete", section, before={"heading": section.heading})
    # The delete-orphan cascade deletes the row; a second, explicit delete of the same object
    # broke the flush ("Failed to add object to the flush context") and every deletion was a 500.
    section.consultation.sections.remove(section)
    db.session.flush()


# ---------------------------------------------------------------- comments on the draft


def add_comment(user, section, body, now=None):
    """Add a citizen's comment to a section while the consultation is open."""
    consultation = section.consultation
    if not consultation.is_open_for_comments:
        raise CommentsClosed(_("Komentar untuk konsultasi ini sudah ditutup."))
    _refuse_personal_data(body, RESIDENT_TEXT)
    comment = Comment(consultation_id=consultation.id, section_id=section.id, author_id=user.id,
                      body_md=body, body_html=render_markdown(body), created_at=now or utcnow())
    db.session.add(comment)
    _bump_comment_count(section, +1)
    db.session.flush()
    record_audit(user, "konsultasi.comment", comment, after={"section_id": section.id})
    return comment


def _bump_comment_count(section, delta):
    # Atomic, so two comments posted at once both count.
    db.session.execute(
        update(Section).where(Section.id == section.id).values(comment_count=Section.comment_count + delta)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(section, ["comment_count"])


def hide_comment(actor, comment, reason, now=None):
    """Hide a comment from the public, with the reason shown in its place."""
    if comment.is_hidden:
        return comment
    comment.hidden_at = now or utcnow()
    comment.hidden_reason = reason.strip()
    comment.hidden_by_id = actor.id
    _bump_comment_count(comment.section, -1)
    record_audit(actor, "konsultasi.comment_hide", comment, before={"hidden": False}, after={"hidden": True},
                 reason=comment.hidden_reason)
    db.session.flush()
    if comment.author is not None:
        notify(comment.author, "moderation",
               _("Komentar Anda pada \"%(title)s\" disembunyikan moderator: %(reason)s",
                 title=comment.section.consultation.title, reason=comment.hidden_reason),
               url_for("konsultasi.document", consultation_id=comment.consultation_id, _anchor=f"komentar-{comment.id}"),
               email=False)
    return comment


def unhide_comment(actor, comment):
    """Show a hidden comment again."""
    if not comment.is_hidden:
        return comment
    reason = comment.hidden_reason
    comment.hidden_at = None
    comment.hidden_reason = None
    comment.hidden_by_id = None
    _bump_comment_count(comment.section, +1)
    record_audit(actor, "konsultasi.comment_unhide", comment, before={"hidden": True, "reason": reason},
                 after={"hidden": False})
    db.session.flush()
    return comment


def eligible_answerers(consultation):
    """List the ASN who may answer for this consultation: its speakers, then the unit's ASN."""
    speakers = [s.asn for s in consultation.speakers]
    seen = {p.id for p in speakers}
    return speakers + [p for p in list_unit_asn(consultation.unit_id) if p.id not in seen]


def _check_answerer(consultation, asn):
    if asn is None:
        return
    if not (asn.unit_id == consultation.unit_id or consultation.has_speaker(asn)):
        raise AnswererNotEligible(_("ASN ini bukan narasumber dan bukan pegawai perangkat daerah penanggung jawab."))


def answer_comment(actor, comment, body, now=None):
    """Record an ASN's official answer to a comment, as a response event for that ASN."""
    now = now or utcnow()
    consultation = comment.section.consultation
    if not consultation.is_comment_answering_open:
        raise ModerationClosed(_("Komentar konsultasi ini sudah tidak dapat dijawab."))
    if comment.is_answered:
        raise AlreadyAnswered(_("Komentar ini sudah dijawab."))
    _refuse_personal_data(body, OFFICIAL_TEXT)
    asn = actor.asn_profile
    _check_answerer(consultation, asn)
    comment.answer_md = body
    comment.answer_html = render_markdown(body)
    comment.answered_at = now
    comment.answered_by_asn_id = asn.id
    comment.answered_by = asn
    path = url_for("konsultasi.document", consultation_id=consultation.id, _anchor=f"komentar-{comment.id}")
    record_response(source="konsultasi", item_type="comment", item_id=comment.id, answer_id=comment.id,
                    title=f"{consultation.title}: {comment.section.heading}", url=path, asn=asn,
                    opened_at=comment.created_at, now=now)
    record_audit(actor, "konsultasi.comment_answer", comment, after={"asn_id": asn.id})
    db.session.flush()
    notify(comment.author, "official_answer",
           _("%(name)s menjawab komentar Anda pada \"%(title)s\".", name=asn.name, title=consultation.title), path)
    return comment


# ---------------------------------------------------------------- live questions


def submit_question(user, consultation, body, anonymous=False, now=None):
    """Add a question to the live session; it waits for a moderator before the public sees it."""
    if not consultation.is_live:
        raise QuestionsClosed(_("Pertanyaan hanya dapat diajukan saat konsultasi berlangsung."))
    _refuse_personal_data(body, RESIDENT_TEXT)
    question = Question(consultation_id=consultation.id, author_id=user.id, body=body.strip(),
                        is_anonymous=bool(anonymous), status="menunggu", created_at=now or utcnow())
    db.session.add(question)
    db.session.flush()
    record_audit(user, "konsultasi.question", question, after={"anonymous": question.is_anonymous})
    return question


def has_voted(user, question):
    """Say whether the person has already upvoted the question."""
    return db.session.get(QuestionVote, (question.id, user.id)) is not None


def vote_question(user, question):
    """Upvote a question once; return the new vote count."""
    _check_voteable(user, question)
    if has_voted(user, question):
        return question.vote_count
    try:
        # A savepoint: a double click racing itself hits the primary key and counts once.
        with db.session.begin_nested():
            db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
    except IntegrityError:
        return _reload_votes(question)
    db.session.execute(
        update(Question).where(Question.id == question.id).values(vote_count=Question.vote_count + 1)
        .execution_options(synchronize_session=False)
    )
    return _reload_votes(question)


def unvote_question(user, question):
    """Take the person's upvote back; return the new vote count."""
    _check_voteable(user, question)
    removed = db.session.execute(
        delete(QuestionVote).where(QuestionVote.question_id == question.id, QuestionVote.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed:
        db.session.execute(
            update(Question).where(Question.id == question.id).values(vote_count=Question.vote_count - 1)
            .execution_options(synchronize_session=False)
        )
    return _reload_votes(question)


def _check_voteable(user, question):
    consultation = db.session.get(Consultation, question.consultation_id)
    if not consultation.is_live:
        raise QuestionsClosed(_("Dukungan hanya dapat diberikan saat konsultasi berlangsung."))
    if question.author_id == user.id:
        raise OwnQuestion(_("Anda tidak dapat mendukung pertanyaan Anda sendiri."))
    if question.status != "disetujui":
        raise QuestionNotApproved(_("Hanya pertanyaan yang sudah disetujui dan belum dijawab yang dapat didukung."))


def _reload_votes(question):
    db.session.expire(question, ["vote_count"])
    return question.vote_count


def _require_moderation_open(consultation):
    if not consultation.is_moderation_open:
        raise ModerationClosed(_("Pertanyaan hanya dapat dimoderasi saat konsultasi berlangsung atau sesudah ditutup, "
                                 "sebelum laporan terbit."))


def approve_question(actor, question, now=None):
    """Approve a pending question so the public sees it and can upvote it."""
    consultation = db.session.get(Consultation, question.consultation_id)
    _require_moderation_open(consultation)
    if question.status != "menunggu":
        raise QuestionNotPending(_("Pertanyaan ini sudah dimoderasi."))
    question.status = "disetujui"
    question.moderated_at = now or utcnow()
    question.moderated_by_id = actor.id
    record_audit(actor, "konsultasi.question_approve", question, before={"status": "menunggu"},
                 after={"status": "disetujui"})
    db.session.flush()
    return question


def reject_question(actor, question, reason, now=None):
    """Decline a pending or approved question, with the reason the report will show."""
    consultation = db.session.get(Consultation, question.consultation_id)
    _require_moderation_open(consultation)
    if question.status not in ("menunggu", "disetujui"):
        raise QuestionNotPending(_("Pertanyaan ini sudah dijawab atau sudah ditolak."))
    before = question.status
    question.status = "ditolak"
    question.reason = reason.strip()
    question.moderated_at = now or utcnow()
    question.moderated_by_id = actor.id
    if consultation.now_answering_id == question.id:
        consultation.now_answering_id = None
    record_audit(actor, "konsultasi.question_reject", question, before={"status": before},
                 after={"status": "ditolak"}, reason=question.reason)
    db.session.flush()
    return question


def set_now_answering(actor, consultation, question):
    """Show an approved question as the one being answered now (None clears it)."""
    if not consultation.is_live:
        raise QuestionsClosed(_("\"Sedang dijawab\" hanya berlaku saat konsultasi berlangsung."))
    if question is not None and question.status != "disetujui":
        raise QuestionNotApproved(_("Hanya pertanyaan yang disetujui dan belum dijawab yang dapat dijawab sekarang."))
    before = consultation.now_answering_id
    consultation.now_answering_id = question.id if question else None
    record_audit(actor, "konsultasi.now_answering", consultation, before={"question_id": before},
                 after={"question_id": consultation.now_answering_id})
    db.session.flush()
    return consultation


def answer_question(actor, question, *, asn=None, answer="", now=None):
    """Mark a question answered, optionally naming the ASN and the written answer (a response event)."""
    now = now or utcnow()
    consultation = db.session.get(Consultation, question.consultation_id)
    _require_moderation_open(consultation)
    if question.status == "dijawab":
        raise AlreadyAnswered(_("Pertanyaan ini sudah ditandai dijawab."))
    if question.status != "disetujui":
        raise QuestionNotApproved(_("Setujui pertanyaan ini terlebih dahulu sebelum menandainya dijawab."))
    _check_answerer(consultation, asn)
    _refuse_personal_data(answer, OFFICIAL_TEXT, field="answer")
    answer = (answer or "").strip()
    question.status = "dijawab"
    question.answered_at = now
    question.answer_md = answer or None
    question.answer_html = render_markdown(answer) if answer else None
    question.answered_by_asn_id = asn.id if asn else None
    question.answered_by = asn
    if consultation.now_answering_id == question.id:
        consultation.now_answering_id = None
    if asn is not None:
        path = url_for("konsultasi.qa", consultation_id=consultation.id, _anchor=f"pertanyaan-{question.id}")
        record_response(source="konsultasi", item_type="question", item_id=question.id, answer_id=question.id,
                        title=f"{consultation.title}: {plain_text(question.body, limit=120)}", url=path, asn=asn,
                        opened_at=question.created_at, now=now)
    record_audit(actor, "konsultasi.question_answer", question, before={"status": "disetujui"},
                 after={"status": "dijawab", "asn_id": question.answered_by_asn_id})
    db.session.flush()
    return question


# ---------------------------------------------------------------- account deletion


def anonymise_account(user):
    """Account deletion hook: free the person's seats and hide their name on questions (UU 27/2022)."""
    for registration in db.session.scalars(
        select(Registration).where(Registration.user_id == user.id, Registration.status.in_(("terdaftar", "menunggu")))
    ).all():
        consultation = registration.consultation
        if consultation.is_open_for_registration:
            cancel_registration(user, consultation)
    db.session.execute(
        update(Question).where(Question.author_id == user.id).values(is_anonymous=True)
        .execution_options(synchronize_session=False)
    )
