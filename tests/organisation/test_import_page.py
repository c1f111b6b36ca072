"""BKPSDM imports ASN profiles from a CSV file in the browser: check every row, then import all or nothing."""

from io import BytesIO

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEntry
from portal.organisation import importer
from portal.organisation.models import AsnProfile, Unit
from tests.clicking import Visitor
from tests.conftest import PASSWORD

HEADER = "nip,nama,jabatan,unit,email,atasan_nip"
KEPALA = "197001011995031001"
STAF = "199005202015031003"
GOOD = f"{HEADER}\n{KEPALA},Bambang Sutrisno,Kepala Dinas,dinkes,bambang@contoh.id,\n{STAF},Andi Wijaya,Pranata Komputer,dinkes,,{KEPALA}\n"


def profiles(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count(AsnProfile.id)))


@pytest.fixture
def dinkes(make_unit):
    return make_unit(name="Dinas Kesehatan", slug="dinkes")


@pytest.fixture
def import_page(client, admin, dinkes):
    """The admin signs in on the home page and clicks to the import page."""
    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", admin.email).fill("Kata sandi", PASSWORD).press("Masuk")
    return visitor.click("Admin").click("Impor ASN (CSV)").see("Impor profil ASN dari CSV")


def upload(visitor, content, name="asn.csv", expect=None):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return visitor.fill("Berkas CSV", (BytesIO(data), name)).press("Periksa berkas", expect=expect)


def test_admin_clicks_to_the_upload_previews_every_row_and_imports_all(import_page, db):
    page = upload(import_page, GOOD)
    page.see(
        "Semua 2 baris lolos pemeriksaan. Belum ada yang disimpan.",
        "Bambang Sutrisno",
        "Andi Wijaya",
        "19700101 199503 1 001",
    )
    assert profiles(db) == 0  # a dry run
    page.press("Impor 2 profil ASN").see("2 profil ASN diimpor.", "1 akun baru dibuat")
    assert page.path == "/admin/asn"
    assert profiles(db) == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "asn.import"))
    assert entry.after["profiles"] == 2 and entry.after["file"] == "asn.csv" and len(entry.after["sha256"]) == 64
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "asn.create")) == 2


def test_every_row_with_a_problem_is_shown_and_nothing_can_be_imported(import_page, db):
    bad = f"{HEADER}\n{KEPALA},Bambang Sutrisno,Kepala Dinas,dinkes,,\n123,Andi Wijaya,Pranata Komputer,tidak-ada,,\n"
    page = upload(import_page, bad, expect=422)
    page.see(
        "Bambang Sutrisno", "Andi Wijaya", "NIP harus 18 digit, bukan 3.", 'slug "tidak-ada" tidak dikenal', "Siap"
    )
    assert not page.soup.find("button", string=lambda s: s and "Impor" in s and "profil ASN" in s)
    assert profiles(db) == 0


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"nip,nama\n1,2\n", 422, "judul kolom salah"),
        (f"{HEADER}\n{KEPALA},Bambang Sütrisno,Kepala,dinkes,,\n".encode("latin-1"), 422, "Berkas bukan teks UTF-8"),
        (b"", 422, "Berkas kosong"),
    ],
)
def test_bad_files_get_a_clear_message(import_page, db, content, status, message):
    upload(import_page, content, expect=status).see(message)
    assert profiles(db) == 0


def test_too_big_a_file_is_refused_with_413(import_page, app, db):
    app.config["ASN_IMPORT_MAX_BYTES"] = 100 * 1024
    upload(import_page, GOOD + "x" * (100 * 1024), expect=413).see("Berkas lebih besar dari 100 KB")
    assert profiles(db) == 0


def test_no_file_chosen(import_page):
    import_page.press("Periksa berkas", expect=422).see("Pilih berkas CSV berisi data ASN.")


def test_the_confirmation_is_checked_again_and_never_trusted(import_page, db, admin, admin_client, app, make_user):
    page = upload(import_page, GOOD)
    token = page.soup.find("input", attrs={"name": "token"})["value"]
    # A forged or edited token is refused.
    forged = admin_client.post("/admin/asn/impor/simpan", data={"token": token[:-4] + "AAAA"})
    assert forged.status_code == 400 and "tidak sah" in forged.get_data(as_text=True)
    with app.test_request_context():
        other_admins = importer.sign_import(GOOD.encode(), "asn.csv", actor_id=admin.id + 1000)
    assert admin_client.post("/admin/asn/impor/simpan", data={"token": other_admins}).status_code == 400
    # Someone adds the same NIP between preview and confirmation: nothing is imported.
    make_user(name="Andi", email="andi@contoh.id")
    db.session.add(AsnProfile(nip=STAF, name="Andi Wijaya", jabatan="Staf", unit_id=page_unit_id(db)))
    db.session.commit()
    again = page.press("Impor 2 profil ASN", expect=409)
    again.see("Data portal berubah sejak berkas diperiksa", f"NIP {STAF} sudah terdaftar")
    assert profiles(db) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "asn.import")) == 0


def page_unit_id(db):
    return db.session.scalar(select(Unit.id).where(Unit.slug == "dinkes"))


def test_the_import_pages_are_for_admins_only(client, login, make_user):
    login(make_user(roles=("warga", "asn")))
    assert client.get("/admin/asn/impor").status_code == 403
    assert client.post("/admin/asn/impor/simpan", data={"token": "x"}).status_code == 403
