"""Search freshness with a job worker (issue 13): commit → searchable, and a request while the index writer is busy.

    .venv/bin/python bench/search_freshness.py [--commits 30] [--requests 20] [--poll 1.0]

The tests in tests/search/test_freshness.py check the behaviour without a clock (the commit asks
a worker for a drain; no request asks for the writer lock); this script measures the times behind it.
It builds a temporary SQLite database (schema by db.create_all) and Whoosh index with one unit,
one forum category and an established resident, then, with one `flask --app portal worker`
process on the SQLite queue (SEARCH_SYNC off, as in production):
  1. opens `--commits` threads through the forum service, one commit each, and polls the search
     service until each is found: the commit → searchable latency;
  2. posts `--requests` new threads through the web form (Flask test client) with the index
     writer free, then as many while this script holds the writer lock: the request time in
     both cases, which should not differ by the lock's wait.
Prints median, p95 and max in milliseconds. Removes the temporary folder at the end.
"""

import argparse
import statistics
import time
from datetime import timedelta

from throwaway import throwaway_app, worker_process

POLL = 0.005  # seconds between searches while waiting for a document
GIVE_UP = 10.0  # seconds: a document not found by then counts as lost


def build(db):
    from forum.models import Category
    from portal.accounts.models import User, UserRole
    from portal.accounts.passwords import hash_password
    from portal.accounts.sessions import start_session
    from portal.db import utcnow
    from portal.organisation.models import Unit

    unit = Unit(name="Dinas Kesehatan", slug="dinkes")
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit)
    resident = User(name="Budi Santoso", email="budi@contoh.id", password_hash=hash_password("bench-only-123"),
                    email_verified_at=utcnow(), created_at=utcnow() - timedelta(days=30))
    resident.role_rows = [UserRole(role="warga")]
    db.session.add_all([unit, category, resident])
    db.session.flush()
    start_session(resident)
    db.session.commit()
    return category, resident, resident.get_id()


def summary(label, values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{label:<40}{statistics.median(ordered):>10.1f}{p95:>9.1f}{ordered[-1]:>9.1f}{len(ordered):>6}"


def word(n):
    """A made-up word no other document contains ('halteaab' …)."""
    letters = ""
    for _ in range(3):
        n, digit = divmod(n, 26)
        letters += chr(ord("a") + digit)
    return f"halte{letters}"


def commit_to_searchable(app, db, category, resident, commits):
    from forum import services as forum_services
    from portal.search.service import search

    latencies, lost = [], 0
    for n in range(commits):
        term = word(n)
        forum_services.open_thread(resident, category, title=f"Halte rusak nomor {n}", body=f"Kata kunci {term}.",
                                   notify=False)
        db.session.commit()
        committed = time.perf_counter()
        while search(term).total == 0:
            if time.perf_counter() - committed > GIVE_UP:
                lost += 1
                break
            time.sleep(POLL)
        else:
            latencies.append((time.perf_counter() - committed) * 1000)
    return latencies, lost


def post_threads(client, category, first, count):
    times = []
    for n in range(first, first + count):
        started = time.perf_counter()
        response = client.post("/forum/baru", data={"category": str(category.id), "title": f"Genangan nomor {n}",
                                                    "body": "Setelah hujan deras di underpass."})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 303:
            raise SystemExit(f"POST /forum/baru answered {response.status_code} {response.headers.get('Location')}")
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--poll", type=float, default=1.0, help="JOBS_POLL_SECONDS: the longest idle worker sleep")
    args = parser.parse_args()

    from portal.extensions import db
    from portal.search import drainer

    overrides = {
        "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost", "PUBLIC_BASE_URL": "http://localhost",
        "SEARCH_SYNC": False, "JOBS_IMMEDIATE": False, "JOBS_POLL_SECONDS": args.poll,
    }
    with throwaway_app("search-freshness-bench-", **overrides) as (app, _folder):
        with app.app_context():
            drainer.rebuild_index(app)
        client = app.test_client()
        with worker_process(app), app.test_request_context():
            category, resident, session_id = build(db)
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = session_id, True
            # Signs the resident in for the rest of the block: Flask-Login keeps the user in the shared `g`.
            client.get("/")
            latencies, lost = commit_to_searchable(app, db, category, resident, args.commits)
            free = post_threads(client, category, 0, args.requests)
            with drainer.get_backend(app).writer_lock(1.0) as held:
                if not held:
                    raise SystemExit("could not take the index writer lock")
                busy = post_threads(client, category, args.requests, args.requests)
    print(f"\n{'measure':<40}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}{'n':>6}")
    print(summary("commit → searchable (worker asked)", latencies))
    print(summary("POST /forum/baru, index writer free", free))
    print(summary("POST /forum/baru, index writer held", busy))
    print(f"\nWhoosh on SQLite, one worker process on the SQLite queue, JOBS_POLL_SECONDS {args.poll} s; "
          f"not searchable within {GIVE_UP:.0f} s: {lost} of {args.commits} documents.")

if __name__ == "__main__":
    main()
