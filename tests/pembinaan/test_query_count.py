"""The record page sends the same number of SQL statements with 5 or 5,000 response events."""

from datetime import date

import pytest

from portal.accounts.models import User
from portal.pembinaan.stats import rebuild_response_stats
from tests.querycount import page_statements

# The signed-in user, the kept figures (one query for the period and the trend), overdue now,
# trainings, targets, evaluations, peer feedback, goals, the page of events, their contests, the
# unit's colleagues or the viewer's profile, the cadence setting, the team check, the unread
# notifications, the signed-in user again after the commit (an after_request reads
# current_user.is_authenticated on the expired object); and the audit entry's INSERT when
# someone else looks.
RECORD_BUDGET = {"asn": 15, "atasan": 16}


@pytest.fixture
def two_records(org, db, make_asn, bulk_events, make_training):
    small = org.asn
    large = make_asn(unit=org.unit, supervisor=org.atasan, name="ASN Sibuk")
    bulk_events(small, 5)
    bulk_events(large, 5000)
    for profile in (small, large):
        make_training(profile, date(2026, 3, 1), 8)
    rebuild_response_stats()  # bulk inserts go around the ORM: build the kept figures, as after an import
    return small, large


def _overdue_queries(statements):
    return [s for s in statements if "assignments.deadline_at <" in s]


@pytest.mark.parametrize("viewer", ["asn", "atasan"])
def test_record_page_query_count_does_not_grow_with_events(client, login, org, db, two_records, viewer):
    small, large = two_records
    # Plain ids: page_statements empties the session before each measured request.
    visits = [(profile.id, profile.user_id if viewer == "asn" else org.atasan.user_id) for profile in (small, large)]
    counts = {}
    for asn_id, user_id in visits:
        login(db.session.get(User, user_id))
        client.get(f"/pembinaan/asn/{asn_id}?periode=2026")  # warm-up
        statements, status = page_statements(client, f"/pembinaan/asn/{asn_id}?periode=2026")
        assert status == 200
        assert len(_overdue_queries(statements)) == 1  # "overdue now", once for the figures and the trend
        assert not [s for s in statements if "FROM response_events" in s and "count(" in s.lower()], \
            "the figures and the list's length come from the kept rows"
        counts[asn_id] = len(statements)
    assert counts[visits[0][0]] == counts[visits[1][0]], counts
    assert max(counts.values()) <= RECORD_BUDGET[viewer], counts


def test_team_and_overview_query_counts_do_not_grow_with_events(client, login, org, db, two_records):
    counts = []
    for url, user_id in (("/pembinaan/tim?periode=2026", org.atasan.user_id), ("/pembinaan/hr?periode=2026", org.admin.id)):
        login(db.session.get(User, user_id))
        client.get(url)
        statements, status = page_statements(client, url)
        assert status == 200
        counts.append(len(statements))
    assert max(counts) <= 25, counts


def test_the_large_record_shows_the_right_totals(client, login, db, two_records):
    _small, large = two_records
    login(large.user)
    page = client.get(f"/pembinaan/asn/{large.id}?periode=2026").get_data(as_text=True)
    assert "Tanggapan pada periode 2026 (5000)" in page
