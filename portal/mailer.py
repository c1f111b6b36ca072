"""Outgoing mail. Without an SMTP server, mails are written to the outbox folder and logged."""

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message, email_dispatched

from portal.extensions import mail

log = logging.getLogger("portal.mail")


def one_line(text):
    """Fold every run of whitespace (line breaks included) into one space: headers are one line."""
    return " ".join(str(text or "").split())


def send_mail(to, subject, template, attachments=(), **context):
    """Render templates/mail/<template>.txt (and .html if present) and send it to one address."""
    body = render_template(f"mail/{template}.txt", **context)
    # A reason typed with a line break ends up in subjects; Flask-Mail refuses such a header.
    msg = Message(subject=one_line(subject), recipients=[to], body=body)
    for filename, content_type, data in attachments:
        msg.attach(filename, content_type, data)
    mail.send(msg)
    return msg


def send_mail_safely(to, subject, template, attachments=(), **context):
    """Send like send_mail, but log a failed send and return None instead of raising."""
    # The input that triggered the mail (a feedback, a post, a seat) matters more than the
    # mail: SMTP down or a full outbox disk must not turn it into a 500 and a rollback.
    # smtplib.SMTPException is an OSError, as are refused connections and a full disk.
    try:
        return send_mail(to, subject, template, attachments, **context)
    except OSError:
        log.exception("mail not sent", extra={"template": template})
        return None


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
