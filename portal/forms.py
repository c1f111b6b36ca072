"""Form building blocks with Indonesian messages, shared by every capability."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, validators


def required(message=None):
    """A field that must be filled, with a message saying which field."""
    return validators.InputRequired(message=message or _l("Wajib diisi."))


def max_length(n):
    return validators.Length(max=n, message=_l("Maksimal %(max)d karakter.", max=n))


def length(min_, max_):
    return validators.Length(min=min_, max=max_, message=_l("Panjang harus %(min)d–%(max)d karakter.", min=min_, max=max_))


def strip(value):
    """Filter: drop surrounding spaces people paste in with an address or a name."""
    return value.strip() if isinstance(value, str) else value


def email_address():
    return validators.Email(message=_l("Masukkan alamat email yang benar, misalnya nama@contoh.id."), check_deliverability=False)


# WTForms ships no Indonesian catalogue: its built-in messages, translated here.
WTFORMS_INDONESIAN = {
    "This field is required.": "Wajib diisi.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Not a valid integer value.": "Masukkan bilangan bulat.",
    "Not a valid decimal value.": "Masukkan angka desimal.",
    "Not a valid float value.": "Masukkan angka.",
    "Not a valid date value.": "Masukkan tanggal yang benar.",
    "Not a valid datetime value.": "Masukkan tanggal dan jam yang benar.",
    "Not a valid time value.": "Masukkan jam yang benar.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid URL.": "Alamat URL tidak valid.",
    "Invalid input.": "Isian tidak valid.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "CSRF token missing.": "Token keamanan formulir tidak ada. Muat ulang halaman lalu kirim lagi.",
    "CSRF failed.": "Token keamanan formulir tidak cocok. Muat ulang halaman lalu kirim lagi.",
    "CSRF token expired.": "Formulir kedaluwarsa. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token is missing.": "Token keamanan formulir tidak ada. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token is invalid.": "Token keamanan formulir tidak cocok. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token has expired.": "Formulir kedaluwarsa. Muat ulang halaman lalu kirim lagi.",
    "The CSRF tokens do not match.": "Token keamanan formulir tidak cocok. Muat ulang halaman lalu kirim lagi.",
}


def choices(pairs):
    """Turn (value, label) pairs into select options (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class _WtformsTranslations:
    def gettext(self, message):
        if str(get_locale()) == "en":
            return message
        return WTFORMS_INDONESIAN.get(message, message)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""

    class Meta:
        def get_translations(self, form):
            return _WtformsTranslations()
