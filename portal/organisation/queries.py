"""Read-only queries on units, services and ASN profiles."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit


def list_units():
    """List every unit, alphabetically."""
    return db.session.scalars(select(Unit).order_by(Unit.name)).all()


def list_services():
    """List every service with its unit, by unit name and then service name."""
    return db.session.scalars(select(Service).join(Service.unit).order_by(Unit.name, Service.name)).all()


def list_service_choices():
    """List (id, name, unit_name) rows of every service, by unit name and service name, for a select box."""
    return db.session.execute(
        select(Service.id, Service.name, Unit.name.label("unit_name")).join(Service.unit).order_by(Unit.name, Service.name)
    ).all()


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


def list_unit_asn(unit_id, *, with_account=False):
    """List the ASN profiles of a unit by name; with_account keeps only those who can sign in."""
    query = select(AsnProfile).where(AsnProfile.unit_id == unit_id)
    if with_account:
        query = query.where(AsnProfile.user_id.is_not(None))
    return db.session.scalars(query.order_by(AsnProfile.name, AsnProfile.id)).all()


def list_unit_atasan(unit_id):
    """List the ASN of a unit who supervise someone and can sign in, by name: the ones who share work out."""
    return db.session.scalars(
        select(AsnProfile).where(AsnProfile.unit_id == unit_id, AsnProfile.user_id.is_not(None),
                                 AsnProfile.subordinates.any())
        .options(selectinload(AsnProfile.user))  # callers notify their accounts: one query for all
        .order_by(AsnProfile.name, AsnProfile.id)
    ).all()


def list_unit_staff_accounts(unit_id):
    """List the live accounts of a unit's ASN, in profile order: the people told of the unit's new work."""
    return db.session.scalars(
        select(User).join(AsnProfile, AsnProfile.user_id == User.id)
        .where(AsnProfile.unit_id == unit_id, User.deleted_at.is_(None))
        .order_by(AsnProfile.id)
    ).all()


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
