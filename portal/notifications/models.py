from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

KINDS = ("reply", "official_answer", "mention", "assignment", "moderation", "feedback", "konsultasi", "escalation",
         "pembinaan")
# What each kind is called on the settings page, the unsubscribe page and in digests, with a hint.
KIND_LABELS = {
    "reply": (_l("Balasan di forum"), _l("Seseorang membalas topik yang Anda tulis atau ikuti.")),
    "official_answer": (_l("Jawaban resmi"), _l("Petugas menjawab secara resmi topik atau pertanyaan Anda.")),
    "mention": (_l("Sebutan"), _l("Seseorang menyebut nama pengguna Anda (@nama).")),
    "assignment": (_l("Penugasan"), _l("Anda ditugaskan menangani topik atau masukan.")),
    "moderation": (_l("Moderasi"), _l("Laporan yang perlu ditinjau, atau keputusan moderator tentang tulisan Anda.")),
    "feedback": (_l("Masukan"), _l("Masukan baru untuk unit Anda, atau perkembangan masukan yang Anda kirim.")),
    "konsultasi": (_l("Konsultasi publik"), _l("Pendaftaran, jadwal, dan laporan konsultasi publik yang Anda ikuti.")),
    "escalation": (_l("Eskalasi"), _l("Masukan atau topik yang melewati tenggat dan diteruskan kepada Anda.")),
    "pembinaan": (_l("Pembinaan ASN"), _l("Target, evaluasi kinerja, rencana pengembangan, dan sanggahan.")),
}
# How a kind reaches the mailbox: not at all, one mail each, or collected into a digest.
EMAIL_CHOICES = {
    "off": _l("Tidak"),
    "immediate": _l("Segera"),
    "daily": _l("Ringkasan harian"),
    "weekly": _l("Ringkasan mingguan"),
}
DIGESTS = ("daily", "weekly")
DEFAULT_IN_APP, DEFAULT_EMAIL = True, "immediate"  # what a kind without a stored preference gets


def kind_label(kind):
    """Return the kind's name for people (the code itself for a kind not in KIND_LABELS)."""
    return KIND_LABELS[kind][0] if kind in KIND_LABELS else kind


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_digest_waiting", "digest", "digested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False when the person turned the bell off for this kind: the row stays so a digest can carry it.
    in_bell: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest: Mapped[str | None] = mapped_column(String(10))  # "daily"/"weekly": waiting for that digest
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(db.Model):
    """How one person wants one kind of notification; no row means the defaults (bell on, e-mail at once)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(10), default="immediate")  # one of EMAIL_CHOICES
