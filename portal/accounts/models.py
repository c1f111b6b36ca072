"""User accounts and their roles."""

from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(8))
    email_notifications: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change and deletion: invalidates remember-me cookies and reset links.
    session_version: Mapped[int] = mapped_column(default=1)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

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

    @property
    def is_active(self):
        return not self.is_deleted

    def get_id(self):
        # The version makes old sessions and remember-me cookies stop working after a
        # password change or deletion.
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


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
