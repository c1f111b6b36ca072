from pathlib import Path

import pytest

from portal import create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(folder))
    for key in ("DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_DIR", "RATELIMIT_STORAGE_URI", "PORTAL_ENV", "MAIL_SERVER", "MAIL_PORT"):
        monkeypatch.delenv(key, raising=False)
    return folder


def test_defaults_put_everything_in_the_instance_folder(instance):
    app = create_app()
    assert app.config["PORTAL_ENV"] == "development"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'portal.db'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search-index")
    assert app.config["MAIL_OUTBOX_DIR"] == str(instance / "outbox")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["MAIL_SUPPRESS_SEND"] is True  # no SMTP server: mail goes to the outbox


def test_precedence_defaults_instance_file_environment_test_config(instance, monkeypatch):
    (instance / "config.py").write_text(
        'PORTAL_ENV = "staging"\n'
        'SITE_NAME = "Dari berkas instance"\n'
        'RATELIMIT_STORAGE_URI = "memory://instance"\n'
        'SEARCH_INDEX_DIR = "/srv/instance-index"\n'
    )
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.setenv("SEARCH_INDEX_DIR", "/srv/env-index")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")

    app = create_app({"SEARCH_INDEX_DIR": "/srv/test-index"})

    assert app.config["SITE_NAME"] == "Dari berkas instance"  # instance file beats defaults
    assert app.config["PORTAL_ENV"] == "staging"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"  # environment beats the file
    assert app.config["MAIL_PORT"] == 2525 and app.config["MAIL_USE_TLS"] is True
    assert app.config["SEARCH_INDEX_DIR"] == "/srv/test-index"  # test_config beats everything


def test_database_url_from_environment_uses_psycopg3(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_secret_key_is_generated_once_into_the_instance_folder(instance):
    first = create_app().config["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert len(first) == 64
    assert create_app().config["SECRET_KEY"] == first


def test_secret_key_from_environment_is_used_and_nothing_written(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "dari-lingkungan")
    assert create_app().config["SECRET_KEY"] == "dari-lingkungan"
    assert not (instance / "secret_key").exists()


def test_production_sets_secure_cookies(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_only_gitkeep_is_tracked_in_instance():
    ignore = (Path(__file__).parents[2] / ".gitignore").read_text().splitlines()
    assert "instance/*" in ignore and "!instance/.gitkeep" in ignore
