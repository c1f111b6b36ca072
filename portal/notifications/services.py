"""Notify people. Flushes, never commits."""

import logging

from flask_login import current_user
from sqlalchemy import func, select, update

from portal.db import utcnow
from portal.extensions import db
from portal.links import public_path_url
from portal.mailer import send_mail_safely
from portal.notifications.models import Notification

log = logging.getLogger("portal.notifications")


def notify(user, kind, message, url, *, email=True):
    """Add a bell notification, and mail a copy when the person wants e-mail."""
    if user is None or user.is_deleted:
        return None
    notification = Notification(user_id=user.id, kind=kind, message=message[:300], url=url)
    db.session.add(notification)
    if email and user.email_notifications and user.is_verified:
        # A mail server hiccup must not undo the post that triggered it; the bell still works.
        send_mail_safely(user.email, message[:120], "notification", user=user, message=message,
                         link=public_path_url(url))
    return notification


def notify_many(users, kind, message, url, *, exclude=None, email=True):
    """Notify each distinct person once, skipping whoever caused it."""
    seen = {getattr(exclude, "id", None)}
    sent = []
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        sent.append(notify(user, kind, message, url, email=email))
    return sent


def unread_count(user):
    """Count the person's unread notifications (one query, for the bell)."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_all_read(user):
    """Mark every notification of the person as read."""
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
    )


def unread_for_bell():
    """Template helper: the signed-in person's unread count, or 0 for visitors."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(current_user)
