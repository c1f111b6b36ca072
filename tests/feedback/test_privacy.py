"""The tracking page and the API show one viewer the same things: private parts only with the key."""

import pytest

from portal.feedback import services


def answered(db, world, submit, **overrides):
    """Submit, verify, assign and answer an item whose answer repeats the resident's name and phone."""
    feedback, secret = submit(**overrides)
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    services.answer_feedback(world.asn, feedback, "Bapak Budi Rahasia (0812 3456 7890), loket tambahan sudah dibuka.")
    db.session.commit()
    return feedback, secret


def reopened(db, world, submit, **overrides):
    """An answered item the resident reopened with a reason in their own words."""
    feedback, secret = answered(db, world, submit, **overrides)
    services.reopen_feedback(feedback, "Saya Budi, masih sakit dan antre lagi, telepon 0812 3456 7890")
    db.session.commit()
    return feedback, secret


@pytest.mark.parametrize("kind", [{"is_public": False}, {"is_public": False, "confidential": True}])
def test_private_answer_title_and_body_need_the_key_in_the_api(client, db, world, submit, kind):
    feedback, secret = answered(db, world, submit, title="Keluhan rahasia tentang dokter", **kind)
    url = f"/api/v1/feedback/{feedback.tracking_number}"
    for params in ({}, {"kunci": "salah"}):
        public = client.get(url, query_string=params).get_json()
        assert public["answer"] is None and public["title"] is None and public["body"] is None
        assert public["status"] == "ditindaklanjuti"
        assert "Budi" not in str(public) and "3456" not in str(public)
    own = client.get(url, query_string={"kunci": secret}).get_json()
    assert own["title"] == "Keluhan rahasia tentang dokter"
    assert "loket tambahan" in own["answer"]["body"]
    assert own["answer"]["by"] == {"name": world.asn.name, "jabatan": world.asn.jabatan, "unit": world.unit.name}


def test_signed_in_submitter_sees_their_private_answer_in_the_api(client, db, world, submit, login):
    feedback, _secret = answered(db, world, submit, is_public=False, submitter=world.citizen, contact_email=None)
    url = f"/api/v1/feedback/{feedback.tracking_number}"
    assert client.get(url).get_json()["answer"] is None
    login(world.citizen)
    assert "loket tambahan" in client.get(url).get_json()["answer"]["body"]


def test_rating_is_shown_to_the_resident_only(client, db, world, submit):
    feedback, secret = answered(db, world, submit)
    services.rate_feedback_answer(feedback, 2, "Kurang jelas")
    db.session.commit()
    url = f"/api/v1/feedback/{feedback.tracking_number}"
    public = client.get(url).get_json()
    assert "loket tambahan" in public["answer"]["body"]  # a public item's answer is public
    assert public["answer"]["rating"] is None
    assert client.get(url, query_string={"kunci": secret}).get_json()["answer"]["rating"] == 2


VIEWERS = ["anonymous", "wrong key", "key", "submitter", "other resident", "handling asn", "outsider asn"]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("is_public", [True, False])
def test_api_and_tracking_page_agree_for_every_viewer(client, db, world, submit, login, make_user, viewer, is_public):
    submitter = make_user(name="Pelapor Masuk")
    feedback, secret = reopened(db, world, submit, is_public=is_public, submitter=submitter,
                                title="Judul masukan yang khas", body="Isi masukan yang sangat khas sekali.")
    params = {"kunci": {"key": secret, "wrong key": "bukan-kunci"}.get(viewer)}
    who = {"submitter": submitter, "other resident": world.citizen, "handling asn": world.asn.user,
           "outsider asn": world.outsider.user}.get(viewer)
    if who is not None:
        login(who)
    number = feedback.tracking_number
    page = client.get(f"/lacak/{number}", query_string=params).get_data(as_text=True)
    api = client.get(f"/api/v1/feedback/{number}", query_string=params).get_json()
    detail = client.get(f"/masukan/{number}", query_string=params)

    owner = viewer in ("key", "submitter")
    reads_text = is_public or owner or viewer == "handling asn"
    assert ("loket tambahan" in page) is reads_text
    assert (api["answer"] is not None) is reads_text
    assert (api["title"] == "Judul masukan yang khas") is reads_text
    assert (detail.status_code == 200) is reads_text
    if reads_text:
        assert "Isi masukan yang sangat khas" in detail.get_data(as_text=True)
    # The resident's own words: only the owner and the staff.
    reads_notes = owner or viewer == "handling asn"
    assert ("masih sakit" in page) is reads_notes
    assert ("masih sakit" in str(api["history"])) is reads_notes
    for text in (page, str(api)):
        assert "0812 3456 7890" not in text or reads_text


def test_reopen_reason_is_not_in_the_public_history(client, db, world, submit, login):
    feedback, secret = reopened(db, world, submit)
    number = feedback.tracking_number
    for url in (f"/lacak/{number}", f"/masukan/{number}"):
        html = client.get(url).get_data(as_text=True)
        assert "Dibuka kembali oleh pelapor" in html and "masih sakit" not in html
    api = client.get(f"/api/v1/feedback/{number}").get_json()
    notes = [step["note"] for step in api["history"]]
    assert "Dibuka kembali oleh pelapor." in notes and "masih sakit" not in str(api)
    # The resident (by key) and the staff still read it.
    assert "masih sakit" in client.get(f"/lacak/{number}", query_string={"kunci": secret}).get_data(as_text=True)
    assert "masih sakit" in str(client.get(f"/api/v1/feedback/{number}", query_string={"kunci": secret}).get_json())
    login(world.asn.user)
    assert "masih sakit" in client.get(f"/masukan/{number}/kelola").get_data(as_text=True)
    assert "masih sakit" in client.get(f"/masukan/{number}").get_data(as_text=True)


def test_private_link_opens_the_text_of_a_private_item(client, db, world, submit):
    feedback, secret = submit(is_public=False, body="Isi rahasia yang hanya untuk pelapor.")
    number = feedback.tracking_number
    page = client.get(f"/lacak/{number}", query_string={"kunci": secret}).get_data(as_text=True)
    assert f"/masukan/{number}?kunci={secret}" in page
    detail = client.get(f"/masukan/{number}", query_string={"kunci": secret})
    assert detail.status_code == 200 and "Isi rahasia" in detail.get_data(as_text=True)
    assert client.get(f"/masukan/{number}", query_string={"kunci": "salah"}).status_code == 302


def test_openapi_documents_the_private_key_and_the_rate_limit(client):
    operation = client.get("/api/openapi.json").get_json()["paths"]["/v1/feedback/{tracking_number}"]["get"]
    kunci = next(p for p in operation["parameters"] if p["name"] == "kunci")
    assert kunci["in"] == "query" and kunci["required"] is False
    assert {"200", "404", "429"} <= set(operation["responses"])
