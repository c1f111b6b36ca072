"""SKM → IKM, exactly as PermenPANRB No. 14 Tahun 2017 prescribes (DOMAIN.md §1).

NRR per unsur = mean score of the element over the respondents who answered it.
The unit's value = Σ NRR × 1/9 (the exact fraction, not 0.11); IKM = value × 25.
Means stay unrounded; only the final index is rounded, half-up to two decimals, and the
quality category is read from that displayed value.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import SKM_ELEMENTS, SkmResponse

ELEMENT_CODES = [code for code, _label in SKM_ELEMENTS]

# PermenPANRB 14/2017, tabel nilai persepsi, interval IKM, nilai konversi IKM, mutu dan kinerja.
CATEGORIES = [
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
]


class InvalidPeriod(ValueError):
    """The period is not YYYY, YYYY-MM or YYYY-Qn."""


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive


def parse_period(text):
    """Read '2026', '2026-07' or '2026-Q3' into a Period, or raise InvalidPeriod."""
    text = (text or "").strip().upper()
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = 3 * quarter - 2
        return Period(text, date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1]))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Period(text, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    raise InvalidPeriod(_("Periode harus berbentuk TTTT, TTTT-BB, atau TTTT-Qn, misalnya 2026, 2026-07, atau 2026-Q3."))


def round_half_up(value, places="0.01"):
    """Round a Fraction or Decimal half-up (not banker's rounding) to the given places."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def category_for(ikm):
    """Return (letter, mutu) for a displayed (two-decimal) IKM value."""
    for threshold, letter, name in CATEGORIES:
        if ikm >= threshold:
            return letter, name
    return "D", "Tidak Baik"


def ikm_from_means(means):
    """Compute (exact value, IKM rounded to 0.01, letter, mutu) from the nine element means."""
    if len(means) != len(ELEMENT_CODES):
        raise ValueError("IKM needs all nine element means")
    value = sum((Fraction(m) for m in means), Fraction(0)) * Fraction(1, 9)
    ikm = round_half_up(value * 25)
    letter, name = category_for(ikm)
    return value, ikm, letter, name


def compute_ikm(period, *, unit_id=None, service_id=None):
    """Aggregate the surveys of one unit or service over a period in one SQL query."""
    columns = [func.count(SkmResponse.id)]
    for code in ELEMENT_CODES:
        column = getattr(SkmResponse, code)
        columns += [func.sum(column), func.count(column)]
    query = select(*columns).where(SkmResponse.submitted_on.between(period.start, period.end))
    if service_id is not None:
        query = query.where(SkmResponse.service_id == service_id)
    else:
        query = query.where(SkmResponse.unit_id == unit_id)
    row = db.session.execute(query).one()
    respondents = row[0]
    elements, means = [], []
    for i, (code, label) in enumerate(SKM_ELEMENTS):
        total, answered = row[1 + 2 * i], row[2 + 2 * i]
        mean = Fraction(int(total), answered) if answered else None
        means.append(mean)
        elements.append({
            "code": code,
            "name": str(label),
            "mean": float(round_half_up(mean, "0.0001")) if mean is not None else None,
            "respondents": answered,
        })
    result = {"period": period.label, "respondents": respondents, "elements": elements,
              "ikm": None, "category": None, "mutu": None, "value": None}
    if respondents and all(m is not None for m in means):
        value, ikm, letter, name = ikm_from_means(means)
        result.update(ikm=float(ikm), category=letter, mutu=name, value=float(round_half_up(value, "0.0001")))
    return result
