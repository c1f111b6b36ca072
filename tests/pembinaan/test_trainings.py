"""PP 11/2017 Pasal 203: JP per year against the 20 JP target; trainings and their certificates."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.audit import AuditEntry
from portal.pembinaan import queries, services
from portal.pembinaan.models import Training
from portal.pembinaan.predicate import DEVELOPMENT_FORMS, JP_TARGET_PER_YEAR, MINUTES_PER_JP, jp_to_hours

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_the_regulation_constants():
    assert (JP_TARGET_PER_YEAR, MINUTES_PER_JP) == (20, 45)
    assert jp_to_hours(4) == 3  # 4 × 45 minutes
    classical = {k for k, (group, _label) in DEVELOPMENT_FORMS.items() if group == "klasikal"}
    assert {"bimbingan_teknis", "seminar", "workshop", "kursus", "penataran", "sosialisasi"} <= classical
    assert {"coaching", "mentoring", "e_learning", "magang", "detasering"} <= set(DEVELOPMENT_FORMS) - classical


def test_jp_totals_per_year_count_trainings_by_their_end_date(org, make_training):
    make_training(org.asn, date(2026, 3, 10), 8)
    make_training(org.asn, date(2026, 11, 2), 4)
    make_training(org.asn, date(2027, 1, 3), 24, starts_on=date(2026, 12, 28))  # ends in 2027: counts there
    make_training(org.asn, date(2025, 12, 31), 30)
    make_training(org.colleague, date(2026, 5, 1), 40)
    assert queries.jp_totals([org.asn.id, org.colleague.id, org.outsider.id], 2026) == {org.asn.id: 12,
                                                                                        org.colleague.id: 40}
    assert queries.jp_totals([org.asn.id], 2027) == {org.asn.id: 24}
    assert queries.jp_totals([org.asn.id], 2025) == {org.asn.id: 30}


def test_cumulative_jp_by_month(org, make_training, db):
    make_training(org.asn, date(2026, 2, 10), 8)
    make_training(org.asn, date(2026, 2, 20), 2)
    make_training(org.asn, date(2026, 9, 1), 16)
    make_training(org.asn, date(2025, 9, 1), 99)
    trainings = db.session.scalars(select(Training)).all()
    assert queries.jp_by_month(trainings, 2026) == [0, 10, 10, 10, 10, 10, 10, 10, 26, 26, 26, 26]
    # Months still ahead are left out of the chart rather than drawn flat.
    assert queries.jp_by_month(trainings, 2026, today=date(2026, 9, 15))[7:] == [10, 26, None, None, None]


def _training(org, **overrides):
    values = {"title": "Bimtek SP4N-LAPOR!", "organiser": "BKPSDM", "form": "bimbingan_teknis",
              "starts_on": date(2026, 5, 4), "ends_on": date(2026, 5, 6), "jp": 24}
    values.update(overrides)
    return services.add_training(org.asn.user, org.asn, today=date(2026, 11, 1), **values)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": "  "}, "title", "Tulis judul"),
    ({"form": "nonton_tv"}, "form", "bentuk pengembangan"),
    ({"ends_on": date(2026, 5, 1)}, "ends_on", "sebelum tanggal mulai"),
    ({"ends_on": date(2026, 12, 1)}, "ends_on", "masa depan"),
    ({"jp": 0}, "jp", "JP harus antara 0,01 dan 1000"),
    ({"jp": 1001}, "jp", "JP harus antara 0,01 dan 1000"),
    ({"jp": Decimal("1.333")}, "jp", "dua angka di belakang koma"),
    ({"jp": 1.5}, "jp", "Isi lama kegiatan dengan angka"),
])
def test_invalid_trainings_are_refused_with_a_message_for_the_field(app, org, overrides, field, message):
    with app.test_request_context(), pytest.raises(services.InvalidInput, match=message) as error:
        _training(org, **overrides)
    assert error.value.field == field


def test_a_certificate_is_kept_under_upload_dir_and_checked_by_content(app, org, db):
    with app.test_request_context():
        training = _training(org, certificate=FileStorage(io.BytesIO(PDF), "sertifikat.pdf"))
        db.session.commit()
        path = services.certificate_path(training)
        assert path.read_bytes() == PDF and Path(app.config["UPLOAD_DIR"]) in path.parents
        assert (training.certificate_type, training.certificate_name) == ("application/pdf", "sertifikat.pdf")
        with pytest.raises(services.InvalidCertificate, match="PDF, JPG, atau PNG"):
            _training(org, certificate=FileStorage(io.BytesIO(b"MZ\x90\x00 not a pdf"), "sertifikat.pdf"))
        services.delete_training(org.asn.user, training)
        db.session.commit()
        assert not path.exists()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["pembinaan.training.add", "pembinaan.training.delete"]


def test_certificate_download_is_permission_checked_and_audited(app, client, login, org, db):
    with app.test_request_context():
        training = _training(org, certificate=FileStorage(io.BytesIO(PDF), "sertifikat.pdf"))
        db.session.commit()
    url = f"/pembinaan/pelatihan/{training.id}/sertifikat"
    login(org.outsider.user)
    assert client.get(url).status_code == 403
    login(org.asn.user)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Cache-Control"] == "private, no-store"
    response.close()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pembinaan.certificate.view")) is None
    login(org.atasan.user)
    response = client.get(url)
    assert response.status_code == 200
    response.close()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pembinaan.certificate.view"))
    assert entry.actor_id == org.atasan.user.id and entry.target_id == str(org.asn.id)


def test_training_form_records_jp_and_redirects_to_the_record(client, login, org, db):
    login(org.asn.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
        "title": "E-learning Pelayanan Prima", "organiser": "LAN RI", "form": "e_learning",
        "starts_on": "2026-03-02", "ends_on": "2026-03-06", "jp": "8", "jp_unit": "jp",
        "certificate": (io.BytesIO(PDF), "sertifikat.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/pembinaan/asn/{org.asn.id}?periode=2026#pelatihan")
    assert db.session.scalar(select(Training.jp)) == 8


def test_training_form_errors_are_shown_in_indonesian(client, login, org):
    login(org.asn.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
        "title": "", "organiser": "LAN RI", "form": "e_learning", "starts_on": "2026-03-06",
        "ends_on": "2026-03-02", "jp": "delapan", "jp_unit": "jp"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Ada yang perlu diperbaiki" in text and "Wajib diisi." in text and "Isi angka, misalnya 24 atau 1,5." in text
    response = client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
        "title": "Bimtek", "organiser": "LAN RI", "form": "e_learning", "starts_on": "2026-03-06",
        "ends_on": "2026-03-02", "jp": "8", "jp_unit": "jp"})
    assert response.status_code == 422
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.get_data(as_text=True)


def test_only_the_asn_and_hr_record_trainings(client, login, org):
    url = f"/pembinaan/asn/{org.asn.id}/pelatihan/baru"
    for user, status in ((org.atasan.user, 403), (org.admin, 200), (org.asn.user, 200), (org.moderator, 403)):
        login(user)
        assert client.get(url).status_code == status, user.name


@pytest.mark.parametrize(("amount", "unit", "jp"), [
    ("24", "jp", Decimal("24.00")), ("1,5", "jp", Decimal("1.50")), ("1", "jam", Decimal("1.33")),
    ("1,5", "jam", Decimal("2.00")), ("90", "menit", Decimal("2.00")), ("50", "menit", Decimal("1.11")),
])
def test_training_form_takes_jp_hours_or_minutes(client, login, org, db, amount, unit, jp):
    login(org.asn.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
        "title": "Webinar Pelayanan Publik", "organiser": "LAN RI", "form": "e_learning",
        "starts_on": "2026-03-02", "ends_on": "2026-03-02", "jp": amount, "jp_unit": unit})
    assert response.status_code == 303, response.get_data(as_text=True)
    stored = db.session.scalar(select(Training.jp))
    assert isinstance(stored, Decimal) and stored == jp


def test_the_form_offers_jp_hours_and_minutes(client, login, org):
    login(org.asn.user)
    html = client.get(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru").get_data(as_text=True)
    assert "Satuan lama kegiatan" in html
    for label in ("JP", "Jam", "Menit"):
        assert f">{label}</label>" in html


def test_yearly_total_and_shortfall_are_exact_with_fractions_of_jp(client, login, org, db):
    # Thirteen sessions of 1,5 JP are 19,5 JP: 0,5 JP short of 20, never rounded up to "20 of 20".
    login(org.asn.user)
    for day in range(1, 14):
        response = client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
            "title": f"Coaching {day}", "organiser": "BKPSDM", "form": "coaching",
            "starts_on": f"2026-03-{day:02d}", "ends_on": f"2026-03-{day:02d}", "jp": "1,5", "jp_unit": "jp"})
        assert response.status_code == 303
    assert queries.jp_totals([org.asn.id], 2026) == {org.asn.id: Decimal("19.50")}
    html = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026").get_data(as_text=True)
    assert "19,5 / 20" in html and "Kurang 0,5 JP." in html
    assert "Target terpenuhi" not in html
    # One more hour (1,33 JP) reaches the target.
    client.post(f"/pembinaan/asn/{org.asn.id}/pelatihan/baru", data={
        "title": "Webinar", "organiser": "LAN RI", "form": "e_learning",
        "starts_on": "2026-03-20", "ends_on": "2026-03-20", "jp": "1", "jp_unit": "jam"})
    html = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026").get_data(as_text=True)
    assert "20,83 / 20" in html and "Target terpenuhi" in html
