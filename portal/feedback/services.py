"""Feedback workflow. Services flush but never commit; the caller commits once."""

import hashlib
import secrets
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import exc, insert, or_, select, update

from portal.audit import record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.feedback import workflow
from portal.feedback.ikm import ELEMENT_CODES, add_to_daily_totals
from portal.feedback.models import (
    FEEDBACK_TYPES,
    Escalation,
    Feedback,
    FeedbackAnswer,
    FeedbackAttachment,
    FeedbackCounter,
    FeedbackStatusChange,
    SkmResponse,
)
from portal.links import public_url
from portal.mailer import queue_mail
from portal.markup import render_markdown
from portal.notifications.services import notify, notify_many
from portal.organisation.models import AsnProfile
from portal.organisation.queries import list_unit_staff_accounts
from portal.responses import services as responses
from portal.responses.escalation import escalation_levels, holidays_for_run, level2_working_days, unit_head
from portal.unit_of_work import ServiceError
from portal.uploads import clean_upload_name, store_upload
from portal.workdays.calendar import add_calendar_days, add_working_days, wib_date, working_days_between
from portal.workdays.deadlines import deadlines_for

SOURCE = "feedback"
# The workflow's (from, to) pairs, read from its one table (workflow.ACTIONS).
TRANSITIONS = workflow.TRANSITIONS

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024  # default for FEEDBACK_MAX_PHOTO_BYTES


class FeedbackError(ServiceError):
    """A business rule refused the action; str(error) is the Indonesian message."""


class InvalidTransition(FeedbackError):
    pass


class InvalidAttachment(FeedbackError):
    status = 422
    field = "photo"


class InvalidSurvey(FeedbackError):
    status = 422


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(feedback, secret):
    """Say whether a private-link secret belongs to this feedback (constant-time compare)."""
    return bool(secret) and secrets.compare_digest(feedback.secret_hash, hash_secret(secret))


def next_tracking_number(year):
    """Hand out the next number of the year atomically: concurrent submissions never share one."""
    number = db.session.execute(
        update(FeedbackCounter).where(FeedbackCounter.year == year)
        .values(last=FeedbackCounter.last + 1).returning(FeedbackCounter.last)
    ).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(FeedbackCounter).values(year=year, last=1))
            number = 1
        except exc.IntegrityError:  # another request created the year's row first
            number = db.session.execute(
                update(FeedbackCounter).where(FeedbackCounter.year == year)
                .values(last=FeedbackCounter.last + 1).returning(FeedbackCounter.last)
            ).scalar_one()
    # The prefix names the city; the portal's first deployment is Surabaya.
    prefix = current_app.config.get("FEEDBACK_TRACKING_PREFIX", "SBY")
    return f"{prefix}-{year}-{number:06d}"


def validate_survey(scores):
    """Check the SKM scores (1–4 each; an element may be skipped, one at least answered); return them as ints.

    PermenPANRB 14/2017 (DOMAIN.md §1) takes each element's mean over the respondents who answered
    it, so a respondent who did not experience, say, Biaya/tarif may leave it out; that element
    stays NULL and does not count in its mean (see ikm.compute_ikm).
    """
    if not isinstance(scores, dict):
        raise InvalidSurvey(_("Survei harus berisi nilai unsur u1 sampai u9."))
    unknown = sorted(set(scores) - set(ELEMENT_CODES))
    if unknown:
        raise InvalidSurvey(_("Unsur survei %(code)s tidak dikenal: gunakan u1 sampai u9.", code=unknown[0]))
    clean = {}
    for code in ELEMENT_CODES:
        value = scores.get(code)
        if value is None or value == "":
            clean[code] = None
            continue
        if isinstance(value, bool):
            raise InvalidSurvey(_("Nilai survei %(code)s harus angka 1–4.", code=code))
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise InvalidSurvey(_("Nilai survei %(code)s harus angka 1–4.", code=code)) from None
        if not 1 <= value <= 4:
            raise InvalidSurvey(_("Nilai survei %(code)s harus antara 1 dan 4.", code=code))
        clean[code] = value
    if all(value is None for value in clean.values()):
        raise InvalidSurvey(_("Survei kosong: beri nilai paling sedikit satu unsur pelayanan."))
    return clean


def record_survey(*, unit, service, scores, profile=None, feedback=None, now=None):
    """Store one SKM response; it counts in the period of its WIB submission date."""
    now = now or utcnow()
    clean = validate_survey(scores)
    profile = profile or {}
    response = SkmResponse(
        unit_id=unit.id, service_id=service.id if service else None,
        feedback_id=feedback.id if feedback else None, submitted_on=wib_date(now), created_at=now,
        age=profile.get("age"), sex=profile.get("sex"), education=profile.get("education"),
        occupation=profile.get("occupation"), **clean,
    )
    db.session.add(response)
    db.session.flush()
    add_to_daily_totals(response)
    return response


def store_attachment(feedback, upload):
    """Keep a photo under UPLOAD_DIR after checking its real type (by content) and size."""
    limit = current_app.config.get("FEEDBACK_MAX_PHOTO_BYTES", MAX_ATTACHMENT_BYTES)
    data = upload.read(limit + 1)
    if len(data) > limit:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        raise InvalidAttachment(_("Foto maksimal %(size)s.", size=size))
    if not data:
        raise InvalidAttachment(_("Berkas foto kosong."))
    kind = next((v for sig, v in IMAGE_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise InvalidAttachment(_("Lampiran harus foto JPG atau PNG."))
    content_type, extension = kind
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    # Kept only if the report is stored: a failed commit leaves no photo behind.
    store_upload(Path(current_app.config["UPLOAD_DIR"]) / "feedback" / stored_name, data)
    attachment = FeedbackAttachment(
        feedback=feedback, stored_name=stored_name,
        original_name=clean_upload_name(upload.filename, extension=extension, fallback="foto"),
        content_type=content_type, size=len(data),
    )
    db.session.add(attachment)
    return attachment


def attachment_path(attachment):
    return Path(current_app.config["UPLOAD_DIR"]) / "feedback" / attachment.stored_name


def _add_history(feedback, from_status, to_status, actor=None, note=None, now=None):
    change = FeedbackStatusChange(
        feedback=feedback, from_status=from_status, to_status=to_status, note=note,
        actor_id=getattr(actor, "id", None), created_at=now or utcnow(),
    )
    db.session.add(change)
    return change


def _refuse_transition(feedback, to_status):
    raise InvalidTransition(_("Status tidak dapat diubah dari %(a)s ke %(b)s.", a=feedback.status, b=to_status))


def check_action(feedback, action):
    """Raise InvalidTransition unless the workflow table lets this action start from the item's status."""
    if not workflow.allows(action, feedback.status):
        _refuse_transition(feedback, workflow.ACTIONS[action].target or feedback.status)


def take_step(feedback, action, *, actor=None, note=None, now=None):
    """Carry out one action of the workflow table on the item, or raise InvalidTransition."""
    check_action(feedback, action)
    change_status(feedback, workflow.ACTIONS[action].target, actor=actor, note=note, now=now)


def change_status(feedback, to_status, *, actor=None, note=None, now=None):
    """Move the item along the workflow, or raise InvalidTransition; the step joins the public history."""
    if (feedback.status, to_status) not in TRANSITIONS:
        _refuse_transition(feedback, to_status)
    before = feedback.status
    _add_history(feedback, before, to_status, actor, note, now)
    feedback.status = to_status
    record_audit(actor, f"feedback.{to_status}", feedback, before={"status": before}, after={"status": to_status}, reason=note)


def submit_feedback(*, unit, service=None, type, title, body, kelurahan=None, visit_date=None, is_public=False,
                    submitter=None, contact_name=None, contact_email=None, contact_phone=None, confidential=False,
                    anonymous=False, survey=None, survey_profile=None, photo=None, now=None):
    """Accept a report: tracking number, verification deadline, optional survey and photo, receipt e-mail.

    Returns (feedback, secret): the secret goes into the resident's private link, shown once.
    """
    now = now or utcnow()
    if anonymous:
        # DOMAIN.md §6 (UU 27/2022, as SP4N-LAPOR!): anonymous means no identity stored at all,
        # not even the account that sent it; the private link is the only way to follow it.
        submitter, contact_name, contact_email, contact_phone, confidential = None, None, None, None, False
    if type not in FEEDBACK_TYPES:
        raise FeedbackError(_("Jenis masukan tidak dikenal."))
    if service is not None and service.unit_id != unit.id:
        raise FeedbackError(_("Layanan itu bukan milik perangkat daerah yang dipilih."))
    secret = secrets.token_urlsafe(24)
    limits = deadlines_for(unit.id, service.id if service else None)
    feedback = Feedback(
        tracking_number=next_tracking_number(wib_date(now).year), secret_hash=hash_secret(secret),
        type=type, title=title.strip(), body_md=body, body_html=render_markdown(body),
        unit_id=unit.id, service_id=service.id if service else None, kelurahan=(kelurahan or "").strip() or None,
        visit_date=visit_date, is_public=is_public, submitter_id=getattr(submitter, "id", None),
        contact_name=(contact_name or "").strip() or None, contact_email=(contact_email or "").strip().lower() or None,
        contact_phone=(contact_phone or "").strip() or None, confidential=confidential, status="diterima",
        created_at=now, verify_deadline_at=add_working_days(now, limits.verify_working_days),
    )
    db.session.add(feedback)
    db.session.flush()
    _add_history(feedback, None, "diterima", submitter, None, now)
    if survey:
        record_survey(unit=unit, service=service, scores=survey, profile=survey_profile, feedback=feedback, now=now)
    if photo is not None:
        store_attachment(feedback, photo)
    db.session.flush()
    address = feedback.contact_email or (submitter.email if submitter else None)
    if address:
        # Sent by a worker after the commit: SMTP down never loses the report, a failed commit mails nothing.
        queue_mail(address, _("Masukan Anda diterima: %(number)s", number=feedback.tracking_number), "feedback_receipt",
                   feedback=feedback, link=private_link(feedback, secret))
    _tell_unit_of_new_feedback(feedback, submitter)
    return feedback, secret


def _tell_unit_of_new_feedback(feedback, submitter):
    # The unit's ASN verify new items (DOMAIN.md §4: within 3 working days), so each hears of it.
    # UU 27/2022: the message names neither the resident nor their words (the title may be
    # private); the number and the service are enough to open it in the inbox.
    where = feedback.unit.name + (f" — {feedback.service.name}" if feedback.service else "")
    message = _("%(type)s baru %(number)s untuk %(where)s menunggu verifikasi.",
                type=feedback.type_label, number=feedback.tracking_number, where=where)
    notify_many(list_unit_staff_accounts(feedback.unit_id), "feedback", message, _item_url(feedback), exclude=submitter)


def private_link(feedback, secret):
    """The resident's private tracking link (rating, confirming, reopening without an account)."""
    return public_url("feedback.track", number=feedback.tracking_number, kunci=secret)


def _item_url(feedback):
    return url_for("feedback.manage", number=feedback.tracking_number)


def verify_feedback(actor, feedback, now=None):
    """Accept the report as complete: the answer and closing deadlines start now."""
    now = now or utcnow()
    take_step(feedback, "verify", actor=actor, now=now)
    limits = deadlines_for(feedback.unit_id, feedback.service_id)
    feedback.verified_at = now
    feedback.answer_deadline_at = add_working_days(now, limits.answer_working_days)
    feedback.close_deadline_at = add_calendar_days(now, limits.close_calendar_days)
    responses.assign_item(
        source=SOURCE, item_type="feedback", item_id=feedback.id, title=feedback.title, url=_item_url(feedback),
        unit=feedback.unit, asn=None, assigned_by=actor, deadline_at=feedback.answer_deadline_at, now=now,
    )
    _tell_resident(feedback, _("Masukan %(number)s sudah diverifikasi dan akan ditindaklanjuti.", number=feedback.tracking_number))


def reject_feedback(actor, feedback, reason, now=None):
    """Refuse the report with a public reason (e.g. not the city's competence)."""
    reason = (reason or "").strip()
    if not reason:
        raise FeedbackError(_("Alasan penolakan wajib diisi."))
    now = now or utcnow()
    take_step(feedback, "reject", actor=actor, note=reason, now=now)
    feedback.rejected_reason = reason
    feedback.closed_at = now
    responses.end_assignments(SOURCE, "feedback", feedback.id, now)
    _tell_resident(feedback, _("Masukan %(number)s tidak dapat ditindaklanjuti: %(reason)s", number=feedback.tracking_number, reason=reason))


def assign_feedback(actor, feedback, asn, now=None):
    """Give the report to an ASN of its unit, who must answer it by the answer deadline."""
    if asn.unit_id != feedback.unit_id:
        raise FeedbackError(_("ASN yang ditugaskan harus dari perangkat daerah yang menangani masukan ini."))
    now = now or utcnow()
    take_step(feedback, "assign", actor=actor, note=_("Ditugaskan kepada petugas."), now=now)
    feedback.assigned_asn_id = asn.id
    feedback.assigned_at = now
    responses.assign_item(
        source=SOURCE, item_type="feedback", item_id=feedback.id, title=feedback.title, url=_item_url(feedback),
        unit=feedback.unit, asn=asn, assigned_by=actor, deadline_at=feedback.answer_deadline_at, now=now,
    )
    if asn.user is not None:
        notify(asn.user, "assignment", _("Anda ditugaskan menjawab masukan %(number)s: %(title)s",
                                         number=feedback.tracking_number, title=feedback.title), _item_url(feedback))


def take_feedback(asn, feedback, now=None):
    """Let an ASN of the item's unit take an unassigned verified item and answer it themselves.

    Recorded exactly like an assignment (the ASN assigned by themselves), so response times,
    deadlines and escalation work the same; an atasan or moderator can still reassign it.
    """
    if asn is None or asn.unit_id != feedback.unit_id:
        raise FeedbackError(_("Hanya ASN perangkat daerah yang menangani masukan ini yang dapat mengambilnya."))
    if feedback.assigned_asn_id is not None:
        holder = feedback.assigned_asn.name if feedback.assigned_asn else _("petugas lain")
        raise FeedbackError(_("Masukan ini sudah ditangani oleh %(name)s.", name=holder))
    if not workflow.allows("take", feedback.status):
        raise FeedbackError(_("Masukan ini belum diverifikasi atau sudah dijawab, jadi tidak dapat diambil."))
    now = now or utcnow()
    # Two colleagues pressing at once: only the first conditional update wins the item.
    claimed = db.session.execute(
        update(Feedback).where(Feedback.id == feedback.id, Feedback.assigned_asn_id.is_(None))
        .values(assigned_asn_id=asn.id, assigned_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise FeedbackError(_("Masukan ini baru saja diambil oleh petugas lain."))
    take_step(feedback, "take", actor=asn.user, note=_("Ditangani oleh petugas."), now=now)
    feedback.assigned_asn_id = asn.id
    feedback.assigned_asn = asn
    feedback.assigned_at = now
    responses.assign_item(
        source=SOURCE, item_type="feedback", item_id=feedback.id, title=feedback.title, url=_item_url(feedback),
        unit=feedback.unit, asn=asn, assigned_by=asn.user, deadline_at=feedback.answer_deadline_at, now=now,
    )


def answer_feedback(asn, feedback, body, now=None):
    """Record the assigned ASN's official answer; it becomes a tracked response event."""
    if feedback.assigned_asn_id != asn.id:
        raise FeedbackError(_("Hanya petugas yang ditugaskan yang dapat menjawab masukan ini."))
    if not (body or "").strip():
        raise FeedbackError(_("Jawaban wajib diisi."))
    now = now or utcnow()
    take_step(feedback, "answer", actor=asn.user, now=now)
    answer = FeedbackAnswer(feedback=feedback, asn_id=asn.id, body_md=body, body_html=render_markdown(body), created_at=now)
    db.session.add(answer)
    db.session.flush()
    feedback.answered_at = now
    responses.record_response(
        source=SOURCE, item_type="feedback", item_id=feedback.id, answer_id=answer.id, title=feedback.title,
        url=url_for("feedback.track", number=feedback.tracking_number), asn=asn,
        opened_at=feedback.verified_at or feedback.created_at, deadline_at=feedback.answer_deadline_at, now=now,
    )
    _tell_resident(feedback, _("Masukan %(number)s sudah dijawab. Beri penilaian atas jawabannya.", number=feedback.tracking_number))
    return answer


def latest_answer_event(feedback):
    """The response event of the newest official answer, or None."""
    if not feedback.answers:
        return None
    return responses.event_for_answer(SOURCE, feedback.answers[-1].id)


def rate_feedback_answer(feedback, rating, comment=None, rated_by=None, now=None):
    """The resident rates the newest answer 1–5 (again later replaces the earlier rating)."""
    if not workflow.allows("rate", feedback.status):
        raise InvalidTransition(_("Masukan ini belum dijawab, jadi belum dapat dinilai."))
    event = latest_answer_event(feedback)
    if event is None:
        raise FeedbackError(_("Masukan ini belum dijawab, jadi belum dapat dinilai."))
    try:
        responses.rate_response(event, rating, comment, rated_by=rated_by, now=now)
    except responses.InvalidRating:
        raise FeedbackError(_("Penilaian harus 1 sampai 5 bintang.")) from None
    return event


def confirm_feedback(feedback, actor=None, now=None):
    """The resident accepts the answer: the case is closed."""
    now = now or utcnow()
    take_step(feedback, "confirm", actor=actor, note=_("Dikonfirmasi selesai oleh pelapor."), now=now)
    feedback.closed_at = now


def reopen_feedback(feedback, reason, actor=None, now=None):
    """The resident reopens once with a reason; the same ASN gets a fresh answer deadline."""
    reason = (reason or "").strip()
    if not reason:
        raise FeedbackError(_("Alasan membuka kembali wajib diisi."))
    if feedback.reopen_count >= 1:
        raise FeedbackError(_("Masukan hanya dapat dibuka kembali satu kali."))
    now = now or utcnow()
    take_step(feedback, "reopen", actor=actor, note=_("Dibuka kembali oleh pelapor: %(reason)s", reason=reason), now=now)
    feedback.reopen_count += 1
    feedback.reopen_reason = reason
    feedback.closed_at = None
    limits = deadlines_for(feedback.unit_id, feedback.service_id)
    feedback.answer_deadline_at = add_working_days(now, limits.answer_working_days)
    asn = db.session.get(AsnProfile, feedback.assigned_asn_id) if feedback.assigned_asn_id else None
    responses.assign_item(
        source=SOURCE, item_type="feedback", item_id=feedback.id, title=feedback.title, url=_item_url(feedback),
        unit=feedback.unit, asn=asn, deadline_at=feedback.answer_deadline_at, now=now,
    )
    if asn is not None and asn.user is not None:
        notify(asn.user, "feedback", _("Masukan %(number)s dibuka kembali oleh pelapor.", number=feedback.tracking_number), _item_url(feedback))


def _tell_resident(feedback, message):
    # Signed-in residents get the bell and (by their setting) e-mail; others only e-mail if they left one.
    link = url_for("feedback.track", number=feedback.tracking_number)
    if feedback.submitter is not None and not feedback.submitter.is_deleted:
        notify(feedback.submitter, "feedback", message, link)
    elif feedback.contact_email:
        queue_mail(feedback.contact_email, message[:120], "notification", user=None, message=message,
                   link=public_url("feedback.track", number=feedback.tracking_number))


def auto_close_answered(now=None):
    """Close answered items the resident left unconfirmed for the configured number of working days."""
    now = now or utcnow()
    waiting_days = current_app.config.get("FEEDBACK_AUTO_CLOSE_WORKING_DAYS", 10)
    closed = []
    # N working days take at least N calendar days: let SQL drop the recent ones first.
    candidates = db.session.scalars(select(Feedback).where(
        Feedback.status == "ditindaklanjuti", Feedback.answered_at <= now - timedelta(days=waiting_days)
    )).all()
    holidays = holidays_for_run([feedback.answered_at for feedback in candidates], now)  # one query per run
    for feedback in candidates:
        if feedback.answered_at and working_days_between(feedback.answered_at, now, holidays) >= waiting_days:
            take_step(feedback, "auto_close", note=_("Ditutup otomatis: pelapor tidak menanggapi jawaban."), now=now)
            feedback.closed_at = now
            closed.append(feedback)
    return closed


ESCALATION_KINDS = {
    # deadline kind → (the statuses in which it is due, the attribute holding it); DOMAIN.md §4.
    "verify": (("diterima",), "verify_deadline_at"),
    "answer": (("diverifikasi", "diproses"), "answer_deadline_at"),
    # Case closed within 60 calendar days of a complete report (Perpres 76/2013): while the unit
    # still holds it. An answered item waits for the resident (or auto-close), not for the unit.
    "close": (("diverifikasi", "diproses"), "close_deadline_at"),
}


def _escalation_kind_label(kind):
    return {"verify": _("verifikasi"), "answer": _("jawaban"), "close": _("penyelesaian 60 hari")}[kind]


def escalate_overdue(now=None):
    """Report overdue items up the chain, once per level: the assignee's atasan, then the unit head.

    DOMAIN.md §4. Level 2 follows when the item is still overdue after
    FEEDBACK_ESCALATION_LEVEL2_WORKING_DAYS more working days. Each (item, deadline, level)
    is stored with a unique constraint, so running the command twice sends nothing twice.
    The verification, answer and 60-day closing deadlines each escalate on their own.
    """
    now = now or utcnow()
    level2_after = level2_working_days()
    due = [Feedback.status.in_(statuses) & (getattr(Feedback, column) < now)
           for statuses, column in ESCALATION_KINDS.values()]
    overdue = db.session.scalars(select(Feedback).where(or_(*due)).order_by(Feedback.id)).all()
    done = {(e.feedback_id, e.deadline_kind, e.level) for e in db.session.scalars(
        select(Escalation).where(Escalation.feedback_id.in_([f.id for f in overdue] or [0]))
    )}
    holidays = holidays_for_run([getattr(f, column) for f in overdue for _s, column in ESCALATION_KINDS.values()], now)
    created = []
    heads = {}  # one lookup per unit, not per overdue item
    for feedback in overdue:
        if feedback.unit_id not in heads:
            heads[feedback.unit_id] = unit_head(feedback.unit_id)
        for kind, (statuses, column) in ESCALATION_KINDS.items():
            deadline = getattr(feedback, column)
            if feedback.status not in statuses or deadline is None or deadline >= now:
                continue
            levels = escalation_levels(feedback.assigned_asn, heads[feedback.unit_id], deadline, now, level2_after,
                                       holidays)
            for level, person in levels:
                if (feedback.id, kind, level) in done or person is None:
                    continue
                escalation = Escalation(feedback_id=feedback.id, deadline_kind=kind, level=level,
                                        notified_user_id=person.user_id, created_at=now)
                db.session.add(escalation)
                created.append(escalation)
                record_audit(None, "feedback.escalate", feedback,
                             after={"level": level, "deadline": kind, "to_asn": person.id})
                if person.user is not None:
                    notify(person.user, "escalation",
                           _("Masukan %(number)s melewati tenggat (%(kind)s). Mohon ditindaklanjuti.",
                             number=feedback.tracking_number, kind=_escalation_kind_label(kind)),
                           _item_url(feedback))
    db.session.flush()
    return created
