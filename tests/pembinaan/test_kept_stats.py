"""The response figures kept per ASN and period equal a fresh computation, whatever the writes (issue 14)."""

from datetime import timedelta

import pytest
from flask import template_rendered
from sqlalchemy import event, func, insert, select

from portal.jobs.models import Job
from portal.pembinaan import queries, services
from portal.pembinaan.models import ALL_PERIODS_KEPT, KeptResponseStats
from portal.pembinaan.periods import parse_period
from portal.pembinaan.queries import KEPT_FIELDS, ResponseStats
from portal.pembinaan.stats import REFRESH_JOB, periods_of_year, rebuild_response_stats, refresh_response_stats
from portal.responses import services as responses
from portal.responses.models import ResponseEvent
from tests.pembinaan.conftest import at
from tests.querycount import count_queries

YEARS = (2025, 2026)


def kept_rows(db):
    k = KeptResponseStats
    return {(row.asn_id, row.period): ResponseStats(**{name: getattr(row, name) for name in KEPT_FIELDS})
            for row in db.session.scalars(select(k))}


def assert_kept_equals_fresh(db, asn_ids):
    """Every kept row equals period_stats now, and every period with data has its kept row."""
    db.session.expire_all()
    kept = kept_rows(db)
    fresh = queries.period_stats(asn_ids, [p for year in YEARS for p in periods_of_year(year)])
    for key, figures in fresh.items():
        assert kept.get(key) == figures, key
    for key, figures in kept.items():
        assert figures == fresh.get(key, ResponseStats()), key
    return kept


def item(item_id, title="Antrean puskesmas"):
    return {"source": "forum", "item_type": "thread", "item_id": item_id, "title": title,
            "url": f"/forum/t/{item_id}"}


def test_kept_figures_equal_a_fresh_computation_after_each_write(app, db, org):
    asn, colleague = org.asn, org.colleague
    ids = [asn.id, colleague.id]

    def step():
        db.session.commit()
        return assert_kept_equals_fresh(db, ids)

    responses.assign_item(**item(1), unit=org.unit, asn=asn, deadline_at=at(2026, 4, 3), now=at(2026, 4, 1))
    assert step()[(asn.id, "2026-Q2")].assigned == 1
    responses.assign_item(**item(1), unit=org.unit, asn=colleague, deadline_at=at(2026, 4, 8), now=at(2026, 4, 6))
    step()
    late = responses.record_response(**item(1), answer_id=11, asn=colleague, opened_at=at(2026, 4, 1),
                                     now=at(2026, 4, 9))
    kept = step()
    assert (kept[(colleague.id, "2026-04")].answered, kept[(colleague.id, "2026-04")].deadline_met) == (1, 0)

    first = responses.record_response(**item(2), answer_id=21, asn=asn, opened_at=at(2026, 5, 4),
                                      deadline_at=at(2026, 5, 11), now=at(2026, 5, 6))
    responses.record_response(**item(2), answer_id=22, asn=colleague, opened_at=at(2026, 5, 4), now=at(2026, 5, 7))
    step()
    responses.rate_response(first, 1, "Tidak menjawab", rated_by=org.citizen, now=at(2026, 7, 15))
    responses.rate_response(late, 4, rated_by=org.citizen, now=at(2026, 7, 15))
    kept = step()
    assert kept[(asn.id, "2026")].rating_count == 1  # a rating given in July counts for May's answer

    contest = services.contest_rating(asn.user, first, "Pertanyaannya di luar kewenangan dinas kami.")
    step()
    services.decide_contest(org.moderator, contest, "dikecualikan", "Memang di luar kewenangan.")
    kept = step()
    assert kept[(asn.id, "2026-Q2")].rating_count == 0

    # An event edited as an object (moved to last December, its working time recomputed).
    late.answered_at, late.working_seconds = at(2025, 12, 30), 7200
    kept = step()
    assert kept[(colleague.id, "2025-12")].first_responses == 1
    assert kept[(colleague.id, "2026-04")].answered == 0  # the month it left is refreshed too

    # An ended assignment changes only "overdue now", which is never kept.
    responses.assign_item(**item(3), unit=org.unit, asn=asn, deadline_at=at(2026, 8, 3), now=at(2026, 8, 1))
    step()
    responses.end_assignments("forum", "thread", 3, now=at(2026, 8, 2))
    step()


def test_a_rolled_back_change_asks_for_no_refresh(db, org, make_event):
    event_row = make_event(org.asn, at(2026, 4, 1), 100, rating=5)
    refreshes = db.session.scalar(select(func.count(Job.id)).where(Job.kind == REFRESH_JOB))
    event_row.rating = 1
    db.session.flush()
    db.session.rollback()
    db.session.add(org.asn)  # an unrelated commit afterwards
    db.session.commit()
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == REFRESH_JOB)) == refreshes
    assert kept_rows(db)[(org.asn.id, "2026-Q2")].rating_sum == 5


def test_one_commit_asks_for_one_refresh_of_every_touched_asn_and_month(db, org, make_event):
    make_event(org.asn, at(2026, 4, 1), commit=False)
    make_event(org.asn, at(2026, 4, 20), commit=False)
    make_event(org.colleague, at(2026, 9, 2), commit=False)
    db.session.commit()
    job = db.session.scalar(select(Job).where(Job.kind == REFRESH_JOB))
    assert job.status == "done"
    assert set(kept_rows(db)) == {(org.asn.id, label) for label in ("2026-04", "2026-Q2", "2026-S1", "2026")} | {
        (org.colleague.id, label) for label in ("2026-09", "2026-Q3", "2026-S2", "2026")}


def test_a_refresh_never_replaces_figures_computed_after_it_started(db, org, make_event):
    make_event(org.asn, at(2026, 4, 1), 100)
    q2 = next(p for p in periods_of_year(2026) if p.label == "2026-Q2")
    row = db.session.get(KeptResponseStats, (org.asn.id, "2026-Q2"))
    row.events, row.computed_at = 99, row.computed_at + timedelta(days=1)  # as if a later refresh wrote it
    db.session.commit()
    assert refresh_response_stats(org.asn.id, [q2]) == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(KeptResponseStats, (org.asn.id, "2026-Q2")).events == 99
    row = db.session.get(KeptResponseStats, (org.asn.id, "2026-Q2"))
    row.computed_at = row.computed_at - timedelta(days=2)  # older than the next refresh
    db.session.commit()
    assert refresh_response_stats(org.asn.id, [q2]) == 1
    db.session.commit()
    assert_kept_equals_fresh(db, [org.asn.id])


def bulk_insert_events(db, asn, moments):
    db.session.execute(insert(ResponseEvent), [{
        "source": "forum", "item_type": "thread", "item_id": 5000 + n, "answer_id": None, "title": f"Utas {n}",
        "url": f"/forum/t/{n}", "unit_id": asn.unit_id, "asn_id": asn.id, "started_at": moment - timedelta(hours=2),
        "answered_at": moment, "response_seconds": 7200, "working_seconds": 3600 * (n + 1), "deadline_at": None,
        "deadline_met": None, "is_first": True, "rating": 1 + n % 5, "rating_excluded": False,
    } for n, moment in enumerate(moments)])
    db.session.commit()


def test_a_record_never_computed_is_read_live_without_writing_then_rebuilt(app, client, login, db, org):
    # Rows inserted around the ORM (a bulk import) have no kept figures until the rebuild.
    bulk_insert_events(db, org.asn, [at(2026, 2, 10), at(2026, 5, 10), at(2026, 5, 11)])
    login(org.atasan.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026").get_data(as_text=True)
    assert "Tanggapan pada periode 2026 (3)" in page
    assert kept_rows(db) == {}  # a page that reads never writes the kept figures

    result = app.test_cli_runner().invoke(args=["pembinaan", "rebuild-stats"])
    assert result.exit_code == 0, result.output
    kept = assert_kept_equals_fresh(db, [org.asn.id])
    # Every period of the ASN's year, zeros included, and the mark that no other period has anything.
    assert {label for _asn, label in kept} == {ALL_PERIODS_KEPT, *(p.label for p in periods_of_year(2026))}
    assert kept[(org.asn.id, "2026-Q2")].median_first_seconds == 9000  # (7200 + 10800) / 2
    assert client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026").get_data(as_text=True) == page


def test_the_rebuild_heals_a_wrong_row_and_drops_years_without_data(app, db, org, make_event):
    make_event(org.asn, at(2026, 4, 1), 100)
    db.session.get(KeptResponseStats, (org.asn.id, "2026")).answered = 42  # a refresh that was lost
    db.session.add(KeptResponseStats(asn_id=org.asn.id, period="2019", computed_at=at(2020, 1, 1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["pembinaan", "rebuild-stats"])
    assert result.exit_code == 0 and "19 baris" in result.output
    kept = assert_kept_equals_fresh(db, [org.asn.id])
    assert kept[(org.asn.id, "2026")].answered == 1 and (org.asn.id, "2019") not in kept


@pytest.mark.parametrize("path", ["/pembinaan/asn/{id}?periode=2026", "/pembinaan/target/{target}",
                                  "/pembinaan/evaluasi/{evaluation}"])
def test_the_audit_entry_is_written_after_the_page_is_rendered(app, client, login, db, org, path):
    target = services.add_work_target(org.atasan.user, org.asn, period="2026", title="Layanan cepat",
                                      indicators=[("Jawaban", "2 hari")])
    evaluation = services.save_evaluation(org.atasan.user, org.asn, period="2026-Q2", hasil_kerja="sesuai",
                                          perilaku_kerja="sesuai", now=at(2026, 7, 1))
    db.session.commit()
    url = path.format(id=org.asn.id, target=target.id, evaluation=evaluation.id)
    login(org.atasan.user)
    steps = []

    def on_statement(_conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            steps.append("audit insert")

    def on_render(_app, **_extra):
        steps.append("rendered")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_statement)
    template_rendered.connect(on_render, app)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        template_rendered.disconnect(on_render, app)
    # The SQLite write lock is taken by that INSERT: after the rendering, right before the commit.
    assert steps[-1] == "audit insert" and steps.count("audit insert") == 1 and "rendered" in steps


def test_after_the_rebuild_only_an_asn_it_did_not_cover_is_read_live(app, db, org, make_asn):
    bulk_insert_events(db, org.asn, [at(2025, 3, 10)])
    rebuild_response_stats()
    newcomer = make_asn(unit=org.unit, supervisor=org.atasan, name="ASN Baru")
    bulk_insert_events(db, newcomer, [at(2026, 5, 10)])  # loaded around the ORM after the rebuild
    periods = [p for p in periods_of_year(2024) if p.kind == "quarter"] + [parse_period("2026-Q2")]
    covered, uncovered = org.asn.id, newcomer.id
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        stats = queries.kept_response_stats([covered, uncovered], periods)
    assert stats[(covered, "2024-Q1")] == ResponseStats()  # covered: before the ASN's first year
    assert stats[(uncovered, "2026-Q2")].answered == 1  # not covered: computed live
    assert len(statements) == 1 + 3  # the kept rows, then period_stats for the newcomer alone
