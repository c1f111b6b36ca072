"""Admins manage forum categories at /admin/forum/."""

import pytest
from sqlalchemy import select

from forum.models import Category
from portal.audit import AuditEntry


@pytest.fixture
def admin(make_user):
    return make_user(name="Admin BKPSDM", roles=("warga", "admin"))


def test_admin_creates_a_category_with_a_slug_made_from_the_name(client, login, db, admin, unit):
    login(admin)
    assert client.get("/admin/forum/baru").status_code == 200
    response = client.post("/admin/forum/baru", data={
        "name": "Kesehatan Masyarakat", "slug": "", "description": "Puskesmas dan imunisasi.", "unit": unit.id,
        "position": "2"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/forum/"
    category = db.session.scalar(select(Category))
    assert (category.slug, category.unit_id, category.position) == ("kesehatan-masyarakat", unit.id, 2)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "forum.category.create"))
    assert entry.after["name"] == "Kesehatan Masyarakat"
    assert "Kesehatan Masyarakat" in client.get("/admin/forum/").get_data(as_text=True)
    assert "Kesehatan Masyarakat" in client.get("/forum/").get_data(as_text=True)


def test_admin_edits_a_category_and_the_change_is_audited(client, login, db, admin, category, other_unit):
    login(admin)
    form = client.get(f"/admin/forum/{category.id}/ubah").get_data(as_text=True)
    assert 'value="Kesehatan"' in form
    response = client.post(f"/admin/forum/{category.id}/ubah", data={
        "name": "Kesehatan", "slug": "sehat", "description": "", "unit": other_unit.id, "position": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert category.slug == "sehat" and category.unit_id == other_unit.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "forum.category.update"))
    assert entry.before["slug"] == "kesehatan" and entry.after["slug"] == "sehat"


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "unit": "{unit}"}, "Wajib diisi."),
    ({"name": "Pendidikan", "unit": ""}, "Pilih perangkat daerah."),
    ({"name": "Pendidikan", "unit": "999"}, "Pilihan tidak valid."),
    ({"name": "Kesehatan", "unit": "{unit}"}, "Nama kategori ini sudah dipakai."),
    ({"name": "Baru", "slug": "kesehatan", "unit": "{unit}"}, "Slug ini sudah dipakai kategori lain."),
    ({"name": "Baru", "slug": "Huruf Besar!", "unit": "{unit}"}, "Slug hanya boleh huruf kecil"),
    ({"name": "x" * 121, "unit": "{unit}"}, "Panjang harus 2–120 karakter."),
    ({"name": "Baru", "unit": "{unit}", "position": "-1"}, "Urutan harus 0–1000."),
])
def test_bad_category_input_is_refused(client, login, db, admin, category, unit, data, message):
    login(admin)
    data = {key: value.format(unit=unit.id) for key, value in data.items()}
    response = client.post("/admin/forum/baru", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Category.id).where(Category.id != category.id)) is None


def test_only_admins_manage_categories(client, login, moderator, resident, category):
    assert client.get("/admin/forum/").status_code == 302
    for person in (moderator, resident):
        login(person)
        assert client.get("/admin/forum/").status_code == 403
        assert client.post("/admin/forum/baru", data={"name": "X"}).status_code == 403
        assert client.get(f"/admin/forum/{category.id}/ubah").status_code == 403
