"""Wrong passwords slow the guesser down without locking the owner out, and reveal no accounts."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.accounts.models import LoginThrottle
from portal.db import utcnow
from tests.conftest import PASSWORD

WRONG = "salah-sandi-1"
THROTTLED = "Terlalu banyak percobaan masuk yang gagal"


def attempt(client, email, password=WRONG, ip="198.51.100.7"):
    return client.post("/akun/masuk", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def let_blocks_run_out(db):
    db.session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_repeated_failures_throttle_known_and_unknown_accounts_alike(app, client, db, make_user):
    make_user(email="sari@contoh.id")
    after = app.config["LOGIN_THROTTLE"]["pair"]["after"]
    known = [attempt(client, "sari@contoh.id") for _ in range(after)]
    unknown = [attempt(client, "tidakada@contoh.id") for _ in range(after)]
    assert {r.status_code for r in known + unknown} == {401}
    # Blocked now: the right password is refused too, and an unknown address looks exactly the same.
    blocked_known = attempt(client, "sari@contoh.id", PASSWORD)
    blocked_unknown = attempt(client, "tidakada@contoh.id", PASSWORD)
    assert blocked_known.status_code == blocked_unknown.status_code == 429
    assert THROTTLED in blocked_known.get_data(as_text=True)
    assert (blocked_known.get_data(as_text=True).replace("sari@contoh.id", "X")
            == blocked_unknown.get_data(as_text=True).replace("tidakada@contoh.id", "X"))
    assert int(blocked_known.headers["Retry-After"]) > 0
    assert "Akun dikunci" not in blocked_known.get_data(as_text=True)


def test_delays_grow_and_the_owner_gets_back_in_once_they_run_out(app, client, db, make_user):
    make_user(email="sari@contoh.id")
    rule = app.config["LOGIN_THROTTLE"]["pair"]
    for _ in range(rule["after"]):
        attempt(client, "sari@contoh.id")
    first = {row.failures: row.blocked_until - row.last_failure_at
             for row in db.session.scalars(select(LoginThrottle)) if row.blocked_until}
    assert first[rule["after"]] == timedelta(seconds=rule["first_seconds"])
    let_blocks_run_out(db)
    assert attempt(client, "sari@contoh.id").status_code == 401  # one more wrong guess…
    db.session.expire_all()
    pair = max(db.session.scalars(select(LoginThrottle)), key=lambda row: row.blocked_until)
    assert pair.blocked_until - pair.last_failure_at == timedelta(seconds=2 * rule["first_seconds"])  # …doubles the wait
    assert attempt(client, "sari@contoh.id", PASSWORD).status_code == 429
    let_blocks_run_out(db)
    assert attempt(client, "sari@contoh.id", PASSWORD).status_code == 302
    assert len(db.session.scalars(select(LoginThrottle)).all()) == 1  # only the IP's count is left


def test_no_email_or_ip_address_is_stored_in_the_counters(client, db):
    attempt(client, "sari@contoh.id", ip="203.0.113.9")
    stored = " ".join(row.key for row in db.session.scalars(select(LoginThrottle)))
    assert "sari" not in stored and "203.0.113.9" not in stored


def test_an_attacker_from_many_addresses_cannot_keep_the_owner_out(app, db, make_user):
    make_user(email="sari@contoh.id")
    owner = app.test_client()
    assert attempt(owner, "sari@contoh.id", PASSWORD, ip="192.0.2.1").status_code == 302  # the owner's own browser
    owner.post("/akun/keluar")
    attacker = app.test_client()
    for n in range(app.config["LOGIN_THROTTLE"]["account"]["after"] + 3):
        attempt(attacker, "sari@contoh.id", ip=f"10.0.{n}.1")
    # The account as a whole is slowed down for browsers it never signed in with…
    stranger = app.test_client()
    assert attempt(stranger, "sari@contoh.id", PASSWORD, ip="192.0.2.99").status_code == 429
    # …but the owner's browser still gets in (a signed cookie from the earlier login), no lockout.
    assert attempt(owner, "sari@contoh.id", PASSWORD, ip="192.0.2.1").status_code == 302


def test_the_known_device_cookie_is_tied_to_its_account(app, db, make_user):
    make_user(email="sari@contoh.id")
    make_user(email="budi@contoh.id")
    browser = app.test_client()
    assert attempt(browser, "budi@contoh.id", PASSWORD, ip="192.0.2.1").status_code == 302
    browser.post("/akun/keluar")
    attacker = app.test_client()
    for n in range(app.config["LOGIN_THROTTLE"]["account"]["after"] + 1):
        attempt(attacker, "sari@contoh.id", ip=f"10.0.{n}.1")
    assert attempt(browser, "sari@contoh.id", PASSWORD, ip="192.0.2.1").status_code == 429


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_SUPPRESS_SEND=False)
def test_forgot_password_and_resend_verification_answer_the_same_even_with_smtp_down(client, make_user):
    make_user(email="sari@contoh.id")
    make_user(email="belum@contoh.id", verified=False)
    for path, known in (("/akun/lupa-sandi", "sari@contoh.id"), ("/akun/verifikasi", "belum@contoh.id")):
        answers, pages = [], []
        for email in (known, "siapa@contoh.id"):
            answers.append(client.post(path, data={"email": email}))
            pages.append(client.get(answers[-1].headers["Location"]).get_data(as_text=True))
        assert [a.status_code for a in answers] == [302, 302]
        assert answers[0].headers["Location"] == answers[1].headers["Location"]
        assert pages[0] == pages[1]


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_SUPPRESS_SEND=False)
def test_registering_a_taken_address_answers_the_same_with_smtp_down(client, make_user):
    make_user(email="sari@contoh.id")
    data = {"name": "Sari", "password": "Suroboyo-2026", "password_confirm": "Suroboyo-2026", "accept_terms": "y"}
    taken = client.post("/akun/daftar", data={**data, "email": "sari@contoh.id"})
    new = client.post("/akun/daftar", data={**data, "email": "baru@contoh.id"})
    assert taken.status_code == new.status_code == 201
