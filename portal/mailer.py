"""Outgoing mail, always sent after the commit by a worker (portal/jobs).

Without an SMTP server (MAIL_SERVER unset), the worker writes each mail to the outbox folder
(MAIL_OUTBOX_DIR) instead of sending it, and logs it.
"""

import base64
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message, email_dispatched

from portal.extensions import mail
from portal.jobs.queue import job_handler, record_job

log = logging.getLogger("portal.mail")


def one_line(text):
    """Fold every run of whitespace (line breaks included) into one space: headers are one line."""
    return " ".join(str(text or "").split())


def render_mail(to, subject, template, attachments=(), headers=None, **context):
    """Render templates/mail/<template>.txt now, in the request's language, into a job payload."""
    return {
        "to": to,
        # A reason typed with a line break ends up in subjects; a header is one line.
        "subject": one_line(subject),
        "body": render_template(f"mail/{template}.txt", **context),
        "template": template,
        "headers": {name: one_line(value) for name, value in (headers or {}).items()},
        "attachments": [[filename, content_type, base64.b64encode(data).decode()]
                        for filename, content_type, data in attachments],
    }


def queue_mail(to, subject, template, attachments=(), headers=None, **context):
    """Record a mail to send once the current transaction commits; return its Job. Flushes.

    Rendered now (the words and links of the moment), sent by a worker after the commit: a slow
    or unreachable SMTP server never slows a request or undoes it, a rolled-back request mails
    nothing, and a committed one is sent even if the server comes back only hours later.
    """
    return record_job("mail", render_mail(to, subject, template, attachments, headers, **context), recipient=to)


@job_handler("mail")
def send_queued_mail(job):
    """Send a recorded mail (a worker runs this); raises on an SMTP or disk failure, so it is retried."""
    payload = job.payload
    msg = Message(subject=payload["subject"], recipients=[payload["to"]], body=payload["body"],
                  extra_headers=payload.get("headers") or None)
    # One Message-ID per job: if a retry after a lost acknowledgement sends it again, mail clients
    # show one message.
    msg.msgId = f"<job-{job.id}.{job.created_at:%Y%m%d%H%M%S}@{_mail_domain()}>"
    for filename, content_type, data in payload.get("attachments") or ():
        msg.attach(filename, content_type, base64.b64decode(data))
    mail.send(msg)
    log.info("mail sent", extra={"job_id": job.id, "template": payload.get("template")})
    return msg


def _mail_domain():
    sender = str(current_app.config.get("MAIL_DEFAULT_SENDER") or "")
    return sender.rsplit("@", 1)[-1].strip(" >") or "portal.invalid"


def init_outbox(app):
    """Write each mail that is not really sent to MAIL_OUTBOX_DIR, one .eml file per mail."""

    def write_to_outbox(app, message):
        if not app.config.get("MAIL_SUPPRESS_SEND"):
            return
        outbox = Path(app.config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", message.recipients[0])
        path = outbox / f"{stamp}-{recipient}.eml"
        path.write_text(message.as_string())
        log.info("mail written to outbox", extra={"to": message.recipients, "path": str(path)})

    email_dispatched.connect(write_to_outbox, app, weak=False)
    app.extensions["portal_outbox_writer"] = write_to_outbox


def outbox_messages(app=None):
    """List the outbox files, oldest first (used by development tooling and tests)."""
    app = app or current_app
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    return sorted(outbox.glob("*.eml")) if outbox.exists() else []
