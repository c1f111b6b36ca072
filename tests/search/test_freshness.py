"""Freshness: the outbox is written with the content, drained after commit, and no request waits for the index.

No test here measures time: the commit-to-searchable latency and the request time while the
writer is busy are numbers for bench/search_freshness.py.
"""

import threading

import pytest
from sqlalchemy import delete, func, select, update

from forum import services as forum_services
from forum.models import Post, Thread
from portal.search import drainer
from portal.search.models import SearchOutbox
from portal.search.service import search
from tests.search.conftest import without_worker

pytestmark = pytest.mark.usefixtures("backend")



def outbox(db):
    return db.session.scalars(select(SearchOutbox.doc_key).order_by(SearchOutbox.id)).all()


def test_the_outbox_row_is_written_in_the_same_transaction(app, db, world):
    without_worker(app)
    thread = forum_services.open_thread(world.resident, world.kesehatan, title="Parkir liar di RSUD",
                                        body="Juru parkir tanpa karcis.", notify=False)
    db.session.flush()
    key = f"thread:{thread.id}"
    assert key in outbox(db)  # visible inside the transaction …
    db.session.rollback()
    assert outbox(db) == []  # … and gone with it on rollback

    thread = forum_services.open_thread(world.resident, world.kesehatan, title="Parkir liar di RSUD",
                                        body="Juru parkir tanpa karcis.", notify=False)
    db.session.commit()
    assert f"thread:{thread.id}" in outbox(db)
    assert drainer.drain_outbox(app) >= 1
    assert outbox(db) == []
    assert [i.key for i in search("karcis").items] == [f"thread:{thread.id}"]


def test_changes_that_do_not_touch_the_document_write_no_outbox_row(app, db, world, make_thread):
    thread = make_thread(title="Lampu merah mati", body="Di perempatan.")
    without_worker(app)
    forum_services.pin_thread(world.moderator, thread)
    forum_services.toggle_vote(world.neighbour, thread.posts[0])
    db.session.commit()
    assert outbox(db) == []


def test_bulk_statements_through_the_session_reach_the_outbox(app, db, world, make_thread):
    kept = make_thread(title="Pohon tumbang di Jalan Kartini", body="Menutup separuh jalan.")
    renamed = make_thread(title="Lampu taman padam", body="Sejak kemarin malam.")
    moved = make_thread(title="Got mampet di Ngagel", body="Airnya hitam.")
    db.session.execute(update(Thread).where(Thread.id == renamed.id).values(title="Lampu taman diganti baru"))
    db.session.execute(update(Post).where(Post.thread_id == kept.id).values(hidden_at=func.now()))
    db.session.execute(update(Post).where(Post.thread_id == moved.id)
                       .values(thread_id=kept.id, number=Post.number + 100))
    db.session.commit()
    assert [i.key for i in search("diganti").items] == [f"thread:{renamed.id}"]
    assert search("separuh").items == []  # the hidden post's text is gone
    assert [i.key for i in search("mampet").items] == [f"thread:{moved.id}"]  # the title stays …
    assert [i.key for i in search("hitam").items] == [f"thread:{kept.id}"]  # … the post moved

    db.session.execute(delete(Post).where(Post.thread_id == kept.id))
    db.session.execute(delete(Thread).where(Thread.id == kept.id))
    db.session.commit()
    assert search("hitam").items == [] and search("pohon").items == []


def test_bulk_statements_on_unwatched_columns_write_no_outbox_row(app, db, make_thread):
    thread = make_thread(title="Sinyal lampu lalu lintas", body="Mati total.")
    without_worker(app)
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(reply_count=Thread.reply_count + 1))
    db.session.commit()
    assert outbox(db) == []


def test_a_new_thread_through_the_web_form_is_searchable_after_the_request(client, login, world):
    login(world.resident)
    response = client.post("/forum/baru", data={
        "category": str(world.kesehatan.id), "title": "Ambulans datang terlambat",
        "body": "Kami menunggu satu jam di Jalan Darmo.",
    })
    assert response.status_code == 303
    assert search("ambulans").total == 1
    assert client.get("/cari?q=ambulans").status_code == 200


def test_a_commit_asks_a_worker_to_drain_and_no_web_process_runs_a_drainer(app, db, client, world, monkeypatch):
    # SEARCH_SYNC off, as in production; the test's queue runs each job right away (JOBS_IMMEDIATE),
    # standing in for a worker process (tests/jobs/test_worker.py runs real ones).
    app.config["SEARCH_SYNC"] = False
    queue = app.extensions["jobs"]
    asked = []
    real_call_soon = queue.call_soon
    monkeypatch.setattr(queue, "call_soon", lambda name: (asked.append(name), real_call_soon(name)))
    client.get("/")
    forum_services.open_thread(world.resident, world.kesehatan, title="Halte rusak di Jalan Ahmad Yani",
                               body="Atapnya bocor.", notify=False)
    db.session.commit()
    assert asked == ["search.drain"]
    assert search("halte").total == 1
    assert outbox(db) == []
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("search-")]


def test_no_request_waits_for_a_busy_index_writer(app, db, engine, client, login, world, monkeypatch):
    without_worker(app)
    login(world.resident)
    asked_for_the_lock = []
    real_writer_lock = engine.writer_lock

    def recorded_writer_lock(*args, **kwargs):
        asked_for_the_lock.append(args or kwargs)
        return real_writer_lock(*args, **kwargs)

    with real_writer_lock(1.0) as held:
        assert held
        monkeypatch.setattr(engine, "writer_lock", recorded_writer_lock)
        response = client.post("/forum/baru", data={
            "category": str(world.kesehatan.id), "title": "Genangan di underpass", "body": "Setelah hujan deras.",
        })
        assert response.status_code == 303
        assert client.get("/cari?q=genangan").status_code == 200
        assert asked_for_the_lock == []  # neither request went near the index writer …
        assert outbox(db) != []  # … so the change waits in the outbox
        assert drainer.drain_outbox(app, timeout=0.1) is None  # a second writer gives up instead of waiting
    assert drainer.drain_outbox(app) >= 1
    assert search("genangan").total == 1
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
