"""Signed unsubscribe links: one per person and kind, or per person and digest (RFC 8058 one-click)."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.accounts.models import User
from portal.extensions import db
from portal.links import public_url
from portal.notifications.models import DIGESTS, KINDS


class InvalidUnsubscribeToken(Exception):
    """The unsubscribe link is malformed, forged, or for an account that no longer exists."""


def _serializer():
    # No expiry: a mail read a year later must still be able to stop what it is about (RFC 8058).
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal-unsubscribe")


def make_unsubscribe_token(user, *, kind=None, digest=None):
    """Sign a token that stops one kind of mail (kind) or one digest (digest) for this person."""
    if (kind is None) == (digest is None):
        raise ValueError("give exactly one of kind and digest")
    payload = {"u": user.id, "k": kind} if kind is not None else {"u": user.id, "d": digest}
    return _serializer().dumps(payload)


def read_unsubscribe_token(token):
    """Return (user, kind, digest) for a valid token (one of kind and digest is None), or raise."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise InvalidUnsubscribeToken() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidUnsubscribeToken()
    kind, digest = payload.get("k"), payload.get("d")
    if not (kind in KINDS and digest is None) and not (digest in DIGESTS and kind is None):
        raise InvalidUnsubscribeToken()
    user = db.session.get(User, payload["u"])
    if user is None or user.is_deleted:
        raise InvalidUnsubscribeToken()
    return user, kind, digest


def unsubscribe_url(user, *, kind=None, digest=None):
    """Return the absolute unsubscribe link for the footer and the List-Unsubscribe header."""
    return public_url("notifications.unsubscribe", token=make_unsubscribe_token(user, kind=kind, digest=digest))


def unsubscribe_headers(link):
    """Return the RFC 2369 / RFC 8058 headers that let a mail client unsubscribe in one click."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
