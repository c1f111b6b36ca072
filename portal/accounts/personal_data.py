"""The person's own data, exported and erased (UU 27/2022 Pasal 7, 8 and 16).

Each capability registers what it keeps about a person in its own `personal_data.py`:
an export section (`PERSONAL_DATA_EXPORTS`, functions of the user returning {section: data})
and an erasure hook (`ACCOUNT_DELETION_HOOKS` in portal.accounts.services). This module holds
the helpers they share and the sections of the accounts core (sessions, notifications, audit).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import String, cast, delete, or_, select

from portal.accounts import throttle
from portal.accounts.models import UserRole, UserSession
from portal.audit import AuditEntry
from portal.extensions import db
from portal.idempotency import IdempotencyKey
from portal.notifications.models import Notification
from portal.responses.models import Assignment, ResponseEvent

ERASED = "[dihapus]"


def json_value(value):
    """Turn a column value into something JSON can hold, exactly (dates ISO, Decimal as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_rows(column, owner, fields, *, order_by=None):
    """Return the rows whose `column` is the owner (the user, or their ASN profile) as {label: value}."""
    model = column.class_
    query = select(model).where(column == owner.id)
    query = query.order_by(*(order_by if order_by is not None else model.__mapper__.primary_key))
    return [
        {label: json_value(getattr(row, attribute)) for label, attribute in fields.items()}
        for row in db.session.scalars(query)
    ]


def export_account_core(user):
    """Export what the accounts core keeps: roles, signed-in devices, notifications, forms sent, ratings."""
    return {
        "peran_diberikan": export_rows(
            UserRole.user_id, user, {"peran": "role", "sejak": "granted_at"}, order_by=[UserRole.role]
        ),
        "perangkat_masuk": export_rows(UserSession.user_id, user, {"sejak": "created_at", "perangkat": "device"}),
        "notifikasi": export_rows(
            Notification.user_id,
            user,
            {"jenis": "kind", "pesan": "message", "tautan": "url", "waktu": "created_at", "dibaca": "read_at"},
        ),
        # Forms sent once (double-submit protection): which form and when, never the token.
        "formulir_terkirim": export_rows(
            IdempotencyKey.user_id, user, {"formulir": "endpoint", "hasil": "result_url", "waktu": "created_at"}
        ),
        "penilaian_jawaban": export_rows(
            ResponseEvent.rated_by_id,
            user,
            {"jawaban": "title", "tautan": "url", "nilai": "rating", "komentar": "rating_comment", "waktu": "rated_at"},
        ),
        "penugasan_diberikan": export_rows(
            Assignment.assigned_by_id, user, {"judul": "title", "tautan": "url", "waktu": "assigned_at"}
        ),
    }


def _scrub(value, secrets):
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str) and any(secret.lower() in value.lower() for secret in secrets):
        return ERASED
    return value


def erase_account_core(user):
    """Delete the person's notifications, form keys and login counters; scrub them from the audit log."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user.id))
    throttle.forget_account(user.email)
    # The audit log keeps what happened, not who the person was. Entries about the account or
    # by the person lose every value holding their name, e-mail address or handle; elsewhere only
    # the e-mail address is matched (a name like "Ani" is also part of other people's words).
    own = [text for text in (user.name, user.email, user.handle) if text and len(text) >= 3]
    about_person = or_(
        (AuditEntry.target_type == "users") & (AuditEntry.target_id == str(user.id)),
        AuditEntry.actor_id == user.id,
    )
    for entry in db.session.scalars(select(AuditEntry).where(about_person)):
        _scrub_entry(entry, own)
    mentions_email = or_(
        cast(AuditEntry.before, String).contains(user.email),
        cast(AuditEntry.after, String).contains(user.email),
        AuditEntry.reason.contains(user.email),
    )
    for entry in db.session.scalars(select(AuditEntry).where(mentions_email)):
        _scrub_entry(entry, [user.email])


def _scrub_entry(entry, secrets):
    entry.before = _scrub(entry.before, secrets)
    entry.after = _scrub(entry.after, secrets)
    entry.reason = _scrub(entry.reason, secrets)
