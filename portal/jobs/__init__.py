"""Work that leaves the request: mails, file clean-ups, index refreshes and periodic jobs.

The queue engine is Huey: on the embedded default its queue is a SQLite file under instance/
(no server to run), at scale Redis (JOBS_QUEUE_URL=redis://…). What must never be lost lives in
the portal's own database (the `jobs` table, written in the request's transaction); Huey only
carries job ids to the workers and runs the periodic jobs. Run workers with
`flask --app portal worker` (`make run` starts one beside the web server); any number of them
may run, on any machine that reaches the database and the queue.
"""

import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app

log = logging.getLogger("portal.jobs")

DEFAULTS = {
    "JOBS_QUEUE_URL": None,  # None: sqlite file instance/jobs-queue.db; redis://host:6379/0 at scale
    "JOBS_QUEUE_NAME": "portal",  # several portals on one Redis each take their own name
    "JOBS_IMMEDIATE": False,  # True (tests): run each job in-process right after the commit
    "JOBS_RETRY_DELAYS": (30, 120, 600, 1800, 7200),  # seconds before retries 1…5; then the job is dead
    "JOBS_STALE_MINUTES": 10,  # a job claimed longer ago than this by a worker that died is run again
    "JOBS_KEEP_DAYS": 7,  # finished jobs are forgotten after this many days (dead ones stay)
    "JOBS_WORKER_THREADS": 2,
    "JOBS_POLL_SECONDS": 1.0,  # the longest a worker on the SQLite queue sleeps between looks
}


class JobQueue:
    """The app's Huey instance, the task that runs recorded jobs, and the periodic jobs."""

    def __init__(self, app):
        from portal.jobs import tasks

        self.app = app
        self.huey = make_huey(app)
        self.periodic = {}  # name -> function, for the jobs on a schedule
        self.tasks = {}  # name -> function, for every job call_soon may run (the periodic ones too)
        self.run_task = self.huey.task(name="portal.run_job")(tasks.job_runner(app))
        self.call_task = self.huey.task(name="portal.call")(tasks.caller(app, self))

    def enqueue(self, job_id, delay=None):
        """Put a recorded job's id on the queue, to run now or after `delay` seconds."""
        if delay:
            self.run_task.schedule((job_id,), delay=delay)
        else:
            self.run_task(job_id)

    def call_soon(self, name):
        """Run a registered job's function once, soon, in a worker (whatever its schedule)."""
        self.call_task(name)

    def add_task(self, name, function):
        """Register a function that call_soon(name) runs in a worker."""
        self.tasks[name] = function

    def add_periodic(self, name, function, *, every, **crontab):
        """Run function() on the schedule given as crontab fields (in UTC), once per `every` period."""
        from huey import crontab as make_crontab

        from portal.jobs import tasks

        self.periodic[name] = self.tasks[name] = function
        self.huey.periodic_task(make_crontab(**crontab), name=f"portal.periodic.{name}")(
            tasks.periodic_runner(self.app, name, function, every))


def make_huey(app):
    """SqliteHuey on a file under instance/ by default, RedisHuey for a redis:// JOBS_QUEUE_URL."""
    from huey import RedisHuey, SqliteHuey

    url = app.config["JOBS_QUEUE_URL"]
    immediate = bool(app.config["JOBS_IMMEDIATE"])
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(app.config["JOBS_QUEUE_NAME"], url=url, immediate=immediate, utc=True)
    filename = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "jobs-queue.db")
    return SqliteHuey(app.config["JOBS_QUEUE_NAME"], filename=filename, immediate=immediate, utc=True)


def periodic_job(app, name, *, every, **crontab):
    """Decorator for a capability's init_app: run the function on a schedule, once per period.

    `every` names the period ("hour", "day", "week", or None for jobs that are harmless to run
    twice, such as the sweep); the crontab fields (minute=, hour=, day_of_week=, …) are UTC.
    """

    def decorator(function):
        app.extensions["jobs"].add_periodic(name, function, every=every, **crontab)
        return function

    return decorator


def get_queue(app=None):
    return (app or current_app).extensions["jobs"]


def init_app(app):
    """Configure the queue, watch commits, mount the admin page, the CLI and the queue's own periodic jobs."""
    from portal.jobs import cli, models, queue, runner, views  # noqa: F401  (models: the tables; views: routes)

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["jobs"] = JobQueue(app)
    from portal.accounts.services import register_personal_data
    from portal.jobs.personal_data import erase_waiting_mails

    register_personal_data(erase=erase_waiting_mails)
    queue.listen_to_sessions()
    app.register_blueprint(views.bp, url_prefix="/admin/tugas")
    app.cli.add_command(cli.worker_command)
    app.cli.add_command(cli.jobs_cli)
    # Harmless to run twice (claims decide), so every minute without a period guard.
    periodic_job(app, "jobs.sweep", every=None, minute="*")(runner.sweep)
    periodic_job(app, "jobs.forget_periods", every="day", minute="40", hour="20")(forget_old_periods)


def forget_old_periods(now=None, days=60):
    """Delete the records of periodic runs older than `days`: they only guard the current period."""
    from sqlalchemy import delete

    from portal.db import utcnow
    from portal.extensions import db
    from portal.jobs.models import PeriodicRun

    cutoff = (now or utcnow()) - timedelta(days=days)
    return db.session.execute(delete(PeriodicRun).where(PeriodicRun.started_at < cutoff)).rowcount
