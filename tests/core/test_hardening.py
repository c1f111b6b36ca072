"""HSTS, no-store on personal pages, safe upload names, PDFs as downloads (issue 11, point 15)."""

import io
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.feedback.models import FeedbackAttachment
from portal.pembinaan import services as pembinaan
from portal.uploads import clean_upload_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_hsts_is_sent_in_production_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["PORTAL_ENV"] = "production"
    header = client.get("/").headers["Strict-Transport-Security"]
    assert header.startswith("max-age=31536000") and "includeSubDomains" in header


@pytest.mark.parametrize("path", ["/akun/profil", "/notifikasi/", "/masukan/saya", "/masukan/kotak",
                                  "/pembinaan/asn/{asn}", "/konsultasi/saya"])
def test_personal_pages_are_never_cached(client, login, make_asn, path):
    asn = make_asn()
    login(asn.user)
    response = client.get(path.format(asn=asn.id))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_public_pages_stay_cacheable(client, login, make_user):
    login(make_user())
    assert "no-store" not in client.get("/forum/").headers.get("Cache-Control", "")


@pytest.mark.parametrize(("raw", "expected"), [
    ("foto.png", "foto.png"),
    ("C:\\Users\\budi\\Pictures\\antrean.png", "antrean.png"),
    ("../../etc/passwd", "passwd.png"),
    ("laporan\u202egnp.exe", "laporangnp.png"),  # a right-to-left override would show "exe.png"
    ("a\u2066b\u200bc\x00d\x1b\ne.jpg", "abcd e.png"),
    ("...", "foto.png"),
    ("", "foto.png"),
    (None, "foto.png"),
])
def test_upload_names_lose_paths_and_invisible_characters(raw, expected):
    assert clean_upload_name(raw, extension="png", fallback="foto") == expected


def test_upload_names_are_bounded():
    name = clean_upload_name("x" * 1000 + ".png", extension="png", fallback="foto")
    assert len(name) <= 120 and name.endswith(".png")


def test_a_feedback_photo_name_is_cleaned_before_it_is_stored_and_shown(client, db, login, make_unit, make_asn):
    unit = make_unit(services=["Puskesmas"])
    asn = make_asn(unit=unit)
    data = {"unit": str(unit.id), "service": str(unit.services[0].id), "type": "keluhan",
            "title": "Antrean Puskesmas Ketabang", "body": "Saya menunggu empat jam untuk berobat.",
            "photo": (io.BytesIO(PNG), "../../fakepath/antrean\u202egpj.exe")}
    assert client.post("/masukan/kirim", data=data, content_type="multipart/form-data").status_code == 303
    attachment = db.session.scalar(select(FeedbackAttachment))
    assert attachment.original_name == "antreangpj.png"
    login(asn.user)
    with client.get(f"/masukan/lampiran/{attachment.id}") as response:
        assert response.status_code == 200
        assert not response.headers.get("Content-Disposition", "").startswith("attachment")  # a photo opens inline
    page = client.get(f"/masukan/{attachment.feedback.tracking_number}/kelola").get_data(as_text=True)
    assert "antreangpj.png" in page and "\u202e" not in page


def test_a_certificate_pdf_is_stored_with_a_clean_name_and_served_as_a_download(app, client, db, login, make_asn):
    asn = make_asn()
    with app.test_request_context():
        training = pembinaan.add_training(
            asn.user, asn, title="Bimtek SP4N-LAPOR!", organiser="BKPSDM", form="bimbingan_teknis",
            starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 6), jp=24, today=date(2026, 11, 1),
            certificate=FileStorage(io.BytesIO(PDF), "../../sertifikat\u202efdp.exe" + "x" * 300))
        db.session.commit()
    assert "/" not in training.certificate_name and "\u202e" not in training.certificate_name
    assert len(training.certificate_name) <= 120 and training.certificate_name.endswith(".pdf")
    login(asn.user)
    with client.get(f"/pembinaan/pelatihan/{training.id}/sertifikat") as response:
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
