"""Read-only queries on units, services and ASN profiles."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit


def list_units_with_services():
    """List every unit, alphabetically, with its services loaded in one extra query."""
    return db.session.scalars(select(Unit).options(selectinload(Unit.services)).order_by(Unit.name)).all()


def list_units_with_counts():
    """List every unit, alphabetically, as (unit, service count, ASN count) rows in one query."""
    service_count = select(func.count(Service.id)).where(Service.unit_id == Unit.id).scalar_subquery()
    asn_count = select(func.count(AsnProfile.id)).where(AsnProfile.unit_id == Unit.id).scalar_subquery()
    return db.session.execute(select(Unit, service_count, asn_count).order_by(Unit.name)).all()


def list_unit_choices():
    """List (id, name) of every unit, alphabetically, for a select box."""
    return db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()


def get_unit_or_404(unit_id):
    """Return the unit or abort with 404."""
    return db.get_or_404(Unit, unit_id)


def get_service_or_404(service_id):
    """Return the service or abort with 404."""
    return db.get_or_404(Service, service_id)


def get_asn_profile_or_404(profile_id):
    """Return the ASN profile or abort with 404."""
    return db.get_or_404(AsnProfile, profile_id)


def search_asn_profiles(text="", unit_id=None):
    """Build the query for ASN profiles matching a name or NIP, optionally in one unit, by name."""
    query = select(AsnProfile).options(
        selectinload(AsnProfile.supervisor), selectinload(AsnProfile.user)
    ).order_by(AsnProfile.name, AsnProfile.id)
    text = (text or "").strip()
    digits = "".join(text.split())
    if digits.isascii() and digits.isdigit():
        # Any part of a NIP: people search by birth date, TMT or the last digits alike.
        query = query.where(AsnProfile.nip.contains(digits, autoescape=True))
    elif text:
        query = query.where(AsnProfile.name.icontains(text, autoescape=True))
    if unit_id:
        query = query.where(AsnProfile.unit_id == unit_id)
    return query
