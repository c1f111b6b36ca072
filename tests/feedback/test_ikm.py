"""IKM on hand-computed cases (PermenPANRB 14/2017, DOMAIN.md §1)."""

from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from portal.feedback.ikm import (
    InvalidPeriod,
    category_for,
    compute_ikm,
    compute_ikm_per_unit,
    ikm_from_means,
    parse_period,
    rebuild_daily_totals,
)
from portal.feedback.models import SkmResponse

CODES = [f"u{i}" for i in range(1, 10)]


def test_domain_example_gives_81_39_baik():
    means = [Fraction(x) for x in ("3.20", "3.10", "2.90", "3.80", "3.30", "3.40", "3.50", "3.00", "3.10")]
    value, ikm, letter, name = ikm_from_means(means)
    assert round(float(value), 4) == 3.2556
    assert ikm == Decimal("81.39")
    assert (letter, name) == ("B", "Baik")


def test_weights_are_exactly_one_ninth_not_0_11():
    # With 0.11 as weight the index of all-4 answers would be 99.00, not 100.00.
    assert ikm_from_means([Fraction(4)] * 9)[1] == Decimal("100.00")
    assert ikm_from_means([Fraction(1)] * 9)[1] == Decimal("25.00")


def test_only_the_final_index_is_rounded_half_up():
    # Means 3.5324 exactly on all elements → 88.31 exactly → A; rounding means first would differ.
    assert ikm_from_means([Fraction("3.5324")] * 9)[1:] == (Decimal("88.31"), "A", "Sangat Baik")
    # 2.6 × 25 = 65.0 → C; a mean of 2.59998 → 64.9995 → rounds half-up to 65.00 → C.
    assert ikm_from_means([Fraction("2.59998")] * 9)[1:] == (Decimal("65.00"), "C", "Kurang Baik")
    # 64.994999… rounds to 64.99 → D.
    assert ikm_from_means([Fraction("2.5998")] * 9)[1:] == (Decimal("65.00"), "C", "Kurang Baik")
    assert ikm_from_means([Fraction("2.5997")] * 9)[1:] == (Decimal("64.99"), "D", "Tidak Baik")


@pytest.mark.parametrize(
    ("ikm", "letter"),
    [("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"), ("65.00", "C"), ("64.99", "D"), ("25.00", "D")],
)
def test_category_boundaries(ikm, letter):
    assert category_for(Decimal(ikm))[0] == letter


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2026", date(2026, 1, 1), date(2026, 12, 31)), ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
     ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)), ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
     ("2024-02", date(2024, 2, 1), date(2024, 2, 29))],
)
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["", "26", "2026-13", "2026-Q5", "2026-00", "Q3-2026", "2026-07-01", "x" * 1000])
def test_bad_periods_are_refused(text):
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def add_responses(db, unit, rows, day, service=None):
    """Insert raw responses (as a bulk load would) and rebuild the daily totals from them."""
    for scores in rows:
        db.session.add(SkmResponse(unit_id=unit.id, service_id=service.id if service else None, submitted_on=day,
                                   **dict(zip(CODES, scores, strict=True))))
    db.session.flush()
    rebuild_daily_totals()
    db.session.commit()


def test_compute_ikm_in_sql_over_a_period(db, make_unit):
    unit = make_unit(services=["Puskesmas"])
    # Element means: u1 = (4+3+2)/3 = 3, u2..u9 = (4+4+1)/3 = 3 → value 3 → IKM 75.00 → C.
    add_responses(db, unit, [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 4, 4, 4, 4, 4, 4, 4, 4), (2, 1, 1, 1, 1, 1, 1, 1, 1)],
                  date(2026, 8, 10), service=unit.services[0])
    add_responses(db, unit, [(1,) * 9], date(2026, 10, 1))  # next quarter: not counted in Q3
    result = compute_ikm(parse_period("2026-Q3"), unit_id=unit.id)
    assert result["respondents"] == 3
    assert result["elements"][0] == {"code": "u1", "name": "Persyaratan", "mean": 3.0, "respondents": 3}
    assert (result["ikm"], result["category"], result["mutu"]) == (75.0, "C", "Kurang Baik")
    assert compute_ikm(parse_period("2026-10"), unit_id=unit.id)["ikm"] == 25.0
    assert compute_ikm(parse_period("2026"), unit_id=unit.id)["respondents"] == 4
    assert compute_ikm(parse_period("2026-Q3"), service_id=unit.services[0].id)["respondents"] == 3


def test_ikm_of_every_unit_in_one_query_equals_each_unit_alone(db, make_unit):
    from sqlalchemy import event

    first, second, silent = make_unit(), make_unit(), make_unit()
    add_responses(db, first, [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 4, 4, 4, 4, 4, 4, 4, 4)], date(2026, 8, 10))
    add_responses(db, second, [(2, 1, 1, 1, 1, 1, 1, 1, 1)], date(2026, 9, 30))
    add_responses(db, second, [(4,) * 9], date(2026, 10, 1))  # next quarter
    period = parse_period("2026-Q3")
    ids = [first.id, second.id, silent.id]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        together = compute_ikm_per_unit(period, ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    for unit in (first, second, silent):
        assert together[unit.id] == compute_ikm(period, unit_id=unit.id)
    assert together[second.id]["respondents"] == 1 and together[silent.id]["ikm"] is None
    assert compute_ikm_per_unit(period, []) == {}


def test_unanswered_elements_count_only_their_respondents(db, make_unit):
    unit = make_unit()
    add_responses(db, unit, [(4, 4, 4, 4, 4, 4, 4, 4, 4), (2, None, 4, 4, 4, 4, 4, 4, 4)], date(2026, 5, 5))
    result = compute_ikm(parse_period("2026-05"), unit_id=unit.id)
    assert result["elements"][0]["mean"] == 3.0 and result["elements"][0]["respondents"] == 2
    assert result["elements"][1]["mean"] == 4.0 and result["elements"][1]["respondents"] == 1
    # value = (3 + 8 × 4) / 9 = 35/9 → × 25 = 97.22
    assert result["ikm"] == 97.22


def test_no_respondents_gives_no_index(db, make_unit):
    unit = make_unit()
    result = compute_ikm(parse_period("2026"), unit_id=unit.id)
    assert result["respondents"] == 0 and result["ikm"] is None and result["category"] is None


def test_daily_totals_kept_by_each_survey_match_a_rebuild(db, make_unit):
    import random

    from sqlalchemy import select

    from portal.feedback.models import SkmDailyTotal
    from portal.feedback.services import record_survey

    unit = make_unit(services=["Puskesmas", "Imunisasi"])
    rng = random.Random(7)
    for i in range(60):
        service = [None, *unit.services][i % 3]
        when = datetime(2026, 7, 1 + i % 20, 3, tzinfo=timezone.utc)
        record_survey(unit=unit, service=service, scores={c: rng.randint(1, 4) for c in CODES}, now=when)
    db.session.commit()

    def snapshot():
        rows = db.session.scalars(select(SkmDailyTotal).order_by(SkmDailyTotal.service_key, SkmDailyTotal.day)).all()
        return [(r.service_key, r.day, r.respondents, r.s1, r.s9, r.c1) for r in rows]

    kept = snapshot()
    by_unit = compute_ikm(parse_period("2026-07"), unit_id=unit.id)
    rebuild_daily_totals()
    db.session.commit()
    assert snapshot() == kept
    assert by_unit["respondents"] == 60
    assert compute_ikm(parse_period("2026-07"), service_id=unit.services[0].id)["respondents"] == 20
