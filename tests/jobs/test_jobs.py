"""Jobs follow the transaction: a rolled-back or failed commit sends nothing and leaves no file;
a committed one is never lost; periodic jobs run once per period however many workers there are."""

import io
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from portal.db import utcnow
from portal.extensions import db as _db
from portal.feedback.models import Feedback
from portal.jobs.models import DONE, PENDING, RUNNING, Job, PeriodicRun
from portal.jobs.runner import record_failure, run_job, sweep
from portal.jobs.tasks import period_key, run_periodic
from portal.mailer import queue_mail
from portal.uploads import delete_upload_after_commit, store_upload
from tests.feedback.test_views import PNG, form_data


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def files_under(folder):
    return sorted(p.name for p in Path(folder).rglob("*") if p.is_file()) if Path(folder).exists() else []


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)  # answer the 500 page, as in production
def test_a_request_whose_commit_fails_sends_no_mail_and_leaves_no_file(app, client, db, world, mailbox):
    def refuse_commit(_connection):
        raise RuntimeError("the database refused the commit")

    event.listen(db.engine, "commit", refuse_commit)
    try:
        response = client.post("/masukan/kirim", data=form_data(world, photo=(io.BytesIO(PNG), "antrean.png")),
                               content_type="multipart/form-data")
    finally:
        event.remove(db.engine, "commit", refuse_commit)
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)
    assert count(Feedback) == 0 and count(Job) == 0
    assert mailbox == []  # no receipt for a tracking number that does not exist
    assert files_under(app.config["UPLOAD_DIR"]) == []  # neither the photo nor its temporary file


def test_a_rolled_back_transaction_sends_nothing_and_a_committed_one_sends_once(app, db, mailbox):
    queue_mail("warga@contoh.id", "Tidak jadi", "notification", user=None, message="Halo", link="http://localhost/")
    db.session.rollback()
    assert mailbox == [] and count(Job) == 0
    queue_mail("warga@contoh.id", "Jadi", "notification", user=None, message="Halo", link="http://localhost/")
    assert mailbox == []  # not before the commit
    db.session.commit()
    assert [m.subject for m in mailbox] == ["Jadi"]
    job = db.session.scalar(select(Job))
    assert job.status == DONE and job.payload is None and job.recipient == "warga@contoh.id"


def test_a_savepoint_does_not_send_the_mail_before_the_real_commit(app, db, mailbox):
    queue_mail("warga@contoh.id", "Sesudah commit", "notification", user=None, message="Halo",
               link="http://localhost/")
    with db.session.begin_nested():
        pass
    assert mailbox == []
    db.session.commit()
    assert len(mailbox) == 1


def test_an_upload_exists_only_once_committed_and_a_deleted_one_goes_after_the_commit(app, db):
    folder = Path(app.config["UPLOAD_DIR"]) / "uji"
    store_upload(folder / "a.png", PNG)
    assert files_under(folder) != ["a.png"] and not (folder / "a.png").exists()  # only a temporary name
    db.session.rollback()
    assert files_under(folder) == []

    store_upload(folder / "b.png", PNG)
    db.session.commit()
    assert files_under(folder) == ["b.png"]
    delete_upload_after_commit(folder / "b.png")
    assert (folder / "b.png").exists()  # still used until the commit
    db.session.commit()
    assert files_under(folder) == []


def test_a_file_job_never_deletes_outside_the_upload_folder(app, db, tmp_path):
    outside = tmp_path / "bukan-unggahan.txt"
    outside.write_text("tetap")
    job = Job(kind="delete_file", payload={"path": "../bukan-unggahan.txt"}, max_attempts=1)
    db.session.add(job)
    db.session.commit()
    assert run_job(job.id) == "dead"
    assert outside.exists()


def test_failures_back_off_then_the_job_is_dead(app, db):
    app.config["JOBS_RETRY_DELAYS"] = (30, 120)
    job = Job(kind="mail", payload={}, max_attempts=3, attempts=1, status=RUNNING)
    db.session.add(job)
    now = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert record_failure(job, OSError("refused"), now) == 30 and job.run_after == now + timedelta(seconds=30)
    job.attempts = 2
    assert record_failure(job, OSError("refused"), now) == 120 and job.status == PENDING
    job.attempts = 3
    assert record_failure(job, OSError("refused"), now) is None and job.status == "dead"
    assert job.last_error == "OSError: refused"


def test_the_sweep_hands_over_lost_jobs_gives_back_stale_claims_and_forgets_old_ones(app, db, mailbox):
    app.extensions["jobs"].huey.immediate = False  # as if the hand-over after the commit never reached a worker
    queue_mail("lost@contoh.id", "Hilang di antrean", "notification", user=None, message="Halo",
               link="http://localhost/")
    db.session.commit()
    stale = Job(kind="mail", payload={"to": "stale@contoh.id", "subject": "Pekerja mati", "body": "Halo"},
                max_attempts=6, status=RUNNING, attempts=1, claimed_at=utcnow() - timedelta(hours=1))
    old = Job(kind="mail", payload=None, max_attempts=6, status=DONE, finished_at=utcnow() - timedelta(days=30))
    db.session.add_all([stale, old])
    db.session.commit()
    old_id = old.id
    assert mailbox == []

    app.extensions["jobs"].huey.immediate = True  # a worker is there now
    handed = sweep(now=utcnow() + timedelta(minutes=1))
    db.session.commit()
    assert len(handed) == 2
    assert sorted(m.recipients[0] for m in mailbox) == ["lost@contoh.id", "stale@contoh.id"]
    assert db.session.scalar(select(func.count(Job.id)).where(Job.id == old_id)) == 0


@pytest.mark.app_config(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL="redis://127.0.0.1:1/0")
def test_with_the_queue_unreachable_the_request_succeeds_and_the_job_waits_for_the_sweep(app, client, db, world,
                                                                                       mailbox, caplog):
    response = client.post("/masukan/kirim", data=form_data(world))
    assert response.status_code == 303  # Redis down does not fail the resident's request
    receipt = db.session.scalar(select(Job).where(Job.recipient == "budi.rahasia@contoh.id"))
    assert receipt.status == PENDING and mailbox == []
    assert any(r.getMessage() == "job not handed to the queue; the sweep will" for r in caplog.records)
    app.extensions["jobs"].huey.immediate = True  # the queue is back
    sweep(now=utcnow() + timedelta(minutes=1))
    db.session.commit()
    assert "budi.rahasia@contoh.id" in [m.recipients[0] for m in mailbox]


def test_period_keys():
    moment = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert [period_key(moment, every) for every in ("minute", "hour", "day", "week")] == [
        "2026-12-03T14:05", "2026-12-03T14", "2026-12-03", "2026-W49"]


def test_a_periodic_job_runs_once_per_period_with_two_workers(app, db):
    runs = []
    both_started = threading.Barrier(2, timeout=30)

    def escalate():
        runs.append(threading.current_thread().name)
        return "1 eskalasi"

    results = {}

    def worker(name):
        both_started.wait()  # the two schedulers fire the same period at the same moment
        results[name] = run_periodic(app, "uji.escalate", escalate, "hour", now=datetime(2026, 12, 3, 7, 5, tzinfo=UTC))

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",), name=f"worker-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(runs) == 1 and sorted(results.values()) == [False, True]
    db.session.expire_all()
    run = db.session.get(PeriodicRun, ("uji.escalate", "2026-12-03T07"))
    assert run.outcome == "1 eskalasi" and run.finished_at is not None
    # The next period runs again.
    assert run_periodic(app, "uji.escalate", escalate, "hour", now=datetime(2026, 12, 3, 8, 5, tzinfo=UTC))
    assert len(runs) == 2


def test_every_capability_schedules_its_periodic_jobs(app):
    assert {"feedback.escalate", "feedback.auto_close", "forum.escalate", "search.drain", "search.verify",
            "pembinaan.summary", "idempotency.purge", "jobs.sweep"} <= set(app.extensions["jobs"].periodic)


def test_the_jobs_cli_lists_retries_and_runs_a_periodic_job(app, db):
    job = Job(kind="mail", payload={"to": "x@contoh.id", "subject": "Uji", "body": "Halo"}, recipient="x@contoh.id",
              max_attempts=6, status="dead", attempts=6, last_error="SMTPServerDisconnected")
    db.session.add(job)
    db.session.commit()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert "dead: 1" in listed.output and f"#{job.id} mail (6x) SMTPServerDisconnected" in listed.output
    assert "1 tugas dicoba lagi." in runner.invoke(args=["jobs", "retry", str(job.id)]).output
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == DONE
    ran = runner.invoke(args=["jobs", "run", "forum.escalate"])
    assert ran.exit_code == 0, ran.output
    assert runner.invoke(args=["jobs", "run", "tidak.ada"]).exit_code == 2


def test_erasing_an_account_drops_the_mails_still_waiting_for_its_address(app, db, make_user):
    from portal.accounts.services import delete_account

    person = make_user(email="hapus@contoh.id")
    app.extensions["jobs"].huey.immediate = False  # nobody sends in the meantime
    queue_mail("hapus@contoh.id", "Belum terkirim", "notification", user=None, message="Halo", link="http://localhost/")
    queue_mail("lain@contoh.id", "Untuk orang lain", "notification", user=None, message="Halo", link="http://localhost/")
    db.session.commit()
    delete_account(person)
    db.session.commit()
    assert db.session.scalars(select(Job.recipient)).all() == ["lain@contoh.id"]
