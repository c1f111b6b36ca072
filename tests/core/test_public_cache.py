"""Public pages send no cookie to a visitor who has none and may be kept by a proxy (issue 14, target 3)."""

import pytest
from flask import url_for

from konsultasi import services as konsultasi_services
from portal.extensions import db
from tests.access_world import build_world
from tests.konsultasi.conftest import PATH, consultation_values

PUBLIC = "public, max-age=60"

# Every public page a visitor reaches, by endpoint and the world object its URL names.
PUBLIC_PAGES = [
    ("main.home", {}),
    ("main.directory", {}),
    ("forum.index", {}),
    ("forum.category", {"slug": "category_slug"}),
    ("forum.thread", {"thread_id": "thread_id"}),
    ("feedback.public_list", {}),
    ("feedback.detail", {"number": "number"}),
    ("feedback.ikm", {}),
    ("feedback.track_lookup", {}),
    ("konsultasi.index", {}),
    ("konsultasi.detail", {"consultation_id": "consultation_id"}),
    ("konsultasi.document", {"consultation_id": "consultation_id"}),
    ("konsultasi.qa", {"consultation_id": "consultation_id"}),
    ("konsultasi.report", {"consultation_id": "reported_consultation_id"}),
    ("search.index", {}),
]


@pytest.fixture
def world(app, make_user, make_unit, make_asn):
    world = build_world(app, make_user, make_unit, make_asn)
    moderator = world.people["moderator"]
    unit = world.people["asn"].asn_profile.unit
    reported = konsultasi_services.create_consultation(moderator, **consultation_values(unit, title="Konsultasi Dilaporkan"))
    konsultasi_services.add_section(moderator, reported, heading="Pasal 1", body="Isi pasal.")
    for step in PATH["laporan"]:
        if step == "laporan":
            konsultasi_services.save_report_summary(moderator, reported, "Ringkasan hasil konsultasi.")
        konsultasi_services.transition_consultation(moderator, reported, step)
    db.session.commit()
    world.args["reported_consultation_id"] = reported.id
    return world


def page_url(world, endpoint, arguments):
    url = url_for(endpoint, **{name: world.args[key] for name, key in arguments.items()})
    return url + "?q=antrean" if endpoint == "search.index" else url


# As in production: with CSRF on, every form that renders a token would write it to a session.
@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_public_pages_set_no_cookie_and_are_cacheable_for_a_visitor_without_one(app, world):
    wrong = {}
    for endpoint, arguments in PUBLIC_PAGES:
        response = app.test_client().get(page_url(world, endpoint, arguments))
        got = (response.status_code, response.headers.getlist("Set-Cookie"), response.headers.get("Cache-Control"))
        if got != (200, [], PUBLIC) or "Cookie" not in response.headers.get("Vary", ""):
            wrong[endpoint] = got
    assert wrong == {}


@pytest.mark.parametrize("role", ["warga", "moderator"])
def test_signed_in_people_never_get_public_pages(app, client, login, world, role):
    login(world.people[role])
    for endpoint, arguments in PUBLIC_PAGES:
        response = client.get(page_url(world, endpoint, arguments))
        assert response.status_code == 200, endpoint
        assert "public" not in response.headers["Cache-Control"], endpoint


def test_a_visitor_with_a_session_gets_private_pages(client):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan untuk pengunjung ini saja.")]
    response = client.get("/forum/")
    assert "Pesan untuk pengunjung ini saja." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private"
    # Shown once, the flash leaves only Flask-Login's marks: that session goes, and its cookie.
    assert client.get_cookie("session") is None
    assert client.get("/forum/").headers["Cache-Control"] == PUBLIC


def test_signing_out_leaves_no_session_behind(client, login, make_user):
    login(make_user())
    client.post("/akun/keluar")
    client.get("/")  # shows the "signed out" flash
    assert client.get_cookie("session") is None
    response = client.get("/forum/")
    assert response.headers["Cache-Control"] == PUBLIC and response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("path", ["/lacak/{number}", "/lacak/{number}?kunci=salah", "/masukan/terkirim/{number}"])
def test_tracking_pages_are_never_public(app, world, path):
    response = app.test_client().get(path.format(number=world.args["number"]))
    assert "public" not in response.headers.get("Cache-Control", "")


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_pages_with_a_csrf_form_are_not_public(app):
    response = app.test_client().get("/akun/masuk")
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie")  # the token lives in the session
    assert "public" not in response.headers["Cache-Control"]


def test_not_found_is_cached_briefly_and_errors_never(app):
    client = app.test_client()
    missing = client.get("/forum/t/999999")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == PUBLIC
    refused = client.get("/bahasa?lang=xx")
    assert refused.status_code == 400
    assert "public" not in refused.headers["Cache-Control"]


def test_posts_are_never_public(app, make_user):
    response = app.test_client().post("/akun/masuk", data={"email": "tidak@contoh.id", "password": "salah"})
    assert "public" not in response.headers.get("Cache-Control", "")


def test_json_and_health_answers_are_not_marked_public(app):
    for path in ("/healthz", "/api/v1/units"):
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        assert "public" not in response.headers.get("Cache-Control", ""), path


@pytest.mark.app_config(PUBLIC_CACHE_SECONDS=300)
def test_the_public_lifetime_is_configurable(app):
    assert app.test_client().get("/").headers["Cache-Control"] == "public, max-age=300"


def test_switching_language_by_link_sets_only_the_language_cookie(app):
    client = app.test_client()
    response = client.get("/bahasa?lang=en&next=/forum/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/forum/"
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=en;")
    assert "SameSite=Lax" in cookies[0] and "Max-Age=31536000" in cookies[0]
    assert "public" not in response.headers.get("Cache-Control", "")
    page = client.get("/forum/")
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to main content" in html
    # The English page is as cacheable as the Indonesian one: proxies keep a copy per Cookie header.
    assert page.headers.getlist("Set-Cookie") == []
    assert page.headers["Cache-Control"] == PUBLIC and "Cookie" in page.headers["Vary"]


@pytest.mark.app_config(SESSION_COOKIE_SECURE=True)
def test_the_language_cookie_is_secure_where_the_session_cookie_is(app):
    cookie = app.test_client().get("/bahasa?lang=en").headers["Set-Cookie"]
    assert "Secure" in cookie


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_visitors_get_a_labelled_get_form_without_a_token(app):
    html = app.test_client().get("/").get_data(as_text=True)
    form = html[html.index('<form method="get" action="/bahasa"'):]
    form = form[:form.index("</form>")]
    assert "csrf_token" not in form
    assert '<label for="lang-select">' in form and 'name="next" value="/"' in form
    assert '<button type="submit"' in form


def test_signed_in_people_switch_with_a_post_that_saves_their_account(app, client, login, make_user):
    user = login(make_user())
    html = client.get("/").get_data(as_text=True)
    assert '<form method="post" action="/bahasa"' in html
    response = client.post("/bahasa", data={"lang": "en", "next": "/masukan"})
    assert response.status_code == 303 and response.headers["Location"] == "/masukan"
    assert response.headers["Set-Cookie"].startswith("lang=en;")
    db.session.refresh(user)
    assert user.locale == "en"


def test_a_link_does_not_change_a_signed_in_account(app, client, login, make_user):
    user = login(make_user())
    client.get("/bahasa?lang=en")
    db.session.refresh(user)
    assert user.locale is None  # a GET changes nothing on the server, only the display cookie
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_language_gets_a_clear_message(app, method):
    client = app.test_client()
    data = {"lang": "xx", "next": "/forum/"}
    response = client.open("/bahasa", method=method, query_string=data if method == "GET" else None,
                           data=data if method == "POST" else None)
    assert response.status_code == 400
    assert "Bahasa tidak dikenal." in response.get_data(as_text=True)
    assert response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize(("target", "location"), [
    ("//evil.example/", "/"), ("https://evil.example/", "/"), ("evil.example", "/"),
    ("/\\evil.example", "/%5Cevil.example"),  # quoted: a path on this site, not "//evil.example"
])
def test_the_language_switch_refuses_to_send_people_off_site(app, target, location):
    response = app.test_client().get("/bahasa", query_string={"lang": "en", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == location
