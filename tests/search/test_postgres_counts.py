"""PostgreSQL: facet counts kept ready for common stems agree with counting the matches, after any change."""

import os

import pytest
from sqlalchemy import text

from forum import services as forum_services
from portal.search.backends import Filters
from portal.search.backends.postgres_backend import PostgresBackend
from portal.search.drainer import rebuild_index
from portal.search.models import SearchCountedStem
from portal.search.query import parse_query
from tests.querycount import count_queries

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="the PostgreSQL backend needs TEST_DATABASE_URL")

# Written apart from the backend's own recount, so a mistake there cannot hide here.
RECOUNT_SQL = """
SELECT s.stem, d.type, coalesce(d.unit, ''), coalesce(d.status, ''), count(*)
FROM search_documents d CROSS JOIN unnest(tsvector_to_array(d.tsv)) AS s(stem)
WHERE s.stem IN (SELECT stem FROM search_counted_stems)
GROUP BY 1, 2, 3, 4
"""
KEPT_SQL = "SELECT stem, type, unit, status, documents FROM search_stem_counts WHERE documents <> 0"


@pytest.fixture
def engine(app):
    app.config.update(SEARCH_BACKEND="postgres", SEARCH_SYNC=True, SEARCH_COUNTED_STEMS_FROM=2)
    from portal.search.drainer import get_backend

    return get_backend(app)


@pytest.fixture
def content(world, make_thread, make_feedback, make_consultation):
    threads = [make_thread(title="Antrean puskesmas panjang", body="Pelayanan loket lambat sekali."),
               make_thread(title="Puskesmas tutup siang", body="Pelayanan berhenti jam dua belas.",
                           category=world.pendidikan),
               make_thread(title="Sekolah kekurangan guru", body="Pelayanan administrasi lambat.")]
    feedback = [make_feedback(title="Pelayanan puskesmas lambat", body="Antrean tiga jam."),
                make_feedback(title="Guru sering absen", body="Pelayanan sekolah buruk.", unit=world.dispendik)]
    consultation = make_consultation(title="Jam pelayanan puskesmas")
    return threads, feedback, consultation


def assert_counts_agree(db, engine):
    kept = {tuple(row) for row in db.session.execute(text(KEPT_SQL))}
    assert kept == {tuple(row) for row in db.session.execute(text(RECOUNT_SQL))}
    counting = PostgresBackend(engine.engine, use_counted_stems=False)
    stems = db.session.scalars(db.select(SearchCountedStem.stem)).all()
    assert stems
    for stem in stems:
        for filters in (Filters(), Filters(type="thread"), Filters(unit="dinkes"), Filters(status="terbuka"),
                        Filters(type="feedback", unit="dispendik")):
            fast = engine.search(parse_query(stem), filters)
            slow = counting.search(parse_query(stem), filters)
            assert (fast.total, fast.facets) == (slow.total, slow.facets), (stem, filters)
            assert [hit.key for hit in fast.hits] == [hit.key for hit in slow.hits]


def test_reindex_chooses_common_stems_and_one_word_searches_read_their_counts(app, db, engine, content):
    rebuild_index(app)
    stems = set(db.session.scalars(db.select(SearchCountedStem.stem)))
    assert {"layan", "puskesmas"} <= stems  # in 2+ documents …
    assert "administrasi" not in stems  # … but not a word found once
    with count_queries(db.engine) as statements:
        page = engine.search(parse_query("pelayanan"), Filters())
    assert page.total == 6 and page.facets["type"] == {"thread": 3, "feedback": 2, "konsultasi": 1}
    assert any("search_stem_counts" in sql for sql in statements)
    assert not any("GROUP BY 1, 2, 3\n" in sql or sql.rstrip().endswith("GROUP BY 1, 2, 3") for sql in statements)
    assert_counts_agree(db, engine)


def test_counts_follow_every_change(app, db, world, engine, make_thread, make_feedback, content):
    threads, feedback, consultation = content
    rebuild_index(app)
    make_thread(title="Pelayanan puskesmas malam", body="Buka sampai jam sembilan.")  # new
    forum_services.edit_post(world.resident, threads[0].posts[0], "Sekarang antrean sudah pendek.",
                             title="Antrean puskesmas pendek")  # edited: "layan" leaves this document
    forum_services.hide_post(world.moderator, threads[1].posts[0], "Spam")  # hidden
    forum_services.move_thread(world.moderator, threads[2], world.kesehatan)  # another unit
    feedback[1].is_public = False  # made private
    db.session.commit()
    gone = make_thread(title="Pelayanan salah kategori", body="Dihapus penulisnya.")
    forum_services.delete_post(world.resident, gone.posts[0])  # deleted
    db.session.commit()
    assert_counts_agree(db, engine)
    counted = engine.search(parse_query("pelayanan"), Filters())
    assert counted.facets["unit"] == {"dinkes": counted.total}


def test_verify_reports_and_fixes_counts_that_drifted(app, db, engine, content):
    rebuild_index(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with db.engine.begin() as connection:  # e.g. someone edited the table by hand
        connection.execute(text("UPDATE search_stem_counts SET documents = documents + 5 WHERE stem = 'layan'"))
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "Hitungan kata umum berbeda" in result.output
    result = runner.invoke(args=["search", "verify", "--fix"])
    assert result.exit_code == 0, result.output
    assert engine.derived_drift() == {}
    assert_counts_agree(db, engine)
