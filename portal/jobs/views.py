"""Admin page of the background jobs: what waits, what failed for good, and the buttons to retry or discard."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.audit import record_audit
from portal.extensions import db
from portal.forms import EmptyForm
from portal.jobs.models import DEAD, STATUSES, Job
from portal.jobs.runner import discard_dead, retry_dead
from portal.pagination import paginate
from portal.permissions import can_manage_jobs, require

bp = Blueprint("jobs", __name__)


@bp.before_request
@login_required
def admins_only():
    require(can_manage_jobs(current_user))


def mask_address(address):
    """Show enough of an e-mail address to recognise it, not to harvest it: s***@example.org."""
    local, _at, domain = (address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    dead = paginate(select(Job).where(Job.status == DEAD).order_by(Job.finished_at.desc(), Job.id.desc()),
                    per_page=30, error_out=True)
    return render_template("jobs/index.html", counts={status: counts.get(status, 0) for status in STATUSES},
                           dead=dead, mask_address=mask_address, form=EmptyForm())


def _dead_job_or_404(job_id):
    job = db.session.get(Job, job_id)
    if job is None or job.status != DEAD:
        abort(404)
    return job


def _require_form():
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.post("/<int:job_id>/ulang")
def retry(job_id):
    _require_form()
    job = _dead_job_or_404(job_id)
    retry_dead(job)
    record_audit(current_user, "job.retry", job, before={"status": DEAD, "kind": job.kind})
    flash(_("Tugas #%(id)s dicoba lagi.", id=job_id), "success")
    return redirect(url_for("jobs.index"), 303)


@bp.post("/ulang-semua")
def retry_all():
    _require_form()
    retried = [job.id for job in db.session.scalars(select(Job).where(Job.status == DEAD)) if retry_dead(job)]
    if retried:
        record_audit(current_user, "job.retry_all", ("jobs", None), after={"jobs": retried})
    flash(_("%(n)s tugas dicoba lagi.", n=len(retried)), "success")
    return redirect(url_for("jobs.index"), 303)


@bp.post("/<int:job_id>/buang")
def discard(job_id):
    _require_form()
    job = _dead_job_or_404(job_id)
    before = {"status": DEAD, "kind": job.kind, "attempts": job.attempts}
    discard_dead(job)
    record_audit(current_user, "job.discard", ("jobs", job_id), before=before)
    flash(_("Tugas #%(id)s dibuang.", id=job_id), "success")
    return redirect(url_for("jobs.index"), 303)
