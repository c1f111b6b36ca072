from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

SOURCES = ("forum", "feedback", "konsultasi")


class Assignment(db.Model):
    """An item someone must answer, given to a unit and optionally a named ASN.

    Reassigning ends the current row and starts another, so "items assigned" and
    "overdue now" stay right per ASN after a handover.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_item", "source", "item_type", "item_id"),
        Index("ix_assignments_open", "asn_id", "ended_at", "answered_at"),
        # "Perlu ditanggapi": the open items of a source, few among every answered one.
        Index("ix_assignments_waiting", "source", "ended_at", "answered_at", "assigned_at"),
        # An ASN's items by the date assigned: the kept record figures are recomputed from these.
        Index("ix_assignments_asn_assigned", "asn_id", "assigned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    asn_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit")
    asn = relationship("AsnProfile")

    @property
    def is_open(self):
        return self.answered_at is None and self.ended_at is None


class ResponseEvent(db.Model):
    """One official answer by an ASN to a citizen's item, with its timing and later rating."""

    __tablename__ = "response_events"
    __table_args__ = (
        Index("ix_response_events_item", "source", "item_type", "item_id"),
        Index("ix_response_events_asn_answered", "asn_id", "answered_at"),
        # The thread page finds the events of its posts by answer id (a scan of every event without it).
        Index("ix_response_events_answer", "source", "answer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    answer_id: Mapped[int | None]  # the post, answer or question row that holds the answer
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("asn_profiles.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"))
    # The clock starts when the deadline it is judged by started (opening, verification), never at assignment.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_seconds: Mapped[int]
    working_seconds: Mapped[int]
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_met: Mapped[bool | None]
    # Only the first official answer to an item counts for "time to first response".
    is_first: Mapped[bool] = mapped_column(default=True)
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A contested rating a moderator excluded from the statistics (the row stays visible).
    rating_excluded: Mapped[bool] = mapped_column(default=False)
    rating_excluded_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asn = relationship("AsnProfile")
    unit = relationship("Unit")
