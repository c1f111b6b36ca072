"""Account operations. They flush but never commit: the caller commits once."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts import personal_data, sessions, throttle
from portal.accounts.models import DELETED_NAME, ROLES, User, UserRole
from portal.accounts.passwords import hash_password, password_matches
from portal.accounts.tokens import make_token
from portal.audit import AuditEntry, record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.mailer import queue_mail
from portal.unit_of_work import ServiceError

# Functions called with the user when an account is deleted, so each capability can
# anonymise its own content (forum posts keep their place, lose their author's identity).
ACCOUNT_DELETION_HOOKS = []
# Functions called with the user for the download of their data (UU 27/2022 Pasal 7): each
# capability returns {section name: data} from its own personal_data.py.
PERSONAL_DATA_EXPORTS = []


def register_personal_data(*, export=None, erase=None):
    """Add a capability's export section and erasure hook (once, though create_app runs per test)."""
    if export is not None and export not in PERSONAL_DATA_EXPORTS:
        PERSONAL_DATA_EXPORTS.append(export)
    if erase is not None and erase not in ACCOUNT_DELETION_HOOKS:
        ACCOUNT_DELETION_HOOKS.append(erase)


class AccountError(ServiceError):
    """A business rule refused the action; str(error) is the message for the person."""


class LoginFailed(AccountError):
    pass


class LoginThrottled(AccountError):
    """Too many wrong passwords lately: said the same way whether or not the account exists."""

    def __init__(self, until):
        super().__init__(_("Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit lalu coba lagi, "
                           "atau atur ulang kata sandi jika Anda lupa."))
        self.until = until


class EmailNotVerified(AccountError):
    pass


def normalize_email(email):
    """Compare e-mail addresses without case or surrounding spaces."""
    return (email or "").strip().lower()


def get_user_by_email(email):
    """Return the account with this e-mail address, or None."""
    # Every write stores addresses normalised, so an indexed equality lookup suffices.
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_user(name, email, password):
    """Create a citizen account (unverified) and mail the link; for a taken address, mail its owner."""
    email = normalize_email(email)
    # Hashed for a taken address too, so the answer takes as long either way.
    password_hash = hash_password(password)
    existing = get_user_by_email(email)
    if existing is not None:
        # The page says "check your e-mail" either way: registering must not reveal who has an account.
        record_audit(None, "account.register_existing", existing)
        send_registration_attempt_mail(existing)
        return None
    user = User(name=name.strip(), email=email, password_hash=password_hash)
    user.role_rows.append(UserRole(role="warga"))
    db.session.add(user)
    db.session.flush()
    record_audit(user, "account.register", user, after={"email": email})
    send_verification_mail(user)
    return user


def send_verification_mail(user):
    """Mail the account a link that proves the address belongs to them."""
    link = public_url("accounts.verify_email", token=make_token(user, "verify"))
    queue_mail(user.email, _("Verifikasi email Anda"), "verify_email", user=user, link=link)


def send_registration_attempt_mail(user):
    """Tell the owner of a taken address that someone tried to register with it."""
    verify_link = None if user.is_verified else public_url("accounts.verify_email", token=make_token(user, "verify"))
    queue_mail(
        user.email, _("Ada yang mencoba mendaftar dengan email Anda"), "register_existing", user=user,
        login_link=public_url("accounts.login"), reset_link=public_url("accounts.forgot_password"),
        verify_link=verify_link,
    )


def verify_email(user):
    """Mark the account's e-mail address as verified (idempotent)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_audit(user, "account.verify_email", user)


def authenticate(email, password, *, ip=None, known_device=False, now=None):
    """Return the user for a correct e-mail and password; throttle repeated failures."""
    now = now or utcnow()
    email = normalize_email(email)
    until = throttle.blocked_until(email, ip, now, known_device=known_device)
    if until is not None:
        raise LoginThrottled(until)
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        user = None
    # An unknown address costs the same hash check as a known one: timing tells nothing.
    if not password_matches(user.password_hash if user else None, password):
        throttle.record_failure(email, ip, now)
        raise LoginFailed(_("Email atau kata sandi salah."))
    if not user.is_verified:
        raise EmailNotVerified(_("Email Anda belum diverifikasi. Buka tautan di email verifikasi, atau minta tautan baru."))
    throttle.clear_failures(email, ip)
    user.last_login_at = now
    return user


def send_password_reset(email):
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        return None
    link = public_url("accounts.reset_password", token=make_token(user, "reset"))
    queue_mail(user.email, _("Atur ulang kata sandi"), "reset_password", user=user, link=link)
    return user


def set_password(user, password, *, actor=None, reason="account.password_change", keep_session=None):
    """Set a new password; every other session, remember-me cookie and reset link stops working."""
    user.password_hash = hash_password(password)
    user.session_version += 1  # reset links carry the version: they become single-use
    sessions.end_all_sessions(user, keep=keep_session)
    record_audit(actor or user, reason, user)


def reset_password(user, password):
    """Finish a reset: the link proved the address, so the e-mail counts as verified too."""
    set_password(user, password, reason="account.password_reset")
    verify_email(user)


def sign_out_everywhere(user):
    """End every session of the user, on every device; return how many ended."""
    ended = sessions.end_all_sessions(user)
    record_audit(user, "account.sign_out_everywhere", user, after={"sessions": ended})
    return ended


class HandleTaken(AccountError):
    pass


class InvalidHandle(AccountError):
    pass


HANDLE_PATTERN = re.compile(r"[a-z0-9_]{3,30}")
# Handles that would pass a resident off as the city or its staff, or as a deleted account.
RESERVED_HANDLES = frozenset({"admin", "administrator", "moderator", "bkpsdm", "pemkot", "pemkotsurabaya",
                              "surabaya", "petugas", "resmi", "official", "warga", "tamu", "sistem", "system"})
RESERVED_HANDLE_PREFIXES = ("dihapus", "admin", "moderator")


def handle_problem(handle):
    """Return why a handle cannot be chosen (in Indonesian), or None when it can."""
    if not HANDLE_PATTERN.fullmatch(handle or ""):
        return _("3–30 huruf kecil, angka, atau garis bawah.")
    if handle in RESERVED_HANDLES or handle.startswith(RESERVED_HANDLE_PREFIXES):
        return _("Nama pengguna itu dicadangkan untuk portal atau petugas. Pilih yang lain.")
    return None


def update_profile(user, *, name, locale, handle=None, email_notifications=None):
    """Change the account's name, public handle and preferences."""
    before = {"name": user.name, "handle": user.handle, "email_notifications": user.email_notifications, "locale": user.locale}
    if handle and handle != user.handle:
        problem = handle_problem(handle)
        if problem:
            raise InvalidHandle(problem)
        if db.session.scalar(select(User.id).where(User.handle == handle, User.id != user.id)) is not None:
            raise HandleTaken(_("Nama pengguna itu sudah dipakai orang lain. Pilih yang lain."))
        user.handle = handle
    user.name = name.strip()
    if email_notifications is not None:  # None: left as it is (the switch lives on notifications.settings)
        user.email_notifications = email_notifications
    user.locale = locale or None
    after = {"name": user.name, "handle": user.handle, "email_notifications": user.email_notifications, "locale": user.locale}
    if before != after:
        record_audit(user, "account.update_profile", user, before=before, after=after)


def delete_account(user):
    """Delete an account under UU 27/2022: erase personal data, keep contributions anonymised."""
    # UU 27/2022 (PDP) Pasal 8 & 16: the subject may have their data erased; threads others
    # replied to stay readable, so content is kept but no longer tied to a person.
    for hook in ACCOUNT_DELETION_HOOKS:
        hook(user)
    personal_data.erase_account_core(user)
    user.name = DELETED_NAME
    user.email = f"dihapus-{user.id}@invalid.invalid"
    user.handle = f"dihapus{user.id}"  # maybe chosen from the name, so personal too
    user.password_hash = None
    user.email_verified_at = None
    user.locale = None
    user.email_notifications = False
    user.deleted_at = utcnow()
    user.session_version += 1
    sessions.end_all_sessions(user)
    user.role_rows.clear()
    if user.asn_profile is not None:
        user.asn_profile.user_id = None
    record_audit(None, "account.delete", user)


def export_user_data(user):
    """Collect everything the portal stores about the person, for download (UU 27/2022 Pasal 7)."""
    # Every model with a column that references users.id has its section here or in a
    # capability's personal_data.py (tests/personal_data walks the mappers to keep it so).
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.created_at)
    ).all()
    data = {
        "akun": {
            "nama": user.name,
            "nama_publik": user.public_name,
            "email": user.email,
            "terdaftar": user.created_at.isoformat(),
            "email_terverifikasi": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "masuk_terakhir": user.last_login_at.isoformat() if user.last_login_at else None,
            "bahasa": user.locale,
            "notifikasi_email": user.email_notifications,
            "peran": sorted(user.roles),
        },
        "aktivitas": [
            {"waktu": e.created_at.isoformat(), "tindakan": e.action, "objek": f"{e.target_type}:{e.target_id}"}
            for e in audit
        ],
    }
    if user.asn_profile is not None:
        profile = user.asn_profile
        data["asn"] = {"nip": profile.nip, "nama": profile.name, "jabatan": profile.jabatan, "unit": profile.unit.name}
    data.update(personal_data.export_account_core(user))
    for section in PERSONAL_DATA_EXPORTS:
        data.update(section(user))
    return data


def grant_role(actor, user, role):
    """Give the account a role; audited with the roles before and after."""
    if role not in ROLES:
        raise AccountError(_("Peran tidak dikenal."))
    before = sorted(user.roles)
    if role in user.roles:
        return False
    user.role_rows.append(UserRole(role=role))
    record_audit(actor, "role.grant", user, before={"roles": before}, after={"roles": sorted(user.roles)})
    return True


def revoke_role(actor, user, role):
    """Take a role away from the account; audited with the roles before and after."""
    before = sorted(user.roles)
    rows = [row for row in user.role_rows if row.role == role]
    if not rows:
        return False
    for row in rows:
        user.role_rows.remove(row)
    record_audit(actor, "role.revoke", user, before={"roles": before}, after={"roles": sorted(user.roles)})
    return True
