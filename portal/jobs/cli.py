"""`flask --app portal worker` runs jobs; `flask --app portal jobs …` shows and retries them."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.models import DEAD, STATUSES, Job
from portal.unit_of_work import unit_of_work


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Berapa tugas dikerjakan bersamaan (JOBS_WORKER_THREADS).")
@click.option("--no-periodic", is_flag=True, help="Jangan menjalankan tugas terjadwal di pekerja ini.")
@with_appcontext
def worker_command(threads, no_periodic):
    """Run jobs from the queue until stopped (Ctrl+C or SIGTERM finishes the running jobs first)."""
    app = current_app._get_current_object()
    queue = app.extensions["jobs"]
    consumer = queue.huey.create_consumer(
        workers=threads or app.config["JOBS_WORKER_THREADS"], worker_type="thread", periodic=not no_periodic,
        initial_delay=0.05, backoff=1.5, max_delay=float(app.config["JOBS_POLL_SECONDS"]),
        check_worker_health=True,
    )
    click.echo(f"Pekerja berjalan: antrean {type(queue.huey).__name__}, {consumer.workers} utas, "
               f"tugas terjadwal {'mati' if no_periodic else 'hidup'}.")
    consumer.run()


jobs_cli = AppGroup("jobs", help="Tugas latar belakang: email, pembersihan berkas, tugas terjadwal.")


@jobs_cli.command("list")
def list_command():
    """Count jobs by status and list the dead ones."""
    counts = dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    click.echo(", ".join(f"{status}: {counts.get(status, 0)}" for status in STATUSES))
    for job in db.session.scalars(select(Job).where(Job.status == DEAD).order_by(Job.id)):
        click.echo(f"#{job.id} {job.kind} ({job.attempts}x) {job.last_error or ''}")


@jobs_cli.command("retry")
@click.argument("job_ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Coba lagi semua tugas yang mati.")
def retry_command(job_ids, all_dead):
    """Give dead jobs a fresh set of attempts."""
    from portal.jobs.runner import retry_dead

    with unit_of_work():
        query = select(Job).where(Job.status == DEAD)
        if not all_dead:
            query = query.where(Job.id.in_(job_ids))
        retried = [job.id for job in db.session.scalars(query) if retry_dead(job)]
    click.echo(f"{len(retried)} tugas dicoba lagi.")


@jobs_cli.command("run")
@click.argument("name")
def run_command(name):
    """Run one periodic job now in this process (e.g. `jobs run feedback.escalate`), whatever its schedule."""
    from portal.web import site_context

    queue = current_app.extensions["jobs"]
    if name not in queue.periodic:
        raise click.BadParameter(f"tidak dikenal; pilih salah satu: {', '.join(sorted(queue.periodic))}",
                                 param_hint="NAME")
    with site_context(current_app), unit_of_work():
        outcome = queue.periodic[name]()
    click.echo(f"{name}: {outcome if outcome is not None else 'selesai'}")
