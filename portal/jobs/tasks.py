"""The functions Huey runs in a worker: each opens the app's context and its own unit of work."""

import logging

from sqlalchemy.exc import IntegrityError

from portal.db import utcnow
from portal.extensions import db
from portal.jobs.models import PeriodicRun
from portal.jobs.runner import run_job
from portal.unit_of_work import unit_of_work
from portal.web import site_context

log = logging.getLogger("portal.jobs")


def job_runner(app):
    def run_recorded_job(job_id):
        with app.app_context():
            run_job(job_id)

    return run_recorded_job


def caller(app, queue):
    def call_registered(name):
        with app.app_context(), site_context(app), unit_of_work():
            queue.tasks[name]()

    return call_registered


def period_key(now, every):
    """Name the period a moment falls in: "2026-12-03T14" (hour), "2026-12-03" (day), "2026-W49" (week)."""
    if every == "minute":
        return now.strftime("%Y-%m-%dT%H:%M")
    if every == "hour":
        return now.strftime("%Y-%m-%dT%H")
    if every == "day":
        return now.strftime("%Y-%m-%d")
    if every == "week":
        year, week, _day = now.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown period {every!r}")


def start_period(name, period):
    """Record that this periodic job starts for this period; False if another worker already did."""
    db.session.add(PeriodicRun(name=name, period=period))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def run_periodic(app, name, function, every, now=None):
    """Run a periodic job's function unless another worker ran it for this period; return whether it ran."""
    with app.app_context(), site_context(app):
        now = now or utcnow()
        period = period_key(now, every) if every else None
        if period is not None and not start_period(name, period):
            log.info("periodic job already ran for this period", extra={"job": name, "period": period})
            return False
        try:
            outcome = function()
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.exception("periodic job failed", extra={"job": name, "period": period})
            outcome = f"gagal: {type(error).__name__}"
        if period is not None:
            run = db.session.get(PeriodicRun, (name, period))
            run.finished_at, run.outcome = utcnow(), _describe(outcome)
            db.session.commit()
        return True


def _describe(outcome):
    if outcome is None:
        return None
    if isinstance(outcome, list | tuple | set | dict):
        return f"{len(outcome)}"
    return str(outcome)[:300]


def periodic_runner(app, name, function, every):
    def run_on_schedule():
        run_periodic(app, name, function, every)

    return run_on_schedule
