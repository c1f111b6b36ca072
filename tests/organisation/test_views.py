"""Admin pages for units, services and ASN profiles, through the HTTP client."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import AuditEntry
from portal.organisation import services
from portal.organisation.models import AsnProfile, Service, Unit
from tests.querycount import count_queries


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def audit_entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def asn_form(unit, **overrides):
    data = {
        "nip": "19850312 201001 1 004",
        "name": "Budi Santoso",
        "jabatan": "Pranata Komputer",
        "unit_id": str(unit.id),
        "supervisor_nip": "",
        "email": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- units


def test_unit_list_empty_state(admin_client):
    html = admin_client.get("/admin/unit").get_data(as_text=True)
    assert "Belum ada perangkat daerah" in html


def test_unit_list_shows_counts(admin_client, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas", "Rumah Sakit"])
    make_asn(unit=unit)
    html = admin_client.get("/admin/unit").get_data(as_text=True)
    assert "Dinas Kesehatan" in html
    assert "<td>2</td>" in html
    assert f'href="/admin/asn?unit={unit.id}">1</a>' in html


def test_create_unit_redirects_to_its_page_and_audits(admin_client, db, admin):
    response = admin_client.post("/admin/unit/baru", data={"name": "Dinas Kesehatan", "slug": "", "description": "Urusan kesehatan"})
    assert response.status_code == 303
    unit = db.session.scalar(select(Unit))
    assert response.headers["Location"] == f"/admin/unit/{unit.id}/ubah"
    assert unit.slug == "dinas-kesehatan"
    [entry] = audit_entries(db, "unit.create")
    assert entry.actor_id == admin.id
    assert entry.after == {"name": "Dinas Kesehatan", "slug": "dinas-kesehatan", "description": "Urusan kesehatan"}
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Perangkat daerah Dinas Kesehatan ditambahkan." in html


def test_create_unit_form_errors_are_422_in_indonesian_and_store_nothing(admin_client, db):
    response = admin_client.post("/admin/unit/baru", data={"name": "", "slug": "Bukan Slug!", "description": "x" * 2001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in html
    assert "Wajib diisi." in html
    assert "huruf kecil, angka, dan tanda hubung" in html
    assert "Maksimal 2000 karakter." in html
    assert 'aria-invalid="true"' in html
    assert "Bukan Slug!" in html  # what the person typed is kept
    assert count(db, Unit) == 0
    assert count(db, AuditEntry) == 0


def test_duplicate_unit_slug_or_name_is_a_form_error(admin_client, db, make_unit):
    make_unit(name="Dinas Kesehatan", slug="dinkes")
    response = admin_client.post("/admin/unit/baru", data={"name": "Dinas Kesehatan Baru", "slug": "dinkes"})
    assert response.status_code == 422
    assert "Slug dinkes sudah dipakai. Pilih slug lain." in response.get_data(as_text=True)
    response = admin_client.post("/admin/unit/baru", data={"name": "DINAS KESEHATAN", "slug": ""})
    assert response.status_code == 422
    assert "Sudah ada perangkat daerah bernama DINAS KESEHATAN." in response.get_data(as_text=True)
    assert count(db, Unit) == 1


def test_uniqueness_race_is_a_form_error_not_a_500(admin_client, db, make_unit, monkeypatch):
    # Another admin saved the same name between our check and our insert.
    make_unit(name="Dinas Kesehatan", slug="dinkes")
    monkeypatch.setattr(services, "_ensure_unit_name_free", lambda name, unit=None: None)
    response = admin_client.post("/admin/unit/baru", data={"name": "Dinas Kesehatan", "slug": "dinkes-baru"})
    assert response.status_code == 422
    assert "bentrok dengan data yang baru saja disimpan" in response.get_data(as_text=True)
    assert count(db, Unit) == 1


def test_edit_unit_shows_values_saves_and_audits(admin_client, db, make_unit):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    html = admin_client.get(f"/admin/unit/{unit.id}/ubah").get_data(as_text=True)
    assert 'value="Dinas Kesehatan"' in html and 'value="dinkes"' in html
    assert "Puskesmas" in html
    response = admin_client.post(f"/admin/unit/{unit.id}/ubah", data={"name": "Dinas Kesehatan Kota", "slug": "dinkes"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/unit/{unit.id}/ubah"
    [entry] = audit_entries(db, "unit.update")
    assert entry.before["name"] == "Dinas Kesehatan"
    assert entry.after["name"] == "Dinas Kesehatan Kota"


def test_unknown_unit_is_404(admin_client):
    assert admin_client.get("/admin/unit/999/ubah").status_code == 404
    assert admin_client.post("/admin/unit/999/hapus").status_code == 404


def test_unit_with_dependents_cannot_be_deleted(admin_client, db, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas"])
    make_asn(unit=unit)
    response = admin_client.post(f"/admin/unit/{unit.id}/hapus")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Dinas Kesehatan tidak dapat dihapus karena masih dipakai oleh: 1 profil ASN, 1 layanan." in html
    assert count(db, Unit) == 1
    assert count(db, Service) == 1
    assert audit_entries(db, "unit.delete") == []


def test_empty_unit_is_deleted(admin_client, db, make_unit):
    unit = make_unit(name="Dinas Lama")
    response = admin_client.post(f"/admin/unit/{unit.id}/hapus")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/unit"
    assert count(db, Unit) == 0
    assert len(audit_entries(db, "unit.delete")) == 1
    assert "Perangkat daerah Dinas Lama dihapus." in admin_client.get("/admin/unit").get_data(as_text=True)


# ---------------------------------------------------------------- services (layanan)


def test_create_service_redirects_to_unit(admin_client, db, make_unit):
    unit = make_unit(name="Dinas Kesehatan")
    response = admin_client.post(f"/admin/unit/{unit.id}/layanan/baru", data={"name": "Puskesmas", "slug": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/unit/{unit.id}/ubah"
    service = db.session.scalar(select(Service))
    assert (service.slug, service.unit_id) == ("puskesmas", unit.id)
    assert len(audit_entries(db, "service.create")) == 1


def test_service_slug_is_unique_across_units(admin_client, db, make_unit):
    make_unit(name="Dinas Kesehatan", services=["Pengaduan"])
    taken = db.session.scalar(select(Service.slug))
    other = make_unit(name="Dinas Pendidikan")
    response = admin_client.post(f"/admin/unit/{other.id}/layanan/baru", data={"name": "Pengaduan", "slug": taken})
    assert response.status_code == 422
    assert f"Slug {taken} sudah dipakai." in response.get_data(as_text=True)
    assert count(db, Service) == 1


def test_service_form_errors_are_422(admin_client, db, make_unit):
    unit = make_unit()
    response = admin_client.post(f"/admin/unit/{unit.id}/layanan/baru", data={"name": "P", "slug": ""})
    assert response.status_code == 422
    assert "Panjang harus 2–160 karakter." in response.get_data(as_text=True)
    assert count(db, Service) == 0


def test_edit_and_delete_service(admin_client, db, make_unit):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas"])
    service = unit.services[0]
    old_slug = service.slug
    response = admin_client.post(f"/admin/layanan/{service.id}/ubah", data={"name": "Puskesmas Keliling", "slug": "pusling"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/unit/{unit.id}/ubah"
    [entry] = audit_entries(db, "service.update")
    assert (entry.before["slug"], entry.after["slug"]) == (old_slug, "pusling")

    response = admin_client.post(f"/admin/layanan/{service.id}/hapus")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/unit/{unit.id}/ubah"
    assert count(db, Service) == 0
    assert len(audit_entries(db, "service.delete")) == 1


def test_service_still_used_cannot_be_deleted(admin_client, db, make_unit, monkeypatch):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas"])
    service = unit.services[0]
    # Feedback and threads will point at services; the rule reads foreign keys, so fake one here.
    monkeypatch.setattr(services, "count_dependents", lambda obj: {"feedback": 3})
    response = admin_client.post(f"/admin/layanan/{service.id}/hapus")
    assert response.status_code == 409
    assert "Puskesmas tidak dapat dihapus karena masih dipakai oleh: 3 feedback." in response.get_data(as_text=True)
    assert count(db, Service) == 1


# ---------------------------------------------------------------- ASN profiles


def test_asn_list_empty_state(admin_client):
    html = admin_client.get("/admin/asn").get_data(as_text=True)
    assert "Belum ada profil ASN" in html


def test_asn_list_searches_by_name_or_nip_and_filters_by_unit(admin_client, make_unit, make_asn):
    dinkes, dispendik = make_unit(name="Dinas Kesehatan"), make_unit(name="Dinas Pendidikan")
    make_asn(name="Budi Santoso", nip="198503122010011004", unit=dinkes)
    make_asn(name="Siti Aminah", nip="199002282015032001", unit=dispendik)
    html = admin_client.get("/admin/asn?q=19850312 2010").get_data(as_text=True)
    assert "Budi Santoso" in html and "Siti Aminah" not in html
    assert "19850312 201001 1 004" in html
    html = admin_client.get("/admin/asn?q=1 004").get_data(as_text=True)  # the last digits
    assert "Budi Santoso" in html and "Siti Aminah" not in html
    html = admin_client.get("/admin/asn?q=aminah").get_data(as_text=True)
    assert "Siti Aminah" in html and "Budi Santoso" not in html
    html = admin_client.get(f"/admin/asn?unit={dinkes.id}").get_data(as_text=True)
    assert "Budi Santoso" in html and "Siti Aminah" not in html
    assert admin_client.get("/admin/asn?unit=abc").status_code == 422


def test_asn_list_query_count_does_not_grow(admin_client, db, make_unit, make_asn):
    unit = make_unit()
    boss = make_asn(unit=unit)
    make_asn(unit=unit, supervisor=boss)
    with count_queries(db.engine) as few:
        admin_client.get("/admin/asn")
    for _ in range(10):
        make_asn(supervisor=make_asn())
    with count_queries(db.engine) as many:
        admin_client.get("/admin/asn")
    assert len(many) == len(few)


def test_create_asn_profile_with_spaces_links_account_and_audits(admin_client, db, admin, make_unit, make_user):
    unit = make_unit(slug="dinkes")
    user = make_user(name="Budi Santoso", email="budi@contoh.id", roles=("warga",))
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, email="budi@contoh.id"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/asn"
    profile = db.session.scalar(select(AsnProfile))
    assert profile.nip == "198503122010011004"
    assert profile.user_id == user.id
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"warga", "asn"}
    [entry] = audit_entries(db, "asn.create")
    assert entry.actor_id == admin.id
    assert entry.after["nip"] == "198503122010011004"
    assert entry.after["user_id"] == user.id
    assert len(audit_entries(db, "role.grant")) == 1
    html = admin_client.get("/admin/asn").get_data(as_text=True)
    assert "terhubung ke akun budi@contoh.id" in html


def test_invalid_nip_shows_its_message_beside_the_field(admin_client, db, make_unit):
    unit = make_unit()
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, nip="19850230 201001 1 004"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="field-error" id="nip-error">' in html
    assert "Digit 1–8 NIP harus tanggal lahir yang sah (TTTTBBHH)." in html
    assert 'href="#nip"' in html  # the error summary links to the field
    assert count(db, AsnProfile) == 0


def test_asn_form_requires_fields_in_indonesian(admin_client, db, make_unit):
    make_unit()
    response = admin_client.post("/admin/asn/baru", data={"nip": "", "name": "", "jabatan": "", "unit_id": "", "email": "bukan-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wajib diisi." in html
    assert "Pilih perangkat daerah." in html
    assert "Masukkan alamat email yang benar" in html
    assert count(db, AsnProfile) == 0


def test_duplicate_nip_and_unknown_email_are_form_errors(admin_client, db, make_unit, make_asn):
    unit = make_unit()
    make_asn(nip="198503122010011004", name="Budi Lama")
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit))
    assert response.status_code == 422
    assert "NIP ini sudah terdaftar atas nama Budi Lama." in response.get_data(as_text=True)
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, nip="199002282015032001", email="siapa@contoh.id"))
    assert response.status_code == 422
    assert "Belum ada akun dengan email ini." in response.get_data(as_text=True)
    assert count(db, AsnProfile) == 1


def test_self_supervision_is_a_form_error(admin_client, db, make_unit):
    unit = make_unit()
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, supervisor_nip="198503122010011004"))
    assert response.status_code == 422
    assert "tidak dapat menjadi atasan dirinya sendiri" in response.get_data(as_text=True)
    assert count(db, AsnProfile) == 0


def test_edit_asn_profile_refuses_a_supervisor_cycle(admin_client, db, make_asn):
    kepala = make_asn(name="Kepala Dinas")
    staf = make_asn(name="Staf", supervisor=kepala)
    html = admin_client.get(f"/admin/asn/{kepala.id}/ubah").get_data(as_text=True)
    assert "Staf" in html  # listed as a subordinate
    data = asn_form(kepala.unit, nip=kepala.nip, name=kepala.name, email=kepala.user.email, supervisor_nip=staf.nip)
    response = admin_client.post(f"/admin/asn/{kepala.id}/ubah", data=data)
    assert response.status_code == 422
    assert "Staf adalah bawahan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AsnProfile, kepala.id).supervisor_id is None
    assert audit_entries(db, "asn.update") == []


def test_edit_asn_profile_prefills_and_saves(admin_client, db, make_asn, make_unit):
    kepala = make_asn(name="Kepala Dinas")
    staf = make_asn(name="Staf")
    other_unit = make_unit(name="Dinas Pendidikan")
    html = admin_client.get(f"/admin/asn/{staf.id}/ubah").get_data(as_text=True)
    assert f'value="{staf.nip[:8]} {staf.nip[8:14]} {staf.nip[14]} {staf.nip[15:]}"' in html
    assert f'value="{staf.user.email}"' in html
    data = asn_form(other_unit, nip=staf.nip, name="Staf", jabatan="Analis", email=staf.user.email, supervisor_nip=kepala.nip)
    response = admin_client.post(f"/admin/asn/{staf.id}/ubah", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(AsnProfile, staf.id)
    assert (saved.jabatan, saved.unit_id, saved.supervisor_id) == ("Analis", other_unit.id, kepala.id)
    [entry] = audit_entries(db, "asn.update")
    assert entry.before["supervisor_nip"] is None and entry.after["supervisor_nip"] == kepala.nip


def test_asn_create_form_prefills_email_from_account_page(admin_client, make_unit):
    make_unit(name="Dinas Kesehatan")
    html = admin_client.get("/admin/asn/baru?email=budi@contoh.id").get_data(as_text=True)
    assert 'value="budi@contoh.id"' in html
    assert "Pilih perangkat daerah" in html
    assert '<label for="nip">' in html


def test_asn_form_without_units_points_to_unit_form(admin_client):
    html = admin_client.get("/admin/asn/baru").get_data(as_text=True)
    assert "Tambahkan perangkat daerah dulu" in html
