"""Konsultasi publik: the consultation, its registrations, draft sections, comments, questions."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import DELETED_NAME
from portal.db import UTCDateTime, utcnow
from portal.extensions import db

PHASES = ("draf", "diumumkan", "berlangsung", "ditutup", "laporan")
PHASE_LABELS = {
    "draf": _l("Draf"),
    "diumumkan": _l("Diumumkan"),
    "berlangsung": _l("Berlangsung"),
    "ditutup": _l("Ditutup"),
    "laporan": _l("Laporan terbit"),
}
# Which phases let people do what: kept here so permissions, services and templates agree.
REGISTRATION_PHASES = ("diumumkan", "berlangsung")
COMMENT_PHASES = ("diumumkan", "berlangsung")
QUESTION_PHASES = ("berlangsung",)
MODERATION_PHASES = ("berlangsung", "ditutup")  # after closing, answers given live can still be recorded
ANSWER_COMMENT_PHASES = ("diumumkan", "berlangsung", "ditutup")
EDITABLE_PHASES = ("draf", "diumumkan")
CHECK_IN_PHASES = ("diumumkan", "berlangsung", "ditutup")

TOPICS = {
    "kesehatan": _l("Kesehatan"),
    "pendidikan": _l("Pendidikan"),
    "kependudukan": _l("Kependudukan"),
    "lingkungan": _l("Lingkungan hidup"),
    "perhubungan": _l("Perhubungan"),
    "sosial": _l("Sosial"),
    "perizinan": _l("Perizinan dan investasi"),
    "tata_kota": _l("Tata kota"),
    "lainnya": _l("Lainnya"),
}
FORMATS = {"tatap_muka": _l("Tatap muka"), "daring": _l("Daring"), "hybrid": _l("Hybrid (tatap muka dan daring)")}

REGISTRATION_STATUSES = {
    "terdaftar": _l("Terdaftar"),
    "menunggu": _l("Daftar tunggu"),
    "dibatalkan": _l("Dibatalkan"),
}
QUESTION_STATUSES = {
    "menunggu": _l("Menunggu moderasi"),
    "disetujui": _l("Disetujui"),
    "ditolak": _l("Tidak ditanggapi"),
    "dijawab": _l("Dijawab"),
}


class Consultation(db.Model):
    """A public dialogue run by a moderator for one responsible unit."""

    __tablename__ = "konsultasi_consultations"
    __table_args__ = (
        # The last line of defence behind the locking in register_for_consultation.
        CheckConstraint("registered_count >= 0 AND registered_count <= capacity", name="seats"),
        CheckConstraint("capacity >= 1", name="capacity"),
        Index("ix_konsultasi_consultations_phase_start", "phase", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(30), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    description_md: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    # Seats taken, kept by the registration services under the consultation's row lock.
    registered_count: Mapped[int] = mapped_column(default=0)
    document_title: Mapped[str | None] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(20), default="draf")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary_md: Mapped[str | None] = mapped_column(Text)
    summary_html: Mapped[str | None] = mapped_column(Text)
    now_answering_id: Mapped[int | None] = mapped_column(
        # Named explicitly: the convention's name would pass PostgreSQL's 63-character limit.
        ForeignKey("konsultasi_questions.id", use_alter=True, ondelete="SET NULL", name="fk_konsultasi_now_answering")
    )

    unit = relationship("Unit", lazy="joined")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="consultation", order_by="Section.position", cascade="all, delete-orphan"
    )
    speakers: Mapped[list["Speaker"]] = relationship(
        back_populates="consultation", order_by="Speaker.position", cascade="all, delete-orphan"
    )
    now_answering = relationship("Question", foreign_keys=[now_answering_id], post_update=True)

    @property
    def phase_label(self):
        return PHASE_LABELS[self.phase]

    @property
    def topic_label(self):
        return TOPICS.get(self.topic, self.topic)

    @property
    def format_label(self):
        return FORMATS.get(self.format, self.format)

    @property
    def is_open_for_registration(self):
        return self.phase in REGISTRATION_PHASES

    @property
    def is_open_for_comments(self):
        return self.phase in COMMENT_PHASES

    @property
    def is_live(self):
        return self.phase in QUESTION_PHASES

    @property
    def is_moderation_open(self):
        return self.phase in MODERATION_PHASES

    @property
    def is_comment_answering_open(self):
        return self.phase in ANSWER_COMMENT_PHASES

    @property
    def is_editable(self):
        return self.phase in EDITABLE_PHASES

    @property
    def is_check_in_open(self):
        return self.phase in CHECK_IN_PHASES

    @property
    def has_report(self):
        return self.phase == "laporan"

    @property
    def seats_left(self):
        return max(0, self.capacity - self.registered_count)

    def has_speaker(self, asn_profile):
        """Say whether this ASN profile is attached to the event as a speaker."""
        return asn_profile is not None and any(s.asn_id == asn_profile.id for s in self.speakers)

    def speaker_for(self, user):
        """Return the person's speaker row on this event (through their ASN profile), or None."""
        profile = getattr(user, "asn_profile", None)
        if profile is None:
            return None
        return next((s for s in self.speakers if s.asn_id == profile.id), None)

    def __repr__(self):
        return f"<Consultation {self.id} {self.phase}>"


class Registration(db.Model):
    """A citizen's seat or place on the waiting list; one row per person and consultation."""

    __tablename__ = "konsultasi_registrations"
    __table_args__ = (
        UniqueConstraint("consultation_id", "user_id", name="uq_konsultasi_registrations_person"),
        Index("ix_konsultasi_registrations_queue", "consultation_id", "status", "waitlist_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("konsultasi_consultations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # Order on the waiting list, given under the consultation's lock; kept after promotion.
    waitlist_position: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship()
    user = relationship("User", foreign_keys=[user_id])

    @property
    def status_label(self):
        return REGISTRATION_STATUSES[self.status]

    @property
    def is_active(self):
        return self.status in ("terdaftar", "menunggu")


class Speaker(db.Model):
    """An ASN attached to the event as narasumber; may answer its questions and comments."""

    __tablename__ = "konsultasi_speakers"
    __table_args__ = (UniqueConstraint("consultation_id", "asn_id", name="uq_konsultasi_speakers_asn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("konsultasi_consultations.id", ondelete="CASCADE"))
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120), default="Narasumber")
    position: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="speakers")
    asn = relationship("AsnProfile", lazy="joined")


class Section(db.Model):
    """One pasal or bagian of the draft document; Markdown rendered once, when saved."""

    __tablename__ = "konsultasi_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("konsultasi_consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Visible comments, kept by the services so the document page never counts rows.
    comment_count: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="sections")
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="section", order_by="Comment.id", cascade="all, delete-orphan"
    )


class _Authored:
    @property
    def display_name(self):
        """The author's name as the public sees it: "Anonim" or the @handle, never the account name."""
        if self.author is None or self.author.is_deleted:
            return DELETED_NAME
        if getattr(self, "is_anonymous", False):
            return str(_l("Anonim"))
        # UU 27/2022 and the registration page's promise: the account name is not public.
        return self.author.public_name

    @property
    def account_name(self):
        """The author's @handle for moderators, shown even when the public sees "Anonim"."""
        if self.author is None or self.author.is_deleted:
            return DELETED_NAME
        return self.author.public_name


class Comment(_Authored, db.Model):
    """A citizen's comment on one section of the draft, with an optional official answer."""

    __tablename__ = "konsultasi_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("konsultasi_consultations.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("konsultasi_sections.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer_md: Mapped[str | None] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_asn_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))

    section: Mapped[Section] = relationship(back_populates="comments")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    answered_by = relationship("AsnProfile", foreign_keys=[answered_by_asn_id])

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def is_answered(self):
        return self.answered_at is not None


class Question(_Authored, db.Model):
    """A question asked during the live session; pending until a moderator approves it."""

    __tablename__ = "konsultasi_questions"
    __table_args__ = (Index("ix_konsultasi_questions_board", "consultation_id", "status", "vote_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("konsultasi_consultations.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Anonymous to the public only: moderators still see the account (UU 27/2022: identity kept, not shown).
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="menunggu")
    # Votes, kept by the vote services with an atomic UPDATE so concurrent votes all count.
    vote_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was not taken up
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_md: Mapped[str | None] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_by_asn_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    answered_by = relationship("AsnProfile", foreign_keys=[answered_by_asn_id])

    @property
    def status_label(self):
        return QUESTION_STATUSES[self.status]


class QuestionVote(db.Model):
    """One person's upvote of one question (the primary key makes it one vote per person)."""

    __tablename__ = "konsultasi_question_votes"

    question_id: Mapped[int] = mapped_column(ForeignKey("konsultasi_questions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
