"""Server time of the development record page for an ASN with 5,000 response events (issue 7).

    .venv/bin/python bench/pembinaan_record.py [--events 5000] [--repeats 60] [--period 2026]

Builds a temporary SQLite database (schema by db.create_all) with one unit, a head of unit, an
atasan and the ASN; gives the ASN `--events` response events over two years (a third rated, some
late, some second answers), 60 assignments (a few overdue), 12 trainings, 8 quarterly evaluations,
work targets with progress and a development plan. Then renders /pembinaan/asn/<id> through the
Flask test client: as the ASN (no audit entry) and as the atasan (one audit entry and a commit per
view). Prints median, p95 and max server time and the SQL statements per request, and the time of
the aggregate queries alone. Removes the temporary folder at the end.
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
    db.session.commit()
    return asn.id, asn.user.get_id(), atasan.user.get_id()


def measure(client, db, url, repeats):
    from tests.querycount import count_queries

    client.get(url)  # warm-up: templates compiled, caches filled
    times, queries = [], []
    for _ in range(repeats):
        with count_queries(db.engine) as statements:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(statements))
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, times[-1], statistics.median(queries), len(response.data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--period", default=None, help="period shown (default: the current year)")
    args = parser.parse_args()

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
            asn_id, asn_login, atasan_login = build(db, args.events)
            print(f"setup: {args.events} response events and the rest of the record in "
                  f"{time.perf_counter() - started:.1f} s (SQLite, {folder})")

            from portal.pembinaan import queries
            from portal.pembinaan.periods import current_period, parse_period

            period = parse_period(args.period) if args.period else current_period("year")
            quarters = queries.quarters_up_to(period, queries.TREND_QUARTERS)
            runs = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                queries.response_stats([asn_id], [period, *quarters])
                runs.append((time.perf_counter() - started) * 1000)
            print(f"aggregates alone (1 period + {len(quarters)} quarters, 4 queries): "
                  f"median {statistics.median(runs):.1f} ms")
            db.session.remove()

        url = f"/pembinaan/asn/{asn_id}?periode={period.label}"
        print(f"\n{'viewer':<28}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}{'queries':>9}{'KiB':>7}")
        for label, login in (("ASN (own record)", asn_login), ("atasan (audited view)", atasan_login)):
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = login, True
            with app.app_context():
                median, p95, worst, statements, size = measure(client, db, url, args.repeats)
            print(f"{label:<28}{median:>10.1f}{p95:>9.1f}{worst:>9.1f}{statements:>9.0f}{size / 1024:>7.0f}")
        print(f"\n{args.repeats} requests each through the Flask test client (server time only, one process).")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
