"""The city's organisation: units (OPD), the services they provide, and ASN profiles."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class Unit(db.Model):
    """An Organisasi Perangkat Daerah, e.g. Dinas Kesehatan."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    services: Mapped[list["Service"]] = relationship(
        back_populates="unit", order_by="Service.name", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Unit {self.slug}>"


class Service(db.Model):
    """A public service (layanan) a unit provides, e.g. Puskesmas or PPDB."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    # Unique across the city: partner apps address a service by its slug alone.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="services")

    def __repr__(self):
        return f"<Service {self.slug}>"


class AsnProfile(db.Model):
    """A civil servant: NIP, position, unit and supervisor (atasan), linked to an account."""

    __tablename__ = "asn_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    jabatan: Mapped[str] = mapped_column(String(160))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("asn_profiles.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    supervisor: Mapped["AsnProfile | None"] = relationship(
        remote_side=[id], back_populates="subordinates"
    )
    subordinates: Mapped[list["AsnProfile"]] = relationship(
        back_populates="supervisor", order_by="AsnProfile.name"
    )
    # Loaded on first use, like User.role_rows: lists that read many people's profile ask for
    # selectinload(User.asn_profile); the signed-in user gets it eagerly.
    user = relationship("User", backref=db.backref("asn_profile", uselist=False))

    def __repr__(self):
        return f"<AsnProfile {self.nip}>"
