"""The Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""

import os
import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from portal import create_app
from portal.config import database_uri
from portal.extensions import db
from tests.conftest import base_config

pytestmark = pytest.mark.slow


def migrate_and_compare(tmp_path, url):
    app = create_app(base_config(tmp_path, url))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            tables = set(inspect(conn).get_table_names())
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    return diff, tables, left


def test_migrations_build_the_model_schema_on_sqlite(tmp_path):
    diff, tables, left = migrate_and_compare(tmp_path, f"sqlite:///{tmp_path / 'migrated.db'}")
    assert diff == []
    assert set(db.metadata.tables) <= tables
    assert left == set()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_migrations_build_the_model_schema_on_postgresql(tmp_path):
    # A database of its own: the suite's schema in TEST_DATABASE_URL stays untouched.
    admin_url = database_uri(os.environ["TEST_DATABASE_URL"])
    name = f"portal_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        diff, tables, left = migrate_and_compare(tmp_path, url)
        assert diff == []
        assert set(db.metadata.tables) <= tables
        assert left == set()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_issue_12_migration_replaces_handles_made_from_names_and_keeps_decimal_jp(tmp_path):
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'handles.db'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="055fc21e0af1")
        with db.engine.begin() as conn:
            for i, (name, handle) in enumerate([
                ("Sari Wulandari", "sariwulandari"),
                ("Sari Wulandari", "sariwulandari2"),  # the old suffix for a second Sari
                ("Budi Santoso", "pejalankaki"),  # chosen by the person: kept
                ("Warga", "warga"),
            ]):
                conn.execute(
                    text("INSERT INTO users (id, email, name, handle, created_at, email_notifications, session_version) "
                         "VALUES (:id, :email, :name, :handle, '2026-01-01 00:00:00', 1, 1)"),
                    {"id": i + 1, "email": f"u{i}@contoh.id", "name": name, "handle": handle},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            handles = [row[0] for row in conn.execute(text("SELECT handle FROM users ORDER BY id"))]
        db.engine.dispose()
    assert handles[2:] == ["pejalankaki", "warga"]
    assert all(h.startswith("warga") and h[5:].isdigit() and len(h) == 11 for h in handles[:2])
    assert handles[0] != handles[1]


def _insert(conn, table, **values):
    """Insert a row giving every NOT NULL column a plain value unless given (the schema of that revision)."""
    plain = {"INTEGER": 0, "BOOLEAN": False, "VARCHAR": "x", "TEXT": "x", "DATETIME": "2026-01-01 00:00:00"}
    for column in inspect(conn).get_columns(table):
        if column["name"] not in values and not column["nullable"] and column["default"] is None:
            kind = str(column["type"]).split("(")[0].upper()
            values[column["name"]] = plain.get(kind, "2026-01-01 00:00:00" if "DATE" in kind else "x")
    names, marks = ", ".join(values), ", ".join(f":{name}" for name in values)
    # Table and column names come from the test and the schema inspector, the values are bound.
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)  # noqa: S608


def test_the_issue_14_migration_counts_the_threads_already_there(tmp_path):
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'totals.db'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="a267ed671dba")
        with db.engine.begin() as conn:
            _insert(conn, "units", id=1, slug="dinkes", name="Dinas Kesehatan")
            _insert(conn, "users", id=1, email="w@contoh.id", name="Warga", handle="warga")
            for category in (1, 2):
                _insert(conn, "forum_categories", id=category, slug=f"k{category}", name=f"K{category}", unit_id=1)
            for i, (deleted, hidden, activity) in enumerate([
                (None, None, "2026-03-01 08:00:00"), (None, None, "2026-03-05 08:00:00"),
                (None, "2026-03-09 08:00:00", "2026-03-09 08:00:00"),  # hidden: neither counted nor latest
                ("2026-03-10 08:00:00", None, "2026-03-10 08:00:00"),  # deleted
            ]):
                _insert(conn, "forum_threads", id=i + 1, category_id=1, author_id=1, title=f"Utas {i}",
                        deleted_at=deleted, hidden_at=hidden, last_activity_at=activity)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, thread_count, last_activity_at FROM forum_categories ORDER BY id")).all()
        db.engine.dispose()
    assert [(row[0], row[1], str(row[2])[:19] if row[2] else None) for row in rows] == [
        (1, 2, "2026-03-05 08:00:00"), (2, 0, None)]
