"""Time the IKM of one unit over 1,000,000 SKM responses on SQLite (issue 4).

    .venv/bin/python bench/ikm_million.py [--rows 1000000] [--repeat 5]

Builds a temporary SQLite database (WAL, the portal's own schema), bulk-inserts the responses
spread over two years (all in one unit by default, --units to spread them), rebuilds the daily totals, then times compute_ikm for one
unit over two years, a year, a quarter and a month, next to a raw scan of the responses. Prints the numbers; nothing is kept.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def raw_scan_respondents(db, model, unit_id, period):
    """The same aggregate straight over the responses (what the daily totals save)."""
    from sqlalchemy import func, select

    columns = [func.count(model.id)] + [func.sum(getattr(model, f"u{n}")) for n in range(1, 10)]
    query = select(*columns).where(model.unit_id == unit_id, model.submitted_on.between(period.start, period.end))
    return db.session.execute(query).one()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=1, help="spread the rows over this many units (1: all in the measured unit)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        os.environ["PORTAL_INSTANCE_PATH"] = folder
        from sqlalchemy import insert

        from portal import create_app
        from portal.extensions import db
        from portal.feedback.ikm import Period, compute_ikm, parse_period, rebuild_daily_totals
        from portal.feedback.models import SkmResponse
        from portal.organisation.models import Unit

        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench", "LOG_REQUESTS": False})
        with app.app_context():
            db.create_all()
            units = [Unit(slug=f"unit-{i}", name=f"Unit {i}") for i in range(args.units)]
            db.session.add_all(units)
            db.session.commit()
            rng = random.Random(1)
            start = time.perf_counter()
            first_day = date(2025, 1, 1)
            batch = []
            for n in range(args.rows):
                row = {"unit_id": units[n % args.units].id, "submitted_on": first_day + timedelta(days=rng.randrange(730))}
                row.update({f"u{k}": rng.randint(1, 4) for k in range(1, 10)})
                batch.append(row)
                if len(batch) == 20_000:
                    db.session.execute(insert(SkmResponse), batch)
                    batch.clear()
            if batch:
                db.session.execute(insert(SkmResponse), batch)
            db.session.commit()
            print(f"inserted {args.rows:,} responses in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            rebuild_daily_totals()
            db.session.commit()
            db.session.execute(db.text("ANALYZE"))
            print(f"rebuilt the daily totals in {time.perf_counter() - start:.1f} s "
                  "(the portal keeps them in step per survey; a bulk load rebuilds once)")

            unit_id = units[0].id
            print(f"{'period':<10} {'respondents':>12} {'IKM':>7} {'daily totals ms':>16} {'raw scan ms':>12}")
            for label in ("2025-2026", "2026", "2026-Q3", "2026-07"):
                period = parse_period(label) if label != "2025-2026" else Period(label, date(2025, 1, 1), date(2026, 12, 31))
                fast, slow = [], []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    result = compute_ikm(period, unit_id=unit_id)
                    fast.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    raw = raw_scan_respondents(db, SkmResponse, unit_id, period)
                    slow.append((time.perf_counter() - t) * 1000)
                assert raw == result["respondents"]
                print(f"{label:<10} {result['respondents']:>12,} {result['ikm']:>7} "
                      f"{statistics.median(fast):>16.2f} {statistics.median(slow):>12.1f}")
            plan = db.session.execute(db.text(
                "EXPLAIN QUERY PLAN SELECT count(id), sum(u1) FROM skm_responses WHERE unit_id = 1 "
                "AND submitted_on BETWEEN '2026-01-01' AND '2026-12-31'")).all()
            print("plan:", "; ".join(row[-1] for row in plan))


if __name__ == "__main__":
    main()
