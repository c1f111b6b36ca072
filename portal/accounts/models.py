"""User accounts and their roles."""

import secrets
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from slugify import slugify
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

ROLES = ("warga", "asn", "moderator", "admin")
ROLE_LABELS = {
    "warga": "Warga",
    "asn": "ASN",
    "moderator": "Moderator",
    "admin": "Admin (BKPSDM)",
}
DELETED_NAME = "Pengguna terhapus"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A public handle for @mentions: "warga" and random digits at first, changed by the person at will.
    handle: Mapped[str | None] = mapped_column(String(40), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    email_notifications: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    # Bumped on password change and deletion: makes reset links single-use.
    session_version: Mapped[int] = mapped_column(default=1)

    # Loaded on first use: post authors and other listed people rarely need their roles. The
    # signed-in user gets them eagerly (portal.accounts.sessions.load_session_user), and lists that
    # read many people's roles ask for selectinload(User.role_rows).
    role_rows: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def roles(self):
        return {row.role for row in self.role_rows}

    def has_role(self, role):
        return role in self.roles

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def is_suspended(self, now=None):
        return self.suspended_until is not None and self.suspended_until > (now or utcnow())

    @property
    def public_name(self):
        """How the public sees this person: their @handle, never the account name (UU 27/2022)."""
        if self.is_deleted:
            return DELETED_NAME
        return f"@{self.handle}" if self.handle else "Warga"

    @property
    def is_active(self):
        return not self.is_deleted

    # The token of the server-side session this object was signed in or loaded with
    # (portal.accounts.sessions); not a column.
    session_token = None

    def get_id(self):
        # Flask-Login puts this in the session cookie and the remember-me cookie: the session
        # token makes both stop working once that session row is deleted (logout, sign out
        # everywhere, password change).
        return f"{self.id}:{self.session_token or ''}"

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One signed-in device: deleting the row ends that session and its remember-me cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token in the cookies: a leaked table does not sign anyone in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Browser and system only ("Firefox di Android"), never the IP address (UU 27/2022).
    device: Mapped[str | None] = mapped_column(String(80))


class LoginThrottle(db.Model):
    """Failed logins counted for one scope (account+IP, account, or IP), keyed by a keyed hash."""

    __tablename__ = "login_throttles"

    # HMAC of scope and value: no e-mail address or IP address is stored in clear.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_rows")


class Guest(AnonymousUserMixin):
    """The visitor who is not signed in: has no roles, so every permission check says no."""

    id = None
    name = "Tamu"
    roles = frozenset()
    is_verified = False
    is_deleted = False

    def has_role(self, role):
        return False

    def is_suspended(self, now=None):
        return False


# The default @handle says nothing about the person (UU 27/2022): "warga" and random digits.
# A handle made from the name (@sariwulandari) would put the real name on every public page.
DEFAULT_HANDLE_PREFIX = "warga"
DEFAULT_HANDLE_DIGITS = 6


def handle_from_name(name):
    """Return the handle older versions made from a name ("Sari Wulandari" → "sariwulandari")."""
    base = slugify(name or "warga", separator="", lowercase=True)[:24]
    return base or "warga"


def handle_reveals_name(handle, name):
    """Say whether a handle is the one made from the name (the slug, maybe with a number after it)."""
    base = handle_from_name(name)
    if not handle or base == DEFAULT_HANDLE_PREFIX:
        return False
    return handle == base or (handle.startswith(base) and handle[len(base):].isdigit())


def new_public_handle(session, taken=()):
    """Return an unused handle that reveals nothing: "warga" and six random digits."""
    taken = set(taken)
    digits = DEFAULT_HANDLE_DIGITS
    while True:
        for _attempt in range(20):
            candidate = f"{DEFAULT_HANDLE_PREFIX}{secrets.randbelow(10 ** digits):0{digits}d}"
            if candidate in taken:
                continue
            with session.no_autoflush:
                if session.scalar(select(User.id).where(User.handle == candidate)) is None:
                    return candidate
        # A million handles nearly all taken: longer numbers (the column holds 40 characters).
        digits += 2


@event.listens_for(Session, "before_flush")
def _give_new_users_a_handle(session, _context, _instances):
    """Every account gets a unique @handle, however it was created (form, import, seed)."""
    new_users = [obj for obj in session.new if isinstance(obj, User) and not obj.handle]
    if not new_users:
        return
    taken = {obj.handle for obj in session.new if isinstance(obj, User) and obj.handle}
    for user in new_users:
        user.handle = new_public_handle(session, taken)
        taken.add(user.handle)
