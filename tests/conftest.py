"""Shared fixtures: a fresh app and database per test, factories, login and mail helpers.

The database is SQLite by default; set TEST_DATABASE_URL (e.g.
postgresql://postgres@127.0.0.1:5432/test) to run the same suite on PostgreSQL.
"""

import itertools
import os
import shutil

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, exc, text

from portal import create_app
from portal.accounts.models import User, UserRole
from portal.accounts.passwords import hash_password
from portal.config import database_uri
from portal.db import utcnow
from portal.extensions import db as _db
from portal.extensions import mail
from portal.organisation.models import AsnProfile, Service, Unit

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "rahasia123"
_PASSWORD_HASH = hash_password(PASSWORD)  # scrypt is slow on purpose: hash once per run


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (per-test file)'}"


def base_config(tmp_path, database_url):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LOG_REQUESTS": False,
        "SERVER_NAME": "localhost",
        "PUBLIC_BASE_URL": "http://localhost",
        # Each job runs in-process right after its commit; tests of the real worker turn this off.
        "JOBS_IMMEDIATE": True,
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Build the schema once; each test copies the file (much faster than create_all)."""
    if TEST_DATABASE_URL:
        return None
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app(base_config(folder, f"sqlite:///{path}"))
    with app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema(tmp_path_factory):
    """Create the schema once per run on the PostgreSQL test database."""
    if not TEST_DATABASE_URL:
        return None
    folder = tmp_path_factory.mktemp("pg")
    app = create_app(base_config(folder, TEST_DATABASE_URL))
    with app.app_context():
        with _db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        _db.create_all()
        _db.engine.dispose()
    return True


RESET_SEQUENCES = ("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relkind = 'S' AND n.nspname = 'public'")


def _empty_postgres(engine):
    """Empty every table and restart the ids at 1 after a test.

    DELETE on a few rows takes ~15 ms for all tables; TRUNCATE took ~400 ms (it swaps every
    table's files), most of a PostgreSQL run's time. FK triggers are off while deleting
    (session_replication_role needs a superuser, as on the test machine), because some tables
    reference each other in a cycle; without the right, TRUNCATE does the job.
    """
    tables = list(reversed(_db.metadata.sorted_tables))
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                conn.execute(table.delete())
            conn.execute(text(RESET_SEQUENCES))
    except exc.ProgrammingError:  # no superuser: the slow, always-allowed way
        quoted = ", ".join(f'"{table.name}"' for table in tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_schema):
    if not TEST_DATABASE_URL:
        yield None
        return
    engine = create_engine(database_uri(TEST_DATABASE_URL))
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, sqlite_template, postgres_schema, postgres_cleaner):
    if TEST_DATABASE_URL:
        yield TEST_DATABASE_URL
        _empty_postgres(postgres_cleaner)
    else:
        path = tmp_path / "portal.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Forget the user Flask-Login cached in `g` before each request.

    pytest-flask keeps a request context open for the whole test, and client requests reuse
    its app context; a template rendered by the test body (an e-mail) would otherwise leave
    an anonymous user cached in `g` for the next request.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(request, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    config = base_config(tmp_path, database_url)
    marker = request.node.get_closest_marker("app_config")
    if marker:
        config.update(marker.kwargs)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def mailbox(app):
    """Every mail the test sends, as Flask-Mail Message objects."""
    with mail.record_messages() as outbox:
        yield outbox


_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(name=None, email=None, roles=("warga",), verified=True, password=PASSWORD):
        n = next(_counter)
        user = User(
            name=name or f"Pengguna {n}",
            email=email or f"user{n}@contoh.id",
            password_hash=_PASSWORD_HASH if password == PASSWORD else hash_password(password),
            email_verified_at=utcnow() if verified else None,
        )
        user.role_rows = [UserRole(role=role) for role in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_unit(db):
    def make(name=None, slug=None, services=()):
        n = next(_counter)
        unit = Unit(name=name or f"Dinas Uji {n}", slug=slug or f"dinas-uji-{n}")
        for service_name in services:
            m = next(_counter)
            unit.services.append(Service(name=service_name, slug=f"layanan-{m}"))
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


def nip_for(n, birth="19850312", tmt="201001", sex="1"):
    """A valid NIP with sequence number n (1–999)."""
    return f"{birth}{tmt}{sex}{n % 999 + 1:03d}"


@pytest.fixture
def make_asn(db, make_user, make_unit):
    def make(unit=None, supervisor=None, user=..., name=None, jabatan="Pranata Komputer", nip=None, extra_roles=()):
        n = next(_counter)
        if user is ...:
            user = make_user(name=name, roles=("warga", "asn", *extra_roles))
        profile = AsnProfile(
            nip=nip or nip_for(n, birth=f"1980{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}"),
            name=name or (user.name if user else f"ASN {n}"),
            jabatan=jabatan,
            unit=unit or make_unit(),
            supervisor=supervisor,
            user=user,
        )
        db.session.add(profile)
        db.session.commit()
        return profile

    return make


def session_id_for(user):
    """Open a server-side session for the user and return the id Flask-Login keeps in the cookie."""
    from portal.accounts.sessions import start_session

    start_session(user)
    _db.session.commit()
    return user.get_id()


@pytest.fixture
def login(client):
    """Sign a user in on the test client (the real login form is tested on its own)."""

    def do_login(user):
        user_id = session_id_for(user)
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        return user

    return do_login
