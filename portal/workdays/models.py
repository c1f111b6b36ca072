from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

HOLIDAY_KINDS = {"libur_nasional": "Libur nasional", "cuti_bersama": "Cuti bersama"}


class Holiday(db.Model):
    """A national holiday or collective leave day, kept by admins (SKB 3 Menteri each year)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default="libur_nasional")
