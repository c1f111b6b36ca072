"""Forum: categories per service area, threads, posts, votes, follows, flags."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import DELETED_NAME
from portal.db import UTCDateTime, utcnow
from portal.extensions import db

THREAD_STATUSES = {"terbuka": _l("Terbuka"), "dijawab": _l("Dijawab"), "selesai": _l("Selesai")}
FLAG_REASONS = {
    "spam": _l("Spam atau iklan"),
    "kasar": _l("Kasar, menghina, atau ujaran kebencian"),
    "data_pribadi": _l("Memuat data pribadi orang lain"),
    "hoaks": _l("Informasi palsu atau menyesatkan"),
    "lainnya": _l("Lainnya"),
}


class Category(db.Model):
    """A service area (Kesehatan, Pendidikan, …) answered by one unit."""

    __tablename__ = "forum_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept by forum/services.py as threads open, vanish, come back or move, so the forum index
    # reads them instead of counting every thread on each view; `rebuild_category_totals` repairs.
    thread_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit", lazy="joined")


class Thread(db.Model):
    __tablename__ = "forum_threads"
    __table_args__ = (Index("ix_forum_threads_category_activity", "category_id", "is_pinned", "last_activity_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Copy of the opening post's pseudonym, so thread lists need no join to posts.
    pseudonym: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"), index=True)
    kecamatan: Mapped[str | None] = mapped_column(String(80))
    kelurahan: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="terbuka", index=True)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Counters kept by the services, so lists never count rows per thread.
    reply_count: Mapped[int] = mapped_column(default=0)  # visible replies
    # Every post ever numbered, deleted ones included: the next post's number comes from an
    # atomic UPDATE … RETURNING on this column, so concurrent replies never share a number.
    post_count: Mapped[int] = mapped_column(default=0)
    has_official_answer: Mapped[bool] = mapped_column(default=False)
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", use_alter=True, ondelete="SET NULL")
    )
    # First official answer due (DOMAIN.md §4: 2 working days for forum threads).
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[Category] = relationship(lazy="joined")
    author = relationship("User", lazy="joined", foreign_keys=[author_id])
    service = relationship("Service", lazy="joined")
    posts: Mapped[list["Post"]] = relationship(
        back_populates="thread", foreign_keys="Post.thread_id", order_by="Post.number"
    )

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def display_name(self):
        """The opener's name as the public sees it: pseudonym or @handle, never the account name."""
        if self.author.is_deleted:
            return DELETED_NAME
        return self.pseudonym or self.author.public_name

    @property
    def status_label(self):
        return THREAD_STATUSES[self.status]


class Post(db.Model):
    """The opening post (number 1) or a reply. Markdown rendered once, when saved."""

    __tablename__ = "forum_posts"
    __table_args__ = (Index("ix_forum_posts_thread_number", "thread_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    pseudonym: Mapped[str | None] = mapped_column(String(60))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    quote_of_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="SET NULL"))
    is_official: Mapped[bool] = mapped_column(default=False)
    official_asn_id: Mapped[int | None] = mapped_column(ForeignKey("asn_profiles.id", ondelete="SET NULL"))
    vote_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edit_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    thread: Mapped[Thread] = relationship(back_populates="posts", foreign_keys=[thread_id])
    author = relationship("User", foreign_keys=[author_id])
    official_asn = relationship("AsnProfile")

    @property
    def is_opening(self):
        return self.number == 1

    @property
    def is_visible(self):
        return self.deleted_at is None and self.hidden_at is None

    @property
    def display_name(self):
        """The name the public sees: the pseudonym, the deleted marker, or the @handle."""
        if self.author.is_deleted:
            return DELETED_NAME
        return self.pseudonym or self.author.public_name


class PostRevision(db.Model):
    """The text a post had before an edit (the edit history)."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The thread's title before the edit, when the opening post's edit changed it.
    title: Mapped[str | None] = mapped_column(String(200))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A moderator erased this version's text (e.g. a NIK the author had removed); the row stays
    # so the history still shows that an edit happened.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    editor = relationship("User", foreign_keys=[editor_id])

    @property
    def is_purged(self):
        return self.purged_at is not None


class ThreadEscalation(db.Model):
    """An overdue thread reported up the chain; unique per level, so cron reruns send nothing twice.

    DOMAIN.md §4, as feedback's Escalation: level 1 the assignee's atasan, level 2 the unit head.
    The deadline never moves (it runs from the opening), so one row per level is enough.
    """

    __tablename__ = "forum_thread_escalations"
    __table_args__ = (UniqueConstraint("thread_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"))
    level: Mapped[int]
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notified_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PostVote(db.Model):
    __tablename__ = "forum_post_votes"

    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadFollow(db.Model):
    __tablename__ = "forum_follows"

    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Flag(db.Model):
    """A report that a post breaks the rules, waiting for a moderator."""

    __tablename__ = "forum_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    post = relationship("Post")
    reporter = relationship("User", foreign_keys=[reporter_id])

    @property
    def reason_label(self):
        return FLAG_REASONS.get(self.reason, self.reason)
