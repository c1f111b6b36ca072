"""Links in mail ignore the Host header; proxies, trusted hosts and start-up warnings."""

import logging
import re

import pytest

from portal import create_app
from portal.extensions import db as _db
from tests.conftest import base_config

PUBLIC = "https://partisipasi.surabaya.go.id"


@pytest.mark.app_config(SERVER_NAME=None, PUBLIC_BASE_URL=PUBLIC)
def test_a_forged_host_does_not_reach_the_mailed_reset_link(client, make_user, mailbox):
    make_user(email="sari@contoh.id")
    response = client.post("/akun/lupa-sandi", data={"email": "sari@contoh.id"}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    body = mailbox[0].body
    assert re.search(rf"{PUBLIC}/akun/atur-ulang-sandi/\S+", body)
    assert "evil.example" not in body


@pytest.mark.app_config(SERVER_NAME=None, PUBLIC_BASE_URL=PUBLIC)
def test_a_forged_host_does_not_reach_verification_or_registration_mails(client, make_user, mailbox):
    make_user(email="sari@contoh.id", verified=False)
    data = {"name": "Budi", "password": "Suroboyo-2026", "password_confirm": "Suroboyo-2026", "accept_terms": "y"}
    client.post("/akun/daftar", data={**data, "email": "budi@contoh.id"}, base_url="http://evil.example")
    client.post("/akun/daftar", data={**data, "email": "sari@contoh.id"}, base_url="http://evil.example")
    client.post("/akun/verifikasi", data={"email": "sari@contoh.id"}, base_url="http://evil.example")
    assert len(mailbox) == 3
    for message in mailbox:
        assert f"{PUBLIC}/akun/" in message.body
        assert "evil.example" not in message.body


@pytest.mark.app_config(TRUSTED_HOSTS=["localhost", "partisipasi.surabaya.go.id"])
def test_trusted_hosts_refuse_a_forged_host_with_400(client):
    assert client.get("/layanan").status_code == 200
    response = client.get("/layanan", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "tidak dikenal" in response.get_data(as_text=True)


def test_trusted_hosts_and_proxy_fix_come_from_the_environment(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "partisipasi.surabaya.go.id, .surabaya.go.id")
    monkeypatch.setenv("PROXY_FIX", "2")
    app = create_app(base_config(tmp_path, database_url))
    try:
        assert app.config["TRUSTED_HOSTS"] == ["partisipasi.surabaya.go.id", ".surabaya.go.id"]
        assert app.config["PROXY_FIX"] == 2
        assert app.wsgi_app.x_for == 2 and app.wsgi_app.x_proto == 2
    finally:
        with app.app_context():
            _db.engine.dispose()


def wrong_login(client, forwarded_for):
    return client.post("/akun/masuk", data={"email": "x@contoh.id", "password": "salah-sandi-1"},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_FIX=1)
def test_behind_a_proxy_each_client_has_its_own_rate_limit_budget(app):
    first, second = app.test_client(), app.test_client()
    assert [wrong_login(first, "203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert wrong_login(second, "203.0.113.2") == 401


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
def test_without_proxy_fix_forwarded_for_is_ignored(app):
    first, second = app.test_client(), app.test_client()
    assert [wrong_login(first, "203.0.113.1") for _ in range(3)] == [401, 401, 429]
    # A client cannot buy a new budget by sending a made-up header.
    assert wrong_login(second, "203.0.113.2") == 429


@pytest.mark.parametrize(("env", "storage", "warned"), [
    ("production", "memory://", True),
    ("development", "memory://", False),
])
def test_production_with_memory_rate_limits_warns_at_start_up(tmp_path, database_url, caplog, env, storage, warned):
    config = {**base_config(tmp_path, database_url), "PORTAL_ENV": env, "RATELIMIT_STORAGE_URI": storage}
    with caplog.at_level(logging.WARNING, logger="portal.startup"):
        app = create_app(config)
    with app.app_context():
        _db.engine.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.startup"]
    assert bool([m for m in messages if "memory://" in m]) is warned
