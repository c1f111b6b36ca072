"""Time of `flask --app portal seed-demo` on an empty SQLite database (the test only checks what it writes).

    .venv/bin/python bench/seed_demo.py [--scale 1] [--repeats 3]

Each run builds a fresh temporary SQLite database (schema by db.create_all), runs the seed-demo
command through Flask's CLI runner and prints median and max seconds. Removes its folders.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_once(scale):
    folder = Path(tempfile.mkdtemp(prefix="seed-demo-bench-"))
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    try:
        from portal import create_app
        from portal.extensions import db

        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "SEARCH_INDEX_DIR": str(folder / "search-index"), "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "UPLOAD_DIR": str(folder / "uploads"), "RATELIMIT_ENABLED": False, "LOG_REQUESTS": False,
        })
        with app.app_context():
            db.create_all()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", str(scale)])
        seconds = time.perf_counter() - started
        if result.exit_code != 0:
            raise SystemExit(f"seed-demo failed:\n{result.output}")
        with app.app_context():
            db.engine.dispose()
        return seconds
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once(args.scale) for _ in range(args.repeats)]
    print(f"seed-demo --scale {args.scale}: median {statistics.median(runs):.2f} s, max {max(runs):.2f} s "
          f"over {args.repeats} runs (SQLite, one process)")


if __name__ == "__main__":
    main()
