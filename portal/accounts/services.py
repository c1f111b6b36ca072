"""Account operations. They flush but never commit: the caller commits once."""

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import DELETED_NAME, ROLES, User, UserRole
from portal.accounts.passwords import hash_password, password_matches
from portal.accounts.tokens import make_token
from portal.audit import AuditEntry, record_audit
from portal.db import utcnow
from portal.extensions import db
from portal.mailer import send_mail

# Functions called with the user when an account is deleted, so each capability can
# anonymise its own content (forum posts keep their place, lose their author's identity).
ACCOUNT_DELETION_HOOKS = []


class AccountError(Exception):
    """A business rule refused the action; str(error) is the message for the person."""


class EmailTaken(AccountError):
    pass


class LoginFailed(AccountError):
    pass


class AccountLocked(AccountError):
    def __init__(self, until):
        super().__init__(_("Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi setelah beberapa menit."))
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
    """Create a citizen account (unverified) and send the verification mail."""
    email = normalize_email(email)
    if get_user_by_email(email) is not None:
        raise EmailTaken(_("Alamat email ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi."))
    user = User(name=name.strip(), email=email, password_hash=hash_password(password))
    user.role_rows.append(UserRole(role="warga"))
    db.session.add(user)
    db.session.flush()
    record_audit(user, "account.register", user, after={"email": email})
    send_verification_mail(user)
    return user


def send_verification_mail(user):
    """Mail the account a link that proves the address belongs to them."""
    link = url_for("accounts.verify_email", token=make_token(user, "verify"), _external=True)
    send_mail(user.email, _("Verifikasi email Anda"), "verify_email", user=user, link=link)


def verify_email(user):
    """Mark the account's e-mail address as verified (idempotent)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_audit(user, "account.verify_email", user)


def authenticate(email, password, now=None):
    """Return the user for a correct e-mail and password; count failures and lock after too many."""
    now = now or utcnow()
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        password_matches(None, password)
        raise LoginFailed(_("Email atau kata sandi salah."))
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if not password_matches(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_LOCK_AFTER"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            record_audit(None, "account.locked", user, after={"until": user.locked_until.isoformat()})
            raise AccountLocked(user.locked_until)
        raise LoginFailed(_("Email atau kata sandi salah."))
    if not user.is_verified:
        raise EmailNotVerified(_("Email Anda belum diverifikasi. Buka tautan di email verifikasi, atau minta tautan baru."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def send_password_reset(email):
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        return None
    link = url_for("accounts.reset_password", token=make_token(user, "reset"), _external=True)
    send_mail(user.email, _("Atur ulang kata sandi"), "reset_password", user=user, link=link)
    return user


def set_password(user, password, *, actor=None, reason="account.password_change"):
    """Set a new password; old sessions, remember-me cookies and reset links stop working."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    record_audit(actor or user, reason, user)


def reset_password(user, password):
    """Finish a reset: the link proved the address, so the e-mail counts as verified too."""
    set_password(user, password, reason="account.password_reset")
    verify_email(user)


class HandleTaken(AccountError):
    pass


def update_profile(user, *, name, email_notifications, locale, handle=None):
    """Change the account's name, public handle and preferences."""
    before = {"name": user.name, "handle": user.handle, "email_notifications": user.email_notifications, "locale": user.locale}
    if handle and handle != user.handle:
        if db.session.scalar(select(User.id).where(User.handle == handle, User.id != user.id)) is not None:
            raise HandleTaken(_("Nama pengguna itu sudah dipakai orang lain. Pilih yang lain."))
        user.handle = handle
    user.name = name.strip()
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
    user.name = DELETED_NAME
    user.email = f"dihapus-{user.id}@invalid.invalid"
    user.handle = f"dihapus{user.id}"  # made from the name, so personal too
    user.password_hash = None
    user.email_verified_at = None
    user.locale = None
    user.email_notifications = False
    user.deleted_at = utcnow()
    user.session_version += 1
    user.role_rows.clear()
    if user.asn_profile is not None:
        user.asn_profile.user_id = None
    record_audit(None, "account.delete", user)


def export_user_data(user):
    """Collect everything the portal stores about the person, for download (UU 27/2022 Pasal 7)."""
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.created_at)
    ).all()
    data = {
        "akun": {
            "nama": user.name,
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
