"""Notify people, as each of them asked (bell, e-mail now, or a digest). Flushes, never commits."""

import logging

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, insert, select, update

from portal.audit import record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.links import public_path_url, public_url
from portal.mailer import queue_mail
from portal.notifications.models import (
    DEFAULT_EMAIL,
    DEFAULT_IN_APP,
    DIGESTS,
    EMAIL_CHOICES,
    KINDS,
    Notification,
    NotificationPreference,
)
from portal.notifications.tokens import unsubscribe_headers, unsubscribe_url
from portal.unit_of_work import ServiceError

log = logging.getLogger("portal.notifications")


class NotificationError(ServiceError):
    """A preference change was refused; str(error) is the message for the person."""

    status = 422


def preferences_for(user_ids, kind):
    """Return {user_id: (in_app, email)} for the kind, defaults filled in (one query for any number of people)."""
    user_ids = list(user_ids)
    found = dict.fromkeys(user_ids, (DEFAULT_IN_APP, DEFAULT_EMAIL))
    if user_ids:
        rows = db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.in_app, NotificationPreference.email)
            .where(NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind)
        )
        found.update({user_id: (in_app, email) for user_id, in_app, email in rows})
    return found


def list_preferences(user):
    """Return {kind: (in_app, email)} for every kind, defaults filled in."""
    return _with_defaults(_stored_rows(user).values())


def _stored_rows(user):
    query = select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    return {row.kind: row for row in db.session.scalars(query)}


def _with_defaults(rows):
    found = dict.fromkeys(KINDS, (DEFAULT_IN_APP, DEFAULT_EMAIL))
    found.update({row.kind: (row.in_app, row.email) for row in rows if row.kind in found})
    return found


def notify(user, kind, message, url, *, email=True):
    """Add a notification, and mail it now or keep it for a digest, as the person asked for this kind."""
    if user is None or user.is_deleted:
        return None
    preference = preferences_for([user.id], kind)[user.id]
    notification = Notification(**_row(user, kind, message, url, preference, email=email))
    db.session.add(notification)
    _mail_now(user, kind, message, url, preference, email=email)
    return notification


def notify_many(users, kind, message, url, *, exclude=None, email=True):
    """Notify each distinct person once, skipping whoever caused it; return how many were notified.

    Their preferences are read in one query and the notifications written in one INSERT, so a
    unit or a crowd of followers costs the same statements as one person (only mails sent at
    once add a job each).
    """
    seen = {getattr(exclude, "id", None)}
    people = []
    for user in users:
        if user is None or user.id in seen or user.is_deleted:
            continue
        seen.add(user.id)
        people.append(user)
    if not people:
        return 0
    preferences = preferences_for([user.id for user in people], kind)
    # A Core insert on the table: the ORM's bulk insert would split the rows into one statement
    # per run of rows with the same None columns.
    db.session.execute(insert(Notification.__table__), [
        _row(user, kind, message, url, preferences[user.id], email=email) for user in people
    ])
    for user in people:
        _mail_now(user, kind, message, url, preferences[user.id], email=email)
    return len(people)


def _wants_mail(user, email):
    # The master switch and an unverified address stop every mail, now and in digests alike.
    return email and user.email_notifications and user.is_verified


def _row(user, kind, message, url, preference, *, email):
    in_app, email_choice = preference
    digest = email_choice if _wants_mail(user, email) and email_choice in DIGESTS else None
    return {"user_id": user.id, "kind": kind, "message": message[:300], "url": url, "in_bell": in_app,
            "digest": digest, "created_at": utcnow()}


def _mail_now(user, kind, message, url, preference, *, email):
    if _wants_mail(user, email) and preference[1] == "immediate":
        link = unsubscribe_url(user, kind=kind)
        queue_mail(user.email, message[:120], "notification", headers=unsubscribe_headers(link),
                   user=user, message=message, link=public_path_url(url), unsubscribe_url=link,
                   settings_url=public_url("notifications.settings"))


def save_preferences(user, *, email_notifications, choices):
    """Store the master switch and {kind: (in_app, email)}; kinds left out keep what they had. Audited."""
    for kind, (_in_app, email) in choices.items():
        if kind not in KINDS:
            raise NotificationError(_("Jenis pemberitahuan tidak dikenal."))
        if email not in EMAIL_CHOICES:
            raise NotificationError(_("Pilih cara pengiriman email yang tersedia."), field=kind)
    rows = _stored_rows(user)
    before = _described(user, _with_defaults(rows.values()))
    for kind, (in_app, email) in choices.items():
        row = rows.get(kind)
        if (bool(in_app), email) == (DEFAULT_IN_APP, DEFAULT_EMAIL):
            if row is not None:  # back to the default: no row, as for someone who never changed it
                db.session.delete(row)
                del rows[kind]
        elif row is None:
            rows[kind] = NotificationPreference(user_id=user.id, kind=kind, in_app=bool(in_app), email=email)
            db.session.add(rows[kind])
        else:
            row.in_app, row.email = bool(in_app), email
    user.email_notifications = bool(email_notifications)
    after = _described(user, _with_defaults(rows.values()))
    _repoint_waiting(user, {kind: after[kind]["email"] for kind in KINDS if before[kind]["email"] != after[kind]["email"]})
    db.session.flush()
    changed = [key for key in after if before[key] != after[key]]
    if changed:
        record_audit(user, "notifications.update_preferences", user,
                     before={key: before[key] for key in changed}, after={key: after[key] for key in changed})


def _described(user, preferences):
    return {"email_notifications": user.email_notifications,
            **{kind: {"in_app": in_app, "email": email} for kind, (in_app, email) in preferences.items()}}


def _repoint_waiting(user, emails):
    """Send what waits for a digest the way the person now wants it: another digest, or no mail."""
    # Without this a "stop" would still be followed by tomorrow's digest of what had already waited.
    waiting = (Notification.user_id == user.id, Notification.digest.is_not(None), Notification.digested_at.is_(None))
    if not user.email_notifications:
        db.session.execute(update(Notification).where(*waiting).values(digest=None))
        return
    for kind, email in emails.items():
        db.session.execute(update(Notification).where(*waiting, Notification.kind == kind, Notification.digest != email)
                           .values(digest=email if email in DIGESTS else None))


def unsubscribe(user, *, kind=None, digest=None):
    """Stop the mail an unsubscribe link was for: one kind, or every kind sent in that digest."""
    current = list_preferences(user)
    stopped = [kind] if kind is not None else [k for k, (_in_app, email) in current.items() if email == digest]
    save_preferences(user, email_notifications=user.email_notifications,
                     choices={k: (current[k][0], "off") for k in stopped})
    return stopped


def unread_count(user):
    """Count the person's unread notifications in the bell (one query)."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None), Notification.in_bell.is_(True))
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
