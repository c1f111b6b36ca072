"""The working-day calendar (holidays, cuti bersama) and the deadline policies that count on it."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

HOLIDAY_KINDS = {"libur_nasional": _l("Libur nasional"), "cuti_bersama": _l("Cuti bersama")}


class Holiday(db.Model):
    """A national holiday or collective leave day, kept by admins (SKB 3 Menteri each year)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default="libur_nasional")


class DeadlinePolicy(db.Model):
    """Deadlines for one unit, or one of its services (DOMAIN.md §4: configurable per unit and service)."""

    __tablename__ = "deadline_policies"
    __table_args__ = (UniqueConstraint("unit_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    verify_working_days: Mapped[int] = mapped_column(default=3)
    answer_working_days: Mapped[int] = mapped_column(default=5)
    close_calendar_days: Mapped[int] = mapped_column(default=60)
    # Forum threads in a category of this unit (and of this service, if the thread names one).
    forum_answer_working_days: Mapped[int] = mapped_column(default=2, server_default="2")
