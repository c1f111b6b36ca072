"""Change the development record. Services flush but never commit, and never read the request.

Views check permissions (portal.permissions) before calling; services hold the business rules,
raise a PembinaanError whose str() is the Indonesian message, and write the audit log.
"""

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.audit import record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.mailer import queue_mail
from portal.notifications.services import notify, notify_many
from portal.organisation.models import AsnProfile
from portal.pembinaan import queries
from portal.pembinaan.formatting import jp as format_jp
from portal.pembinaan.models import (
    GOAL_STATUSES,
    DevelopmentGoal,
    Evaluation,
    PeerFeedback,
    PembinaanSetting,
    PeriodSummary,
    ProgressUpdate,
    RatingContest,
    Training,
    WorkIndicator,
    WorkTarget,
)
from portal.pembinaan.periods import InvalidPeriod, current_period, parse_period
from portal.pembinaan.predicate import (
    BERAKHLAK,
    DEVELOPMENT_FORMS,
    EXPECTATION_RATINGS,
    JP_PLACES,
    JP_TARGET_PER_YEAR,
    NEEDS_ATTENTION,
    PREDICATES,
    derive_predicate,
    jp_shortfall,
)
from portal.unit_of_work import ServiceError
from portal.uploads import clean_upload_name, delete_upload_after_commit, store_upload
from portal.workdays.calendar import DAY_SECONDS, holidays_between, is_working_day, wib_date

log = logging.getLogger("portal.pembinaan")

CERTIFICATE_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024  # default for PEMBINAAN_MAX_CERTIFICATE_BYTES
MAX_JP_PER_TRAINING = 1000
CADENCE_SETTING = "evaluation_cadence"
# Surabaya evaluates quarterly (DOMAIN §2); PermenPANRB 6/2022 lets the agency choose.
DEFAULT_CADENCE = "quarter"
CADENCES = {"month": "bulanan", "quarter": "triwulanan", "half": "semesteran"}


class PembinaanError(ServiceError):
    """A business rule refused the action; str(error) is the Indonesian message."""



class InvalidInput(PembinaanError):
    """A value is missing or out of range."""


class InvalidCertificate(PembinaanError):
    """The certificate is not a PDF, JPG or PNG, or too large."""


class AlreadyDone(PembinaanError):
    """The action was already taken (a second contest, a second peer feedback, …)."""


# ---------------------------------------------------------------- helpers


def _text(value, limit, field, empty_message, required=True):
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(empty_message, field=field)
    if len(value) > limit:
        raise InvalidInput(_("Maksimal %(max)d karakter.", max=limit), field=field)
    return value


def _period(text, field="period"):
    try:
        return parse_period(text)
    except InvalidPeriod as error:
        raise InvalidInput(str(error), field=field) from None


def record_path(profile):
    """Return the path of an ASN's record page (for notifications and mails)."""
    return url_for("pembinaan.record", asn_id=profile.id)


def _notify_asn(profile, kind, message):
    if profile.user is not None:
        notify(profile.user, kind, message, record_path(profile))


def _notify_supervisor(profile, kind, message):
    if profile.supervisor is not None and profile.supervisor.user is not None:
        notify(profile.supervisor.user, kind, message, record_path(profile))


# ---------------------------------------------------------------- views of the record


def record_view(viewer, profile, what="record", detail=None):
    """Audit a view of an ASN's record by anyone but the ASN (UU 27/2022; DOMAIN §6); return the entry or None."""
    own = getattr(getattr(viewer, "asn_profile", None), "id", None) == profile.id
    if own:
        return None
    return record_audit(viewer, f"pembinaan.{what}.view", profile, after=detail)


def team_view(viewer, profiles, what, detail=None):
    """Audit a page that shows several ASNs' figures (team page, HR overview, CSV export)."""
    others = [p.id for p in profiles if p.user_id != getattr(viewer, "id", None)]
    if not others:
        return None
    return record_audit(viewer, f"pembinaan.{what}.view", ("asn_profiles", None),
                        after={"asn_ids": others, **(detail or {})})


# ---------------------------------------------------------------- trainings (PP 11/2017 Pasal 203)


def _read_certificate(upload):
    limit = current_app.config.get("PEMBINAAN_MAX_CERTIFICATE_BYTES", MAX_CERTIFICATE_BYTES)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidCertificate(_("Sertifikat maksimal %(size)s MB.", size=max(1, limit // (1024 * 1024))),
                                 field="certificate")
    if not data:
        raise InvalidCertificate(_("Berkas sertifikat kosong."), field="certificate")
    kind = next((v for sig, v in CERTIFICATE_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise InvalidCertificate(_("Sertifikat harus berkas PDF, JPG, atau PNG."), field="certificate")
    return data, kind


def certificate_folder():
    return Path(current_app.config["UPLOAD_DIR"]) / "pembinaan"


def certificate_path(training):
    """Return where a training's certificate is stored (None if it has none)."""
    if not training.certificate_stored:
        return None
    return certificate_folder() / training.certificate_stored


def _checked_jp(jp):
    # PP 11/2017: 1 JP = 45 minutes; two decimals (Decimal, never float) keep the yearly sum exact.
    valid_type = isinstance(jp, int) and not isinstance(jp, bool) or isinstance(jp, Decimal) and jp.is_finite()
    if not valid_type:
        raise InvalidInput(_("Isi lama kegiatan dengan angka, misalnya 24 atau 1,5."), field="jp")
    jp = Decimal(jp)
    if jp != jp.quantize(JP_PLACES) or not Decimal("0.01") <= jp <= MAX_JP_PER_TRAINING:
        raise InvalidInput(_("JP harus antara 0,01 dan %(max)d, paling banyak dua angka di belakang koma "
                             "(1 JP = 45 menit).", max=MAX_JP_PER_TRAINING), field="jp")
    return jp


def add_training(actor, profile, *, title, organiser, form, starts_on, ends_on, jp, certificate=None, today=None):
    """Add a competency development activity with its JP and optional certificate (PDF/JPG/PNG)."""
    title = _text(title, 200, "title", _("Tulis judul pelatihan."))
    organiser = _text(organiser, 160, "organiser", _("Tulis penyelenggara."))
    if form not in DEVELOPMENT_FORMS:
        raise InvalidInput(_("Pilih bentuk pengembangan kompetensi dari daftar."), field="form")
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Isi tanggal mulai dan selesai."), field="starts_on" if starts_on is None else "ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="ends_on")
    if ends_on > (today or wib_date(utcnow())):
        raise InvalidInput(_("Catat pelatihan setelah selesai: tanggal selesai tidak boleh di masa depan."), field="ends_on")
    jp = _checked_jp(jp)
    training = Training(asn_id=profile.id, title=title, organiser=organiser, form=form, starts_on=starts_on,
                        ends_on=ends_on, jp=jp, created_by_id=getattr(actor, "id", None), created_at=utcnow())
    if certificate is not None and getattr(certificate, "filename", None):
        data, (content_type, extension) = _read_certificate(certificate)
        stored = f"{uuid.uuid4().hex}.{extension}"
        store_upload(certificate_folder() / stored, data)  # kept only if the training is stored
        training.certificate_name = clean_upload_name(certificate.filename, extension=extension, fallback="sertifikat")
        training.certificate_stored = stored
        training.certificate_type = content_type
    db.session.add(training)
    db.session.flush()
    record_audit(actor, "pembinaan.training.add", training,
                 after={"asn_id": profile.id, "title": title, "form": form, "jp": str(jp), "ends_on": ends_on.isoformat()})
    return training


def delete_training(actor, training):
    """Remove a training from the record; its certificate file goes once that is committed."""
    path = certificate_path(training)
    record_audit(actor, "pembinaan.training.delete", training,
                 before={"asn_id": training.asn_id, "title": training.title, "jp": str(training.jp)})
    db.session.delete(training)
    db.session.flush()
    if path is not None:
        delete_upload_after_commit(path)


# ---------------------------------------------------------------- work targets and continuous feedback


def add_work_target(actor, profile, *, period, title, indicators):
    """Plan a work result (rencana hasil kerja) with its indicators and targets."""
    period = _period(period)
    title = _text(title, 300, "title", _("Tulis rencana hasil kerja."))
    rows = [(str(d or "").strip(), str(t or "").strip()) for d, t in indicators]
    rows = [(d, t) for d, t in rows if d or t]
    if not rows:
        raise InvalidInput(_("Tulis sedikitnya satu indikator beserta targetnya."), field="indicator_1")
    for position, (description, target_value) in enumerate(rows, 1):
        if not description or not target_value:
            raise InvalidInput(_("Setiap indikator perlu target, dan setiap target perlu indikator."),
                               field=f"indicator_{position}")
        if len(description) > 300 or len(target_value) > 120:
            raise InvalidInput(_("Indikator maksimal 300 karakter, target maksimal 120 karakter."),
                               field=f"indicator_{position}")
    target = WorkTarget(asn_id=profile.id, period=period.label, period_start=period.start, period_end=period.end,
                        title=title, created_by_id=getattr(actor, "id", None), created_at=utcnow())
    target.indicators = [WorkIndicator(position=i, description=d, target_value=t) for i, (d, t) in enumerate(rows, 1)]
    db.session.add(target)
    db.session.flush()
    record_audit(actor, "pembinaan.target.add", target, after={"asn_id": profile.id, "period": period.label, "title": title})
    return target


def record_progress(actor, target, *, percent, body, now=None):
    """Add the ASN's progress update (0–100 %) on a work target."""
    body = _text(body, 2000, "body", _("Tulis kemajuan yang sudah dicapai."))
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise InvalidInput(_("Persentase capaian harus 0–100."), field="percent")
    update = ProgressUpdate(target=target, kind="progress", author_id=actor.id, body=body, percent=percent,
                            created_at=now or utcnow())
    db.session.add(update)
    db.session.flush()
    _notify_supervisor(target_profile(target), "pembinaan",
                       _("Kemajuan baru pada rencana hasil kerja \"%(title)s\".", title=target.title))
    return update


def comment_on_target(actor, target, *, body, now=None):
    """Add the supervisor's comment on a work target (umpan balik berkelanjutan, PermenPANRB 6/2022)."""
    body = _text(body, 2000, "body", _("Tulis umpan balik Anda."))
    update = ProgressUpdate(target=target, kind="feedback", author_id=actor.id, body=body, created_at=now or utcnow())
    db.session.add(update)
    db.session.flush()
    _notify_asn(target_profile(target), "pembinaan",
                _("Atasan memberi umpan balik pada \"%(title)s\".", title=target.title))
    return update


def target_profile(target):
    """Return the ASN whose work target this is."""
    return db.session.get(AsnProfile, target.asn_id)


# ---------------------------------------------------------------- evaluations (PermenPANRB 6/2022)


def evaluation_cadence():
    """Return the evaluation cadence: 'month', 'quarter' or 'half' (HR setting, else config)."""
    default = current_app.config.get("PEMBINAAN_EVALUATION_CADENCE", DEFAULT_CADENCE)
    value = queries.get_setting(CADENCE_SETTING, default)
    return value if value in CADENCES else DEFAULT_CADENCE


def set_evaluation_cadence(actor, cadence):
    """Change how often supervisors evaluate (monthly, quarterly or half-yearly)."""
    if cadence not in CADENCES:
        raise InvalidInput(_("Pilih bulanan, triwulanan, atau semesteran."), field="cadence")
    row = db.session.get(PembinaanSetting, CADENCE_SETTING)
    before = row.value if row else None
    if row is None:
        row = PembinaanSetting(key=CADENCE_SETTING, value=cadence)
        db.session.add(row)
    row.value, row.updated_by_id, row.updated_at = cadence, getattr(actor, "id", None), utcnow()
    record_audit(actor, "pembinaan.settings.cadence", ("pembinaan_settings", CADENCE_SETTING),
                 before={"cadence": before}, after={"cadence": cadence})
    db.session.flush()
    return row


def evaluation_period(text, today=None):
    """Read an evaluation period: one of the configured cadence, or the year (annual evaluation)."""
    period = _period(text)
    if period.kind not in (evaluation_cadence(), "year"):
        example = {"month": "2026-07", "quarter": "2026-Q3", "half": "2026-S1"}[evaluation_cadence()]
        raise InvalidInput(_("Evaluasi periodik di Pemerintah Kota dilakukan %(cadence)s: tulis periode seperti "
                             "%(example)s, atau tahun (misalnya 2026) untuk evaluasi tahunan.",
                             cadence=CADENCES[evaluation_cadence()], example=example), field="period")
    if period.start > (today or wib_date(utcnow())):
        raise InvalidInput(_("Periode %(period)s belum dimulai.", period=period.label), field="period")
    return period


def save_evaluation(evaluator, profile, *, period, hasil_kerja, perilaku_kerja, behaviour_notes=None, summary="",
                    now=None):
    """Record (or correct) the supervisor's periodic evaluation; the predicate follows the regulation's matrix."""
    now = now or utcnow()
    period = evaluation_period(period, today=wib_date(now))
    if hasil_kerja not in EXPECTATION_RATINGS:
        raise InvalidInput(_("Pilih penilaian hasil kerja."), field="hasil_kerja")
    if perilaku_kerja not in EXPECTATION_RATINGS:
        raise InvalidInput(_("Pilih penilaian perilaku kerja."), field="perilaku_kerja")
    notes = {}
    for key, text in (behaviour_notes or {}).items():
        if key in BERAKHLAK and (text or "").strip():
            notes[key] = _text(text, 1000, key, "", required=False)
    summary = _text(summary, 4000, "summary", "", required=False)
    predicate = derive_predicate(hasil_kerja, perilaku_kerja)
    evaluator_id = getattr(getattr(evaluator, "asn_profile", None), "id", None)
    evaluation = db.session.scalar(
        select(Evaluation).where(Evaluation.asn_id == profile.id, Evaluation.period == period.label)
    )
    before = None
    if evaluation is None:
        evaluation = Evaluation(asn_id=profile.id, period=period.label, created_at=now)
    else:
        before = {"hasil_kerja": evaluation.hasil_kerja, "perilaku_kerja": evaluation.perilaku_kerja,
                  "predicate": evaluation.predicate}
    evaluation.period_end, evaluation.evaluator_id = period.end, evaluator_id
    evaluation.hasil_kerja, evaluation.perilaku_kerja, evaluation.predicate = hasil_kerja, perilaku_kerja, predicate
    evaluation.behaviour_notes, evaluation.summary, evaluation.updated_at = notes, summary, now
    db.session.add(evaluation)
    db.session.flush()
    record_audit(evaluator, "pembinaan.evaluation.save", evaluation, before=before, after={
        "asn_id": profile.id, "period": period.label, "hasil_kerja": hasil_kerja, "perilaku_kerja": perilaku_kerja,
        "predicate": predicate})
    _notify_asn(profile, "pembinaan", _("Evaluasi kinerja periode %(period)s: predikat %(predicate)s. "
                                        "Anda dapat menanggapinya.", period=period.label,
                                        predicate=PREDICATES[predicate]))
    return evaluation


def respond_to_evaluation(user, evaluation, text, now=None):
    """Store the ASN's response to an evaluation (dialog kinerja); a later response replaces it."""
    text = _text(text, 4000, "response", _("Tulis tanggapan Anda."))
    before = {"asn_response": evaluation.asn_response}
    evaluation.asn_response, evaluation.responded_at = text, now or utcnow()
    record_audit(user, "pembinaan.evaluation.respond", evaluation, before=before, after={"asn_response": text})
    db.session.flush()
    _notify_supervisor(db.session.get(AsnProfile, evaluation.asn_id), "pembinaan",
                       _("Tanggapan baru atas evaluasi periode %(period)s.", period=evaluation.period))
    return evaluation


def give_peer_feedback(author, profile, *, period, body, now=None):
    """Store a colleague's feedback for a period (once per colleague and period)."""
    period = _period(period)
    body = _text(body, 3000, "body", _("Tulis umpan balik Anda."))
    exists = db.session.scalar(select(PeerFeedback.id).where(
        PeerFeedback.asn_id == profile.id, PeerFeedback.author_id == author.id, PeerFeedback.period == period.label))
    if exists:
        raise AlreadyDone(_("Anda sudah memberi umpan balik untuk %(name)s pada periode %(period)s.",
                            name=profile.name, period=period.label), field="period")
    feedback = PeerFeedback(asn_id=profile.id, author_id=author.id, period=period.label, body=body,
                            created_at=now or utcnow())
    db.session.add(feedback)
    db.session.flush()
    return feedback


# ---------------------------------------------------------------- development plan


def propose_goal(actor, profile, *, goal, actions, owner, due_on, suggestion_code=None, reason=None, today=None):
    """Propose a development goal (the supervisor proposes; the ASN acknowledges)."""
    goal = _text(goal, 200, "goal", _("Tulis tujuan pengembangan."))
    actions = _text(actions, 2000, "actions", _("Tulis langkah yang akan dilakukan."))
    owner = _text(owner, 120, "owner", _("Tulis siapa penanggung jawabnya."))
    if due_on is None:
        raise InvalidInput(_("Isi tanggal target."), field="due_on")
    if due_on < (today or wib_date(utcnow())):
        raise InvalidInput(_("Tanggal target tidak boleh di masa lalu."), field="due_on")
    row = DevelopmentGoal(asn_id=profile.id, goal=goal, actions=actions, owner=owner, due_on=due_on,
                          status="diusulkan", suggestion_code=(suggestion_code or None),
                          reason=_text(reason, 1000, "reason", "", required=False) or None,
                          proposed_by_id=getattr(actor, "id", None), proposed_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record_audit(actor, "pembinaan.goal.propose", row, after={"asn_id": profile.id, "goal": goal,
                                                              "suggestion": row.suggestion_code})
    _notify_asn(profile, "pembinaan", _("Atasan mengusulkan rencana pengembangan: %(goal)s.", goal=goal))
    return row


def acknowledge_goal(user, goal, now=None):
    """The ASN acknowledges a proposed goal; it then runs (berjalan)."""
    if goal.acknowledged_at is not None:
        raise AlreadyDone(_("Rencana ini sudah Anda setujui."))
    goal.acknowledged_at = now or utcnow()
    before = goal.status
    if goal.status == "diusulkan":
        goal.status = "berjalan"
    record_audit(user, "pembinaan.goal.acknowledge", goal, before={"status": before}, after={"status": goal.status})
    db.session.flush()
    return goal


def set_goal_status(actor, goal, status):
    """Move a goal to another status (berjalan, selesai, dibatalkan)."""
    if status not in GOAL_STATUSES or status == "diusulkan":
        raise InvalidInput(_("Pilih status berjalan, selesai, atau dibatalkan."), field="status")
    # Invariants, whoever calls: the ASN agreed to the plan first, and a closed plan stays closed.
    if goal.acknowledged_at is None:
        raise AlreadyDone(_("Rencana ini belum disetujui ASN yang bersangkutan."))
    if goal.status not in ("diusulkan", "berjalan"):
        raise AlreadyDone(_("Rencana ini sudah selesai atau dibatalkan."))
    before = goal.status
    goal.status = status
    record_audit(actor, "pembinaan.goal.status", goal, before={"status": before}, after={"status": status})
    db.session.flush()
    return goal


# ---------------------------------------------------------------- contested ratings


def contest_rating(user, event, reason, now=None):
    """The ASN contests a citizen's rating of their answer; a moderator then reviews it."""
    reason = _text(reason, 2000, "reason", _("Tulis alasan keberatan Anda."))
    if len(reason) < 10:
        raise InvalidInput(_("Jelaskan alasan keberatan dalam sedikitnya 10 karakter."), field="reason")
    if event.rating is None:
        raise InvalidInput(_("Jawaban ini belum dinilai warga, jadi tidak ada yang dapat disanggah."))
    if event.rating_excluded:
        raise AlreadyDone(_("Penilaian ini sudah dikecualikan dari statistik."))
    pending = db.session.scalar(select(RatingContest.id).where(
        RatingContest.event_id == event.id, RatingContest.status == "menunggu"))
    if pending:
        raise AlreadyDone(_("Sanggahan Anda atas penilaian ini masih menunggu keputusan moderator."))
    contest = RatingContest(event_id=event.id, asn_id=event.asn_id, reason=reason, status="menunggu",
                            created_at=now or utcnow())
    db.session.add(contest)
    db.session.flush()
    record_audit(user, "pembinaan.rating.contest", contest, after={"event_id": event.id, "rating": event.rating})
    moderators = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "moderator")
    ).all()
    notify_many(moderators, "pembinaan", _("Sanggahan penilaian baru menunggu keputusan."),
                url_for("pembinaan.contests"), exclude=user)
    return contest


def decide_contest(moderator, contest, decision, reason, now=None):
    """Keep the rating or exclude it from the statistics (the row stays visible), with a reason."""
    if contest.status != "menunggu":
        raise AlreadyDone(_("Sanggahan ini sudah diputuskan."))
    if decision not in ("dipertahankan", "dikecualikan"):
        raise InvalidInput(_("Pilih: pertahankan atau kecualikan dari statistik."), field="decision")
    reason = _text(reason, 500, "reason", _("Tulis alasan keputusan."))
    event = contest.event
    before = {"status": contest.status, "rating_excluded": event.rating_excluded}
    contest.status, contest.decision_reason = decision, reason
    contest.decided_by_id, contest.decided_at = moderator.id, now or utcnow()
    if decision == "dikecualikan":
        event.rating_excluded, event.rating_excluded_reason = True, reason
    record_audit(moderator, "pembinaan.rating.decide", contest, before=before,
                 after={"status": decision, "rating_excluded": event.rating_excluded}, reason=reason)
    db.session.flush()
    message = (_("Sanggahan Anda diterima: penilaian dikecualikan dari statistik.") if decision == "dikecualikan"
               else _("Sanggahan Anda ditolak: penilaian tetap dihitung."))
    _notify_asn(contest.asn, "pembinaan", message)
    return contest


# ---------------------------------------------------------------- suggestions from the evidence

# Thresholds for suggestions; PEMBINAAN_SUGGESTION_RULES in the config overrides any of them.
# Minimum counts keep one unhappy resident from producing a suggestion on their own.
SUGGESTION_RULES = {
    "min_ratings": 3,
    "low_rating": 3.5,
    "min_first_responses": 3,
    "slow_median_days": 2.0,  # working days; the forum's answer deadline (DOMAIN §4)
    "min_with_deadline": 3,
    "deadline_share": 0.8,
    "overdue_now": 3,
}


@dataclass(frozen=True)
class Suggestion:
    """A suggested development goal and the evidence behind it (the supervisor decides)."""

    code: str
    goal: str
    actions: str
    reason: str


def _number(value, places=1):
    return f"{value:.{places}f}".replace(".", ",")


def suggest_goals(stats, jp_total, year, period_label, latest_predicate=None, open_codes=(), rules=None):
    """Suggest development goals from the evidence, each with the reason shown; skip ones already planned."""
    rules = {**SUGGESTION_RULES, **(rules or {})}
    found = []
    if stats.rating_count >= rules["min_ratings"] and stats.rating_mean < rules["low_rating"]:
        found.append(Suggestion(
            "rating_rendah", _("Pelatihan pelayanan prima dan komunikasi publik"),
            _("Ikuti pelatihan pelayanan prima; tinjau bersama atasan jawaban yang dinilai rendah."),
            _("Rata-rata penilaian warga %(mean)s dari 5 atas %(count)d penilaian pada %(period)s "
              "(di bawah %(limit)s).", mean=_number(stats.rating_mean, 2), count=stats.rating_count,
              period=period_label, limit=_number(rules["low_rating"]))))
    median_days = (stats.median_first_seconds or 0) / DAY_SECONDS
    if stats.first_responses >= rules["min_first_responses"] and median_days > rules["slow_median_days"]:
        found.append(Suggestion(
            "tanggapan_lambat", _("Pelatihan manajemen waktu"),
            _("Ikuti pelatihan manajemen waktu; sepakati dengan atasan jadwal harian memeriksa daftar "
              "\"Perlu ditanggapi\"."),
            _("Median waktu tanggapan pertama %(days)s hari kerja atas %(count)d tanggapan pada %(period)s "
              "(di atas %(limit)s hari kerja).", days=_number(median_days), count=stats.first_responses,
              period=period_label, limit=_number(rules["slow_median_days"]))))
    share = stats.deadline_share
    if stats.with_deadline >= rules["min_with_deadline"] and share is not None and share < rules["deadline_share"]:
        found.append(Suggestion(
            "tenggat_terlewat", _("Bimbingan teknis penanganan pengaduan (SP4N-LAPOR!)"),
            _("Ikuti bimbingan teknis penanganan pengaduan; atasan meninjau pembagian tugas bila beban terlalu tinggi."),
            _("Hanya %(met)d dari %(total)d tanggapan pertama (%(share)s%%) tepat waktu pada %(period)s "
              "(target %(target)s%%).", met=stats.deadline_met, total=stats.with_deadline,
              share=_number(share * 100, 0), period=period_label, target=_number(rules["deadline_share"] * 100, 0))))
    if stats.overdue_now >= rules["overdue_now"]:
        found.append(Suggestion(
            "tunggakan", _("Dialog kinerja tentang beban kerja"),
            _("Bahas bersama atasan tunggakan yang melewati tenggat dan kemungkinan pengalihan tugas."),
            _("%(count)d tugas melewati tenggat dan belum dijawab saat ini.", count=stats.overdue_now)))
    if jp_total < JP_TARGET_PER_YEAR:
        found.append(Suggestion(
            "jp_kurang", _("Penuhi 20 JP pengembangan kompetensi"),
            _("Pilih e-learning, bimbingan teknis, atau coaching yang sesuai jabatan untuk menambah %(missing)s JP.",
              missing=format_jp(jp_shortfall(jp_total))),
            _("Baru %(jp)s dari %(target)d JP pada %(year)d (PP 11/2017 Pasal 203: sedikitnya 20 JP per tahun).",
              jp=format_jp(jp_total), target=JP_TARGET_PER_YEAR, year=year)))
    if latest_predicate in NEEDS_ATTENTION:
        found.append(Suggestion(
            "predikat", _("Coaching dan mentoring oleh atasan"),
            _("Atasan menjadwalkan coaching berkala dan memantau kemajuan rencana hasil kerja."),
            _("Predikat kinerja terakhir: %(predicate)s.", predicate=PREDICATES[latest_predicate])))
    return [s for s in found if s.code not in set(open_codes)]


def suggestions_for(record, rules=None):
    """Suggest goals for a loaded Record, leaving out those already in an open goal."""
    open_codes = {g.suggestion_code for g in record.goals if g.suggestion_code and g.status in ("diusulkan", "berjalan")}
    latest = record.evaluations[0].predicate if record.evaluations else None
    return suggest_goals(record.stats, record.jp_year_total, record.period.year, record.period.label,
                         latest_predicate=latest, open_codes=open_codes,
                         rules=rules or current_app.config.get("PEMBINAAN_SUGGESTION_RULES"))


# ---------------------------------------------------------------- periodic summary


def store_period_summaries(period, now=None):
    """Store each ASN's figures for the period, once per ASN and period; return the new rows."""
    existing = {row.asn_id for row in queries.list_summaries(period.label)}
    profiles = [p for p in queries.list_asn() if p.id not in existing]
    created = []
    for figures in queries.figures_for(profiles, period, now):
        s = figures.stats
        row = PeriodSummary(
            asn_id=figures.profile.id, period=period.label, assigned=s.assigned, answered=s.answered,
            first_responses=s.first_responses, median_first_seconds=s.median_first_seconds,
            p90_first_seconds=s.p90_first_seconds, with_deadline=s.with_deadline, deadline_met=s.deadline_met,
            rating_count=s.rating_count, rating_mean=s.rating_mean, overdue_now=s.overdue_now,
            jp_total=figures.jp_total, predicate=figures.predicate, created_at=now or utcnow(),
        )
        db.session.add(row)
        created.append(row)
    db.session.flush()
    return created


def pending_summary_mails(period):
    """List the period's stored summaries whose mail has not gone out yet."""
    return [row for row in queries.list_summaries(period.label) if row.mailed_at is None]


def mail_period_summary(summary, now=None):
    """Queue the mail of a stored summary to the ASN and their atasan, and mark it sent; return the recipients.

    The mails are jobs in the same transaction as `mailed_at`: committed together, never one without the other.
    """
    profile = summary.asn
    link = public_url("pembinaan.record", asn_id=profile.id, periode=summary.period)
    recipients = []
    people = [(profile.user, False)]
    if profile.supervisor is not None:
        people.append((profile.supervisor.user, True))
    for user, as_supervisor in people:
        if user is None or user.is_deleted or user.email in recipients:
            continue
        queue_mail(user.email, _("Ringkasan rekam pembinaan %(name)s, %(period)s", name=profile.name,
                                 period=summary.period),
                   "pembinaan_summary", user=user, profile=profile, summary=summary, link=link,
                   as_supervisor=as_supervisor, predicates=PREDICATES, jp_target=JP_TARGET_PER_YEAR)
        recipients.append(user.email)
    summary.mailed_at = now or utcnow()
    db.session.flush()
    return recipients


def store_and_mail_summaries(period, now=None):
    """Store the period's new summaries and queue every mail not yet sent; return (stored, mailed)."""
    created = store_period_summaries(period, now)
    mailed = [mail_period_summary(summary, now) for summary in pending_summary_mails(period)]
    return created, mailed


def summarise_last_quarter(now=None):
    """The quarterly job (daily in a worker): on a working day, store and mail the last quarter's summaries.

    The first working day after a quarter does the work; later days find every summary stored
    and mailed and do nothing (an ASN added since gets theirs then).
    """
    today = wib_date(now or utcnow())
    if not is_working_day(today, holidays_between(today, today)):
        return None
    created, mailed = store_and_mail_summaries(current_period("quarter", now).previous(), now)
    return f"{len(created)} disimpan, {len(mailed)} dikirim"


def summary_period(text):
    """Read the CLI's --period (2026, 2026-S1, 2026-Q3 or 2026-07), raising InvalidInput."""
    return _period(text)
