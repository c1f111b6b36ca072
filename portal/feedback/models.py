"""Service feedback (keluhan, saran, apresiasi), its workflow, and the SKM survey."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

FEEDBACK_TYPES = {"keluhan": _l("Keluhan"), "saran": _l("Saran"), "apresiasi": _l("Apresiasi")}
STATUSES = {
    "diterima": _l("Diterima"),
    "diverifikasi": _l("Diverifikasi"),
    "diproses": _l("Diproses"),
    "ditindaklanjuti": _l("Ditindaklanjuti"),
    "selesai": _l("Selesai"),
    "ditolak": _l("Ditolak"),
}


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_unit_status", "unit_id", "status"),
        Index("ix_feedback_public_created", "is_public", "created_at", "id"),
        # The moderators' inbox lists open items of every unit: few among all the closed ones.
        Index("ix_feedback_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    # sha256 of the secret in the resident's private link (rating, confirming, reopening).
    secret_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"), index=True)
    kelurahan: Mapped[str | None] = mapped_column(String(80))
    visit_date: Mapped[date | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    # UU 27/2022: identity is never public; "confidential" hides it from the handling ASN too.
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    confidential: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="diterima")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verify_deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_asn_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_reason: Mapped[str | None] = mapped_column(String(500))
    reopen_count: Mapped[int] = mapped_column(default=0)
    reopen_reason: Mapped[str | None] = mapped_column(String(500))

    unit = relationship("Unit", lazy="joined")
    service = relationship("Service", lazy="joined")
    submitter = relationship("User")
    assigned_asn = relationship("AsnProfile")
    history: Mapped[list["FeedbackStatusChange"]] = relationship(
        back_populates="feedback", order_by="FeedbackStatusChange.created_at, FeedbackStatusChange.id"
    )
    answers: Mapped[list["FeedbackAnswer"]] = relationship(
        back_populates="feedback", order_by="FeedbackAnswer.created_at"
    )
    attachments: Mapped[list["FeedbackAttachment"]] = relationship(back_populates="feedback")

    @property
    def type_label(self):
        return FEEDBACK_TYPES[self.type]

    @property
    def status_label(self):
        return STATUSES[self.status]

    @property
    def current_deadline(self):
        """The deadline that matters in the current status, or None when nothing is due."""
        if self.status == "diterima":
            return self.verify_deadline_at
        if self.status in ("diverifikasi", "diproses"):
            return self.answer_deadline_at
        return None


class FeedbackCounter(db.Model):
    """The last tracking number handed out per year (SBY-2026-000123)."""

    __tablename__ = "feedback_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class FeedbackStatusChange(db.Model):
    """One step of the public status history."""

    __tablename__ = "feedback_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    # Shown publicly: never personal data, only what happened and why.
    note: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="history")

    @property
    def to_label(self):
        return STATUSES[self.to_status]


class FeedbackAnswer(db.Model):
    """The official answer of the assigned ASN."""

    __tablename__ = "feedback_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id"))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="answers")
    asn = relationship("AsnProfile", lazy="joined")


class FeedbackAttachment(db.Model):
    __tablename__ = "feedback_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="attachments")


class Escalation(db.Model):
    """An overdue item reported up the chain; unique per deadline and level, so cron reruns send nothing twice."""

    __tablename__ = "feedback_escalations"
    __table_args__ = (UniqueConstraint("feedback_id", "deadline_kind", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    deadline_kind: Mapped[str] = mapped_column(String(12))  # "verify" or "answer"
    level: Mapped[int]  # 1: the assignee's atasan, 2: the unit head
    notified_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


SKM_ELEMENTS = [
    ("u1", _l("Persyaratan")),
    ("u2", _l("Sistem, mekanisme, dan prosedur")),
    ("u3", _l("Waktu penyelesaian")),
    ("u4", _l("Biaya/tarif")),
    ("u5", _l("Produk spesifikasi jenis pelayanan")),
    ("u6", _l("Kompetensi pelaksana")),
    ("u7", _l("Perilaku pelaksana")),
    ("u8", _l("Penanganan pengaduan, saran dan masukan")),
    ("u9", _l("Sarana dan prasarana")),
]


def _score_check(code):
    return CheckConstraint(f"{code} IS NULL OR ({code} BETWEEN 1 AND 4)", name=f"{code}_range")


class SkmResponse(db.Model):
    """One respondent's SKM survey (PermenPANRB 14/2017): nine elements scored 1–4."""

    __tablename__ = "skm_responses"
    __table_args__ = (
        # Covering indexes: IKM for a unit or service over a period reads only the index.
        Index("ix_skm_unit_day", "unit_id", "submitted_on", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"),
        Index("ix_skm_service_day", "service_id", "submitted_on", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"),
        *[_score_check(code) for code, _label in SKM_ELEMENTS],
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"))
    # The WIB date of submission decides the period the survey counts in.
    submitted_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    u1: Mapped[int | None] = mapped_column(SmallInteger)
    u2: Mapped[int | None] = mapped_column(SmallInteger)
    u3: Mapped[int | None] = mapped_column(SmallInteger)
    u4: Mapped[int | None] = mapped_column(SmallInteger)
    u5: Mapped[int | None] = mapped_column(SmallInteger)
    u6: Mapped[int | None] = mapped_column(SmallInteger)
    u7: Mapped[int | None] = mapped_column(SmallInteger)
    u8: Mapped[int | None] = mapped_column(SmallInteger)
    u9: Mapped[int | None] = mapped_column(SmallInteger)
    # Respondent profile, all optional (PermenPANRB 14/2017 lampiran).
    age: Mapped[int | None] = mapped_column(SmallInteger)
    sex: Mapped[str | None] = mapped_column(String(1))
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(20))


class SkmDailyTotal(db.Model):
    """Sums and counts of the SKM scores per unit, service and WIB day.

    Kept in step with every SkmResponse in the same transaction, so the IKM of a unit over a
    year reads at most 366 rows per service instead of every response (a million responses
    stay fast). `service_key` is the service id, or 0 for surveys without a service.
    """

    __tablename__ = "skm_daily_totals"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    service_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    respondents: Mapped[int] = mapped_column(default=0)
    s1: Mapped[int] = mapped_column(default=0)
    s2: Mapped[int] = mapped_column(default=0)
    s3: Mapped[int] = mapped_column(default=0)
    s4: Mapped[int] = mapped_column(default=0)
    s5: Mapped[int] = mapped_column(default=0)
    s6: Mapped[int] = mapped_column(default=0)
    s7: Mapped[int] = mapped_column(default=0)
    s8: Mapped[int] = mapped_column(default=0)
    s9: Mapped[int] = mapped_column(default=0)
    c1: Mapped[int] = mapped_column(default=0)
    c2: Mapped[int] = mapped_column(default=0)
    c3: Mapped[int] = mapped_column(default=0)
    c4: Mapped[int] = mapped_column(default=0)
    c5: Mapped[int] = mapped_column(default=0)
    c6: Mapped[int] = mapped_column(default=0)
    c7: Mapped[int] = mapped_column(default=0)
    c8: Mapped[int] = mapped_column(default=0)
    c9: Mapped[int] = mapped_column(default=0)
