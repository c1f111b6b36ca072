import json
import logging

import pytest

from portal.observability import JsonFormatter


def test_healthz_reports_database_and_search_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["search"]["status"] == "ok"


def test_healthz_is_503_when_the_search_index_is_unusable(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    app.config["SEARCH_INDEX_DIR"] = str(blocker / "index")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["search"]["status"] == "error"


@pytest.mark.app_config(DATABASE_URL="sqlite:////nonexistent-folder/portal.db")
def test_healthz_is_503_when_the_database_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"


@pytest.mark.app_config(LOG_REQUESTS=True)
def test_each_request_logs_one_structured_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.request"):
        response = client.get("/layanan", headers={"X-Request-ID": "abc123"})
    records = [r for r in caplog.records if r.name == "portal.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["msg"] == "request"
    assert line["method"] == "GET" and line["path"] == "/layanan" and line["status"] == 200
    assert line["request_id"] == "abc123" == response.headers["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)


def test_security_headers_forbid_foreign_scripts_and_framing(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_indonesian_404(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html
    assert "Kembali ke beranda" in html


def test_wrong_method_is_405_not_500(client):
    assert client.put("/akun/masuk").status_code == 405


def test_api_errors_are_json(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "message": "Halaman yang Anda cari tidak ada atau sudah dipindahkan."}


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1024)
def test_oversized_request_is_413(client):
    response = client.post("/akun/masuk", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_meledak")
    def explode():
        raise RuntimeError("boom")

    response = client.get("/_meledak")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/akun/masuk", "/masukan/kirim", "/forum/"])
def test_nul_characters_are_refused_with_400_not_stored(client, path):
    response = client.post(path, data={"email": "a\x00b@contoh.id", "password": "x", "title": "a\x00"})
    assert response.status_code == 400
    assert "karakter yang tidak diizinkan" in response.get_data(as_text=True)
    assert client.get("/masukan", query_string={"periode": "2026\x00"}).status_code == 400


def test_nul_characters_in_api_json_are_refused(client):
    response = client.post("/api/v1/feedback", json={"unit": "x", "type": "keluhan", "title": "a\x00b", "body": "b"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.app_config(SERVER_NAME=None, PUBLIC_BASE_URL="https://partisipasi.surabaya.go.id")
def test_cli_jobs_build_links_on_the_public_base_url(app, db, mailbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["feedback", "escalate"]).exit_code == 0
    links = [m.body for m in mailbox if "http" in m.body]
    assert links and all("https://partisipasi.surabaya.go.id/" in body for body in links)
