"""Signed, expiring links for e-mail verification and password reset."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts.models import User
from portal.extensions import db

PURPOSES = {"verify": "EMAIL_TOKEN_MAX_AGE", "reset": "RESET_TOKEN_MAX_AGE"}


class InvalidToken(Exception):
    """The link is malformed, expired, or already used."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def make_token(user, purpose):
    """Sign a link token for this user and purpose."""
    # The session version makes a reset link single-use: resetting bumps the version.
    payload = {"uid": user.id, "email": user.email, "v": user.session_version}
    return _serializer(purpose).dumps(payload)


def user_from_token(token, purpose):
    """Return the user a valid token was made for, or raise InvalidToken."""
    max_age = current_app.config[PURPOSES[purpose]]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken(expired=True) from None
    except BadSignature:
        raise InvalidToken() from None
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.email != payload.get("email"):
        raise InvalidToken()
    if purpose == "reset" and user.session_version != payload.get("v"):
        raise InvalidToken()
    return user
