from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, validators

from portal.accounts.passwords import MAX_LENGTH, password_problems
from portal.forms import EmptyForm, choices, email_address, length, max_length, required, strip


class PasswordRule:
    """Apply the portal's password rule to a field."""

    def __call__(self, form, field):
        # Forms without e-mail or name fields carry the account's values as attributes.
        email = form.email.data if "email" in form else getattr(form, "account_email", "")
        name = form.name.data if "name" in form else getattr(form, "account_name", "")
        problems = password_problems(field.data or "", email=email or "", name=name or "")
        if problems:
            raise validators.ValidationError(" ".join(problems))


def _password_confirmation():
    return PasswordField(
        _l("Ulangi kata sandi"),
        validators=[required(), validators.EqualTo("password", message=_l("Kedua kata sandi tidak sama."))],
    )


class RegisterForm(EmptyForm):
    name = StringField(_l("Nama"), filters=[strip], validators=[required(), length(2, 120)])
    email = EmailField(_l("Email"), filters=[strip], validators=[required(), max_length(254), email_address()])
    password = PasswordField(_l("Kata sandi"), validators=[required(), PasswordRule()])
    password_confirm = _password_confirmation()
    accept_terms = BooleanField(
        _l("Saya setuju data saya diproses sesuai kebijakan privasi portal"),
        validators=[validators.InputRequired(message=_l("Anda perlu menyetujui kebijakan privasi untuk mendaftar."))],
    )


class LoginForm(EmptyForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[required(), max_length(254)])
    password = PasswordField(_l("Kata sandi"), validators=[required(), max_length(MAX_LENGTH)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class EmailForm(EmptyForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[required(), max_length(254), email_address()])


class ResetPasswordForm(EmptyForm):
    password = PasswordField(_l("Kata sandi baru"), validators=[required(), PasswordRule()])
    password_confirm = _password_confirmation()


class ChangePasswordForm(EmptyForm):
    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[required(), max_length(MAX_LENGTH)])
    password = PasswordField(_l("Kata sandi baru"), validators=[required(), PasswordRule()])
    password_confirm = _password_confirmation()


class ProfileForm(EmptyForm):
    name = StringField(_l("Nama"), filters=[strip], validators=[required(), length(2, 120)])
    handle = StringField(
        _l("Nama pengguna publik"), filters=[strip, lambda v: v.lower().lstrip("@") if isinstance(v, str) else v],
        # The pattern here; reserved names in services.handle_problem (checked only when it changes).
        validators=[required(), validators.Regexp(r"^[a-z0-9_]{3,30}$", message=_l("3–30 huruf kecil, angka, atau garis bawah."))],
    )
    locale = SelectField(
        _l("Bahasa tampilan"),
        choices=choices([("", _l("Bawaan (Bahasa Indonesia)")), ("id", "Bahasa Indonesia"), ("en", "English")]),
        validate_choice=True,
        default="",
    )


class DeleteAccountForm(EmptyForm):
    password = PasswordField(_l("Kata sandi"), validators=[required(), max_length(MAX_LENGTH)])
    confirm = BooleanField(
        _l("Saya mengerti bahwa akun saya dihapus dan tidak dapat dikembalikan"),
        validators=[validators.InputRequired(message=_l("Centang kotak ini untuk menghapus akun."))],
    )


class SignOutEverywhereForm(EmptyForm):
    """A button only: the CSRF token is the whole form."""
