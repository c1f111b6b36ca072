"""The password rule and hashing."""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128
# The most guessed passwords, Indonesian favourites included.
COMMON_PASSWORDS = {
    "password", "password1", "password123", "12345678", "123456789", "1234567890",
    "qwerty123", "qwertyuiop", "iloveyou", "sayang123", "surabaya", "surabaya123",
    "indonesia", "indonesia1", "bismillah", "bismillah1", "admin123", "rahasia123",
    "abcd1234", "abc12345", "11111111", "87654321", "passw0rd", "merdeka45",
}


def password_problems(password, *, email="", name=""):
    """List what makes a password too weak, in Indonesian; an empty list means it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Kata sandi minimal %(n)s karakter.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Kata sandi maksimal %(n)s karakter.", n=MAX_LENGTH))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append(_("Kata sandi harus memuat huruf dan angka."))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        problems.append(_("Kata sandi ini terlalu umum dan mudah ditebak."))
    if any(len(part) >= 4 and part in _letters_and_digits(password) for part in (_letters_and_digits(email.split("@")[0]), _letters_and_digits(name))):
        problems.append(_("Kata sandi tidak boleh memuat nama atau alamat email Anda."))
    return problems


def _letters_and_digits(text):
    return "".join(c for c in text.lower() if c.isalnum())


def hash_password(password):
    """Hash with scrypt (memory-hard KDF, Werkzeug's default) and a random salt."""
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash, password):
    """Check a password against a stored hash; an account without a password never matches."""
    if not password_hash:
        # Spend the same time as a real check, so timing does not reveal which accounts exist.
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


_DUMMY_HASH = generate_password_hash("dummy-password-for-timing", method="scrypt")
