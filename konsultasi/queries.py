"""Read-only queries of konsultasi: lists, the live board, the document and the report."""

import csv
import io
from dataclasses import dataclass, field

from flask import abort, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from konsultasi.models import (
    Comment,
    Consultation,
    Question,
    QuestionVote,
    Registration,
    Section,
    Speaker,
)
from portal.extensions import db
from portal.permissions import can_answer_konsultasi_input, can_manage_consultation

# Listing tabs: which phases each shows. The default tab shows what is live now, then what is coming.
WHEN = {
    "akan-datang": ("berlangsung", "diumumkan"),
    "berlangsung": ("berlangsung",),
    "selesai": ("ditutup", "laporan"),
    "draf": ("draf",),
}


def get_consultation_or_404(consultation_id):
    """Return the consultation or abort with 404."""
    return db.get_or_404(Consultation, consultation_id)


def _child_or_404(model, child_id, consultation):
    row = db.session.get(model, child_id)
    if row is None or row.consultation_id != consultation.id:
        abort(404)
    return row


def get_section_or_404(consultation, section_id):
    """Return the consultation's section or abort with 404."""
    return _child_or_404(Section, section_id, consultation)


def get_comment_or_404(consultation, comment_id):
    """Return the consultation's comment or abort with 404."""
    return _child_or_404(Comment, comment_id, consultation)


def get_question_or_404(consultation, question_id):
    """Return the consultation's question or abort with 404."""
    return _child_or_404(Question, question_id, consultation)


def get_registration_or_404(consultation, registration_id):
    """Return the consultation's registration or abort with 404."""
    return _child_or_404(Registration, registration_id, consultation)


def get_speaker_or_404(consultation, speaker_id):
    """Return the consultation's speaker or abort with 404."""
    return _child_or_404(Speaker, speaker_id, consultation)


def list_consultations(when="akan-datang", unit_id=None, topic=None):
    """Build the query for one listing tab, optionally for one unit and topic."""
    query = select(Consultation).where(Consultation.phase.in_(WHEN[when]))
    if unit_id:
        query = query.where(Consultation.unit_id == unit_id)
    if topic:
        query = query.where(Consultation.topic == topic)
    if when == "selesai":
        return query.order_by(Consultation.starts_at.desc(), Consultation.id.desc())
    live_first = case((Consultation.phase == "berlangsung", 0), else_=1)
    return query.order_by(live_first, Consultation.starts_at, Consultation.id)


def list_my_registrations(user):
    """List the person's registrations, the coming events first."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.consultation)
        .options(selectinload(Registration.consultation))
        .where(Registration.user_id == user.id)
        .order_by(case((Consultation.phase.in_(("diumumkan", "berlangsung")), 0), else_=1),
                  Consultation.starts_at.desc())
    ).all()


def list_my_speaker_roles(user):
    """List the events the person speaks at (through their ASN profile), the coming ones first."""
    profile = getattr(user, "asn_profile", None)
    if profile is None:
        return []
    return db.session.scalars(
        select(Speaker)
        .join(Speaker.consultation)
        .options(selectinload(Speaker.consultation))
        .where(Speaker.asn_id == profile.id)
        .order_by(case((Consultation.phase.in_(("draf", "diumumkan", "berlangsung")), 0), else_=1),
                  Consultation.starts_at.desc())
    ).all()


def registration_counts(consultation):
    """Count seats taken, people waiting, cancellations and attendance, in one query."""
    row = db.session.execute(
        select(
            func.count().filter(Registration.status == "terdaftar"),
            func.count().filter(Registration.status == "menunggu"),
            func.count().filter(Registration.status == "dibatalkan"),
            func.count().filter(Registration.attended_at.is_not(None)),
        ).where(Registration.consultation_id == consultation.id)
    ).one()
    return {"registered": row[0], "waiting": row[1], "cancelled": row[2], "attended": row[3]}


def list_attendance(consultation):
    """List seated participants by name, then the waiting list in order."""
    from portal.accounts.models import User

    return db.session.scalars(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .options(selectinload(Registration.user))
        .where(Registration.consultation_id == consultation.id, Registration.status.in_(("terdaftar", "menunggu")))
        .order_by(case((Registration.status == "terdaftar", 0), else_=1), Registration.waitlist_position, User.name)
    ).all()


def list_sections_with_comments(consultation):
    """List the document's sections with their comments (all of them; templates hide what must be hidden)."""
    return db.session.scalars(
        select(Section)
        .where(Section.consultation_id == consultation.id)
        .options(selectinload(Section.comments).selectinload(Comment.answered_by))
        .order_by(Section.position, Section.id)
    ).all()


def list_questions(consultation, statuses=None):
    """List the questions, most supported first, then oldest first."""
    query = select(Question).where(Question.consultation_id == consultation.id).options(
        selectinload(Question.answered_by)
    )
    if statuses:
        query = query.where(Question.status.in_(statuses))
    return db.session.scalars(query.order_by(Question.vote_count.desc(), Question.created_at, Question.id)).all()


def voted_question_ids(user, consultation):
    """Return the ids of the consultation's questions the person has upvoted."""
    if not getattr(user, "id", None):
        return set()
    return set(db.session.scalars(
        select(QuestionVote.question_id)
        .join(Question, Question.id == QuestionVote.question_id)
        .where(QuestionVote.user_id == user.id, Question.consultation_id == consultation.id)
    ))


def live_board(consultation, viewer, *, moderator=False):
    """Build the live Q&A state as plain data: for the page and for the JSON feed alike."""
    questions = list_questions(consultation)
    voted = voted_question_ids(viewer, consultation)
    viewer_id = getattr(viewer, "id", None)
    signed_in = bool(viewer_id)
    # The unit's ASN and the speakers answer from the board itself; moderators also have the console.
    answerer = consultation.is_moderation_open and (
        can_answer_konsultasi_input(viewer, consultation) or can_manage_consultation(viewer))

    def item(q):
        own = q.author_id == viewer_id
        return {
            "id": q.id,
            "body": q.body,
            "author": q.display_name,
            "votes": q.vote_count,
            "status": q.status,
            "status_label": str(q.status_label),
            "voted": q.id in voted,
            "own": own,
            "can_vote": signed_in and consultation.is_live and q.status == "disetujui" and not own,
            "answer_html": q.answer_html or "",
            "answered_by": q.answered_by.name if q.answered_by else "",
            "now_answering": q.id == consultation.now_answering_id,
            "vote_url": url_for("konsultasi.question_vote", consultation_id=consultation.id, question_id=q.id),
            "answer_url": url_for("konsultasi.question_answer", consultation_id=consultation.id, question_id=q.id)
            if answerer and q.status == "disetujui" else "",
        }

    approved = [item(q) for q in questions if q.status == "disetujui"]
    answered = sorted((item(q) for q in questions if q.status == "dijawab"), key=lambda x: -x["id"])
    mine_pending = [item(q) for q in questions if q.status == "menunggu" and q.author_id == viewer_id]
    now = next((x for x in approved if x["now_answering"]), None)
    board = {
        "phase": consultation.phase,
        "is_live": consultation.is_live,
        "now_answering": now,
        "approved": approved,
        "answered": answered,
        "mine_pending": mine_pending,
        "total": len(approved) + len(answered),
    }
    if moderator:
        board["pending_count"] = sum(1 for q in questions if q.status == "menunggu")
        board["version"] = max([q.id for q in questions] + [0])
    return board


# ---------------------------------------------------------------- the report

@dataclass
class ReportItem:
    kind: str  # "komentar" or "pertanyaan"
    id: int
    group: str
    number: int
    text: str
    status: str
    answer: str = ""
    answered_by: str = ""
    reason: str = ""
    votes: int | None = None
    created_at: object = None
    answer_html: str = ""
    text_html: str = ""
    answered: bool = False
    withheld: bool = False  # the text is not published (hidden comment, refused or unmoderated question)


@dataclass
class ReportGroup:
    title: str
    kind: str
    items: list = field(default_factory=list)


def build_report(consultation):
    """Account for every comment and question exactly once, grouped by section, then the live Q&A."""
    groups = []
    for section in list_sections_with_comments(consultation):
        group = ReportGroup(section.heading, "komentar")
        for n, comment in enumerate(section.comments, 1):
            group.items.append(_comment_item(comment, section, n))
        groups.append(group)
    qna = ReportGroup(_("Tanya jawab langsung"), "pertanyaan")
    ordered = sorted(list_questions(consultation), key=lambda q: (q.created_at, q.id))
    for n, question in enumerate(ordered, 1):
        qna.items.append(_question_item(question, qna.title, n))
    groups.append(qna)
    counts = registration_counts(consultation)
    items = [item for group in groups for item in group.items]
    totals = {
        "comments": sum(1 for i in items if i.kind == "komentar"),
        "questions": sum(1 for i in items if i.kind == "pertanyaan"),
        "answered": sum(1 for i in items if i.answered),
    }
    return {"groups": groups, "counts": counts, "totals": totals, "items": items}


def _comment_item(comment, section, number):
    if comment.is_hidden:
        status = _("Disembunyikan moderator")
        reason = comment.hidden_reason or ""
        text, text_html = _("(isi komentar disembunyikan)"), ""
    elif comment.is_answered:
        status, reason = _("Dijawab"), ""
        text, text_html = comment.body_md, comment.body_html
    else:
        status = _("Dicatat, tanpa jawaban tertulis")
        reason = _("Masukan dicatat sebagai bahan penyusunan rancangan; tidak dijawab satu per satu.")
        text, text_html = comment.body_md, comment.body_html
    shown = comment.is_answered and not comment.is_hidden
    return ReportItem(
        kind="komentar", id=comment.id, group=section.heading, number=number, text=text, text_html=text_html,
        withheld=comment.is_hidden,
        status=status, answer=(comment.answer_md or "") if shown else "",
        answer_html=(comment.answer_html or "") if shown else "",
        answered_by=_asn_label(comment.answered_by) if shown else "",
        reason=reason, created_at=comment.created_at, answered=comment.is_answered,
    )


def _question_item(question, group, number):
    reason = ""
    text = question.body
    # The report is public: a question the moderator refused (or never saw) was never shown, so it is
    # accounted for by its status and reason only, never by its words.
    if question.status == "ditolak":
        reason = question.reason or _("Tidak ditanggapi moderator.")
        text = _("(isi pertanyaan tidak ditampilkan karena ditolak)")
    elif question.status == "disetujui":
        reason = question.reason or _("Tidak sempat dijawab dalam sesi.")
    elif question.status == "menunggu":
        reason = _("Belum dimoderasi ketika sesi ditutup.")
        text = _("(isi pertanyaan tidak ditampilkan karena belum dimoderasi)")
    status = str(question.status_label)
    if question.status == "dijawab" and not question.answer_md:
        status = _("Dijawab langsung dalam sesi")
    return ReportItem(
        kind="pertanyaan", id=question.id, group=group, number=number, text=text, status=status,
        withheld=question.status in ("ditolak", "menunggu"),
        answer=question.answer_md or "", answer_html=question.answer_html or "",
        answered_by=_asn_label(question.answered_by), reason=reason, votes=question.vote_count,
        created_at=question.created_at, answered=question.status == "dijawab",
    )


def _asn_label(profile):
    return f"{profile.name} ({profile.jabatan})" if profile else ""


def _csv_cell(value):
    # A cell that starts with = + - @ would run as a formula in Excel (CSV injection).
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def report_csv(consultation, report):
    """Write the report as CSV: UTF-8 with a BOM so Excel reads it right, every field quoted as needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Jenis"), _("Kelompok"), _("No"), _("Isi"), _("Status"), _("Jawaban"), _("Dijawab oleh"),
                     _("Alasan tidak ditindaklanjuti"), _("Dukungan"), _("Waktu (WIB)"), _("ID")])
    for item in report["items"]:
        writer.writerow([_csv_cell(v) for v in (
            _("Komentar") if item.kind == "komentar" else _("Pertanyaan"), item.group, item.number, item.text,
            item.status, item.answer, item.answered_by, item.reason, "" if item.votes is None else item.votes,
            format_datetime(item.created_at, "yyyy-MM-dd HH:mm") if item.created_at else "",
            f"{item.kind}-{item.id}",
        )])
    return "\ufeff" + out.getvalue()
