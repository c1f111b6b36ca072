"""The JSON API for partner apps: shapes, errors, privacy."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.feedback.ikm import rebuild_daily_totals
from portal.feedback.models import Feedback, SkmResponse
from tests.feedback.conftest import SURVEY


def payload(**overrides):
    body = {"unit": "dinkes", "service": None, "type": "keluhan", "title": "Antrean panjang di Puskesmas",
            "body": "Menunggu tiga jam untuk pendaftaran.", "public": True,
            "contact": {"name": "Budi Rahasia", "email": "budi.rahasia@contoh.id"}, "skm": SURVEY}
    body.update(overrides)
    return body


def test_units_lists_services(client, world):
    data = client.get("/api/v1/units").get_json()
    dinkes = next(u for u in data if u["slug"] == "dinkes")
    assert dinkes == {"slug": "dinkes", "name": "Dinas Kesehatan", "services": [{"slug": world.service.slug, "name": "Puskesmas"}]}


def test_create_feedback_returns_tracking_number(client, world, db):
    response = client.post("/api/v1/feedback", json=payload(service=world.service.slug))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"tracking_number", "status", "url"}
    assert body["status"] == "diterima" and "kunci=" in body["url"]
    feedback = db.session.scalar(select(Feedback))
    assert feedback.tracking_number == body["tracking_number"] and feedback.service_id == world.service.id
    assert db.session.scalar(select(func.count(SkmResponse.id))) == 1

    public = client.get(f"/api/v1/feedback/{body['tracking_number']}").get_json()
    assert public["status"] == "diterima" and public["history"][0]["status"] == "diterima"
    assert "Budi" not in str(public) and "budi.rahasia" not in str(public)


def test_api_needs_no_csrf_token(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/api/v1/feedback", json=payload()).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "field", "fragment"),
    [
        ("not json", 400, None, "JSON"),
        ([1, 2], 400, None, "JSON"),
        # Value rules come from the web form (FeedbackSubmitForm), so its messages; `field` names the JSON key.
        (payload(title=""), 422, "title", "Wajib diisi"),
        (payload(type="pujian"), 422, "type", "keluhan, saran, atau apresiasi"),
        (payload(title="x" * 201), 422, "title", "5–200 karakter"),
        (payload(body=123), 422, "body", "body"),
        (payload(public="ya"), 422, "public", "public"),
        (payload(unit="dinas-tidak-ada"), 404, None, "tidak ditemukan"),
        (payload(service="layanan-tidak-ada"), 404, None, "tidak ditemukan"),
        (payload(skm={**SURVEY, "u3": 5}), 422, "skm", "antara 1 dan 4"),
        (payload(skm={**SURVEY, "u3": 0}), 422, "skm", "antara 1 dan 4"),
        (payload(skm={"u1": None, "u2": None}), 422, "skm", "Survei kosong"),
        (payload(skm={}), 422, "skm", "Survei kosong"),
        (payload(skm={**SURVEY, "u10": 3}), 422, "skm", "u10"),
        (payload(skm={**SURVEY, "u1": "4"}), 422, "skm", "bilangan bulat"),
        (payload(skm={**SURVEY, "u1": True}), 422, "skm", "bilangan bulat"),
        (payload(skm=[3] * 9), 422, "skm", "skm"),
        (payload(contact="budi"), 422, "contact", "contact"),
        (payload(contact={"email": "bukan email"}), 422, "contact.email", "email"),
    ],
)
def test_create_feedback_errors_are_clear_json(client, world, db, body, status, field, fragment):
    if isinstance(body, str):
        response = client.post("/api/v1/feedback", data=body, content_type="application/json")
    else:
        response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == status
    error = response.get_json()
    assert set(error) >= {"error", "message"} and fragment in error["message"]
    assert error.get("field") == field
    assert db.session.scalar(select(func.count(Feedback.id))) == 0


def test_service_of_another_unit_is_422(client, world, db):
    response = client.post("/api/v1/feedback", json=payload(service=world.other_unit.services[0].slug))
    assert response.status_code == 422


def test_unknown_tracking_number_is_json_404(client, world):
    response = client.get("/api/v1/feedback/SBY-2020-000009")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_ikm_for_unit_and_service(client, world, db):
    for scores in ((4,) * 9, (3,) * 9, (2,) * 9):
        db.session.add(SkmResponse(unit_id=world.unit.id, service_id=world.service.id, submitted_on=date(2026, 8, 1),
                                   **{f"u{i}": s for i, s in enumerate(scores, start=1)}))
    db.session.flush()
    rebuild_daily_totals()
    db.session.commit()
    data = client.get("/api/v1/units/dinkes/ikm?period=2026-Q3").get_json()
    assert data["unit"] == "dinkes" and data["period"] == "2026-Q3" and data["respondents"] == 3
    assert data["ikm"] == 75.0 and data["category"] == "C" and data["mutu"] == "Kurang Baik"
    assert data["elements"][0] == {"code": "u1", "name": "Persyaratan", "mean": 3.0, "respondents": 3}
    assert len(data["elements"]) == 9
    by_service = client.get(f"/api/v1/services/{world.service.slug}/ikm?period=2026-08").get_json()
    assert by_service["service"] == world.service.slug and by_service["ikm"] == 75.0
    assert client.get("/api/v1/units/dinkes/ikm?period=2026").get_json()["respondents"] == 3


@pytest.mark.parametrize("url,status", [("/api/v1/units/dinkes/ikm?period=Q9", 422), ("/api/v1/units/tidak-ada/ikm", 404),
                                        ("/api/v1/services/tidak-ada/ikm", 404)])
def test_ikm_errors(client, world, url, status):
    response = client.get(url)
    assert response.status_code == status and "message" in response.get_json()


def test_openapi_document_describes_every_route(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {"/v1/units", "/v1/feedback", "/v1/feedback/{tracking_number}", "/v1/units/{slug}/ikm", "/v1/services/{slug}/ikm"}


@pytest.mark.app_config(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
def test_api_is_rate_limited_with_json_error(client, world):
    statuses = [client.get("/api/v1/units").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/units").get_json()["error"] == "rate_limited"
