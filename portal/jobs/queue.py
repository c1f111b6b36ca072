"""Recording jobs in the current transaction, and handing them to the queue engine after the commit.

`record_job` adds a Job row to the session and notes its id in the session; when that session
commits, the ids go to the queue engine (Huey) for a worker to run. A session that rolls back
forgets them: the rows are gone, nothing is sent. If the engine cannot be reached at that moment
(Redis restarting), the row simply waits: the worker's sweep hands it over again within a minute.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.extensions import db
from portal.jobs.models import Job

log = logging.getLogger("portal.jobs")

_NEW_JOBS = "portal_new_jobs"
_APP = "portal_jobs_app"

HANDLERS = {}  # kind -> function(job); each capability registers its own with @job_handler


def job_handler(kind):
    """Register the function that carries out jobs of this kind (it receives the Job; it may raise to retry)."""

    def decorator(func):
        HANDLERS[kind] = func
        return func

    return decorator


def retry_delays(app=None):
    """Seconds to wait before each retry (JOBS_RETRY_DELAYS); one attempt more than there are delays."""
    return tuple((app or current_app).config["JOBS_RETRY_DELAYS"])


def record_job(kind, payload, *, recipient=None, delay=None):
    """Record a job in the current transaction; it runs once that transaction commits. Flushes."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    now = utcnow()
    job = Job(kind=kind, payload=payload, recipient=recipient, max_attempts=len(retry_delays()) + 1,
              run_after=now + timedelta(seconds=delay or 0), created_at=now)
    db.session.add(job)
    db.session.flush()
    dispatch_after_commit(job.id, delay=delay)
    return job


def dispatch_after_commit(job_id, delay=None):
    """Hand the job to the queue engine once the current transaction has committed."""
    session = db.session()
    session.info.setdefault(_NEW_JOBS, []).append((job_id, delay))
    session.info[_APP] = current_app._get_current_object()


def dispatch(app, job_id, delay=None):
    """Put the job's id on the queue now; on failure the row waits for the sweep (it is not lost)."""
    try:
        app.extensions["jobs"].enqueue(job_id, delay)
    except Exception:  # Redis down, a locked queue file: the committed row is the record, the sweep retries
        log.warning("job not handed to the queue; the sweep will", extra={"job_id": job_id}, exc_info=True)


def _after_commit(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    pending = session.info.pop(_NEW_JOBS, None)
    app = session.info.pop(_APP, None)
    for job_id, delay in pending or ():
        dispatch(app, job_id, delay)


def _after_rollback(session):
    if session.in_nested_transaction():
        # Only a SAVEPOINT rolled back: jobs recorded outside it still stand (one recorded inside
        # it has no row any more, and running a missing job does nothing).
        return
    # The rows went with the transaction; nothing of it may run.
    session.info.pop(_NEW_JOBS, None)


def listen_to_sessions():
    """Watch every session's commits and rollbacks (once per process)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
