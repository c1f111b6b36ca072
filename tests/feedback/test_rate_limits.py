"""Tracking and submitting are rate limited per client, with an Indonesian 429 (HTML) or a JSON error (API)."""

import io

import pytest
from sqlalchemy import func, select

from portal.feedback.models import Feedback
from tests.feedback.test_views import PNG, form_data


@pytest.mark.app_config(RATELIMIT_ENABLED=True, TRACK_RATE_LIMIT="4 per minute")
def test_guessing_tracking_numbers_is_stopped_across_page_and_api(client, submit):
    feedback, _secret = submit()
    guesses = [
        client.get("/lacak/SBY-2026-999001").status_code,
        client.get("/api/v1/feedback/SBY-2026-999002").status_code,
        client.get("/lacak", query_string={"nomor": "SBY-2026-999003"}).status_code,
        client.get("/lacak/SBY-2026-999004").status_code,
    ]
    assert guesses == [404, 404, 404, 404]
    # The budget is spent: even the right number is refused now, on the page and in the API.
    page = client.get(f"/lacak/{feedback.tracking_number}")
    assert page.status_code == 429
    html = page.get_data(as_text=True)
    assert "Terlalu banyak permintaan" in html and "Tunggu sebentar" in html
    assert feedback.title not in html
    api = client.get(f"/api/v1/feedback/{feedback.tracking_number}")
    assert api.status_code == 429 and api.get_json()["error"] == "rate_limited"
    assert "Retry-After" in api.headers


@pytest.mark.app_config(RATELIMIT_ENABLED=True, TRACK_RATE_LIMIT="2 per minute")
def test_resident_actions_share_the_tracking_budget(client, submit):
    feedback, secret = submit()
    number = feedback.tracking_number
    assert client.get(f"/lacak/{number}", query_string={"kunci": secret}).status_code == 200
    assert client.post(f"/lacak/{number}/buka-kembali", data={"reason": "x", "kunci": "tebakan"}).status_code == 403
    assert client.post(f"/lacak/{number}/buka-kembali", data={"reason": "x", "kunci": "tebakan-2"}).status_code == 429
    assert client.post(f"/lacak/{number}/nilai", data={"rating": "4", "kunci": secret}).status_code == 429


def test_tracking_is_limited_by_default(app):
    assert app.config["TRACK_RATE_LIMIT"] == "30 per minute; 300 per day"
    assert app.config["FEEDBACK_SUBMIT_RATE_LIMIT"] == "10 per hour"


@pytest.mark.app_config(RATELIMIT_ENABLED=True, FEEDBACK_SUBMIT_RATE_LIMIT="2 per hour")
def test_submitting_with_photos_is_limited_per_client_but_the_form_stays_open(client, world, db):
    def post():
        data = form_data(world, photo=(io.BytesIO(PNG), "foto.png"))
        return client.post("/masukan/kirim", data=data, content_type="multipart/form-data")

    assert [post().status_code, post().status_code] == [303, 303]
    refused = post()
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    # The API shares the budget; reading the form does not spend it.
    api = client.post("/api/v1/feedback", json={"unit": "dinkes", "type": "saran", "title": "Tambah kursi tunggu",
                                                "body": "Kursi di ruang tunggu kurang banyak."})
    assert api.status_code == 429 and api.get_json()["error"] == "rate_limited"
    assert all(client.get("/masukan/kirim").status_code == 200 for _ in range(5))
    assert db.session.scalar(select(func.count(Feedback.id))) == 2
