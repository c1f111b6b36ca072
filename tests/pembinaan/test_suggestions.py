"""Development suggestions generated from the evidence, each with its reason (the supervisor decides)."""

from datetime import date

import pytest

from portal.pembinaan import queries, services
from portal.pembinaan.periods import parse_period
from portal.pembinaan.queries import ResponseStats
from tests.pembinaan.conftest import at

DAY = 86400


def codes(suggestions):
    return [s.code for s in suggestions]


def test_good_evidence_gives_no_suggestion(app):
    with app.test_request_context():
        stats = ResponseStats(first_responses=10, median_first_seconds=DAY, with_deadline=10, deadline_met=10,
                              rating_count=10, rating_sum=45)
        assert services.suggest_goals(stats, 24, 2026, "2026") == []


def test_each_rule_with_its_reason(app):
    with app.test_request_context():
        stats = ResponseStats(first_responses=6, median_first_seconds=3.5 * DAY, with_deadline=6, deadline_met=3,
                              rating_count=4, rating_sum=11, overdue_now=3)
        found = {s.code: s for s in services.suggest_goals(stats, 12, 2026, "2026-Q3", latest_predicate="kurang")}
    assert list(found) == ["rating_rendah", "tanggapan_lambat", "tenggat_terlewat", "tunggakan", "jp_kurang", "predikat"]
    assert found["rating_rendah"].reason == ("Rata-rata penilaian warga 2,75 dari 5 atas 4 penilaian pada 2026-Q3 "
                                             "(di bawah 3,5).")
    assert found["tanggapan_lambat"].goal == "Pelatihan manajemen waktu"
    assert "Median waktu tanggapan pertama 3,5 hari kerja atas 6 tanggapan" in found["tanggapan_lambat"].reason
    assert found["tenggat_terlewat"].reason.startswith("Hanya 3 dari 6 tanggapan pertama (50%) tepat waktu")
    assert found["tunggakan"].reason == "3 tugas melewati tenggat dan belum dijawab saat ini."
    assert found["jp_kurang"].reason.startswith("Baru 12 dari 20 JP pada 2026 (PP 11/2017 Pasal 203")
    assert "menambah 8 JP" in found["jp_kurang"].actions
    assert found["predikat"].reason == "Predikat kinerja terakhir: Kurang/Misconduct."


def test_too_little_evidence_suggests_nothing(app):
    # Two unhappy residents are not a pattern: the minimum counts keep suggestions fair.
    with app.test_request_context():
        stats = ResponseStats(first_responses=2, median_first_seconds=9 * DAY, with_deadline=2, deadline_met=0,
                              rating_count=2, rating_sum=2)
        assert services.suggest_goals(stats, 20, 2026, "2026") == []


def test_thresholds_come_from_the_configuration(app):
    with app.test_request_context():
        stats = ResponseStats(rating_count=1, rating_sum=4)
        assert codes(services.suggest_goals(stats, 20, 2026, "2026", rules={"min_ratings": 1, "low_rating": 4.5})) == [
            "rating_rendah"]


def test_suggestions_on_a_record_skip_goals_already_planned(app, org, db, make_event):
    for day, rating in ((1, 2), (2, 3), (3, 2)):
        make_event(org.asn, at(2026, 5, day), rating=rating)
    with app.test_request_context():
        record = queries.load_record(org.asn, parse_period("2026"), now=at(2026, 7, 1))
        assert codes(services.suggestions_for(record)) == ["rating_rendah", "jp_kurang"]
        services.propose_goal(org.atasan.user, org.asn, goal="Pelatihan pelayanan prima", actions="Ikut pelatihan",
                              owner="Rina", due_on=date(2026, 12, 1), suggestion_code="rating_rendah",
                              today=date(2026, 7, 1))
        db.session.commit()
        record = queries.load_record(org.asn, parse_period("2026"), now=at(2026, 7, 1))
        assert codes(services.suggestions_for(record)) == ["jp_kurang"]


def test_the_record_page_shows_suggestions_and_the_proposal_form_carries_the_reason(client, login, org, make_event):
    for day in (1, 2, 3):
        make_event(org.asn, at(2026, 5, day), 3 * DAY, deadline_met=False, rating=2)
    login(org.atasan.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026-Q2").get_data(as_text=True)
    assert "Saran dari bukti" in page and "Pelatihan manajemen waktu" in page
    assert "Median waktu tanggapan pertama 3,0 hari kerja atas 3 tanggapan pada 2026-Q2" in page
    form = client.get(f"/pembinaan/asn/{org.asn.id}/rencana/baru?saran=tanggapan_lambat&periode=2026-Q2")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="Pelatihan manajemen waktu"' in text
    assert "Median waktu tanggapan pertama 3,0 hari kerja" in text and 'value="tanggapan_lambat"' in text
    login(org.asn.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026-Q2").get_data(as_text=True)
    assert "Pelatihan manajemen waktu" in page and "Usulkan sebagai rencana" not in page


@pytest.mark.parametrize("who", ["asn", "colleague"])
def test_only_supervisors_propose_goals(client, login, org, who):
    login(getattr(org, who).user)
    assert client.get(f"/pembinaan/asn/{org.asn.id}/rencana/baru").status_code == 403
