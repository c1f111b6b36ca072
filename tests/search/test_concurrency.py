"""Several writers at once — threads of one worker, and separate worker processes — lose no update."""

import multiprocessing
import threading
from datetime import timedelta

import pytest

from forum import services as forum_services
from forum.models import Category
from portal.accounts.models import User
from portal.db import utcnow
from portal.search import drainer
from portal.search.maintenance import verify_index
from portal.search.service import search

pytestmark = pytest.mark.usefixtures("backend")
WRITERS, POSTS_EACH = 4, 5


def post_threads(app, user_id, category_id, tag, count):
    """Open `count` threads as one worker would: each in its own transaction, drained after commit."""
    from portal.extensions import db

    with app.app_context():
        for n in range(count):
            author, category = db.session.get(User, user_id), db.session.get(Category, category_id)
            forum_services.open_thread(author, category, title=f"Laporan {tag} nomor {n}",
                                       body=f"Isi laporan serentak {tag}.", notify=False)
            db.session.commit()


def worker_process(config, user_id, category_id, tag, count):
    """A separate process with its own app (spawned, like a gunicorn worker)."""
    from portal import create_app

    post_threads(create_app(config), user_id, category_id, tag, count)


@pytest.fixture
def writers(db, make_user):
    users = [make_user(name=f"Penulis {n}") for n in range(WRITERS)]
    for user in users:  # established accounts: no new-account posting limit
        user.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return [user.id for user in users]


def assert_every_document_is_searchable(app, tags):
    drainer.drain_outbox(app)  # anything a busy writer left behind
    result = search("serentak")
    assert result.total == WRITERS * POSTS_EACH
    for tag in tags:
        assert search(f"laporan {tag}").total == POSTS_EACH, tag
    assert not verify_index(app).drift


def test_threads_writing_and_draining_at_once_lose_nothing(app, world, writers):
    tags = [f"benang{chr(97 + n)}" for n in range(WRITERS)]
    threads = [threading.Thread(target=post_threads, args=(app, user_id, world.kesehatan.id, tag, POSTS_EACH))
               for user_id, tag in zip(writers, tags, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert_every_document_is_searchable(app, tags)


@pytest.mark.slow
def test_processes_writing_and_draining_at_once_lose_nothing(app, world, writers):
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR",
                                               "MAIL_OUTBOX_DIR", "UPLOAD_DIR", "SERVER_NAME", "SEARCH_BACKEND")}
    config.update(SEARCH_SYNC=True, LOG_REQUESTS=False, RATELIMIT_ENABLED=False)
    drainer.drain_outbox(app)  # create the index before the workers race for it
    tags = [f"proses{chr(97 + n)}" for n in range(WRITERS)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=worker_process, args=(config, user_id, world.kesehatan.id, tag, POSTS_EACH))
                 for user_id, tag in zip(writers, tags, strict=True)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [0] * WRITERS
    assert_every_document_is_searchable(app, tags)
