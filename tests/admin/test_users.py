"""Admin: the account list, an account's page, granting and revoking roles."""

import pytest
from sqlalchemy import select

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.audit import AuditEntry
from tests.querycount import count_queries


def audit_entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def reload(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_user_list_shows_everyone_including_deleted(admin_client, db, make_user):
    make_user(name="Budi Santoso", email="budi@contoh.id")
    gone = make_user(name="Akan Dihapus")
    account_services.delete_account(gone)
    db.session.commit()
    response = admin_client.get("/admin/pengguna")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Budi Santoso" in html and "budi@contoh.id" in html
    assert "Pengguna terhapus" in html and "Terhapus" in html
    assert "dihapus-" not in html  # the placeholder address is not shown
    assert '<th scope="col">' in html


def test_user_list_searches_name_or_email_and_filters_by_role(admin_client, make_user):
    make_user(name="Budi Santoso", email="budi@contoh.id")
    make_user(name="Siti Aminah", email="siti@surabaya.go.id", roles=("warga", "moderator"))
    make_user(name="Rina_100%", email="rina@contoh.id")

    html = admin_client.get("/admin/pengguna?q=santoso").get_data(as_text=True)
    assert "Budi Santoso" in html and "Siti Aminah" not in html

    html = admin_client.get("/admin/pengguna?q=SURABAYA.GO").get_data(as_text=True)
    assert "Siti Aminah" in html and "Budi Santoso" not in html

    html = admin_client.get("/admin/pengguna?role=moderator").get_data(as_text=True)
    assert "Siti Aminah" in html and "Budi Santoso" not in html

    # % and _ are searched for literally, not as SQL wildcards.
    html = admin_client.get("/admin/pengguna?q=_100%25").get_data(as_text=True)
    assert "Rina_100%" in html and "Budi Santoso" not in html


def test_user_list_empty_search_result(admin_client):
    html = admin_client.get("/admin/pengguna?q=tidak-ada-orang-ini").get_data(as_text=True)
    assert "Tidak ada akun yang cocok dengan pencarian ini" in html


def test_user_list_refuses_unknown_role_filter(admin_client):
    response = admin_client.get("/admin/pengguna?role=raja")
    assert response.status_code == 422
    assert "Pilihan tidak valid." in response.get_data(as_text=True)


def test_user_list_is_paginated_by_25(admin_client, make_user):
    for n in range(30):
        make_user(name=f"Warga {n:02d}")
    page1 = admin_client.get("/admin/pengguna").get_data(as_text=True)
    assert "Halaman 1 dari 2" in page1
    assert "Warga 23" in page1 and "Warga 24" not in page1  # the admin sorts first, then Warga 00–23
    page2 = admin_client.get("/admin/pengguna?page=2").get_data(as_text=True)
    assert "Warga 29" in page2 and "Warga 00" not in page2
    assert admin_client.get("/admin/pengguna?page=9").status_code == 404


def test_user_list_query_count_does_not_grow_with_users(admin_client, db, make_user, make_asn):
    make_user()
    with count_queries(db.engine) as few:
        admin_client.get("/admin/pengguna")
    for _ in range(10):
        make_user(roles=("warga", "moderator"))
        make_asn()
    with count_queries(db.engine) as many:
        admin_client.get("/admin/pengguna")
    assert len(many) == len(few)


def test_user_detail_shows_roles_with_buttons(admin_client, make_user):
    user = make_user(name="Budi Santoso", roles=("warga",))
    html = admin_client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    assert f'action="/admin/pengguna/{user.id}/peran/warga/cabut"' in html
    assert f'action="/admin/pengguna/{user.id}/peran/moderator/beri"' in html
    assert f'action="/admin/pengguna/{user.id}/peran/admin/beri"' in html
    # No ASN profile: no grant button, a link to the ASN profile form instead.
    assert "peran/asn/beri" not in html
    assert "/admin/asn/baru?email=" in html


def test_user_detail_of_unknown_account_is_404(admin_client):
    assert admin_client.get("/admin/pengguna/9999").status_code == 404


def test_admin_page_of_self_hides_revoke_admin(admin_client, admin):
    html = admin_client.get(f"/admin/pengguna/{admin.id}").get_data(as_text=True)
    assert "peran/admin/cabut" not in html
    assert "Anda tidak dapat mengubah peran admin akun Anda sendiri." in html


@pytest.mark.parametrize("role", ["moderator", "admin", "warga"])
def test_grant_role_redirects_and_audits(admin_client, db, admin, make_user, role):
    user = make_user(name="Budi Santoso", roles=())
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/{role}/beri")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/pengguna/{user.id}"
    assert role in reload(db, user).roles
    [entry] = audit_entries(db, "role.grant")
    assert entry.actor_id == admin.id
    assert (entry.target_type, entry.target_id) == ("users", str(user.id))
    assert entry.before == {"roles": []}
    assert entry.after == {"roles": [role]}
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "diberikan kepada Budi Santoso" in html


def test_revoke_role_redirects_and_audits(admin_client, db, make_user):
    user = make_user(name="Budi Santoso", roles=("warga", "moderator"))
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/moderator/cabut")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/pengguna/{user.id}"
    assert reload(db, user).roles == {"warga"}
    [entry] = audit_entries(db, "role.revoke")
    assert entry.before == {"roles": ["moderator", "warga"]}
    assert entry.after == {"roles": ["warga"]}
    assert "Peran Moderator dicabut dari Budi Santoso." in admin_client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)


def test_grant_asn_role_back_to_an_account_with_a_profile(admin_client, db, make_asn):
    linked = make_asn()
    account_services.revoke_role(None, linked.user, "asn")
    db.session.commit()
    response = admin_client.post(f"/admin/pengguna/{linked.user.id}/peran/asn/beri")
    assert response.status_code == 303
    assert "asn" in reload(db, linked.user).roles


def test_grant_asn_role_without_profile_is_refused_with_a_hint(admin_client, db, make_user):
    user = make_user(roles=("warga",))
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/asn/beri")
    assert response.status_code == 303
    assert reload(db, user).roles == {"warga"}
    assert audit_entries(db, "role.grant") == []
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Peran ASN hanya berlaku bersama profil ASN" in html


def test_granting_a_role_twice_changes_nothing(admin_client, db, make_user):
    user = make_user(name="Budi", roles=("warga", "moderator"))
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/moderator/beri")
    assert response.status_code == 303
    assert audit_entries(db, "role.grant") == []
    assert "Budi sudah memiliki peran Moderator." in admin_client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)


def test_admin_cannot_drop_own_admin_role(admin_client, db, admin):
    response = admin_client.post(f"/admin/pengguna/{admin.id}/peran/admin/cabut")
    assert response.status_code == 403
    assert "Anda tidak dapat mengubah peran admin akun Anda sendiri" in response.get_data(as_text=True)
    assert "admin" in reload(db, admin).roles
    assert audit_entries(db, "role.revoke") == []


def test_admin_may_drop_own_other_roles_and_another_admins_admin_role(admin_client, db, admin, make_user):
    other = make_user(roles=("warga", "admin"))
    assert admin_client.post(f"/admin/pengguna/{admin.id}/peran/warga/cabut").status_code == 303
    assert admin_client.post(f"/admin/pengguna/{other.id}/peran/admin/cabut").status_code == 303
    assert reload(db, other).roles == {"warga"}


def test_deleted_account_roles_cannot_change(admin_client, db, make_user):
    user = make_user()
    account_services.delete_account(user)
    db.session.commit()
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/moderator/beri")
    assert response.status_code == 403
    assert "Akun ini sudah dihapus" in response.get_data(as_text=True)


def test_unknown_role_or_account_is_404_and_get_is_405(admin_client, make_user):
    user = make_user()
    assert admin_client.post(f"/admin/pengguna/{user.id}/peran/raja/beri").status_code == 404
    assert admin_client.post("/admin/pengguna/9999/peran/moderator/beri").status_code == 404
    assert admin_client.get(f"/admin/pengguna/{user.id}/peran/moderator/beri").status_code == 405


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_role_change_needs_the_csrf_token(admin_client, db, make_user):
    user = make_user(roles=("warga",))
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/moderator/beri")
    assert response.status_code == 400
    assert reload(db, user).roles == {"warga"}
    # The page's own button carries the token and works.
    html = admin_client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = admin_client.post(f"/admin/pengguna/{user.id}/peran/moderator/beri", data={"csrf_token": token})
    assert response.status_code == 303
    assert "moderator" in reload(db, user).roles


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_search_forms_work_without_a_csrf_token(admin_client, make_user):
    make_user(name="Budi Santoso")
    for url in ("/admin/pengguna?q=budi", "/admin/asn?q=budi", "/admin/audit?action=role.grant"):
        assert admin_client.get(url).status_code == 200, url
