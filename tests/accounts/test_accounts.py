import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import DELETED_NAME, User, handle_reveals_name, new_public_handle
from portal.accounts.passwords import password_matches
from portal.audit import AuditEntry
from portal.organisation.models import AsnProfile
from tests.conftest import PASSWORD

NEW_PASSWORD = "Kembang-Jepun-77"


def register(client, **overrides):
    data = {
        "name": "Budi Santoso",
        "email": "budi@contoh.id",
        "password": "Suroboyo-2026",
        "password_confirm": "Suroboyo-2026",
        "accept_terms": "y",
    }
    data.update(overrides)
    return client.post("/akun/daftar", data=data)


def link_in(message):
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def user_by_email(db, email):
    return db.session.scalar(select(User).filter_by(email=email))


def test_register_creates_unverified_citizen_and_mails_link(client, db, mailbox):
    response = register(client, email="  Budi@Contoh.ID ")
    assert response.status_code == 201
    assert "Periksa email Anda" in response.get_data(as_text=True)
    user = user_by_email(db, "budi@contoh.id")
    assert user.roles == {"warga"}
    assert not user.is_verified
    assert user.password_hash.startswith("scrypt:")
    assert password_matches(user.password_hash, "Suroboyo-2026")
    assert len(mailbox) == 1
    assert mailbox[0].recipients == ["budi@contoh.id"]
    assert "/akun/verifikasi/" in mailbox[0].body


def test_register_writes_mail_to_outbox_folder(app, client):
    register(client)
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1
    assert "budi@contoh.id" in files[0].name
    assert "/akun/verifikasi/" in files[0].read_text()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "minimal 8 karakter"),
        ("hanyahurufsaja", "huruf dan angka"),
        ("1234567890", "huruf dan angka"),
        ("password123", "terlalu umum"),
        ("budi-santoso-1", "nama atau alamat email"),
        ("x1" * 70, "maksimal 128 karakter"),
    ],
)
def test_register_refuses_weak_passwords(client, db, password, message):
    response = register(client, email="budi.santoso@contoh.id", password=password, password_confirm=password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_register_lists_every_missing_field_in_indonesian(client, db):
    response = client.post("/akun/daftar", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in html
    assert html.count("Wajib diisi.") >= 4
    assert "Anda perlu menyetujui kebijakan privasi" in html


def test_register_refuses_overlong_and_malformed_input(client, db):
    response = register(client, name="N" * 500, email="bukan-email")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Panjang harus 2–120 karakter." in html
    assert "Masukkan alamat email yang benar" in html


def test_register_with_a_taken_address_answers_the_same_and_mails_the_owner(client, db, make_user, mailbox):
    owner = make_user(name="Budi Pemilik", email="budi@contoh.id")
    taken = register(client, email="BUDI@contoh.id", name="Penyusup")
    new = register(client, email="baru@contoh.id")
    assert taken.status_code == new.status_code == 201
    assert taken.get_data(as_text=True).replace("budi@contoh.id", "X") == new.get_data(as_text=True).replace("baru@contoh.id", "X")
    assert db.session.scalar(select(func.count(User.id)).filter_by(email="budi@contoh.id")) == 1
    db.session.refresh(owner)
    assert owner.name == "Budi Pemilik" and password_matches(owner.password_hash, PASSWORD)
    to_owner = next(m for m in mailbox if m.recipients == ["budi@contoh.id"])
    assert to_owner.subject == "Ada yang mencoba mendaftar dengan email Anda"
    assert "http://localhost/akun/lupa-sandi" in to_owner.body
    assert "/akun/verifikasi/" not in to_owner.body  # already verified: no new link needed


def test_register_keeps_what_was_typed_on_error(client):
    response = register(client, password="lemah", password_confirm="lemah")
    assert 'value="Budi Santoso"' in response.get_data(as_text=True)


def test_verification_link_verifies_then_login_works(client, db, mailbox):
    register(client)
    user = user_by_email(db, "budi@contoh.id")

    refused = client.post("/akun/masuk", data={"email": "budi@contoh.id", "password": "Suroboyo-2026"})
    assert refused.status_code == 403
    assert "belum diverifikasi" in refused.get_data(as_text=True)

    response = client.get(link_in(mailbox[0]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/akun/masuk")
    db.session.refresh(user)
    assert user.is_verified

    response = client.post("/akun/masuk", data={"email": "budi@contoh.id", "password": "Suroboyo-2026"})
    assert response.status_code == 302
    assert "Budi Santoso" in client.get("/").get_data(as_text=True)


def test_tampered_verification_link_is_refused(client, db, mailbox):
    register(client)
    response = client.get(link_in(mailbox[0]) + "x", follow_redirects=True)
    assert "Tautan verifikasi tidak valid." in response.get_data(as_text=True)
    assert not user_by_email(db, "budi@contoh.id").is_verified


@pytest.mark.app_config(EMAIL_TOKEN_MAX_AGE=-1)
def test_expired_verification_link_offers_a_new_one(client, db, mailbox):
    register(client)
    response = client.get(link_in(mailbox[0]), follow_redirects=True)
    assert "sudah kedaluwarsa" in response.get_data(as_text=True)
    assert not user_by_email(db, "budi@contoh.id").is_verified


def test_resend_verification_does_not_reveal_accounts(client, make_user, mailbox):
    make_user(email="belum@contoh.id", verified=False)
    known = client.post("/akun/verifikasi", data={"email": "belum@contoh.id"}, follow_redirects=True)
    unknown = client.post("/akun/verifikasi", data={"email": "siapa@contoh.id"}, follow_redirects=True)
    assert len(mailbox) == 1
    message = "Jika alamat itu terdaftar dan belum diverifikasi"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_with_remember_me_sets_cookie_and_next_is_kept(client, make_user):
    make_user(email="sari@contoh.id")
    response = client.post(
        "/akun/masuk?next=/akun/profil", data={"email": "sari@contoh.id", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/profil"
    assert client.get_cookie("remember_token") is not None


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, make_user, target):
    make_user(email="sari@contoh.id")
    response = client.post(f"/akun/masuk?next={target}", data={"email": "sari@contoh.id", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_wrong_password_gives_one_message_for_unknown_and_known_accounts(client, make_user):
    make_user(email="sari@contoh.id")
    wrong = client.post("/akun/masuk", data={"email": "sari@contoh.id", "password": "salah-sandi-1"})
    unknown = client.post("/akun/masuk", data={"email": "tidakada@contoh.id", "password": "salah-sandi-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Email atau kata sandi salah." in wrong.get_data(as_text=True)
    assert "Email atau kata sandi salah." in unknown.get_data(as_text=True)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
def test_login_is_rate_limited_per_address(client, make_user):
    make_user(email="sari@contoh.id")
    statuses = [
        client.post("/akun/masuk", data={"email": f"x{i}@contoh.id", "password": "salah-sandi-1"}).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    response = client.post("/akun/masuk", data={"email": "sari@contoh.id", "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)


def test_password_reset_by_mailed_link_is_single_use(client, db, make_user, mailbox, login):
    user = make_user(email="sari@contoh.id")
    other_device = client.application.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.get_id()

    response = client.post("/akun/lupa-sandi", data={"email": "SARI@contoh.id"})
    assert response.status_code == 302
    link = link_in(mailbox[0])

    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/akun/masuk")
    db.session.refresh(user)
    assert password_matches(user.password_hash, NEW_PASSWORD)

    # The link cannot be used twice, and sessions on other devices end.
    again = client.post(link, data={"password": "Lain-lagi-99", "password_confirm": "Lain-lagi-99"}, follow_redirects=True)
    assert "tidak valid, sudah dipakai, atau kedaluwarsa" in again.get_data(as_text=True)
    assert other_device.get("/akun/profil").status_code == 302
    assert client.post("/akun/masuk", data={"email": "sari@contoh.id", "password": NEW_PASSWORD}).status_code == 302


def test_forgot_password_answers_the_same_for_unknown_address(client, mailbox):
    response = client.post("/akun/lupa-sandi", data={"email": "siapa@contoh.id"}, follow_redirects=True)
    assert "Jika alamat itu terdaftar" in response.get_data(as_text=True)
    assert mailbox == []


def test_reset_also_verifies_an_imported_account_without_password(client, db, make_user, mailbox):
    user = make_user(email="asn.baru@contoh.id", verified=False)
    user.password_hash = None
    db.session.commit()
    assert client.post("/akun/masuk", data={"email": "asn.baru@contoh.id", "password": "apa-saja-1"}).status_code == 401
    client.post("/akun/lupa-sandi", data={"email": "asn.baru@contoh.id"})
    client.post(link_in(mailbox[0]), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert client.post("/akun/masuk", data={"email": "asn.baru@contoh.id", "password": NEW_PASSWORD}).status_code == 302


def test_profile_requires_login(client):
    response = client.get("/akun/profil")
    assert response.status_code == 302
    assert "/akun/masuk?next=" in response.headers["Location"]


def test_profile_update_is_saved_and_audited(client, db, make_user, login):
    user = login(make_user(name="Sari"))
    response = client.post("/akun/profil", data={"name": "Sari Wulandari", "handle": "@Sari_W", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    # The e-mail switch is not on the profile form (notifications.settings): saving leaves it on.
    assert (user.name, user.handle, user.locale, user.email_notifications) == ("Sari Wulandari", "sari_w", "en", True)
    assert user.public_name == "@sari_w"
    entry = db.session.scalar(select(AuditEntry).filter_by(action="account.update_profile"))
    assert entry.before["name"] == "Sari" and entry.after["name"] == "Sari Wulandari"


def test_profile_refuses_unknown_locale(client, make_user, login):
    login(make_user())
    response = client.post("/akun/profil", data={"name": "Sari", "handle": "sari", "locale": "xx"})
    assert response.status_code == 422
    assert "Pilihan tidak valid." in response.get_data(as_text=True)


def test_public_handle_is_unique_and_checked(client, db, make_user, login):
    budi = make_user(name="Budi")
    user = login(make_user(name="Sari"))
    first_handle = user.handle
    taken = client.post("/akun/profil", data={"name": "Sari", "handle": budi.handle})
    assert taken.status_code == 422 and "sudah dipakai" in taken.get_data(as_text=True)
    bad = client.post("/akun/profil", data={"name": "Sari", "handle": "Sari Wulandari!"})
    assert bad.status_code == 422 and "huruf kecil, angka, atau garis bawah" in bad.get_data(as_text=True)
    for reserved in ("admin", "dihapus12", "moderator_resmi", "bkpsdm"):
        refused = client.post("/akun/profil", data={"name": "Sari", "handle": reserved})
        assert refused.status_code == 422 and "dicadangkan" in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.handle == first_handle


def test_new_accounts_get_handles_that_do_not_reveal_their_names(client, db, make_user, mailbox):
    first, second = make_user(name="Budi Santoso"), make_user(name="Budi Santoso")
    assert re.fullmatch(r"warga\d{6}", first.handle) and re.fullmatch(r"warga\d{6}", second.handle)
    assert first.handle != second.handle
    assert "budi" not in first.public_name.lower()
    # Registering through the form too: the public name says nothing about the person.
    register(client, name="Sari Wulandari", email="sari@contoh.id")
    sari = db.session.scalar(select(User).filter_by(email="sari@contoh.id"))
    assert re.fullmatch(r"@warga\d{6}", sari.public_name)


def test_profile_explains_the_public_handle(client, make_user, login):
    user = login(make_user(name="Sari Wulandari"))
    html = client.get("/akun/profil").get_data(as_text=True)
    assert f'value="{user.handle}"' in html
    assert "supaya nama asli Anda tidak terlihat" in html


def test_old_handles_made_from_names_are_recognised_and_replaced(db, make_user):
    user = make_user(name="Sari Wulandari")
    assert handle_reveals_name("sariwulandari", "Sari Wulandari")
    assert handle_reveals_name("sariwulandari2", "Sari Wulandari")
    assert not handle_reveals_name("sari_w", "Sari Wulandari")
    assert not handle_reveals_name(user.handle, user.name)
    replacement = new_public_handle(db.session)
    assert re.fullmatch(r"warga\d{6}", replacement) and replacement != user.handle


def test_change_password_needs_the_current_one(client, db, make_user, login):
    user = login(make_user())
    wrong = client.post(
        "/akun/profil/sandi",
        data={"current_password": "salah-sandi-1", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "Kata sandi saat ini salah." in wrong.get_data(as_text=True)
    right = client.post(
        "/akun/profil/sandi",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert right.status_code == 302
    db.session.refresh(user)
    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert client.get("/akun/profil").status_code == 200  # this session stays signed in


def test_export_gives_the_persons_data_as_json(client, make_user, login):
    login(make_user(name="Sari", email="sari@contoh.id"))
    response = client.get("/akun/profil/ekspor")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["akun"]["email"] == "sari@contoh.id"
    assert data["akun"]["peran"] == ["warga"]


def test_delete_account_anonymises_and_keeps_contributions(app, client, db, make_user, make_asn, login):
    profile = make_asn(name="Rina")
    user = profile.user
    user.email = "rina@contoh.id"
    db.session.commit()
    login(user)
    client.post("/akun/profil", data={"name": "Rina W", "handle": "rinaw", "locale": "id"})  # leaves an audit entry
    anonymised = []
    services.ACCOUNT_DELETION_HOOKS.append(anonymised.append)
    try:
        wrong = client.post("/akun/profil/hapus", data={"password": "salah-sandi-1", "confirm": "y"})
        assert wrong.status_code == 422
        response = client.post("/akun/profil/hapus", data={"password": PASSWORD, "confirm": "y"})
    finally:
        services.ACCOUNT_DELETION_HOOKS.remove(anonymised.append)
    assert response.status_code == 302
    assert anonymised == [user]

    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user is not None  # the row stays so contributions keep an author reference
    assert user.name == DELETED_NAME
    assert "rina" not in user.email
    assert user.password_hash is None and user.roles == set() and user.is_deleted
    assert db.session.get(AsnProfile, profile.id).user_id is None  # the profile stays, unlinked
    entry = db.session.scalar(select(AuditEntry).filter_by(action="account.update_profile"))
    assert entry.actor_id == user.id  # history survives, now pointing to an anonymous account

    assert client.get("/akun/profil").status_code == 302  # signed out
    login_again = client.post("/akun/masuk", data={"email": "rina@contoh.id", "password": PASSWORD})
    assert login_again.status_code == 401


def test_delete_account_needs_the_confirmation_box(client, db, make_user, login):
    user = login(make_user())
    response = client.post("/akun/profil/hapus", data={"password": PASSWORD})
    assert response.status_code == 422
    assert "Centang kotak ini" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.is_deleted


def test_logout_needs_post(client, make_user, login):
    login(make_user())
    assert client.get("/akun/keluar").status_code == 405
    assert client.post("/akun/keluar").status_code == 302
    assert client.get("/akun/profil").status_code == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_forged_form_without_csrf_token_is_refused(client, db):
    response = register(client)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa atau tidak sah" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_form_with_its_csrf_token_is_accepted(client, db):
    page = client.get("/akun/daftar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = register(client, csrf_token=token)
    assert response.status_code == 201
