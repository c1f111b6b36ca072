"""Idempotent form posts: a resubmitted feedback, thread or reply is stored once.

A write can commit while the client sees an error (a timeout, a dropped connection after the
commit); the person presses "Kirim" again and the browser posts the same form. Each such form
carries a random token (IdempotentFormMixin, rendered by the `idempotency_field` macro). The
view records the token with its write, in the same transaction (`record_once`), which the
request commits at its end (portal/unit_of_work.py); a post whose token is already recorded goes
to the first result instead of storing again (`first_result`). Two posts racing with one token
both pass the first check, and the unique constraint lets only one insert its token: the other's
insert fails in its savepoint, its request is marked refused (so its write is rolled back at the
end) and it is sent to the winner's result.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from portal.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.unit_of_work import refuse_changes

FIELD_NAME = "idempotency_token"
KEEP_DAYS = 7  # IDEMPOTENCY_KEEP_DAYS: a retry comes within minutes; a week is generous
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class IdempotencyKey(db.Model):
    """A form token already used, and where its first submission's result lives."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    endpoint: Mapped[str] = mapped_column(String(80))
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def new_token():
    """Return a fresh, unguessable form token."""
    return secrets.token_urlsafe(24)


class IdempotentFormMixin:
    """Give a form a hidden one-time token; a re-rendered form (after an error) keeps the one it had."""

    idempotency_token = HiddenField(default=new_token)


def token_of(form):
    """Return the form's token if it is well formed, else None (then the post is not deduplicated)."""
    token = getattr(getattr(form, FIELD_NAME, None), "data", None)
    return token if isinstance(token, str) and _TOKEN.fullmatch(token) else None


def first_result(form):
    """Return the URL of the first submission made with this form's token, or None if it is new."""
    token = token_of(form)
    if token is None:
        return None
    return db.session.scalar(select(IdempotencyKey.result_url).where(IdempotencyKey.token == token))


def record_once(form, endpoint, result_url, user=None):
    """Record the form's token with the pending write; return None, or the first result's URL.

    When another request recorded the same token first, this request is refused (its write is
    rolled back at the end of the request) and the URL of that first result is returned for the
    view to redirect to.
    """
    token = token_of(form)
    if token is None:
        return None
    purge_keys()
    db.session.flush()  # the write itself first: its own constraint failures are not a lost race
    try:
        # A savepoint: a lost race undoes only the token's insert, and the session stays usable
        # to look up the winner's result (the write itself is undone by refuse_changes).
        with db.session.begin_nested():
            db.session.add(IdempotencyKey(token=token, user_id=getattr(user, "id", None), endpoint=endpoint,
                                          result_url=result_url))
            db.session.flush()
    except IntegrityError:
        first = first_result(form)
        if first is None:  # another constraint failed: not ours to hide
            raise
        refuse_changes()
        return first
    return None


def purge_keys(days=None):
    """Delete tokens older than `days` (IDEMPOTENCY_KEEP_DAYS); return how many went. The caller commits."""
    days = current_app.config.get("IDEMPOTENCY_KEEP_DAYS", KEEP_DAYS) if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount
