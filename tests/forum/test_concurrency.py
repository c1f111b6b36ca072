"""Concurrent replies and votes from several workers at once (PostgreSQL: real row locks and races)."""

import os
import threading

import pytest
from sqlalchemy import func, select

from forum import services
from forum.models import Post, PostVote, Thread
from portal.accounts.models import User

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]


def in_parallel(app, jobs):
    """Run each job in its own thread with its own app context (own session and connection)."""
    errors = []
    barrier = threading.Barrier(len(jobs), timeout=30)

    def run(job):
        with app.app_context():
            from portal.extensions import db

            try:
                barrier.wait()
                job(db)
                db.session.commit()
            except Exception as error:  # collected and reported by the test
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_concurrent_replies_get_distinct_consecutive_numbers(app, db, thread, make_resident):
    writers = [make_resident(name=f"Penulis {i}").id for i in range(8)]
    thread_id = thread.id

    def job_for(user_id):
        def job(db):
            user, target = db.session.get(User, user_id), db.session.get(Thread, thread_id)
            for i in range(5):
                services.reply(user, target, f"Balasan {i} dari {user_id}", notify=False)
        return job

    assert in_parallel(app, [job_for(user_id) for user_id in writers]) == []
    db.session.expire_all()
    numbers = db.session.scalars(select(Post.number).where(Post.thread_id == thread_id).order_by(Post.number)).all()
    assert numbers == list(range(1, 42))
    refreshed = db.session.get(Thread, thread_id)
    assert (refreshed.post_count, refreshed.reply_count) == (41, 40)


def test_concurrent_votes_count_exactly_and_duplicates_never_fail(app, db, thread, make_resident):
    voters = [make_resident(name=f"Pemilih {i}").id for i in range(10)]
    post_id = thread.posts[0].id

    def job_for(user_id):
        def job(db):
            services.toggle_vote(db.session.get(User, user_id), db.session.get(Post, post_id), want=True)
        return job

    # Every voter twice at the same moment: a double click from two tabs.
    assert in_parallel(app, [job_for(user_id) for user_id in voters * 2]) == []
    db.session.expire_all()
    assert db.session.get(Post, post_id).vote_count == 10
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 10
