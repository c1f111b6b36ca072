"""Outgoing mail. Without an SMTP server, mails are written to the outbox folder and logged."""

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message, email_dispatched

from portal.extensions import mail

log = logging.getLogger("portal.mail")


def send_mail(to, subject, template, attachments=(), **context):
    """Render templates/mail/<template>.txt (and .html if present) and send it to one address."""
    body = render_template(f"mail/{template}.txt", **context)
    msg = Message(subject=subject, recipients=[to], body=body)
    for filename, content_type, data in attachments:
        msg.attach(filename, content_type, data)
    mail.send(msg)
    return msg


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
