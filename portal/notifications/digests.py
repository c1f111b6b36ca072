"""Daily and weekly digests: one mail per person with what waited for it. The lead's scheduler runs them.

`send_digests("daily")` once a day and `send_digests("weekly")` once a week, each inside a unit of work
(it flushes, the caller commits): the notifications are marked in the same transaction that records
the mails, so a crash sends nothing and marks nothing, and a second run finds nothing left to send.
"""

from contextlib import nullcontext
from itertools import groupby
from operator import attrgetter

from flask import current_app, has_request_context
from flask_babel import force_locale, ngettext
from sqlalchemy import select, update

from portal.accounts.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.links import public_path_url, public_url
from portal.mailer import queue_mail
from portal.notifications.models import DIGESTS, EMAIL_CHOICES, KINDS, Notification, kind_label
from portal.notifications.tokens import unsubscribe_headers, unsubscribe_url
from portal.web import site_context

MARK_BATCH = 500  # ids per UPDATE: well under every database's limit on bound parameters


def send_digests(frequency, now=None):
    """Queue one digest mail per person with notifications waiting for this digest; return how many."""
    if frequency not in DIGESTS:
        raise ValueError(f"unknown digest {frequency!r}")
    now = now or utcnow()
    # One query for everyone: the waiting notifications with their person, in mail order.
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.digest == frequency, Notification.digested_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    queued = 0
    with nullcontext() if has_request_context() else site_context(current_app._get_current_object()):
        for user, group in groupby(rows, key=lambda row: row.User):
            notifications = [row.Notification for row in group]
            # The person may have switched every mail off, lost their account or not yet verified it
            # since these waited: they are marked as handled all the same, or they would wait forever.
            if user.email_notifications and user.is_verified and not user.is_deleted:
                _queue_digest(user, frequency, notifications)
                queued += 1
    ids = [row.Notification.id for row in rows]
    for start in range(0, len(ids), MARK_BATCH):
        db.session.execute(
            update(Notification).where(Notification.id.in_(ids[start:start + MARK_BATCH])).values(digested_at=now),
            execution_options={"synchronize_session": False},
        )
    return queued


def _queue_digest(user, frequency, notifications):
    order = {kind: index for index, kind in enumerate(KINDS)}
    by_kind = sorted(notifications, key=lambda n: order.get(n.kind, len(order)))
    # The mail is in the person's own language, whoever's request or job runs the digest.
    with force_locale(user.locale) if user.locale else nullcontext():
        groups = []
        for kind, items in groupby(by_kind, key=attrgetter("kind")):
            groups.append({
                "label": kind_label(kind),
                "items": [{"message": n.message, "link": public_path_url(n.url)} for n in items],
                # A kind of its own can be stopped from the digest too, not only the whole digest.
                "unsubscribe_url": unsubscribe_url(user, kind=kind) if kind in order else None,
            })
        link = unsubscribe_url(user, digest=frequency)
        title = EMAIL_CHOICES[frequency]
        subject = ngettext("%(title)s: %(num)d pemberitahuan baru", "%(title)s: %(num)d pemberitahuan baru",
                           len(notifications), title=title)
        queue_mail(user.email, subject, "notification_digest", headers=unsubscribe_headers(link),
                   user=user, title=title, groups=groups, count=len(notifications), unsubscribe_url=link,
                   settings_url=public_url("notifications.settings"))
