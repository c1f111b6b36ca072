"""A failed mail never loses a resident's input, and reasons with line breaks never break a subject."""

import re
import socket

import pytest
from sqlalchemy import func, select

from portal.feedback.models import Feedback
from portal.jobs.models import PENDING, Job
from tests.feedback.test_views import form_data


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def submit_and_follow(client, world):
    response = client.post("/masukan/kirim", data=form_data(world))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_SUPPRESS_SEND=False)
def test_feedback_is_stored_and_confirmed_with_smtp_down(client, db, world):
    html = submit_and_follow(client, world)
    feedback = db.session.scalar(select(Feedback))
    assert feedback is not None and feedback.contact_email == "budi.rahasia@contoh.id"
    assert feedback.tracking_number in html
    # The receipt waits for its retry (tests/core/test_jobs.py sends it once the server is back).
    receipt = db.session.scalar(select(Job).where(Job.recipient == "budi.rahasia@contoh.id"))
    assert (receipt.status, receipt.attempts) == (PENDING, 1)
    assert "Connection refused" in receipt.last_error


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_SUPPRESS_SEND=False)
def test_signed_in_resident_feedback_survives_smtp_down(client, db, world, login):
    login(world.citizen)
    html = submit_and_follow(client, world)
    assert db.session.scalar(select(func.count(Feedback.id))) == 1
    assert db.session.scalar(select(Feedback)).tracking_number in html


def test_feedback_is_stored_when_the_outbox_cannot_be_written(app, client, db, world, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")  # as unwritable as a full disk
    app.config["MAIL_OUTBOX_DIR"] = str(blocker / "outbox")
    html = submit_and_follow(client, world)
    assert db.session.scalar(select(func.count(Feedback.id))) == 1
    assert db.session.scalar(select(Feedback)).tracking_number in html
    assert db.session.scalar(select(func.count(Job.id)).where(Job.status == PENDING)) >= 1  # retried later


def test_a_line_break_in_a_rejection_reason_gives_a_one_line_subject(client, db, world, submit, login, mailbox):
    feedback, _secret = submit()
    login(world.moderator)
    reason = "Bukan kewenangan Pemkot.\r\nSilakan hubungi\nPemprov Jatim."
    response = client.post(f"/masukan/{feedback.tracking_number}/tolak", data={"reason": reason})
    assert response.status_code == 303
    db.session.refresh(feedback)
    assert feedback.status == "ditolak"
    mail = next(m for m in mailbox if m.recipients == ["budi.rahasia@contoh.id"] and "ditindaklanjuti" in m.subject)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "Bukan kewenangan Pemkot. Silakan hubungi Pemprov Jatim." in mail.subject


@pytest.mark.app_config(SERVER_NAME=None, PUBLIC_BASE_URL="https://partisipasi.surabaya.go.id")
def test_private_links_ignore_a_forged_host(client, db, world, mailbox):
    response = client.post("/masukan/kirim", data=form_data(world), headers={"Host": "evil.example"})
    page = client.get(response.headers["Location"], headers={"Host": "evil.example"}).get_data(as_text=True)
    shown = re.search(r"data-private-link>([^<]+)<", page).group(1)
    assert shown.startswith("https://partisipasi.surabaya.go.id/") and "kunci=" in shown
    assert "evil.example" not in shown
    assert "https://partisipasi.surabaya.go.id/" in mailbox[0].body and "evil.example" not in mailbox[0].body
