"""Sessions are server-side: logout, sign out everywhere and password changes really end them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import UserSession
from portal.db import utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "Kembang-Jepun-77"


def sign_in(client, email, remember=True):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/akun/masuk", data=data, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Firefox/128.0"})
    assert response.status_code == 302
    return client


def replay(app, name, value):
    """A new browser carrying one stolen cookie."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def cookies(client):
    return client.get_cookie("session").value, client.get_cookie("remember_token").value


def test_replayed_session_and_remember_cookies_are_signed_out_after_logout(app, client, db, make_user):
    make_user(email="sari@contoh.id")
    sign_in(client, "sari@contoh.id")
    session_cookie, remember_cookie = cookies(client)
    # Before logout, both stolen cookies would open the account on another browser.
    assert replay(app, "session", session_cookie).get("/akun/profil").status_code == 200
    assert replay(app, "remember_token", remember_cookie).get("/akun/profil").status_code == 200

    assert client.post("/akun/keluar").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert replay(app, "session", session_cookie).get("/akun/profil").status_code == 302
    assert replay(app, "remember_token", remember_cookie).get("/akun/profil").status_code == 302


def test_logout_ends_this_device_only(app, db, make_user):
    make_user(email="sari@contoh.id")
    phone, laptop = sign_in(app.test_client(), "sari@contoh.id"), sign_in(app.test_client(), "sari@contoh.id")
    phone.post("/akun/keluar")
    assert phone.get("/akun/profil").status_code == 302
    assert laptop.get("/akun/profil").status_code == 200


def test_sign_out_everywhere_ends_every_session(app, db, make_user):
    make_user(email="sari@contoh.id")
    phone, laptop = sign_in(app.test_client(), "sari@contoh.id"), sign_in(app.test_client(), "sari@contoh.id")
    _session, laptop_remember = cookies(laptop)
    profile = phone.get("/akun/profil").get_data(as_text=True)
    assert "masuk di 2 perangkat" in profile
    assert 'action="/akun/profil/keluar-semua"' in profile

    response = phone.post("/akun/profil/keluar-semua")
    assert response.status_code == 302 and response.headers["Location"].endswith("/akun/masuk")
    assert phone.get("/akun/profil").status_code == 302
    assert laptop.get("/akun/profil").status_code == 302
    assert replay(app, "remember_token", laptop_remember).get("/akun/profil").status_code == 302


def test_sign_out_everywhere_needs_post_with_a_csrf_token(app, client, make_user, login):
    login(make_user())
    assert client.get("/akun/profil/keluar-semua").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/akun/profil/keluar-semua").status_code == 400
    assert client.get("/akun/profil").status_code == 200  # still signed in


def test_password_change_ends_other_sessions_and_keeps_this_one(app, db, make_user):
    make_user(email="sari@contoh.id")
    phone, laptop = sign_in(app.test_client(), "sari@contoh.id"), sign_in(app.test_client(), "sari@contoh.id")
    _session, laptop_remember = cookies(laptop)
    response = phone.post("/akun/profil/sandi", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert phone.get("/akun/profil").status_code == 200
    assert laptop.get("/akun/profil").status_code == 302
    assert replay(app, "remember_token", laptop_remember).get("/akun/profil").status_code == 302


def test_sessions_store_the_device_but_no_ip_address(client, db, make_user):
    make_user(email="sari@contoh.id")
    sign_in(client, "sari@contoh.id")
    row = db.session.scalar(select(UserSession))
    assert row.device == "Firefox, Android"
    assert "127.0.0.1" not in str(vars(row))


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_login_starts_a_fresh_session_with_a_new_csrf_token(client, make_user):
    make_user(email="sari@contoh.id")
    page = client.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as session:
        before = session["csrf_token"]
        session["planted"] = "by someone else"  # session fixation: nothing from before survives
        session["lang"] = "en"
    response = client.post("/akun/masuk", data={"email": "sari@contoh.id", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
        assert "planted" not in session
        assert session["lang"] == "en"  # the language choice is kept
    # The old token no longer passes; the page's new one does.
    assert client.post("/akun/keluar", data={"csrf_token": token}).status_code == 400
    profile = client.get("/akun/profil").get_data(as_text=True)
    new_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', profile).group(1)
    assert client.post("/akun/keluar", data={"csrf_token": new_token}).status_code == 302


def test_a_session_older_than_the_remember_cookie_no_longer_opens(client, db, make_user):
    make_user(email="sari@contoh.id")
    sign_in(client, "sari@contoh.id")
    assert client.get("/akun/profil").status_code == 200
    db.session.execute(update(UserSession).values(created_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    assert client.get("/akun/profil").status_code == 302
