"""Response tracking aggregates on hand-computed cases (see portal/pembinaan/queries.py for definitions)."""

import os
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.pembinaan import queries
from portal.pembinaan.periods import parse_period
from portal.responses import services as responses
from portal.responses.models import ResponseEvent
from tests.pembinaan.conftest import at

Q2 = parse_period("2026-Q2")


def stats(asn, period=Q2, now=None):
    return queries.stats_for(asn.id, period, now=now or at(2026, 7, 1))


@pytest.mark.parametrize(("values", "median", "p90"), [
    # Linear interpolation between closest ranks: h = (n − 1)·p.
    ([300], 300, 300),  # n = 1
    ([10, 20, 30, 40], 25, 37),  # h = 1.5 → 20 + .5·10; h = 2.7 → 30 + .7·10
    ([100, 200, 300, 400, 1000], 300, 760),  # h = 2 → x3; h = 3.6 → 400 + .6·600
    ([100 * k for k in range(1, 11)], 550, 910),  # h = 4.5; h = 8.1 → 900 + .1·100
    ([50, 50, 50, 7000], 50, 4915),  # ties; h = 2.7 → 50 + .7·6950
])
def test_median_and_p90_of_first_responses(org, make_event, values, median, p90):
    shuffled = values[:]
    random.Random(7).shuffle(shuffled)
    for day, seconds in enumerate(shuffled, 1):
        make_event(org.asn, at(2026, 4, day), seconds)
    result = stats(org.asn)
    assert result.first_responses == len(values)
    assert result.median_first_seconds == pytest.approx(median)
    assert result.p90_first_seconds == pytest.approx(p90)


def test_only_first_answers_in_the_period_count_for_response_time(org, make_event):
    for day, seconds in enumerate([100, 200, 300], 1):
        make_event(org.asn, at(2026, 5, day), seconds)
    make_event(org.asn, at(2026, 5, 10), 999_999, is_first=False)  # a second answer to an item
    make_event(org.asn, at(2026, 3, 31), 999_999)  # the previous quarter
    make_event(org.colleague, at(2026, 5, 2), 999_999)  # someone else
    result = stats(org.asn)
    assert (result.first_responses, result.answered) == (3, 4)
    assert result.median_first_seconds == 200 and result.p90_first_seconds == pytest.approx(280)


def test_no_events_gives_empty_figures(org):
    result = stats(org.asn)
    assert result.answered == 0 and result.median_first_seconds is None and result.p90_first_seconds is None
    assert result.deadline_share is None and result.rating_mean is None and result.rating_count == 0


def test_deadline_share_counts_first_answers_that_had_a_deadline(org, make_event):
    make_event(org.asn, at(2026, 4, 1), deadline_met=True)
    make_event(org.asn, at(2026, 4, 2), deadline_met=True)
    make_event(org.asn, at(2026, 4, 3), deadline_met=False)
    make_event(org.asn, at(2026, 4, 4), deadline_met=None)  # no deadline: not in the share
    make_event(org.asn, at(2026, 4, 5), deadline_met=False, is_first=False)  # not a first answer
    result = stats(org.asn)
    assert (result.deadline_met, result.with_deadline) == (2, 3)
    assert result.deadline_share == pytest.approx(2 / 3)


def test_rating_mean_leaves_out_excluded_contested_ratings(org, make_event):
    make_event(org.asn, at(2026, 4, 1), rating=5)
    make_event(org.asn, at(2026, 4, 2), rating=4)
    make_event(org.asn, at(2026, 4, 3), rating=1, excluded=True)
    make_event(org.asn, at(2026, 4, 4))  # not rated
    make_event(org.asn, at(2026, 4, 5), rating=2, is_first=False)  # later answers are rated too
    result = stats(org.asn)
    assert result.rating_count == 3
    assert result.rating_mean == pytest.approx(11 / 3)


def test_a_rating_given_later_counts_for_the_answers_period(org, make_event, db):
    event = make_event(org.asn, at(2026, 6, 29), rating=None)
    assert stats(org.asn).rating_count == 0
    responses.rate_response(event, 2, "Lambat", now=at(2026, 7, 15))  # rated in Q3
    db.session.commit()
    assert (stats(org.asn).rating_count, stats(org.asn).rating_mean) == (1, 2)
    assert stats(org.asn, parse_period("2026-Q3")).rating_count == 0
    responses.rate_response(event, 4, now=at(2026, 7, 16))  # a later rating replaces it
    db.session.commit()
    assert stats(org.asn).rating_mean == 4


def test_edited_events_are_read_as_they_are_now(org, make_event, db):
    events = [make_event(org.asn, at(2026, 4, d), s) for d, s in ((1, 100), (2, 200), (3, 300))]
    assert stats(org.asn).median_first_seconds == 200
    events[0].working_seconds = 1000  # recomputed after a holiday was added, say
    events[2].answered_at = at(2026, 7, 2)  # moved out of the period
    db.session.commit()
    result = stats(org.asn)
    assert result.first_responses == 2 and result.median_first_seconds == 600


def test_periods_follow_wib_dates(org, make_event):
    # 30 June 17:30 UTC is 1 July 00:30 WIB: the third quarter.
    make_event(org.asn, at(2026, 6, 30, 17, 30), rating=5)
    make_event(org.asn, at(2026, 6, 30, 16, 30), rating=3)  # 23:30 WIB, still June
    assert stats(org.asn).rating_mean == 3
    assert stats(org.asn, parse_period("2026-Q3")).rating_mean == 5


def test_overlapping_periods_each_get_their_rows(org, make_event):
    make_event(org.asn, at(2026, 2, 10), 100, rating=5)
    make_event(org.asn, at(2026, 5, 10), 300, rating=3)
    year, q1, q2 = parse_period("2026"), parse_period("2026-Q1"), parse_period("2026-Q2")
    result = queries.response_stats([org.asn.id], [year, q1, q2], now=at(2026, 12, 31))
    assert result[(org.asn.id, "2026")].answered == 2 and result[(org.asn.id, "2026")].median_first_seconds == 200
    assert result[(org.asn.id, "2026-Q1")].rating_mean == 5 and result[(org.asn.id, "2026-Q2")].rating_mean == 3


def test_several_asns_in_one_call(org, make_event):
    make_event(org.asn, at(2026, 4, 1), 100, rating=5)
    make_event(org.colleague, at(2026, 4, 1), 900, rating=1)
    result = queries.response_stats([org.asn.id, org.colleague.id], [Q2])
    assert result[(org.asn.id, Q2.label)].median_first_seconds == 100
    assert result[(org.colleague.id, Q2.label)].rating_mean == 1
    assert queries.response_stats([], [Q2]) == {}


def test_reassignment_keeps_the_item_assigned_to_the_first_asn_but_not_overdue(org, db):
    common = {"source": "forum", "item_type": "thread", "item_id": 4242, "title": "Antrean puskesmas",
              "url": "/forum/t/4242", "unit": org.unit}
    responses.assign_item(**common, asn=org.asn, deadline_at=at(2026, 4, 3), now=at(2026, 4, 1))
    responses.assign_item(**common, asn=org.colleague, deadline_at=at(2026, 4, 8), now=at(2026, 4, 6))
    db.session.commit()
    later = at(2026, 4, 20)  # both deadlines have passed
    assert (stats(org.asn, now=later).assigned, stats(org.asn, now=later).overdue_now) == (1, 0)
    assert (stats(org.colleague, now=later).assigned, stats(org.colleague, now=later).overdue_now) == (1, 1)

    event = responses.record_response(**{k: v for k, v in common.items() if k != "unit"}, answer_id=1,
                                      asn=org.colleague, opened_at=at(2026, 4, 1), now=at(2026, 4, 21))
    db.session.commit()
    assert event.started_at == at(2026, 4, 1)  # the clock starts at opening, never at the handover
    colleague = stats(org.colleague, now=at(2026, 4, 22))
    assert (colleague.assigned, colleague.answered, colleague.overdue_now) == (1, 1, 0)
    assert colleague.deadline_share == 0  # answered after its deadline
    assert stats(org.asn, now=later).answered == 0


def test_an_item_assigned_twice_to_the_same_asn_counts_once(org, make_assignment):
    make_assignment(org.asn, at(2026, 4, 1), item_id=77, ended_at=at(2026, 4, 2))
    make_assignment(org.asn, at(2026, 4, 5), item_id=77)
    make_assignment(org.asn, at(2026, 4, 6), item_id=78)
    make_assignment(None, at(2026, 4, 6), item_id=79)  # a unit-wide assignment is nobody's
    assert stats(org.asn).assigned == 2


def test_overdue_now_counts_open_assignments_past_their_deadline(org, make_assignment):
    make_assignment(org.asn, at(2026, 4, 1), deadline_at=at(2026, 4, 3))  # overdue
    make_assignment(org.asn, at(2026, 4, 1), deadline_at=at(2026, 4, 30))  # not yet due
    make_assignment(org.asn, at(2026, 4, 1), deadline_at=at(2026, 4, 3), answered_at=at(2026, 4, 2))
    make_assignment(org.asn, at(2026, 4, 1), deadline_at=at(2026, 4, 3), ended_at=at(2026, 4, 2))
    make_assignment(org.asn, at(2026, 4, 1))  # no deadline
    assert queries.overdue_counts([org.asn.id], now=at(2026, 4, 10)) == {org.asn.id: 1}
    # Overdue is "now", whatever period is shown.
    assert stats(org.asn, parse_period("2025"), now=at(2026, 4, 10)).overdue_now == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="percentile_cont is PostgreSQL's (TEST_DATABASE_URL); "
                    "the hand-computed cases above cover SQLite")
def test_percentiles_match_postgresql_percentile_cont(org, make_event, db):
    rng = random.Random(3)
    for n in range(37):
        make_event(org.asn, at(2026, 4, 1) + timedelta(hours=n), rng.randint(60, 400_000), commit=False)
    db.session.commit()
    e = ResponseEvent
    expected = db.session.execute(select(
        func.percentile_cont(0.5).within_group(e.working_seconds),
        func.percentile_cont(0.9).within_group(e.working_seconds),
    ).where(e.asn_id == org.asn.id)).one()
    result = stats(org.asn)
    assert result.median_first_seconds == pytest.approx(expected[0])
    assert result.p90_first_seconds == pytest.approx(expected[1])


def test_figures_sort_with_empty_values_last(org, make_event):
    make_event(org.asn, at(2026, 4, 1), rating=2)
    make_event(org.colleague, at(2026, 4, 1), rating=5)
    figures = queries.figures_for([org.asn, org.colleague, org.outsider], Q2, now=at(2026, 7, 1))
    ordered = [f.profile.name for f in queries.sort_figures(figures, "nilai", descending=True)]
    assert ordered == ["Agus Rekan", "Rina Petugas", "Dimas Luar"]
    ordered = [f.profile.name for f in queries.sort_figures(figures, "nilai")]
    assert ordered == ["Rina Petugas", "Agus Rekan", "Dimas Luar"]
