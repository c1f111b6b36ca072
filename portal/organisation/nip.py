"""NIP (Nomor Induk Pegawai) validation, exactly as DOMAIN.md §5 describes.

Layout of the 18 digits (Peraturan BKN on NIP):
  1–8 date of birth YYYYMMDD · 9–14 TMT CPNS YYYYMM · 15 sex (1/2) · 16–18 sequence 001–999.
"""

import re
from datetime import date

from portal.db import utcnow
from portal.workdays.calendar import wib_date


class InvalidNip(ValueError):
    """The NIP breaks a rule; the message says which, in Indonesian."""


def normalize_nip(raw, today=None):
    """Return the 18 digits of a valid NIP, or raise InvalidNip with the reason."""
    # "Not in the future" is judged on the Surabaya calendar (WIB), not the server's clock.
    today = today or wib_date(utcnow())
    digits = re.sub(r"\s+", "", raw or "")
    if not digits:
        raise InvalidNip("NIP wajib diisi.")
    # str.isdigit() also accepts "²" or full-width "１"; only ASCII digits make a NIP.
    if not re.fullmatch(r"[0-9]+", digits):
        raise InvalidNip("NIP hanya boleh berisi angka (spasi diperbolehkan).")
    if len(digits) != 18:
        raise InvalidNip(f"NIP harus 18 digit, bukan {len(digits)}.")

    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidNip("Digit 1–8 NIP harus tanggal lahir yang sah (TTTTBBHH).") from None

    tmt_year, tmt_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= tmt_month <= 12 or tmt_year < 1900:
        raise InvalidNip("Digit 9–14 NIP harus bulan TMT CPNS yang sah (TTTTBB).")
    if (tmt_year, tmt_month) > (today.year, today.month):
        raise InvalidNip("TMT CPNS pada NIP tidak boleh di masa depan.")
    # Plausibility: CPNS are appointed at 18 or older, counted in months.
    if (tmt_year * 12 + tmt_month) - (birth.year * 12 + birth.month) < 18 * 12:
        raise InvalidNip("TMT CPNS pada NIP harus minimal 18 tahun setelah tanggal lahir.")

    if digits[14] not in "12":
        raise InvalidNip("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2.")
    if digits[15:18] == "000":
        raise InvalidNip("Nomor urut NIP (digit 16–18) harus 001–999.")
    return digits


def format_nip(nip):
    """Show a NIP in its customary grouped form: 19850312 201001 1 004."""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"
