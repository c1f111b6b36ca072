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
