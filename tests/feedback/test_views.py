"""Feedback pages through the HTTP client: submission, tracking, staff actions, privacy, photos."""

import io
import re

import pytest
from sqlalchemy import func, select

from portal.feedback import services
from portal.feedback.models import Feedback, FeedbackAttachment, SkmResponse
from tests.feedback.conftest import SURVEY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def form_data(world, **overrides):
    data = {"unit": str(world.unit.id), "service": str(world.service.id), "type": "keluhan",
            "title": "Antrean Puskesmas Ketabang", "body": "Saya menunggu empat jam untuk berobat.",
            "contact_name": "Budi Rahasia", "contact_email": "budi.rahasia@contoh.id", "is_public": "y"}
    data.update(overrides)
    return data


def test_anonymous_submission_shows_number_and_private_link_once(client, world, db, mailbox):
    response = client.post("/masukan/kirim", data=form_data(world, **SURVEY))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    feedback = db.session.scalar(select(Feedback))
    assert feedback.tracking_number in html
    link = re.search(r'data-private-link>([^<]+)<', html).group(1)
    assert "kunci=" in link
    assert db.session.scalar(select(func.count(SkmResponse.id))) == 1
    # Shown once: a reload goes to the ordinary tracking page, without the secret.
    again = client.get(response.headers["Location"])
    assert again.status_code == 302 and "kunci" not in again.headers["Location"]


def test_submission_errors_are_listed_and_nothing_is_stored(client, world, db):
    response = client.post("/masukan/kirim", data={"unit": "", "title": "x", "body": "", "u1": "9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pilih perangkat daerah." in html and "Pilih jenis masukan." in html
    assert "Panjang harus 5–200 karakter." in html
    assert db.session.scalar(select(func.count(Feedback.id))) == 0


def test_partial_survey_is_stored_with_the_skipped_elements_empty(client, world, db):
    response = client.post("/masukan/kirim", data=form_data(world, u1="3", u2="4"))
    assert response.status_code == 303
    survey = db.session.scalar(select(SkmResponse))
    assert (survey.u1, survey.u2, survey.u3, survey.u9) == (3, 4, None, None)


def test_signed_in_submission_belongs_to_the_account(client, world, db, login):
    login(world.citizen)
    response = client.post("/masukan/kirim", data=form_data(world, contact_name="", contact_email=""))
    assert response.status_code == 303
    feedback = db.session.scalar(select(Feedback))
    assert feedback.submitter_id == world.citizen.id and feedback.contact_email is None
    assert feedback.tracking_number in client.get("/masukan/saya").get_data(as_text=True)


def test_public_pages_and_api_never_show_personal_data(client, submit, world, db):
    feedback, secret = submit(contact_phone="0812 3456 7890")
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    services.answer_feedback(world.asn, feedback, "Loket tambahan dibuka.")
    db.session.commit()
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/masukan", f"/masukan/{feedback.tracking_number}", f"/lacak/{feedback.tracking_number}",
        f"/api/v1/feedback/{feedback.tracking_number}")]
    for html in pages:
        assert "Budi Rahasia" not in html and "budi.rahasia" not in html and "3456" not in html
        assert secret not in html
    assert "Loket tambahan dibuka." in pages[1]


def test_private_text_is_hidden_from_the_public_but_status_is_trackable(client, submit, world):
    feedback, _ = submit(is_public=False, title="Keluhan rahasia tentang dokter")
    assert "Keluhan rahasia" not in client.get("/masukan").get_data(as_text=True)
    detail = client.get(f"/masukan/{feedback.tracking_number}")
    assert detail.status_code == 302
    track = client.get(f"/lacak/{feedback.tracking_number}").get_data(as_text=True)
    assert "Diterima" in track and "Keluhan rahasia" not in track
    api = client.get(f"/api/v1/feedback/{feedback.tracking_number}").get_json()
    assert api["title"] is None and api["body"] is None and api["status"] == "diterima"


def test_confidential_identity_is_hidden_from_the_handling_asn(client, submit, world, login):
    feedback, _ = submit(confidential=True)
    login(world.asn.user)
    html = client.get(f"/masukan/{feedback.tracking_number}/kelola").get_data(as_text=True)
    assert "Dirahasiakan" in html and "Budi Rahasia" not in html
    login(world.moderator)
    assert "Budi Rahasia" in client.get(f"/masukan/{feedback.tracking_number}/kelola").get_data(as_text=True)


def test_tracking_lookup_and_unknown_number(client, submit):
    feedback, _ = submit()
    response = client.get("/lacak", query_string={"nomor": feedback.tracking_number.lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/lacak/{feedback.tracking_number}")
    assert client.get("/lacak/SBY-1999-999999").status_code == 404
    assert client.get("/lacak", query_string={"nomor": ""}).status_code == 422


def test_staff_flow_through_the_pages(client, submit, world, db, login):
    feedback, _ = submit()
    number = feedback.tracking_number
    login(world.asn.user)
    inbox = client.get("/masukan/kotak").get_data(as_text=True)
    assert number in inbox
    assert client.post(f"/masukan/{number}/verifikasi").status_code == 303
    # A plain ASN cannot assign; the atasan can.
    assert client.post(f"/masukan/{number}/tugaskan", data={"asn": str(world.asn.id)}).status_code == 403
    login(world.atasan.user)
    assert client.post(f"/masukan/{number}/tugaskan", data={"asn": str(world.asn.id)}).status_code == 303
    login(world.colleague.user)
    assert client.post(f"/masukan/{number}/jawab", data={"body": "Jawaban rekan yang tidak ditugaskan."}).status_code == 403
    login(world.asn.user)
    assert client.post(f"/masukan/{number}/jawab", data={"body": "pendek"}).status_code == 422
    assert client.post(f"/masukan/{number}/jawab", data={"body": "Loket tambahan dibuka mulai Senin."}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Feedback, feedback.id).status == "ditindaklanjuti"


@pytest.mark.parametrize("who", ["anonymous", "citizen", "outsider"])
def test_outsiders_cannot_handle_feedback(client, submit, world, login, who):
    feedback, _ = submit()
    if who == "citizen":
        login(world.citizen)
    elif who == "outsider":
        login(world.outsider.user)
    for path in ("kelola", "verifikasi"):
        method = client.get if path == "kelola" else client.post
        response = method(f"/masukan/{feedback.tracking_number}/{path}")
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_resident_rates_reopens_and_confirms_through_the_secret_link(client, submit, world, db):
    feedback, secret = submit()
    number = feedback.tracking_number
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    services.answer_feedback(world.asn, feedback, "Sudah kami tindak lanjuti.")
    db.session.commit()

    page = client.get(f"/lacak/{number}", query_string={"kunci": secret}).get_data(as_text=True)
    assert "Nilai jawaban" in page
    assert "Nilai jawaban" not in client.get(f"/lacak/{number}").get_data(as_text=True)
    assert client.post(f"/lacak/{number}/nilai", data={"rating": "4", "kunci": "salah"}).status_code == 403
    assert client.post(f"/lacak/{number}/nilai", data={"rating": "4", "comment": "Cukup cepat", "kunci": secret}).status_code == 303
    assert services.latest_answer_event(feedback).rating == 4
    client.post(f"/lacak/{number}/buka-kembali", data={"reason": "Masih antre lama", "kunci": secret})
    db.session.expire_all()
    assert db.session.get(Feedback, feedback.id).status == "diproses"


@pytest.mark.app_config(FEEDBACK_MAX_PHOTO_BYTES=2048)
def test_photo_upload_type_size_and_access(client, world, db, login):
    good = client.post("/masukan/kirim", data=form_data(world, photo=(io.BytesIO(PNG), "antrean.png")),
                       content_type="multipart/form-data")
    assert good.status_code == 303
    attachment = db.session.scalar(select(FeedbackAttachment))
    assert attachment.content_type == "image/png"
    url = f"/masukan/lampiran/{attachment.id}"
    assert client.get(url).status_code == 302  # the public cannot see it: sign in first
    login(world.citizen)
    assert client.get(url).status_code == 403
    login(world.asn.user)
    with client.get(url) as response:
        assert response.status_code == 200 and response.data == PNG
        assert "no-store" in response.headers["Cache-Control"]
    login(world.outsider.user)
    assert client.get(url).status_code == 403

    fake = client.post("/masukan/kirim", data=form_data(world, photo=(io.BytesIO(b"<?php echo 1;"), "foto.jpg")),
                       content_type="multipart/form-data")
    assert fake.status_code == 422 and "Lampiran harus foto JPG atau PNG." in fake.get_data(as_text=True)
    big = client.post("/masukan/kirim", data=form_data(world, photo=(io.BytesIO(JPEG + b"\x00" * 4096), "besar.jpg")),
                      content_type="multipart/form-data")
    assert big.status_code == 422 and "Foto maksimal 2 KB." in big.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Feedback.id))) == 1


def test_standalone_survey_and_ikm_page(client, world, db):
    response = client.post("/survei", data={"service": str(world.service.id), **{k: str(v) for k, v in SURVEY.items()}})
    assert response.status_code == 303
    html = client.get("/ikm").get_data(as_text=True)
    assert "75.00" in html and "C (Kurang Baik)" in html
    assert client.get("/ikm?periode=bulan-lalu").status_code == 400


def test_public_list_filters(client, submit, world):
    submit(title="Keluhan antrean puskesmas")
    submit(title="Saran jadwal imunisasi", type="saran")
    html = client.get("/masukan", query_string={"jenis": "saran"}).get_data(as_text=True)
    assert "Saran jadwal imunisasi" in html and "Keluhan antrean" not in html
    assert "Periode harus berbentuk" in client.get("/masukan?periode=xx").get_data(as_text=True)
    assert client.get("/masukan?page=abc").status_code == 200
