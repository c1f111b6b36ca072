"""Operations: reindex with swap, verify, drift repair, corrupt or missing index, health."""

import os
import threading

import pytest
from sqlalchemy import delete, update

from forum import services as forum_services
from forum.models import Category, Thread
from portal.accounts.models import User
from portal.search import drainer
from portal.search.backends import ReindexRunning
from portal.search.backends.whoosh_backend import BUILD_LOCK, CURRENT, FileLock
from portal.search.maintenance import verify_index
from portal.search.models import SearchDocument, SearchDocumentText, SearchOutbox
from portal.search.service import search
from tests.search.conftest import POSTGRES, without_worker

pytestmark = pytest.mark.usefixtures("backend")
whoosh_only = pytest.mark.parametrize("backend", ["whoosh"], indirect=True)


@pytest.fixture
def content(make_thread, make_feedback, make_consultation):
    return [make_thread(title="Sampah menumpuk di pasar", body="Sudah tiga hari."),
            make_feedback(title="Sampah tidak diangkut", body="Truk tidak datang."),
            make_consultation(title="Dialog pengelolaan sampah")]


def test_reindex_rebuilds_everything_and_reports_speed(app, content):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "3 dokumen diindeks" in result.output and "dokumen/detik" in result.output
    assert search("sampah").total == 3


def test_verify_passes_when_in_step_and_fails_on_drift(app, db, engine, content):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output
    assert "sesuai" in result.output

    # SQL sent around the Session (a console, a raw connection) is invisible to the outbox: drift.
    thread = content[0]
    with db.engine.begin() as connection:
        connection.execute(update(Thread).where(Thread.id == thread.id).values(title="Sampah dibakar warga"))
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert f"thread:{thread.id}" in result.output and "Isi berbeda" in result.output

    result = runner.invoke(args=["search", "verify", "--fix"])
    assert result.exit_code == 0, result.output
    assert search("dibakar").total == 1
    assert not verify_index(app).drift


def test_verify_counts_missing_and_extra_documents(app, db, engine, content):
    thread = content[0]
    with db.engine.begin() as connection:
        connection.execute(update(Thread).where(Thread.id == thread.id).values(hidden_at=db.func.now()))
    engine.apply(db.session, {"thread:999": None})  # no-op delete
    db.session.commit()
    report = verify_index(app)
    assert report.extra == [f"thread:{thread.id}"]
    assert search("pasar").items == []  # the database check hides it even before the repair


def test_pending_outbox_rows_are_not_drift(app, db, content):
    without_worker(app)
    content[1].title = "Sampah dan banjir"
    db.session.commit()
    report = verify_index(app)
    assert not report.drift and report.pending == [f"feedback:{content[1].id}"]


@whoosh_only
def test_reindex_swaps_generations_and_keeps_only_two(app, engine, content):
    runner = app.test_cli_runner()
    for _ in range(3):
        assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    generations = [name for name in os.listdir(engine.root) if name.startswith("gen-")]
    assert len(generations) == 2
    assert engine.current_generation() in generations
    assert search("sampah").total == 3


@whoosh_only
def test_changes_drained_during_a_reindex_are_replayed_into_the_new_generation(app, db, world, engine, content,
                                                                             monkeypatch):
    registry = drainer.get_state(app).registry
    original = registry.iter_documents
    resident_id, category_id = world.resident.id, world.kesehatan.id

    def post_from_another_worker():
        with app.app_context():
            forum_services.open_thread(db.session.get(User, resident_id), db.session.get(Category, category_id),
                                       title="Posyandu pindah tempat", body="Sekarang di balai RW.", notify=False)
            db.session.commit()  # drained at once into the *old* generation

    def iter_while_someone_posts(session, *args, **kwargs):
        for number, batch in enumerate(original(session, *args, **kwargs)):
            if number == 0:
                worker = threading.Thread(target=post_from_another_worker)
                worker.start()
                worker.join()
            yield batch

    monkeypatch.setattr(registry, "iter_documents", iter_while_someone_posts)
    assert app.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    monkeypatch.setattr(registry, "iter_documents", original)
    assert search("posyandu").total == 1
    assert not verify_index(app).drift


@whoosh_only
def test_small_segments_from_drains_are_merged_and_updates_stay_correct(app, db, engine, make_thread):
    app.config["SEARCH_MAX_SEGMENTS"] = 3
    engine.max_segments = 3
    threads = [make_thread(title=f"Pohon tumbang nomor {n}", body="Menutup jalan.") for n in range(8)]
    segments = len(engine._open(engine.current_generation())._segments())
    assert segments <= 4  # every drain adds a segment; the idle drainer folds the small ones
    threads[0].title = "Pohon sudah dipotong"
    db.session.commit()
    assert search("tumbang").total == 7 and search("dipotong").total == 1
    assert not verify_index(app).drift


@whoosh_only
def test_a_reused_searcher_sees_later_deletions(app, db, engine, world, make_thread, caplog):
    # whoosh-reloaded's own searcher.refresh() keeps a segment's old deletion set: a deleted or
    # updated document would linger. The backend refreshes segment by segment instead.
    first = make_thread(title="Lampu taman padam", body="Sejak kemarin.")
    make_thread(title="Lampu jalan padam", body="Di Jalan Kenjeran.")
    assert search("lampu").total == 2
    searcher = engine._searcher()
    forum_services.delete_post(world.resident, first.posts[0])
    db.session.commit()
    with caplog.at_level("WARNING", logger="portal.search"):
        assert search("lampu").total == 1
        assert search("taman").total == 0
    assert engine._searcher() is not searcher
    assert not [r for r in caplog.records if "refresh failed" in r.getMessage()]


@whoosh_only
def test_a_second_reindex_at_once_is_refused(app, engine, content):
    os.makedirs(engine.root, exist_ok=True)
    lock = FileLock(os.path.join(engine.root, BUILD_LOCK))
    assert lock.acquire()
    try:
        with pytest.raises(ReindexRunning):
            drainer.rebuild_index(app)
        result = app.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 1 and "sedang berjalan" in result.output
    finally:
        lock.release()


@whoosh_only
def test_reindex_failure_exits_non_zero(app, tmp_path, content):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    app.config["SEARCH_INDEX_DIR"] = str(blocker / "index")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 1 and "gagal" in result.output


@whoosh_only
def test_a_corrupt_index_is_rebuilt_not_a_crash(app, client, engine, content):
    assert search("sampah").total == 3
    folder = os.path.join(engine.root, engine.current_generation())
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(b"junk" * 64)
    engine.forget_searcher()
    response = client.get("/cari?q=sampah")
    assert response.status_code == 200
    assert search("sampah").total == 3
    assert client.get("/healthz").get_json()["checks"]["search"]["status"] == "ok"


@whoosh_only
def test_a_missing_index_is_rebuilt(app, client, engine, content):
    os.unlink(os.path.join(engine.root, CURRENT))
    assert client.get("/healthz").get_json()["checks"]["search"]["documents"] == 0
    assert client.get("/cari?q=sampah").status_code == 200
    assert search("sampah").total == 3


@whoosh_only
def test_without_sync_a_broken_index_answers_with_a_message_and_a_worker_rebuilds_it(app, engine, content):
    without_worker(app)
    os.unlink(os.path.join(engine.root, CURRENT))
    result = search("sampah")
    assert result.items == [] and any("sedang disiapkan" in m for m in result.messages)
    # What a worker does next: take the queued job and run it.
    huey = app.extensions["jobs"].huey
    queued = huey.dequeue()
    assert (queued.name, queued.args) == ("portal.call", ("search.rebuild",))
    huey.execute(queued)
    assert search("sampah").total == 3


def test_healthz_reports_search_and_the_outbox_lag(app, db, client, content):
    without_worker(app)
    content[0].title = "Sampah sudah diangkut"
    db.session.commit()
    check = client.get("/healthz").get_json()["checks"]["search"]
    assert check["status"] == "ok" and check["documents"] == 3
    assert check["pending"] == 1 and check["oldest_pending_seconds"] is not None
    db.session.execute(delete(SearchOutbox))
    db.session.commit()


def test_drain_command(app, db, content):
    without_worker(app)
    content[0].title = "Sampah plastik di sungai"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "drain"])
    assert result.exit_code == 0 and "1 perubahan" in result.output
    assert search("plastik").total == 1


@pytest.mark.parametrize("backend", [POSTGRES], indirect=True)
def test_postgres_rebuild_removes_rows_nobody_may_see(app, db, engine, content):
    db.session.add(SearchDocument(doc_key="thread:4242", type="thread", object_id=4242, title="Hantu",
                                  date=content[0].created_at))
    db.session.add(SearchDocumentText(doc_key="thread:4242", body="", content_hash="x"))
    db.session.commit()
    assert drainer.rebuild_index(app) == 3
    assert db.session.get(SearchDocument, "thread:4242") is None

