"""A throwaway portal for a benchmark: a temporary folder, a SQLite database with the schema, removed after."""

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def throwaway_app(prefix, **overrides):
    """Yield (app, folder): an app on a fresh SQLite file in a temporary folder, removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    try:
        from portal import create_app
        from portal.extensions import db

        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "SEARCH_INDEX_DIR": str(folder / "search-index"), "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "UPLOAD_DIR": str(folder / "uploads"), "RATELIMIT_ENABLED": False, "LOG_REQUESTS": False,
            **overrides,
        })
        with app.app_context():
            db.create_all()
        try:
            yield app, folder
        finally:
            with app.app_context():
                db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def worker_process(app, *keys, threads=2):
    """Run `flask --app portal worker` on the throwaway app's database and queue while the block runs."""
    import subprocess

    keys = ("DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_DIR", "MAIL_OUTBOX_DIR", "UPLOAD_DIR", "JOBS_QUEUE_URL",
            "JOBS_POLL_SECONDS", *keys)
    Path(app.instance_path, "config.py").write_text("".join(f"{key} = {app.config[key]!r}\n" for key in keys))
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker", "--threads", str(threads)],
                               cwd=ROOT, env={**os.environ, "PORTAL_INSTANCE_PATH": app.instance_path},
                               stdout=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(15)
