"""Issue 12, feedback part: every step reachable by clicking, and the resident's identity kept private.

The click-only visitor (tests/clicking.py) starts at `/` and only clicks, fills and presses.
"""

import json
import logging

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEntry
from portal.feedback import services
from portal.feedback.models import Feedback, FeedbackStatusChange, SkmResponse
from portal.idempotency import IdempotencyKey
from portal.notifications.models import Notification
from portal.observability import JsonFormatter
from portal.responses.models import Assignment, ResponseEvent
from tests.clicking import Visitor
from tests.conftest import PASSWORD


def signed_in(client, user):
    """Sign in the way a person does: "Masuk" on the home page, then the form."""
    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")
    return visitor


def fill_report(
    visitor, world, *, title="Antrean Puskesmas Ketabang lama", body="Saya menunggu empat jam untuk berobat."
):
    visitor.fill("Perangkat daerah", world.unit.name).fill("Layanan", f"{world.unit.name} — {world.service.name}")
    visitor.choose("Keluhan").fill("Judul", title).fill("Isi masukan", body)
    return visitor


# -- 3. The unit's ASN takes an unassigned verified item and answers it -------------------------


def test_unit_asn_takes_a_verified_item_and_answers_it_by_clicking(client, submit, world, db):
    feedback, _secret = submit()
    visitor = signed_in(client, world.asn.user)
    visitor.click("Kotak masukan").click(feedback.tracking_number)
    visitor.press("Verifikasi").see("Masukan diverifikasi.")
    # No atasan needed: the page says who may assign, by name, and offers the ASN the item.
    visitor.see("Bagus Atasan")
    visitor.press("Ambil dan tangani").see("Anda menangani masukan ini")
    visitor.fill("Jawaban resmi", "Mulai Senin kami membuka dua loket tambahan pada jam sibuk.")
    visitor.press("Kirim jawaban resmi").see("Jawaban resmi terkirim kepada pelapor.")

    db.session.expire_all()
    item = db.session.get(Feedback, feedback.id)
    assert item.status == "ditindaklanjuti" and item.assigned_asn_id == world.asn.id
    # Recorded like an assignment: the ASN assigned themselves, and the answer counts for them.
    taken = db.session.scalars(select(Assignment).where(Assignment.asn_id == world.asn.id)).one()
    assert taken.assigned_by_id == world.asn.user.id and taken.answered_at is not None
    event = db.session.scalars(select(ResponseEvent)).one()
    assert event.asn_id == world.asn.id and event.assignment_id == taken.id


def test_colleague_is_told_who_handles_the_item_and_who_can_reassign(client, submit, world, db):
    feedback, _secret = submit()
    services.verify_feedback(world.asn.user, feedback)
    services.take_feedback(world.asn, feedback)
    db.session.commit()
    visitor = signed_in(client, world.colleague.user)
    visitor.click("Kotak masukan").click(feedback.tracking_number)
    visitor.see("Ditangani oleh Rina Petugas", "hubungi atasan: Bagus Atasan")
    assert "Ambil dan tangani" not in visitor.text and "Kirim jawaban resmi" not in visitor.text
    # The atasan can still reassign it.
    visitor.press("Keluar")
    boss = signed_in(client, world.atasan.user)
    boss.click("Kotak masukan").click(feedback.tracking_number)
    boss.fill("Tugaskan kepada", str(world.colleague.id)).press("Tugaskan").see("Agus Rekan")
    db.session.expire_all()
    assert db.session.get(Feedback, feedback.id).assigned_asn_id == world.colleague.id


def test_take_is_refused_once_someone_handles_it_and_for_other_units(client, submit, world, db, login):
    feedback, _secret = submit()
    services.verify_feedback(world.asn.user, feedback)
    db.session.commit()
    number = feedback.tracking_number
    login(world.outsider.user)
    assert client.post(f"/masukan/{number}/ambil").status_code == 403
    login(world.asn.user)
    assert client.post(f"/masukan/{number}/ambil").status_code == 303
    login(world.colleague.user)
    assert client.post(f"/masukan/{number}/ambil").status_code == 403
    with pytest.raises(services.FeedbackError, match="Rina Petugas"):
        services.take_feedback(world.colleague, db.session.get(Feedback, feedback.id))


# -- 4. "Masukan saya" is linked from the account menu and from /masukan -----------------------


def test_my_feedback_is_reached_from_the_account_menu_and_the_feedback_page(client, submit, world):
    feedback, _secret = submit(
        submitter=world.citizen, contact_name=None, contact_email=None, title="Lampu ruang tunggu mati"
    )
    visitor = signed_in(client, world.citizen)
    visitor.click("Masukan saya", within=".account-nav").see("Masukan saya", feedback.tracking_number)
    visitor.click("Beranda").click("Masukan", within=".main-nav").click("Masukan saya", within="main")
    visitor.see(feedback.tracking_number, "Lampu ruang tunggu mati")


# -- 5. Anonymous or confidential, both offered to a signed-in resident --------------------------


def test_signed_in_resident_reports_anonymously_and_no_identity_is_stored(client, world, db):
    visitor = signed_in(client, world.citizen)
    visitor.click("Keluhan, saran, apresiasi")
    visitor.see("Anonim", "Rahasia", "tidak muncul di “Masukan saya”")
    fill_report(visitor, world).fill("Nomor telepon", "0812 3456 7890").choose("Anonim")
    visitor.press("Kirim masukan").see("Masukan terkirim")
    feedback = db.session.scalars(select(Feedback)).one()
    assert feedback.submitter_id is None and feedback.contact_phone is None and feedback.contact_email is None
    # Nothing ties the account to it: history, audit log, idempotency key, "Masukan saya".
    assert db.session.scalar(select(FeedbackStatusChange.actor_id)) is None
    assert (
        db.session.scalar(select(func.count(IdempotencyKey.id)).where(IdempotencyKey.user_id == world.citizen.id)) == 0
    )
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.actor_id == world.citizen.id, AuditEntry.target_id == str(feedback.id)
            )
        )
        == 0
    )
    visitor.click("Masukan saya", within=".account-nav").not_see(feedback.tracking_number)


def test_signed_in_resident_reports_confidentially_identity_kept_but_hidden(client, world, db, login):
    visitor = signed_in(client, world.citizen)
    visitor.click("Keluhan, saran, apresiasi")
    fill_report(visitor, world).choose("Rahasia").press("Kirim masukan").see("Masukan terkirim")
    feedback = db.session.scalars(select(Feedback)).one()
    assert feedback.submitter_id == world.citizen.id and feedback.confidential
    visitor.click("Masukan saya", within=".account-nav").see(feedback.tracking_number)
    login(world.asn.user)
    html = client.get(f"/masukan/{feedback.tracking_number}/kelola").get_data(as_text=True)
    assert "Dirahasiakan" in html and "Sari Warga" not in html


# -- 6. Tracking: a wrong number stays on /lacak; "Lacak status" keeps the private key ----------


def test_wrong_tracking_number_stays_on_the_form_with_the_number_kept(client, submit):
    submit()
    visitor = Visitor(client).start()
    visitor.click("Masukan", within=".main-nav").click("Lacak nomor")
    visitor.fill("Nomor pelacakan", "SBY-2026-999999").press("Lacak", expect=404)
    assert visitor.path == "/lacak"
    visitor.see("Nomor tidak ditemukan")
    assert visitor.soup.find("input", attrs={"name": "nomor"})["value"] == "SBY-2026-999999"


def test_track_button_on_the_confirmation_keeps_the_private_key(client, world, db):
    visitor = Visitor(client).start()
    visitor.click("Keluhan, saran, apresiasi")
    fill_report(visitor, world).press("Kirim masukan").see("Masukan terkirim")
    feedback = db.session.scalars(select(Feedback)).one()
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    services.answer_feedback(world.asn, feedback, "Loket tambahan dibuka setiap pagi.")
    db.session.commit()
    visitor.click("Lacak status").see("Loket tambahan dibuka setiap pagi.", "Nilai jawaban")
    visitor.choose("4").press("Kirim penilaian").see("penilaian Anda sudah disimpan")


# -- 9. The unit's ASN hear of new feedback, without the resident's identity or words -----------


def test_unit_asn_are_notified_of_new_feedback_without_personal_data(client, world, db, mailbox):
    world.colleague.user.email_notifications = False
    db.session.commit()
    visitor = Visitor(client).start()
    visitor.click("Keluhan, saran, apresiasi")
    fill_report(
        visitor, world, title="Dokter membentak pasien lansia", body="Ibu saya dibentak saat kontrol gula darah."
    )
    visitor.fill("Nama", "Budi Rahasia").fill("Email", "budi.rahasia@contoh.id").press("Kirim masukan")
    feedback = db.session.scalars(select(Feedback)).one()
    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert {n.user_id for n in notes} == {world.atasan.user_id, world.asn.user_id, world.colleague.user_id}
    for note in notes:
        assert feedback.tracking_number in note.message and note.url.endswith(
            f"/masukan/{feedback.tracking_number}/kelola"
        )
        assert "Budi" not in note.message and "Dokter" not in note.message and "gula" not in note.message
    # E-mail only to those who want it; never to another unit's ASN.
    recipients = {address for message in mailbox for address in message.recipients}
    assert world.asn.user.email in recipients and world.atasan.user.email in recipients
    assert world.colleague.user.email not in recipients and world.outsider.user.email not in recipients
    for message in mailbox:
        if message.recipients != ["budi.rahasia@contoh.id"]:
            assert "Budi" not in message.body and "Dokter" not in message.body


# -- 13. Public text holds no NIK, phone number or e-mail address --------------------------------


def test_public_feedback_with_a_phone_number_is_refused_at_the_text(client, world, db):
    visitor = Visitor(client).start()
    visitor.click("Keluhan, saran, apresiasi")
    fill_report(visitor, world, body="Hubungi saya di 0812-3456-7890 soal antrean ini.")
    visitor.check("Tampilkan isi masukan saya").press("Kirim masukan", expect=422)
    visitor.see("Isi masukan: Teks ini memuat nomor telepon (0812…90)")
    assert db.session.scalar(select(func.count(Feedback.id))) == 0
    # A private report may carry it: only the handling unit reads it.
    visitor.check("Tampilkan isi masukan saya", checked=False).press("Kirim masukan").see("Masukan terkirim")
    assert "0812-3456-7890" in db.session.scalars(select(Feedback)).one().body_md


def test_public_title_with_a_nik_is_refused(client, world, db):
    visitor = Visitor(client).start()
    visitor.click("Keluhan, saran, apresiasi")
    fill_report(visitor, world, title="KTP 3578 0112 8500 0001 belum jadi")
    visitor.check("Tampilkan isi masukan saya").press("Kirim masukan", expect=422).see(
        "Judul: Teks ini memuat nomor yang tampak seperti NIK"
    )


@pytest.mark.parametrize("field", ["title", "body"])
def test_api_refuses_public_text_with_an_email_address(client, world, db, field):
    payload = {
        "unit": "dinkes",
        "type": "saran",
        "title": "Antrean daring Puskesmas",
        "public": True,
        "body": "Mohon antrean daring agar lansia tidak menunggu lama.",
    }
    payload[field] += " Balas ke budi@contoh.id"
    response = client.post("/api/v1/feedback", json=payload)
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == field and "alamat email" in body["message"]
    assert db.session.scalar(select(func.count(Feedback.id))) == 0
    assert client.post("/api/v1/feedback", json={**payload, "public": False}).status_code == 201


def test_public_answer_with_a_nik_is_refused_but_the_unit_phone_is_fine(client, submit, world, db, login):
    feedback, _secret = submit()
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    db.session.commit()
    login(world.asn.user)
    number = feedback.tracking_number
    refused = client.post(f"/masukan/{number}/jawab", data={"body": "Data NIK 3578011285000001 sudah kami periksa."})
    assert refused.status_code == 422 and "NIK" in refused.get_data(as_text=True)
    assert (
        client.post(
            f"/masukan/{number}/jawab", data={"body": "Silakan hubungi loket kami di (031) 5312144."}
        ).status_code
        == 303
    )


# -- 16. The request log ties no IP or account to an anonymous report -----------------------------


@pytest.mark.app_config(LOG_REQUESTS=True)
@pytest.mark.parametrize("who", ["visitor", "signed-in resident"])
def test_anonymous_submission_and_tracking_log_no_ip_or_account(client, world, db, caplog, who):
    visitor = Visitor(client).start() if who == "visitor" else signed_in(client, world.citizen)
    fill_report(visitor.click("Keluhan, saran, apresiasi"), world)
    if who != "visitor":
        visitor.choose("Anonim")
    with caplog.at_level(logging.INFO, logger="portal.request"):
        caplog.clear()
        visitor.press("Kirim masukan").click("Lacak status")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "portal.request"]
    # The POST, the confirmation page it redirects to, and the tracking page with the key.
    assert [line["path"].split("/")[1] for line in lines] == ["masukan", "masukan", "lacak"]
    for line in lines:
        assert line["ip"] is None and line["user_id"] is None


@pytest.mark.app_config(LOG_REQUESTS=True)
def test_tracking_requests_keep_only_a_truncated_ip(client, submit, world, caplog):
    feedback, _secret = submit(submitter=world.citizen, contact_name=None, contact_email=None)
    with caplog.at_level(logging.INFO, logger="portal.request"):
        client.get(f"/lacak/{feedback.tracking_number}", environ_base={"REMOTE_ADDR": "203.0.113.77"})
        client.get("/layanan", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "portal.request"]
    assert [line["ip"] for line in lines] == ["203.0.113.0", "203.0.113.77"]


# -- 19. Partial surveys are accepted everywhere; IKM averages each element over who answered -----


def test_partial_surveys_count_per_element_on_the_page_and_the_api(client, world, db):
    visitor = Visitor(client).start()
    visitor.click("Indeks Kepuasan Masyarakat").click("Isi survei")
    visitor.fill("Layanan yang Anda terima", str(world.service.id))
    # Only u1 and u2 answered: every other element says it is optional.
    assert visitor.text.count("(opsional)") >= 9
    visitor.choose("4 — Sangat baik", within="fieldset:has(> legend#u1)")
    visitor.choose("4 — Sangat baik", within="fieldset:has(> legend#u2)")
    visitor.press("Kirim survei").see("Survei kepuasan Anda untuk Puskesmas sudah tercatat")
    # The API and the feedback form take partial surveys too.
    api = client.post(
        "/api/v1/feedback",
        json={
            "unit": "dinkes",
            "service": world.service.slug,
            "type": "saran",
            "title": "Antrean daring",
            "body": "Mohon antrean daring untuk lansia.",
            "skm": {f"u{n}": 2 for n in range(2, 10)} | {"u1": None},
        },
    )
    assert api.status_code == 201
    assert db.session.scalar(select(func.count(SkmResponse.id))) == 2
    ikm = client.get(f"/api/v1/units/{world.unit.slug}/ikm").get_json()
    means = {e["code"]: (e["mean"], e["respondents"]) for e in ikm["elements"]}
    # u1: answered once (4); u2: (4 + 2) / 2 = 3; u3…u9: answered once (2) — not diluted by the skips.
    assert means["u1"] == (4.0, 1) and means["u2"] == (3.0, 2) and means["u9"] == (2.0, 1)
    # (4 + 3 + 7 × 2) / 9 = 21/9 → × 25 = 58.33 → D
    assert (ikm["respondents"], ikm["ikm"], ikm["category"]) == (2, 58.33, "D")


def test_empty_survey_is_refused_with_a_clear_message(client, world, db):
    visitor = Visitor(client).start()
    visitor.click("Indeks Kepuasan Masyarakat").click("Isi survei")
    visitor.fill("Layanan yang Anda terima", str(world.service.id)).press("Kirim survei", expect=422)
    visitor.see("Survei kosong: beri nilai paling sedikit satu unsur pelayanan.")
    assert db.session.scalar(select(func.count(SkmResponse.id))) == 0
