"""Login throttling with growing delays per account+IP, per account and per IP (no lockout).

Counters are keyed by an HMAC of the scope and value, so neither e-mail addresses nor IP
addresses are stored (UU 27/2022), and unknown addresses are counted exactly like known ones:
the answers never tell whether an account exists.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import LoginThrottle
from portal.extensions import db

SCOPES = ("pair", "account", "ip")
KNOWN_DEVICE_COOKIE = "perangkat_dikenal"
KNOWN_DEVICE_DAYS = 180


def _digest(text):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def _keys(email, ip):
    ip = ip or "unknown"
    return {"pair": _digest(f"login:pair:{email}\n{ip}"), "account": _digest(f"login:account:{email}"),
            "ip": _digest(f"login:ip:{ip}")}


def blocked_until(email, ip, now, *, known_device=False):
    """Return when the longest block on this login attempt ends, or None if it may go ahead."""
    keys = _keys(email, ip)
    # A browser the owner signed in with before passes the account-wide and IP throttles, so
    # an attacker elsewhere (or a neighbour behind the same NAT) cannot keep the owner out.
    scopes = ("pair",) if known_device else SCOPES
    ends = db.session.scalars(
        select(LoginThrottle.blocked_until)
        .where(LoginThrottle.key.in_([keys[scope] for scope in scopes]), LoginThrottle.blocked_until > now)
    ).all()
    return max(ends, default=None)


def _insert(dialect):
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def record_failure(email, ip, now):
    """Count a wrong password in every scope and block a scope that failed too often; flushes."""
    rules = current_app.config["LOGIN_THROTTLE"]
    forget = timedelta(hours=current_app.config["LOGIN_THROTTLE_FORGET_HOURS"])
    insert = _insert(db.session.get_bind().dialect.name)
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - forget,
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
    ))
    for scope, key in _keys(email, ip).items():
        # Two workers may count the same new key at once: insert-if-missing, then lock the row.
        db.session.execute(insert(LoginThrottle).values(key=key, failures=0, last_failure_at=now)
                           .on_conflict_do_nothing(index_elements=["key"]))
        row = db.session.scalar(
            select(LoginThrottle).where(LoginThrottle.key == key).with_for_update().execution_options(populate_existing=True)
        )
        if row.last_failure_at < now - forget:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        rule = rules[scope]
        over = row.failures - rule["after"]
        if over >= 0:
            seconds = min(rule["first_seconds"] * 2 ** min(over, 20), rule["max_seconds"])
            row.blocked_until = now + timedelta(seconds=seconds)
    db.session.flush()


def clear_failures(email, ip):
    """Forget the account's failures after a correct password (the IP's count stays)."""
    # Not the IP's: an attacker could otherwise reset it by signing in to their own account
    # between guesses at others.
    keys = _keys(email, ip)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([keys["pair"], keys["account"]])))


def forget_account(email):
    """Delete the account-wide failure counter of an e-mail address (on account deletion)."""
    # The account+IP counters cannot be found without the IP; they expire after
    # LOGIN_THROTTLE_FORGET_HOURS and hold only a keyed hash.
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == _keys(email, None)["account"]))


def _device_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal-known-device")


def known_device_value(email):
    """The signed cookie value that marks this browser as one the account signed in with."""
    return _device_serializer().dumps(_digest(f"login:device:{email}"))


def is_known_device(cookie, email):
    """Tell whether the cookie says this browser signed in to this account before."""
    if not cookie:
        return False
    try:
        return hmac.compare_digest(_device_serializer().loads(cookie), _digest(f"login:device:{email}"))
    except (BadSignature, TypeError):
        return False
