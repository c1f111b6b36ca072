"""Jobs recorded in the request's own transaction, and the periods a periodic job has run for."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"
STATUSES = (PENDING, RUNNING, DONE, DEAD)


class Job(db.Model):
    """One side effect to carry out after the commit: a mail to send, a file to delete, an index to refresh.

    The row is the source of truth: the queue engine only carries its id. A rolled-back request
    leaves no row (nothing is sent); a committed row is run until it is done or, after its last
    attempt, dead (listed for an admin to retry or discard).
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_run_after", "status", "run_after"),
        Index("ix_jobs_status_finished", "status", "finished_at"),  # the dead jobs page, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What the job needs, rendered at the time of the request (a mail's text, a file's path).
    # Emptied once the job is done: a sent mail's text is not kept twice (UU 27/2022 data minimisation).
    payload: Mapped[dict | None] = mapped_column(JSON)
    # Whom it concerns, so an erased account's waiting mails go with it (portal/jobs/personal_data.py).
    recipient: Mapped[str | None] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PeriodicRun(db.Model):
    """A periodic job that has started for one period: the primary key lets only one worker start it."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)  # "2026-12-03T14:05", "2026-12-03", "2026-W49"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(300))
