"""Server time of the development record page for an ASN with 100 and 10,000 own response events (issues 7, 14).

    .venv/bin/python bench/pembinaan_record.py [--events 100,10000] [--others 0] [--repeats 40] [--period 2026]

For each event count, builds a temporary SQLite database (schema by db.create_all) with one unit,
a head of unit, an atasan and the ASN; gives the ASN that many response events over two years (a
third rated, some late, some second answers), 60 assignments (a few overdue), 12 trainings, 8
quarterly evaluations, work targets with progress and a development plan. The events are bulk
inserted, so the kept figures are then built once with `rebuild_response_stats` (what
`flask pembinaan rebuild-stats` does after a bulk import). Then renders /pembinaan/asn/<id>
through the Flask test client: as the ASN (no audit entry) and as the atasan (one audit entry and a
commit per view). `--others N` adds N events of 200 other ASNs (the city around the record) and
prints how long the rebuild of every kept figure took. Prints median, p95 and max server time and the SQL statements per request, and
the time of the figures alone: computed live from the events (`response_stats`, the reference)
and read from the kept rows (`kept_response_stats`). Removes the temporary folders at the end.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(db, events):
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.accounts.passwords import hash_password
    from portal.accounts.sessions import start_session
    from portal.organisation.models import AsnProfile, Unit
    from portal.pembinaan.models import DevelopmentGoal, Evaluation, ProgressUpdate, Training, WorkIndicator, WorkTarget
    from portal.pembinaan.predicate import PREDICATE_MATRIX
    from portal.responses.models import Assignment, ResponseEvent

    password = hash_password("bench-only-123")
    now = datetime.now(UTC)

    def person(name, email, nip, supervisor=None):
        user = User(name=name, email=email, password_hash=password, email_verified_at=now)
        user.role_rows = [UserRole(role="warga"), UserRole(role="asn")]
        profile = AsnProfile(nip=nip, name=name, jabatan="Analis", unit=unit, supervisor=supervisor, user=user)
        db.session.add(profile)
        return profile

    unit = Unit(slug="dinkes", name="Dinas Kesehatan")
    head = person("Kepala Dinas", "kadin@bench.id", "197005121998032004")
    atasan = person("Atasan", "atasan@bench.id", "197803042005011002", head)
    asn = person("ASN Sibuk", "asn@bench.id", "199008172015032011", atasan)
    db.session.commit()

    start = now - timedelta(days=730)
    rows = []
    for n in range(events):
        answered = start + timedelta(minutes=(730 * 24 * 60 // max(events, 1)) * n)
        seconds = (n * 7919) % (5 * 86400) + 600
        rated = n % 3 == 0
        rows.append({
            "source": ("forum", "feedback", "konsultasi")[n % 3], "item_type": "thread", "item_id": n // 2 + 1,
            "answer_id": n, "title": f"Pertanyaan warga nomor {n}", "url": f"/forum/t/{n // 2 + 1}",
            "unit_id": unit.id, "asn_id": asn.id, "started_at": answered - timedelta(seconds=seconds),
            "answered_at": answered, "response_seconds": seconds, "working_seconds": seconds,
            "deadline_at": answered + timedelta(days=1), "deadline_met": n % 7 != 0, "is_first": n % 2 == 0,
            "rating": (n % 5) + 1 if rated else None, "rating_comment": "Terima kasih, jelas." if rated else None,
            "rated_at": answered + timedelta(days=1) if rated else None, "rating_excluded": n % 97 == 0,
            "created_at": answered,
        })
    for chunk in range(0, len(rows), 1000):
        db.session.execute(insert(ResponseEvent), rows[chunk:chunk + 1000])
    db.session.execute(insert(Assignment), [{
        "source": "forum", "item_type": "thread", "item_id": 100000 + n, "title": f"Utas {n}", "url": f"/forum/t/{n}",
        "unit_id": unit.id, "asn_id": asn.id, "assigned_at": now - timedelta(days=n * 5),
        "deadline_at": now - timedelta(days=n * 5 - 2), "answered_at": None if n % 10 == 0 else now - timedelta(days=n * 5 - 1),
        "ended_at": None,
    } for n in range(60)])
    forms = ["bimbingan_teknis", "e_learning", "coaching", "seminar", "mentoring", "workshop"]
    for n in range(12):
        ends = now.date() - timedelta(days=60 * n + 10)
        db.session.add(Training(asn_id=asn.id, title=f"Pelatihan {n}", organiser="BKPSDM", form=forms[n % 6],
                                starts_on=ends - timedelta(days=2), ends_on=ends, jp=4 + n % 5 * 4))
    quarter_end = date(now.year, 3 * ((now.month - 1) // 3) + 1, 1) - timedelta(days=1)
    cells = list(PREDICATE_MATRIX.items())
    for n in range(8):
        end = quarter_end
        for _ in range(n):
            end = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1) - timedelta(days=1)
        (hasil, perilaku), predicate = cells[n % 9]
        label = f"{end.year}-Q{(end.month - 1) // 3 + 1}"
        db.session.add(Evaluation(asn_id=asn.id, period=label, period_end=end, evaluator_id=atasan.id,
                                  hasil_kerja=hasil, perilaku_kerja=perilaku, predicate=predicate,
                                  behaviour_notes={"akuntabel": "Rapi"}, summary="Catatan", asn_response="Tanggapan"))
    year = now.year
    for n in range(3):
        target = WorkTarget(asn_id=asn.id, period=str(year), period_start=date(year, 1, 1),
                            period_end=date(year, 12, 31), title=f"Rencana hasil kerja {n}")
        target.indicators = [WorkIndicator(position=i, description=f"Indikator {i}", target_value="90%")
                             for i in range(1, 3)]
        target.updates = [ProgressUpdate(kind="progress", body="Kemajuan", percent=20 * i, author_id=asn.user_id)
                          for i in range(1, 4)]
        db.session.add(target)
    for n in range(3):
        db.session.add(DevelopmentGoal(asn_id=asn.id, goal=f"Tujuan {n}", actions="Langkah", owner="ASN",
                                       due_on=now.date() + timedelta(days=30), status="berjalan",
                                       acknowledged_at=now))
    # Server-side sessions: the test client signs in with the "<user id>:<token>" Flask-Login keeps.
    logins = [f"{profile.user.id}:{start_session(profile.user)}" for profile in (asn, atasan)]
    db.session.commit()
    return asn.id, *logins


def add_others(db, count):
    """Give `count` response events to 200 other ASNs of another unit, over the same two years."""
    from sqlalchemy import insert

    from portal.organisation.models import AsnProfile, Unit
    from portal.responses.models import ResponseEvent

    unit = Unit(slug="dispendik", name="Dinas Pendidikan")
    people = [AsnProfile(nip=f"19900101201503{n // 1000 % 10}{n:03d}", name=f"ASN {n}", jabatan="Staf", unit=unit)
              for n in range(200)]
    db.session.add_all(people)
    db.session.commit()
    ids = [p.id for p in people]
    start = datetime.now(UTC) - timedelta(days=730)
    step = 730 * 24 * 3600 / max(count, 1)
    for chunk in range(0, count, 20000):
        db.session.execute(insert(ResponseEvent), [{
            "source": "forum", "item_type": "thread", "item_id": 10_000_000 + n, "answer_id": None,
            "title": f"Pertanyaan {n}", "url": f"/forum/t/{n}", "unit_id": unit.id, "asn_id": ids[n % len(ids)],
            "started_at": start + timedelta(seconds=n * step - 3600), "answered_at": start + timedelta(seconds=n * step),
            "response_seconds": 3600, "working_seconds": 3600 + n % 7200, "deadline_at": None, "deadline_met": None,
            "is_first": True, "rating": n % 5 + 1 if n % 3 == 0 else None, "rating_excluded": False,
        } for n in range(chunk, min(count, chunk + 20000))])
        db.session.commit()


def measure(client, engine, url, repeats):
    from tests.querycount import count_queries

    client.get(url)  # warm-up: templates compiled, caches filled
    times, queries = [], []
    for _ in range(repeats):
        with count_queries(engine) as statements:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
        queries.append(len(statements))
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, times[-1], statistics.median(queries), len(response.data)


def median_ms(function, repeats):
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def run(events, repeats, period_text, others=0):
    """Build one record of `events` own events and return its rows of the result table."""
    folder = Path(tempfile.mkdtemp(prefix="pembinaan-bench-"))
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    try:
        from portal import create_app
        from portal.extensions import db

        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"), "UPLOAD_DIR": str(folder / "uploads"),
            "RATELIMIT_ENABLED": False, "LOG_REQUESTS": False, "WTF_CSRF_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            asn_id, asn_login, atasan_login = build(db, events)
            if others:
                add_others(db, others)
            from portal.pembinaan import queries, stats
            from portal.pembinaan.periods import current_period, parse_period

            rebuild_started = time.perf_counter()
            stats.rebuild_response_stats()
            rebuilt = time.perf_counter() - rebuild_started
            print(f"setup: {events} own response events ({others} of other ASNs), the rest of the record and the "
                  f"kept figures in {time.perf_counter() - started:.1f} s, of which the rebuild {rebuilt:.1f} s "
                  f"(SQLite, {folder})")

            period = parse_period(period_text) if period_text else current_period("year")
            periods = [period, *queries.quarters_up_to(period, queries.TREND_QUARTERS)]
            live = median_ms(lambda: queries.response_stats([asn_id], periods), repeats)
            kept = median_ms(lambda: queries.kept_response_stats([asn_id], periods), repeats)
            db.session.remove()

            engine = db.engine
        url = f"/pembinaan/asn/{asn_id}?periode={period.label}"
        # No app context around the requests: each gets its own, so its own session with an empty
        # identity map, as in production.
        rows = []
        for label, login in (("ASN (own record)", asn_login), ("atasan (audited view)", atasan_login)):
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = login, True
            rows.append((events, label, *measure(client, engine, url, repeats)))
        engine.dispose()
        return rows, (events, len(periods), live, kept)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="100,10000", help="own event counts, comma-separated")
    parser.add_argument("--others", type=int, default=0, help="response events of 200 other ASNs")
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--period", default=None, help="period shown (default: the current year)")
    args = parser.parse_args()

    results, figures = [], []
    for events in (int(text) for text in args.events.split(",")):
        rows, timing = run(events, args.repeats, args.period, args.others)
        results += rows
        figures.append(timing)

    print(f"\n{'events':>7}  {'viewer':<24}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}{'queries':>9}{'KiB':>7}")
    for events, label, median, p95, worst, statements, size in results:
        print(f"{events:>7}  {label:<24}{median:>10.1f}{p95:>9.1f}{worst:>9.1f}{statements:>9.0f}{size / 1024:>7.0f}")
    print(f"\n{'events':>7}  {'figures of':<12}{'live (response_stats) ms':>26}{'kept rows ms':>14}")
    for events, count, live, kept in figures:
        print(f"{events:>7}  {f'{count} periods':<12}{live:>26.1f}{kept:>14.1f}")
    print(f"\n{args.repeats} requests each through the Flask test client (server time only, one process).")


if __name__ == "__main__":
    main()
