"""The record page sends the same number of SQL statements with 5 or 5,000 response events."""

from datetime import date

import pytest

from tests.querycount import count_queries


@pytest.fixture
def two_records(org, db, make_asn, bulk_events, make_training):
    small = org.asn
    large = make_asn(unit=org.unit, supervisor=org.atasan, name="ASN Sibuk")
    bulk_events(small, 5)
    bulk_events(large, 5000)
    for profile in (small, large):
        make_training(profile, date(2026, 3, 1), 8)
    return small, large


@pytest.mark.parametrize("viewer", ["asn", "atasan"])
def test_record_page_query_count_does_not_grow_with_events(client, login, org, db, two_records, viewer):
    small, large = two_records
    counts = {}
    for profile in (small, large):
        login(profile.user if viewer == "asn" else org.atasan.user)
        client.get(f"/pembinaan/asn/{profile.id}?periode=2026")  # warm-up
        with count_queries(db.engine) as statements:
            response = client.get(f"/pembinaan/asn/{profile.id}?periode=2026")
        assert response.status_code == 200
        counts[profile.id] = len(statements)
    assert counts[small.id] == counts[large.id], counts
    assert counts[large.id] <= 30


def test_team_and_overview_query_counts_do_not_grow_with_events(client, login, org, db, two_records):
    counts = []
    for url, user in (("/pembinaan/tim?periode=2026", org.atasan.user), ("/pembinaan/hr?periode=2026", org.admin)):
        login(user)
        client.get(url)
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert max(counts) <= 25, counts


def test_the_large_record_shows_the_right_totals(client, login, db, two_records):
    _small, large = two_records
    login(large.user)
    page = client.get(f"/pembinaan/asn/{large.id}?periode=2026").get_data(as_text=True)
    assert "Tanggapan pada periode 2026 (5000)" in page
