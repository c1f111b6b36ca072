"""Server-side sessions: one row per signed-in device, so signing out really ends a session."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User, UserSession
from portal.db import utcnow
from portal.extensions import db

MAX_USER_ID = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def device_summary(user_agent):
    """Name the browser and system of a User-Agent ("Firefox, Android"), nothing more."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    return ", ".join(part for part in (browser, system) if part) or None


def _oldest_valid(now=None):
    # No session outlives the remember-me cookie (Flask-Login's REMEMBER_COOKIE_DURATION).
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", timedelta(days=365))
    if not isinstance(duration, timedelta):
        duration = timedelta(seconds=int(duration))
    return (now or utcnow()) - duration


def start_session(user, device=None):
    """Open a session for the user on one device and return its token; flushes."""
    # Sessions nobody signed out of (a closed browser) are cleared once they are too old.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.created_at < _oldest_valid()))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, device=(device or "")[:80] or None))
    db.session.flush()
    user.session_token = token
    return token


def load_session_user(user_id, token):
    """Return the user whose session this token still opens, or None."""
    if not token or not 0 < user_id <= MAX_USER_ID:
        return None
    # Nearly every page checks the signed-in person's roles and ASN profile: one query brings
    # them along (both are loaded lazily for everyone else, e.g. post authors).
    user = db.session.execute(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token), User.id == user_id, UserSession.created_at >= _oldest_valid())
        .options(joinedload(User.role_rows), joinedload(User.asn_profile))
    ).unique().scalar_one_or_none()
    if user is None or user.is_deleted:
        return None
    user.session_token = token
    return user


def end_session(token):
    """Delete the session this token opens (signing out on this device only)."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(user, keep=None):
    """Delete every session of the user, except the one with token keep; return how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        statement = statement.where(UserSession.token_hash != _hash(keep))
    return db.session.execute(statement).rowcount


def count_sessions(user):
    """Count the devices the user is signed in on."""
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))
