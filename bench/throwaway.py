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
