"""Mail leaves the request: sent by real worker processes through a real SMTP server, after the commit.

Each test here starts `flask --app portal worker` processes on the test's database and queue file
and an aiosmtpd server; waits are guards against a hang (a generous timeout), never timings.
"""

import io
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.feedback.models import Feedback
from portal.jobs.models import DEAD, DONE, Job
from portal.mailer import queue_mail
from tests.feedback.test_views import PNG, form_data
from tests.jobs.conftest import WORKER_CONFIG

pytestmark = pytest.mark.app_config(**WORKER_CONFIG)

RECEIPT = "budi.rahasia@contoh.id"


def wait_until(condition, db, timeout=30):
    """Poll the database until condition() holds (a hang guard, not a timing check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        db.session.rollback()
        if condition():
            return True
        time.sleep(0.05)
    return False


def job_for(db, address):
    return db.session.scalar(select(Job).where(Job.recipient == address))


def test_a_slow_smtp_server_never_holds_up_the_request(client, db, world, sink, workers):
    sink.hold()  # the server accepts the connection and then answers nothing until released
    sink.start()
    workers()
    response = client.post("/masukan/kirim", data=form_data(world))
    # The resident has their answer while the server still sits on the mail: it was not sent in the request.
    assert response.status_code == 303
    assert sink.messages == []
    assert db.session.scalar(select(func.count(Feedback.id))) == 1
    sink.release()
    [mail] = sink.wait_for_mail_to(RECEIPT)
    assert "Masukan Anda diterima" in mail["Subject"]
    assert wait_until(lambda: job_for(db, RECEIPT).status == DONE, db)
    assert job_for(db, RECEIPT).payload is None  # the text of a sent mail is not kept


@pytest.mark.app_config(**{**WORKER_CONFIG, "JOBS_RETRY_DELAYS": (1, 2, 4)})  # room to start the server between
def test_with_the_smtp_server_down_the_request_succeeds_and_the_mail_goes_once_it_is_back(client, db, world, sink,
                                                                                         workers):
    workers()
    response = client.post("/masukan/kirim", data=form_data(world))
    assert response.status_code == 303
    assert wait_until(lambda: (job_for(db, RECEIPT).attempts or 0) >= 1, db)  # tried, refused, waiting to retry
    sink.start()
    # The attempts left (JOBS_RETRY_DELAYS) reach the server now that it listens.
    assert wait_until(lambda: job_for(db, RECEIPT).status in (DONE, DEAD), db)
    if job_for(db, RECEIPT).status == DEAD:
        pytest.fail("the retries ran out before the server came back: " + job_for(db, RECEIPT).last_error)
    assert len(sink.wait_for_mail_to(RECEIPT)) == 1


def test_a_mail_that_keeps_failing_is_retried_then_dead_and_an_admin_retries_it(app, client, db, world, sink, workers,
                                                                                make_user, login):
    workers()
    assert client.post("/masukan/kirim", data=form_data(world)).status_code == 303
    assert wait_until(lambda: job_for(db, RECEIPT).status == DEAD, db)
    job = job_for(db, RECEIPT)
    assert job.attempts == len(WORKER_CONFIG["JOBS_RETRY_DELAYS"]) + 1
    assert "Connection refused" in job.last_error and job.payload["to"] == RECEIPT

    login(make_user(roles=("admin",)))
    page = client.get("/admin/tugas/").get_data(as_text=True)
    assert f"<td>{job.id}</td>" in page and "Connection refused" in page
    assert "b***@contoh.id" in page and RECEIPT not in page  # the admin sees whom, not the whole address
    sink.start()
    assert client.post(f"/admin/tugas/{job.id}/ulang").status_code == 303
    assert wait_until(lambda: job_for(db, RECEIPT).status == DONE, db)
    assert len(sink.wait_for_mail_to(RECEIPT)) == 1


def test_two_workers_send_each_mail_exactly_once(app, db, sink, workers):
    sink.start()
    addresses = [f"warga{n}@contoh.id" for n in range(20)]
    for address in addresses:
        queue_mail(address, "Uji antrean", "notification", user=None, message="Halo", link="http://localhost/")
    db.session.commit()
    # The same ids handed over a second time, as a lost acknowledgement or the sweep would do.
    queue = app.extensions["jobs"]
    for job_id in db.session.scalars(select(Job.id)):
        queue.enqueue(job_id)
    workers(2)
    assert wait_until(lambda: db.session.scalar(select(func.count(Job.id)).where(Job.status == DONE)) == 20, db)
    received = sink.wait_for(20)
    assert sorted(m["To"] for m in received) == sorted(addresses)
    assert len({m["Message-ID"] for m in received}) == 20


def test_a_photo_is_stored_and_its_receipt_mailed_only_after_the_commit(app, client, db, world, sink, workers):
    sink.start()
    workers()
    response = client.post("/masukan/kirim", data=form_data(world, photo=(io.BytesIO(PNG), "antrean.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    stored = list((Path(app.config["UPLOAD_DIR"]) / "feedback").iterdir())
    assert len(stored) == 1 and not stored[0].name.startswith(".")  # moved to its real name at the commit
    assert len(sink.wait_for_mail_to(RECEIPT)) == 1


@pytest.mark.app_config(**WORKER_CONFIG, JOBS_QUEUE_URL="redis://127.0.0.1:6379/15",
                        JOBS_QUEUE_NAME=f"portal-test-{uuid.uuid4().hex}")
def test_at_scale_the_queue_is_redis_and_workers_on_it_send_the_mail(app, client, db, world, sink, workers):
    sink.start()
    workers(2)
    try:
        assert client.post("/masukan/kirim", data=form_data(world)).status_code == 303
        assert len(sink.wait_for_mail_to(RECEIPT)) == 1
        assert wait_until(lambda: job_for(db, RECEIPT).status == DONE, db)
    finally:
        app.extensions["jobs"].huey.storage.flush_all()  # leave nothing of this test in Redis
