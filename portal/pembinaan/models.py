"""The development record (rekam pembinaan) of each ASN.

Community input is not stored here: it is read from portal.responses (ResponseEvent,
Assignment) with SQL aggregates. Those aggregates are kept per ASN and period in
KeptResponseStats (refreshed after every change, see portal/pembinaan/stats.py), so the record
reads a few rows instead of every event.
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Float, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.pembinaan.predicate import PREDICATES, development_group, development_label


class Training(db.Model):
    """A training or other competency development the ASN took, with its JP and certificate."""

    __tablename__ = "pembinaan_trainings"
    __table_args__ = (Index("ix_pembinaan_trainings_asn_end", "asn_id", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(160))
    form: Mapped[str] = mapped_column(String(40))  # a key of predicate.DEVELOPMENT_FORMS
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # counts for the JP total of this year
    # Two decimals (PP 11/2017: 1 JP = 45 minutes, so an hour is 1,33 JP); Decimal, never float.
    jp: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    certificate_name: Mapped[str | None] = mapped_column(String(200))
    certificate_stored: Mapped[str | None] = mapped_column(String(80))
    certificate_type: Mapped[str | None] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def form_label(self):
        return development_label(self.form)

    @property
    def group(self):
        return development_group(self.form)


class WorkTarget(db.Model):
    """A planned work result (rencana hasil kerja) for a period, with indicators and targets."""

    __tablename__ = "pembinaan_work_targets"
    __table_args__ = (Index("ix_pembinaan_work_targets_asn_period", "asn_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    # The period's WIB dates, so periods of different lengths (2026, 2026-Q3) compare.
    period_start: Mapped[date]
    period_end: Mapped[date]
    title: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicators: Mapped[list["WorkIndicator"]] = relationship(
        back_populates="target", order_by="WorkIndicator.position", cascade="all, delete-orphan"
    )
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="target", order_by="ProgressUpdate.created_at", cascade="all, delete-orphan"
    )

    @property
    def latest_percent(self):
        values = [u.percent for u in self.updates if u.kind == "progress" and u.percent is not None]
        return values[-1] if values else 0


class WorkIndicator(db.Model):
    """One indicator of a work target (indikator kinerja) and its target (e.g. "100% dalam 2 hari")."""

    __tablename__ = "pembinaan_work_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("pembinaan_work_targets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(300))
    target_value: Mapped[str] = mapped_column(String(120))

    target: Mapped[WorkTarget] = relationship(back_populates="indicators")


PROGRESS_KINDS = ("progress", "feedback")  # the ASN's update; the supervisor's umpan balik berkelanjutan


class ProgressUpdate(db.Model):
    """A progress note by the ASN, or a supervisor's comment on it (umpan balik berkelanjutan)."""

    __tablename__ = "pembinaan_progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("pembinaan_work_targets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped[WorkTarget] = relationship(back_populates="updates")
    author = relationship("User")


class Evaluation(db.Model):
    """A periodic evaluation by the direct supervisor, with the derived predicate and the ASN's response."""

    __tablename__ = "pembinaan_evaluations"
    __table_args__ = (UniqueConstraint("asn_id", "period", name="uq_pembinaan_evaluations_asn_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[date]  # orders evaluations of different cadences (2026-Q4 and 2026)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))
    hasil_kerja: Mapped[str] = mapped_column(String(12))
    perilaku_kerja: Mapped[str] = mapped_column(String(12))
    # Stored when saved, from predicate.derive_predicate: the record keeps what was decided.
    predicate: Mapped[str] = mapped_column(String(20))
    # SE MenPANRB 20/2021: the supervisor's note per BerAKHLAK value, {value key: text}.
    behaviour_notes: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    asn_response: Mapped[str | None] = mapped_column(Text)  # dialog kinerja
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evaluator = relationship("AsnProfile", foreign_keys=[evaluator_id])

    @property
    def predicate_label(self):
        return PREDICATES.get(self.predicate, self.predicate)


class PeerFeedback(db.Model):
    """Feedback from a colleague of the same unit for a period (umpan balik rekan kerja)."""

    __tablename__ = "pembinaan_peer_feedback"
    __table_args__ = (
        UniqueConstraint("asn_id", "author_id", "period", name="uq_pembinaan_peer_feedback_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("AsnProfile", foreign_keys=[author_id])


GOAL_STATUSES = {
    "diusulkan": _l("Diusulkan"),
    "berjalan": _l("Berjalan"),
    "selesai": _l("Selesai"),
    "dibatalkan": _l("Dibatalkan"),
}


class DevelopmentGoal(db.Model):
    """A goal of the development plan: proposed by the supervisor, acknowledged by the ASN."""

    __tablename__ = "pembinaan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"), index=True)
    goal: Mapped[str] = mapped_column(String(200))
    actions: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="diusulkan")
    # The evidence behind it, when it came from a suggestion (kept as shown at the time).
    suggestion_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by = relationship("User")

    @property
    def status_label(self):
        return GOAL_STATUSES.get(self.status, self.status)


CONTEST_STATUSES = {
    "menunggu": _l("Menunggu keputusan moderator"),
    "dipertahankan": _l("Penilaian dipertahankan"),
    "dikecualikan": _l("Dikecualikan dari statistik"),
}


class RatingContest(db.Model):
    """An ASN's objection to a citizen's rating; a moderator keeps or excludes it from the statistics."""

    __tablename__ = "pembinaan_rating_contests"
    __table_args__ = (Index("ix_pembinaan_rating_contests_event", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("response_events.id", ondelete="CASCADE"))
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(14), default="menunggu", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(500))

    event = relationship("ResponseEvent")
    asn = relationship("AsnProfile")

    @property
    def status_label(self):
        return CONTEST_STATUSES.get(self.status, self.status)


class PeriodSummary(db.Model):
    """The figures of one ASN for one period, stored by `flask pembinaan summary` (once per ASN and period)."""

    __tablename__ = "pembinaan_period_summaries"
    __table_args__ = (UniqueConstraint("asn_id", "period", name="uq_pembinaan_period_summaries_asn_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    assigned: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    first_responses: Mapped[int] = mapped_column(default=0)
    median_first_seconds: Mapped[float | None] = mapped_column(Float)
    p90_first_seconds: Mapped[float | None] = mapped_column(Float)
    with_deadline: Mapped[int] = mapped_column(default=0)
    deadline_met: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_mean: Mapped[float | None] = mapped_column(Float)
    overdue_now: Mapped[int] = mapped_column(default=0)
    jp_total: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    predicate: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    asn = relationship("AsnProfile")


class PembinaanSetting(db.Model):
    """A setting HR changes without a deploy (e.g. the evaluation cadence)."""

    __tablename__ = "pembinaan_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


ALL_PERIODS_KEPT = "*"  # KeptResponseStats.period of the row that says every period of the ASN is kept


class KeptResponseStats(db.Model):
    """One ASN's response figures for one period, as queries.period_stats computed them at `computed_at`.

    Kept by portal/pembinaan/stats.py (a job after each change of the ASN's events or assignments,
    and a daily rebuild), as feedback keeps the SKM day totals: the record reads one row per
    period instead of aggregating every event. A period with nothing has a row of zeros once
    computed. The row with period ALL_PERIODS_KEPT ("*") says the rebuild covered the ASN: a
    period without a row then has nothing. Without it, a missing row means "never computed" and
    is read live. "Overdue now" is not kept: it depends on the clock.
    """

    __tablename__ = "pembinaan_response_stats"

    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # a Period label: 2026, 2026-S1, 2026-Q3, 2026-07
    events: Mapped[int] = mapped_column(default=0)  # response events in the period (the record's list)
    assigned: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    first_responses: Mapped[int] = mapped_column(default=0)
    with_deadline: Mapped[int] = mapped_column(default=0)
    deadline_met: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    # Exact as computed: the interpolated sums are integers divided once by 2 or 10 (a double holds them).
    median_first_seconds: Mapped[float | None] = mapped_column(Float)
    p90_first_seconds: Mapped[float | None] = mapped_column(Float)
    # When the computation started reading: a refresh never replaces a row computed after it started.
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
