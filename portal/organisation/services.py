"""Organisation operations: units, services and ASN profiles. They flush but never commit."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select

from portal.accounts.services import get_user_by_email, grant_role, revoke_role
from portal.audit import record_audit
from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit
from portal.organisation.nip import InvalidNip, normalize_nip
from portal.unit_of_work import ServiceError

SLUG_MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# How the refusal message names rows of other tables that still point at a unit or service.
DEPENDENT_LABELS = {
    "services": _l("layanan"),
    "asn_profiles": _l("profil ASN"),
}


class OrganisationError(ServiceError):
    """A business rule refused the action; str(error) is the message, `field` the form field it concerns."""



class NameTaken(OrganisationError):
    pass


class SlugInvalid(OrganisationError):
    pass


class SlugTaken(OrganisationError):
    pass


class NipInvalid(OrganisationError):
    pass


class NipTaken(OrganisationError):
    pass


class SupervisorInvalid(OrganisationError):
    pass


class AccountNotLinkable(OrganisationError):
    pass


class HasDependents(OrganisationError):
    pass


def clean_text(value):
    """Collapse runs of whitespace and trim, so "Dinas  Kesehatan " and "Dinas Kesehatan" match."""
    return " ".join((value or "").split())


def _required(value, field, message):
    # message is lazy: translated only when the rule is broken.
    if not value:
        raise OrganisationError(str(message), field=field)
    return value


def strip_nip(value):
    """Drop the spaces people type inside a NIP, without validating it."""
    return re.sub(r"\s+", "", value or "")


# ---------------------------------------------------------------- snapshots for the audit log


def unit_snapshot(unit):
    """Return the audited fields of a unit."""
    return {"name": unit.name, "slug": unit.slug, "description": unit.description}


def service_snapshot(service):
    """Return the audited fields of a service."""
    return {"unit": service.unit.slug, "name": service.name, "slug": service.slug, "description": service.description}


def asn_snapshot(profile):
    """Return the audited fields of an ASN profile (the account by id: the audit log outlives e-mail addresses)."""
    return {
        "nip": profile.nip,
        "name": profile.name,
        "jabatan": profile.jabatan,
        "unit": profile.unit.slug,
        "supervisor_nip": profile.supervisor.nip if profile.supervisor else None,
        "user_id": profile.user.id if profile.user else None,
    }


# ---------------------------------------------------------------- units


def create_unit(actor, *, name, slug="", description=""):
    """Add a unit (OPD); a blank slug is made from the name."""
    name = _required(clean_text(name), "name", _l("Nama perangkat daerah wajib diisi."))
    _ensure_unit_name_free(name)
    unit = Unit(name=name, slug=_choose_slug(Unit, slug, name, fallback="unit"), description=(description or "").strip())
    db.session.add(unit)
    db.session.flush()
    record_audit(actor, "unit.create", unit, after=unit_snapshot(unit))
    return unit


def update_unit(actor, unit, *, name, slug="", description=""):
    """Change a unit's name, slug and description."""
    before = unit_snapshot(unit)
    name = _required(clean_text(name), "name", _l("Nama perangkat daerah wajib diisi."))
    _ensure_unit_name_free(name, unit)
    new_slug = _choose_slug(Unit, slug, name, fallback="unit", current=unit)
    unit.name, unit.slug, unit.description = name, new_slug, (description or "").strip()
    db.session.flush()
    after = unit_snapshot(unit)
    if after != before:
        record_audit(actor, "unit.update", unit, before=before, after=after)
    return unit


def delete_unit(actor, unit):
    """Delete a unit that no service, ASN profile or other record still points at."""
    _ensure_no_dependents(unit, unit.name)
    record_audit(actor, "unit.delete", unit, before=unit_snapshot(unit))
    db.session.delete(unit)
    db.session.flush()


def _ensure_unit_name_free(name, unit=None):
    query = select(Unit.id).where(func.lower(Unit.name) == name.lower())
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    if db.session.scalar(query) is not None:
        raise NameTaken(_("Sudah ada perangkat daerah bernama %(name)s.", name=name), field="name")


# ---------------------------------------------------------------- services (layanan)


def create_service(actor, unit, *, name, slug="", description=""):
    """Add a service to a unit; its slug is unique across the city, made from the name if blank."""
    name = _required(clean_text(name), "name", _l("Nama layanan wajib diisi."))
    _ensure_service_name_free(unit, name)
    service = Service(
        unit=unit,
        name=name,
        slug=_choose_slug(Service, slug, name, fallback="layanan"),
        description=(description or "").strip(),
    )
    db.session.add(service)
    db.session.flush()
    record_audit(actor, "service.create", service, after=service_snapshot(service))
    return service


def update_service(actor, service, *, name, slug="", description=""):
    """Change a service's name, slug and description."""
    before = service_snapshot(service)
    name = _required(clean_text(name), "name", _l("Nama layanan wajib diisi."))
    _ensure_service_name_free(service.unit, name, service)
    new_slug = _choose_slug(Service, slug, name, fallback="layanan", current=service)
    service.name, service.slug, service.description = name, new_slug, (description or "").strip()
    db.session.flush()
    after = service_snapshot(service)
    if after != before:
        record_audit(actor, "service.update", service, before=before, after=after)
    return service


def delete_service(actor, service):
    """Delete a service that no other record (feedback, thread, …) still points at."""
    _ensure_no_dependents(service, service.name)
    record_audit(actor, "service.delete", service, before=service_snapshot(service))
    db.session.delete(service)
    db.session.flush()


def _ensure_service_name_free(unit, name, service=None):
    query = select(Service.id).where(Service.unit_id == unit.id, func.lower(Service.name) == name.lower())
    if service is not None:
        query = query.where(Service.id != service.id)
    if db.session.scalar(query) is not None:
        raise NameTaken(
            _("%(unit)s sudah punya layanan bernama %(name)s.", unit=unit.name, name=name), field="name"
        )


# ---------------------------------------------------------------- slugs and dependents


def _choose_slug(model, typed, name, *, fallback, current=None):
    # A typed slug is the admin's choice: refuse a clash. A generated one gets a number instead,
    # since two units may well both offer "Pengaduan".
    typed = (typed or "").strip()
    if typed:
        if len(typed) > SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(typed):
            raise SlugInvalid(
                _("Slug hanya boleh huruf kecil, angka, dan tanda hubung (misalnya dinas-kesehatan), maksimal %(max)d karakter.",
                  max=SLUG_MAX_LENGTH),
                field="slug",
            )
        if _slug_used(model, typed, current):
            raise SlugTaken(_("Slug %(slug)s sudah dipakai. Pilih slug lain.", slug=typed), field="slug")
        return typed
    base = slugify(name, max_length=SLUG_MAX_LENGTH - 4) or fallback
    slug, number = base, 2
    while _slug_used(model, slug, current):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _slug_used(model, slug, current=None):
    query = select(model.id).where(model.slug == slug)
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    return db.session.scalar(query) is not None


def count_dependents(obj):
    """Count the rows of other tables that still point at this object, by table name."""
    # Read from the foreign keys themselves, so a capability added later (feedback on a
    # service, say) is protected without registering anything here.
    table = obj.__table__
    counts = {}
    for other in db.metadata.sorted_tables:
        if other is table:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is table:
                value = getattr(obj, fk.column.key)
                count = db.session.scalar(select(func.count()).select_from(other).where(fk.parent == value))
                if count:
                    counts[other.name] = counts.get(other.name, 0) + count
    return counts


def _ensure_no_dependents(obj, name):
    counts = count_dependents(obj)
    if counts:
        what = ", ".join(f"{count} {DEPENDENT_LABELS.get(table, table)}" for table, count in sorted(counts.items()))
        raise HasDependents(
            _("%(name)s tidak dapat dihapus karena masih dipakai oleh: %(what)s. "
              "Pindahkan atau hapus data tersebut terlebih dahulu.", name=name, what=what)
        )


# ---------------------------------------------------------------- ASN profiles


def get_asn_profile_by_nip(nip):
    """Return the ASN profile with this NIP (spaces ignored), or None."""
    digits = strip_nip(nip)
    if not digits:
        return None
    return db.session.scalar(select(AsnProfile).where(AsnProfile.nip == digits))


def create_asn_profile(actor, *, nip, name, jabatan, unit, supervisor_nip="", email="", reason=None):
    """Add an ASN profile; link the account with this e-mail, if given, and grant it the "asn" role."""
    nip = _valid_nip(nip)
    name, jabatan = _asn_texts(name, jabatan)
    _ensure_nip_free(nip)
    supervisor = _resolve_supervisor(nip, supervisor_nip)
    user = _resolve_account(email)
    return add_asn_profile(
        actor, nip=nip, name=name, jabatan=jabatan, unit=unit, supervisor=supervisor, user=user, reason=reason
    )


def add_asn_profile(actor, *, nip, name, jabatan, unit, supervisor=None, user=None, reason=None):
    """Insert an ASN profile from values already checked (see create_asn_profile); link the account."""
    # The bulk import checks a whole file in a few queries, then calls this for each row.
    profile = AsnProfile(nip=nip, name=name, jabatan=jabatan, unit=unit, supervisor=supervisor)
    db.session.add(profile)
    if user is not None:
        _link_account(actor, profile, user)
    db.session.flush()
    record_audit(actor, "asn.create", profile, after=asn_snapshot(profile), reason=reason)
    return profile


def update_asn_profile(actor, profile, *, nip, name, jabatan, unit, supervisor_nip="", email=""):
    """Change an ASN profile; an account no longer linked loses its "asn" role."""
    before = asn_snapshot(profile)
    nip = _valid_nip(nip)
    name, jabatan = _asn_texts(name, jabatan)
    _ensure_nip_free(nip, profile)
    supervisor = _resolve_supervisor(nip, supervisor_nip, profile)
    user = _resolve_account(email, profile)
    profile.nip, profile.name, profile.jabatan = nip, name, jabatan
    profile.unit, profile.supervisor = unit, supervisor
    old_user = profile.user
    if user is not old_user:
        if old_user is not None:
            profile.user = None
            revoke_role(actor, old_user, "asn")
        if user is not None:
            _link_account(actor, profile, user)
    db.session.flush()
    after = asn_snapshot(profile)
    if after != before:
        record_audit(actor, "asn.update", profile, before=before, after=after)
    return profile


def _valid_nip(raw):
    try:
        return normalize_nip(raw)
    except InvalidNip as error:
        raise NipInvalid(str(error), field="nip") from None


def _asn_texts(name, jabatan):
    return (
        _required(clean_text(name), "name", _l("Nama ASN wajib diisi.")),
        _required(clean_text(jabatan), "jabatan", _l("Jabatan wajib diisi.")),
    )


def _ensure_nip_free(nip, profile=None):
    query = select(AsnProfile).where(AsnProfile.nip == nip)
    if profile is not None and profile.id is not None:
        query = query.where(AsnProfile.id != profile.id)
    other = db.session.scalar(query)
    if other is not None:
        raise NipTaken(_("NIP ini sudah terdaftar atas nama %(name)s.", name=other.name), field="nip")


def _resolve_supervisor(nip, supervisor_nip, profile=None):
    if not strip_nip(supervisor_nip):
        return None
    if strip_nip(supervisor_nip) == nip:
        raise SupervisorInvalid(_("Seorang ASN tidak dapat menjadi atasan dirinya sendiri."), field="supervisor_nip")
    supervisor = get_asn_profile_by_nip(supervisor_nip)
    if supervisor is None:
        raise SupervisorInvalid(
            _("Tidak ada ASN dengan NIP atasan ini. Periksa NIP-nya, atau kosongkan isian."), field="supervisor_nip"
        )
    if profile is not None:
        check_supervisor(profile, supervisor)
    return supervisor


def check_supervisor(profile, supervisor):
    """Refuse a supervisor that is the profile itself or reports to it (a cycle)."""
    if supervisor is profile:
        raise SupervisorInvalid(_("Seorang ASN tidak dapat menjadi atasan dirinya sendiri."), field="supervisor_nip")
    seen = set()
    boss = supervisor.supervisor
    while boss is not None and boss.id not in seen:  # the seen set guards against a cycle already in the data
        if boss is profile:
            raise SupervisorInvalid(
                _("%(name)s adalah bawahan (langsung atau tidak langsung) dari ASN ini, jadi tidak dapat menjadi atasannya.",
                  name=supervisor.name),
                field="supervisor_nip",
            )
        seen.add(boss.id)
        boss = boss.supervisor


def _resolve_account(email, profile=None):
    if not (email or "").strip():
        return None
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        raise AccountNotLinkable(
            _("Belum ada akun dengan email ini. Minta yang bersangkutan mendaftar dulu, atau kosongkan isian."),
            field="email",
        )
    linked = user.asn_profile
    if linked is not None and linked is not profile:
        raise AccountNotLinkable(
            _("Akun dengan email ini sudah terhubung ke profil ASN lain (%(name)s).", name=linked.name), field="email"
        )
    return user


def _link_account(actor, profile, user):
    profile.user = user
    grant_role(actor, user, "asn")
