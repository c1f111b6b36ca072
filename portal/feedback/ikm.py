"""SKM → IKM, exactly as PermenPANRB No. 14 Tahun 2017 prescribes (DOMAIN.md §1).

NRR per unsur = mean score of the element over the respondents who answered it.
The unit's value = Σ NRR × 1/9 (the exact fraction, not 0.11); IKM = value × 25.
Means stay unrounded; only the final index is rounded, half-up to two decimals, and the
quality category is read from that displayed value.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import case, delete, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from portal import periods
from portal.extensions import db
from portal.feedback.models import SKM_ELEMENTS, SkmDailyTotal, SkmResponse
from portal.periods import InvalidPeriod, Period  # noqa: F401  (re-exported: the IKM pages catch InvalidPeriod)

ELEMENT_CODES = [code for code, _label in SKM_ELEMENTS]
IKM_KINDS = ("year", "quarter", "month")  # SKM is reported per year, quarter or month

# PermenPANRB 14/2017, tabel nilai persepsi, interval IKM, nilai konversi IKM, mutu dan kinerja.
CATEGORIES = [
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
]


def parse_period(text):
    """Read '2026', '2026-07' or '2026-Q3' into a Period, or raise InvalidPeriod (portal/periods.py)."""
    return periods.parse_period(text, kinds=IKM_KINDS)


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


def _total_columns():
    totals = SkmDailyTotal
    columns = [func.coalesce(func.sum(totals.respondents), 0)]
    for n in range(1, 10):
        columns += [func.coalesce(func.sum(getattr(totals, f"s{n}")), 0), func.coalesce(func.sum(getattr(totals, f"c{n}")), 0)]
    return columns


def compute_ikm(period, *, unit_id=None, service_id=None):
    """Aggregate the surveys of one unit or service over a period in one SQL query (on the daily totals)."""
    query = select(*_total_columns()).where(SkmDailyTotal.day.between(period.start, period.end))
    if service_id is not None:
        query = query.where(SkmDailyTotal.service_key == service_id)
    else:
        query = query.where(SkmDailyTotal.unit_id == unit_id)
    return _ikm_result(period, db.session.execute(query).one())


def compute_ikm_per_unit(period, unit_ids):
    """Return {unit_id: IKM result} for these units over a period, in one grouped query.

    The same figures as compute_ikm(period, unit_id=…) for each unit; a unit without surveys
    gets the empty result.
    """
    rows = db.session.execute(
        select(SkmDailyTotal.unit_id, *_total_columns())
        .where(SkmDailyTotal.day.between(period.start, period.end), SkmDailyTotal.unit_id.in_(list(unit_ids)))
        .group_by(SkmDailyTotal.unit_id)
    ).all() if unit_ids else []
    found = {row[0]: row[1:] for row in rows}
    empty = (0,) * (1 + 2 * len(ELEMENT_CODES))
    return {unit_id: _ikm_result(period, found.get(unit_id, empty)) for unit_id in unit_ids}


def _ikm_result(period, row):
    """Turn summed daily totals (respondents, then sum and count per element) into an IKM result."""
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


def add_to_daily_totals(response):
    """Count one new response in its day's totals, atomically (an upsert, safe with many workers)."""
    values = {"unit_id": response.unit_id, "service_key": response.service_id or 0, "day": response.submitted_on,
              "respondents": 1}
    for n, code in enumerate(ELEMENT_CODES, start=1):
        score = getattr(response, code)
        values[f"s{n}"] = score or 0
        values[f"c{n}"] = 0 if score is None else 1
    dialect = db.session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SkmDailyTotal).values(**values)
    table = SkmDailyTotal.__table__
    counters = ["respondents", *[f"s{n}" for n in range(1, 10)], *[f"c{n}" for n in range(1, 10)]]
    upsert = upsert.on_conflict_do_update(
        index_elements=["unit_id", "service_key", "day"],
        set_={name: table.c[name] + upsert.excluded[name] for name in counters},
    )
    db.session.execute(upsert)


def rebuild_daily_totals():
    """Recompute every daily total from the responses (after a bulk load, or to repair drift)."""
    db.session.execute(delete(SkmDailyTotal))
    # A literal in the SQL text, not a bound parameter: PostgreSQL must see the same expression
    # in SELECT and GROUP BY.
    service_key = func.coalesce(SkmResponse.service_id, literal_column("0"))
    columns = [SkmResponse.unit_id, service_key, SkmResponse.submitted_on,
               func.count(SkmResponse.id)]
    for code in ELEMENT_CODES:
        column = getattr(SkmResponse, code)
        columns.append(func.coalesce(func.sum(column), 0))
    for code in ELEMENT_CODES:
        column = getattr(SkmResponse, code)
        columns.append(func.sum(case((column.is_(None), 0), else_=1)))
    grouped = select(*columns).group_by(SkmResponse.unit_id, service_key, SkmResponse.submitted_on)
    targets = ["unit_id", "service_key", "day", "respondents", *[f"s{n}" for n in range(1, 10)], *[f"c{n}" for n in range(1, 10)]]
    db.session.execute(insert(SkmDailyTotal).from_select(targets, grouped))
