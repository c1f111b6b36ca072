from datetime import datetime, timezone

from portal.web import wib
from tests.conftest import session_id_for


def test_indonesian_is_the_default_language(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Beranda" in html


def test_switching_to_english_translates_the_page_and_sticks(client):
    response = client.get("/bahasa", query_string={"lang": "en", "next": "/layanan"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/layanan"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert ">Home<" in html
    assert "Skip to main content" in html
    # The choice is a cookie of its own: no session is opened for it.
    assert client.get_cookie("lang").value == "en"
    assert client.get_cookie("session") is None


def test_switching_back_to_indonesian(client):
    client.get("/bahasa?lang=en")
    client.get("/bahasa?lang=id")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_an_old_session_choice_is_still_honoured(client):
    with client.session_transaction() as session:
        session["lang"] = "en"  # where the choice was kept before the language cookie
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_the_language_cookie_comes_before_the_account(client, db, make_user, login):
    user = make_user()
    user.locale = "en"
    db.session.commit()
    login(user)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/bahasa?lang=id")  # this browser only: the account keeps English
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "en"


def test_language_choice_is_saved_on_the_account(client, db, make_user, login):
    user = login(make_user())
    client.post("/bahasa", data={"lang": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    # A new session of the same account starts in English.
    other = client.application.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = session_id_for(user)
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_unknown_language_is_refused_politely(client):
    response = client.post("/bahasa", data={"lang": "xx", "next": "//evil.example"}, follow_redirects=False)
    assert response.status_code == 400
    assert "Bahasa tidak dikenal." in response.get_data(as_text=True)
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_the_refusal_speaks_the_visitors_language(client):
    client.get("/bahasa?lang=en")
    assert "Unknown language." in client.get("/bahasa?lang=xx").get_data(as_text=True)


def test_times_are_stored_in_utc_and_shown_in_wib(app):
    with app.test_request_context():
        assert wib(datetime(2026, 8, 17, 3, 0, tzinfo=timezone.utc)) == "17 Agu 2026, 10.00 WIB"
