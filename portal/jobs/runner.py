"""Running one job: claim it, carry it out, record the outcome; and the sweep that nothing escapes.

A job is claimed with one conditional UPDATE (pending → running): of two workers handed the same
id, only one wins, so a mail is sent once. A job that raises waits JOBS_RETRY_DELAYS[n] seconds
and is tried again; after its last attempt it is dead, listed on the admin page to be retried or
discarded. A worker that dies in the middle of a job leaves it running: after JOBS_STALE_MINUTES
the sweep gives it back (that one job may then run twice; a mail keeps its Message-ID, so mail
clients show it once).
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from portal.db import utcnow
from portal.extensions import db
from portal.jobs.models import DEAD, DONE, PENDING, RUNNING, Job
from portal.jobs.queue import HANDLERS, dispatch, dispatch_after_commit, retry_delays

log = logging.getLogger("portal.jobs")

SWEEP_BATCH = 500
MAX_ERROR_LENGTH = 2000


def claim(job_id, now):
    """Mark the job running if it is due and nobody else has it; return whether this worker may run it."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == PENDING, Job.run_after <= now)
        .values(status=RUNNING, attempts=Job.attempts + 1, claimed_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run_job(job_id, now=None):
    """Run the job with this id if it is due and unclaimed; return its status afterwards (None if not run)."""
    app = current_app._get_current_object()
    if not claim(job_id, now or utcnow()):
        return None
    job = db.session.get(Job, job_id)
    try:
        HANDLERS[job.kind](job)
        job.status, job.finished_at, job.payload, job.last_error = DONE, utcnow(), None, None
        db.session.commit()
    except Exception as error:  # any failure of a side effect is retried, then kept as dead
        db.session.rollback()
        job = db.session.get(Job, job_id)
        delay = record_failure(job, error)
        db.session.commit()
        if delay is not None:
            dispatch(app, job_id, delay)
    return job.status


def record_failure(job, error, now=None):
    """Note the error; schedule the next attempt and return its delay, or mark the job dead and return None."""
    now = now or utcnow()
    job.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    job.claimed_at = None
    delays = retry_delays()
    if job.attempts > len(delays) or job.attempts >= job.max_attempts:
        job.status, job.finished_at = DEAD, now
        log.error("job dead", extra={"job_id": job.id, "kind": job.kind, "attempts": job.attempts,
                                     "error": job.last_error})
        return None
    delay = delays[job.attempts - 1]
    job.status, job.run_after = PENDING, now + timedelta(seconds=delay)
    log.warning("job failed, retrying", extra={"job_id": job.id, "kind": job.kind, "attempts": job.attempts,
                                               "delay_s": delay, "error": job.last_error})
    return delay


def sweep(now=None):
    """Give back stale claims, hand over due jobs the queue may have lost, forget old finished ones."""
    now = now or utcnow()
    config = current_app.config
    stale_before = now - timedelta(minutes=config["JOBS_STALE_MINUTES"])
    db.session.execute(update(Job).where(Job.status == RUNNING, Job.claimed_at < stale_before)
                       .values(status=PENDING, claimed_at=None))
    # Due for more than a moment: its hand-over after the commit was lost, or its retry is late.
    overdue = list(db.session.scalars(
        select(Job.id).where(Job.status == PENDING, Job.run_after <= now - timedelta(seconds=30))
        .order_by(Job.id).limit(SWEEP_BATCH)
    ))
    db.session.execute(delete(Job).where(Job.status == DONE,
                                         Job.finished_at < now - timedelta(days=config["JOBS_KEEP_DAYS"])))
    for job_id in overdue:
        dispatch_after_commit(job_id)
    return overdue


def retry_dead(job):
    """Give a dead job a fresh set of attempts, now (an admin's button). Flushes."""
    if job.status != DEAD:
        return False
    job.status, job.attempts, job.run_after, job.finished_at, job.claimed_at = PENDING, 0, utcnow(), None, None
    db.session.flush()
    dispatch_after_commit(job.id)
    return True


def discard_dead(job):
    """Delete a dead job and what it carried (an admin's button). Flushes."""
    if job.status != DEAD:
        return False
    db.session.delete(job)
    db.session.flush()
    return True
