"""Spotting personal data in text that is about to be published.

UU 27/2022 (Pelindungan Data Pribadi) Pasal 16 and DOMAIN.md §6: NIK, phone numbers and e-mail
addresses never appear on public pages. The forms ask people not to write them; this module
checks before anything is published and refuses with a message that quotes (masked) what it
found, so the writer knows what to remove. Text is refused, not silently masked: a masked
number in someone's story reads as if the portal censored them, and they may want to rephrase.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

SEPARATOR = r"[ .\-]"
# NIK: 16 digits (Permendagri 72/2019 on the population administration number), often written
# in groups of four. Not part of a longer number (an 18-digit NIP is not a NIK).
NIK = re.compile(rf"(?<!\d)(?<!\d{SEPARATOR})(?:\d{SEPARATOR}?){{15}}\d(?!{SEPARATOR}?\d)")
# Indonesian phone numbers: 0, 62 or +62, then 8–12 more digits, with the usual separators
# and an optional area code in brackets: 0812-3456-7890, +62 812 3456 7890, (031) 5312144.
PHONE = re.compile(
    rf"(?<![\w+(])\(?(?:\+62|62|0)(?:{SEPARATOR}?\(?\d\)?){{8,12}}(?!{SEPARATOR}?\d)"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

KINDS = {
    "nik": (NIK, _l("nomor yang tampak seperti NIK")),
    "phone": (PHONE, _l("nomor telepon")),
    "email": (EMAIL, _l("alamat email")),
}
ALL_KINDS = tuple(KINDS)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    masked: str

    @property
    def label(self):
        return KINDS[self.kind][1]


def mask(value):
    """Keep the first and last two characters, so the writer can find it: 0812…90."""
    compact = value.strip()
    if len(compact) <= 6:
        return "…"
    return f"{compact[:4]}…{compact[-2:]}"


def find_personal_data(text, kinds=ALL_KINDS):
    """Every NIK, phone number or e-mail address in `text`, in reading order."""
    if not text:
        return []
    findings = []
    taken = []  # a NIK's digits also look like a long phone number: report each span once
    for kind in kinds:
        pattern = KINDS[kind][0]
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            findings.append(Finding(kind, match.start(), match.end(), mask(match.group())))
    return sorted(findings, key=lambda finding: finding.start)


def personal_data_message(findings):
    """One sentence in Indonesian naming what was found, for a form field or an API error."""
    first = findings[0]
    more = len(findings) - 1
    message = _l(
        "Teks ini memuat %(what)s (%(masked)s). Hapus data pribadi sebelum mengirim: tulisan ini tampil untuk umum.",
        what=first.label,
        masked=first.masked,
    )
    if more:
        return _l("%(message)s Ada %(count)d data pribadi lain di teks ini.", message=message, count=more)
    return message


class NoPersonalData:
    """WTForms validator: refuse published text that holds a NIK, phone number or e-mail address.

    `kinds` narrows the check, e.g. ("nik",) for a unit's official answer, which may give the
    unit's own phone number or address but never a resident's NIK.
    """

    def __init__(self, kinds=ALL_KINDS):
        self.kinds = kinds

    def __call__(self, form, field):
        findings = find_personal_data(field.data or "", self.kinds)
        if findings:
            raise ValidationError(personal_data_message(findings))
