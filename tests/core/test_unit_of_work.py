"""One unit of work per request: views never commit, a refusal or a failed commit keeps nothing (issue 13)."""

import ast
import io
from pathlib import Path

import pytest
from flask import redirect
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from forum.models import Category, Thread
from portal.accounts.models import LoginThrottle
from portal.feedback.models import Feedback, FeedbackCounter
from portal.organisation.models import Unit
from portal.unit_of_work import ServiceError, flash_refusal, keep_changes_on_error

ROOT = Path(__file__).resolve().parents[2]


def view_modules():
    """Every module that defines routes: the *views.py of each package, the language switch and the API."""
    found = {path for package in ("portal", "forum", "konsultasi") for path in (ROOT / package).rglob("*views.py")}
    found |= {ROOT / "portal" / "i18n.py", *(ROOT / "portal" / "api").glob("*.py")}
    return sorted(found)


def transaction_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")]


def test_no_view_commits_or_rolls_back():
    modules = view_modules()
    assert ROOT / "forum" / "views.py" in modules and ROOT / "portal" / "i18n.py" in modules
    assert [call for path in modules for call in transaction_calls(path)] == []


def stored(db, model, *where):
    """Count rows as another connection sees them: only what was committed."""
    with Session(db.engine) as other:
        return other.scalar(select(func.count()).select_from(model).where(*where))


def feedback_form(unit, **extra):
    return {"unit": str(unit.id), "service": str(unit.services[0].id), "type": "keluhan",
            "title": "Antrean Puskesmas Ketabang", "body": "Saya menunggu empat jam untuk berobat.", **extra}


def test_a_refusal_after_a_flush_keeps_nothing(client, db, make_unit):
    # submit_feedback flushes the item and takes a tracking number, then the photo is refused.
    unit = make_unit(services=["Puskesmas"])
    response = client.post("/masukan/kirim", data=feedback_form(
        unit, photo=(io.BytesIO(b"bukan foto"), "foto.jpg")), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Lampiran harus foto JPG atau PNG." in response.get_data(as_text=True)
    assert stored(db, Feedback) == 0
    assert stored(db, FeedbackCounter) == 0  # the tracking number is not used up either


def test_a_successful_request_is_committed_once_at_its_end(client, db, make_unit):
    unit = make_unit(services=["Puskesmas"])
    response = client.post("/masukan/kirim", data=feedback_form(unit))
    assert response.status_code == 303
    assert stored(db, Feedback) == 1


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)  # as in production: an exception becomes the 500 page
def test_a_request_whose_commit_fails_answers_500_and_keeps_nothing(app, client, db, make_unit):
    unit = make_unit(services=["Puskesmas"])

    def disk_full(connection):
        raise OSError("disk penuh")

    event.listen(db.engine, "commit", disk_full)
    try:
        response = client.post("/masukan/kirim", data=feedback_form(unit))
    finally:
        event.remove(db.engine, "commit", disk_full)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in html and "Maaf, terjadi kesalahan di sisi kami." in html
    assert "Location" not in response.headers  # no page claims a submission that does not exist
    assert stored(db, Feedback) == 0


@pytest.mark.app_config(FORUM_NEW_ACCOUNT_THREADS_PER_HOUR=0)
def test_a_service_error_no_view_catches_becomes_its_own_error_page(client, db, login, make_user, make_unit):
    unit = make_unit(name="Dinas Kesehatan")
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit, description="Pertanyaan kesehatan.")
    db.session.add(category)
    db.session.commit()
    login(make_user())  # a new account: forum.services.RateLimited (429), which new_thread lets through
    response = client.post("/forum/baru", data={"category": category.id, "title": "Antrean puskesmas panjang sekali",
                                                "body": "Saya datang jam enam dan dilayani jam sepuluh."})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Akun baru (kurang dari 7 hari) dapat membuka paling banyak 0 utas per jam." in html
    assert "Terlalu banyak permintaan" in html
    assert stored(db, Thread) == 0


def test_a_service_error_under_api_is_a_json_error_and_keeps_nothing(app, client, db):
    def refuse_after_writing():
        db.session.add(Unit(name="Dinas Sementara", slug="dinas-sementara"))
        db.session.flush()
        raise ServiceError("Kuota harian sudah habis.")

    app.add_url_rule("/api/v1/uji-penolakan", "uji_penolakan", refuse_after_writing, methods=["POST"])
    response = client.post("/api/v1/uji-penolakan")
    assert response.status_code == 409
    assert response.get_json() == {"error": "error", "message": "Kuota harian sudah habis."}
    assert stored(db, Unit) == 0


def test_a_refusal_flashed_before_a_redirect_keeps_nothing(app, client, db):
    def write_then_refuse():
        db.session.add(Unit(name="Dinas Sementara", slug="dinas-sementara"))
        db.session.flush()
        flash_refusal(ServiceError("Perangkat daerah itu tidak dapat ditambahkan sekarang."))
        return redirect("/", 303)

    app.add_url_rule("/uji/tolak-lalu-alihkan", "uji_tolak", write_then_refuse, methods=["POST"])
    response = client.post("/uji/tolak-lalu-alihkan")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert stored(db, Unit) == 0
    assert "Perangkat daerah itu tidak dapat ditambahkan sekarang." in client.get("/").get_data(as_text=True)


def test_a_wrong_password_is_refused_but_its_failure_count_is_kept(client, db, make_user):
    user = make_user(email="budi@contoh.id")
    response = client.post("/akun/masuk", data={"email": user.email, "password": "salah-sekali"})
    assert response.status_code == 401
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)
    assert stored(db, LoginThrottle, LoginThrottle.failures == 1) >= 1


def test_keeping_changes_on_error_holds_for_its_own_request_only(app, client, db, make_unit):
    def page_that_would_keep_a_refusal():
        keep_changes_on_error()
        return "ok"

    app.add_url_rule("/uji/simpan-walau-gagal", "uji_simpan", page_that_would_keep_a_refusal)
    assert client.get("/uji/simpan-walau-gagal").status_code == 200
    unit = make_unit(services=["Puskesmas"])
    response = client.post("/masukan/kirim", data=feedback_form(
        unit, photo=(io.BytesIO(b"bukan foto"), "foto.jpg")), content_type="multipart/form-data")
    assert response.status_code == 422
    assert stored(db, Feedback) == 0
