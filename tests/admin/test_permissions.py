"""Who may open each admin page: a table-driven sweep over every /admin/ URL."""

import pytest

from portal.audit import record_audit


@pytest.fixture
def urls(db, make_user, make_unit, make_asn):
    unit = make_unit(services=["Puskesmas"])
    profile = make_asn(unit=unit)
    someone = make_user()
    record_audit(None, "test.entry", someone)
    db.session.commit()
    service = unit.services[0]
    return [
        ("GET", "/admin/"),
        ("GET", "/admin/pengguna"),
        ("GET", f"/admin/pengguna/{someone.id}"),
        ("POST", f"/admin/pengguna/{someone.id}/peran/moderator/beri"),
        ("POST", f"/admin/pengguna/{someone.id}/peran/warga/cabut"),
        ("GET", "/admin/audit"),
        ("GET", "/admin/unit"),
        ("GET", "/admin/unit/baru"),
        ("POST", "/admin/unit/baru"),
        ("GET", f"/admin/unit/{unit.id}/ubah"),
        ("POST", f"/admin/unit/{unit.id}/ubah"),
        ("POST", f"/admin/unit/{unit.id}/hapus"),
        ("GET", f"/admin/unit/{unit.id}/layanan/baru"),
        ("POST", f"/admin/unit/{unit.id}/layanan/baru"),
        ("GET", f"/admin/layanan/{service.id}/ubah"),
        ("POST", f"/admin/layanan/{service.id}/ubah"),
        ("POST", f"/admin/layanan/{service.id}/hapus"),
        ("GET", "/admin/asn"),
        ("GET", "/admin/asn/baru"),
        ("POST", "/admin/asn/baru"),
        ("GET", f"/admin/asn/{profile.id}/ubah"),
        ("POST", f"/admin/asn/{profile.id}/ubah"),
    ]


@pytest.mark.parametrize(
    "roles",
    [None, ("warga",), ("warga", "asn"), ("warga", "moderator")],
    ids=["anonymous", "warga", "asn", "moderator"],
)
def test_only_admins_may_open_admin_pages(client, login, make_user, urls, roles):
    if roles is not None:
        login(make_user(roles=roles))
    for method, url in urls:
        response = client.open(url, method=method, data={"name": "Coba"})
        if roles is None:
            # Visitors who are not signed in are sent to sign in first, and come back after.
            assert response.status_code == 302, (method, url)
            assert "/akun/masuk?next=" in response.headers["Location"]
        else:
            assert response.status_code == 403, (method, url)
            assert "Akses ditolak" in response.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/admin/pengguna")
    assert response.headers["Location"] == "/akun/masuk?next=%2Fadmin%2Fpengguna"


def test_admin_may_open_every_admin_page(admin_client, urls):
    for method, url in urls:
        if method == "GET":
            response = admin_client.get(url)
            assert response.status_code == 200, url
