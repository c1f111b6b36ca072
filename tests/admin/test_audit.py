"""Admin: the audit log page."""

from datetime import UTC, datetime, timedelta

from portal.audit import record_audit
from tests.querycount import count_queries


def add_entry(db, actor, action, target, when, **kwargs):
    entry = record_audit(actor, action, target, **kwargs)
    entry.created_at = when
    db.session.commit()
    return entry


def test_audit_log_lists_newest_first_with_who_what_when(admin_client, db, admin, make_user):
    user = make_user(name="Budi Santoso")
    base = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    add_entry(db, None, "account.locked", user, base, after={"until": "2026-03-01T01:15:00+00:00"})
    add_entry(db, admin, "role.grant", user, base + timedelta(hours=2),
              before={"roles": ["warga"]}, after={"roles": ["moderator", "warga"]})
    response = admin_client.get("/admin/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("<code>role.grant</code>") < html.index("<code>account.locked</code>")
    assert "Sistem" in html
    assert "Admin BKPSDM" in html
    assert "1 Mar 2026, 10.00.00 WIB" in html  # 03:00 UTC is 10:00 in Surabaya
    assert "{&#34;roles&#34;: [&#34;warga&#34;]}" in html
    assert "{&#34;roles&#34;: [&#34;moderator&#34;, &#34;warga&#34;]}" in html
    assert f'href="/admin/pengguna/{user.id}"' in html


def test_audit_log_filters_by_action_and_target_type(admin_client, db, admin, make_user, make_unit):
    user, unit = make_user(), make_unit(name="Dinas Kesehatan")
    now = datetime.now(UTC)
    add_entry(db, admin, "role.grant", user, now)
    add_entry(db, admin, "unit.update", unit, now)
    add_entry(db, admin, "unit.create", unit, now)

    html = admin_client.get("/admin/audit?action=unit.update").get_data(as_text=True)
    assert "<code>unit.update</code>" in html
    assert "<code>unit.create</code>" not in html and "<code>role.grant</code>" not in html

    html = admin_client.get("/admin/audit?target_type=units").get_data(as_text=True)
    assert "<code>unit.update</code>" in html and "<code>unit.create</code>" in html
    assert "<code>role.grant</code>" not in html

    html = admin_client.get(f"/admin/audit?target_type=users&target_id={user.id}").get_data(as_text=True)
    assert "<code>role.grant</code>" in html and "<code>unit.update</code>" not in html

    html = admin_client.get("/admin/audit?action=tidak.ada").get_data(as_text=True)
    assert "Tidak ada catatan yang cocok dengan saringan ini." in html


def test_audit_log_empty_state(admin_client):
    assert "Log audit masih kosong." in admin_client.get("/admin/audit").get_data(as_text=True)


def test_audit_log_is_paginated_and_query_count_does_not_grow(admin_client, db, make_user):
    users = [make_user() for _ in range(3)]
    record_audit(users[0], "test.entry", users[0])
    db.session.commit()
    with count_queries(db.engine) as few:
        admin_client.get("/admin/audit")
    for n in range(60):
        record_audit(users[n % 3], "test.entry", users[n % 3])
    db.session.commit()
    with count_queries(db.engine) as many:
        html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert len(many) == len(few)
    assert "Halaman 1 dari 2" in html


def test_dashboard_links_to_every_admin_page(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    for url in ("/admin/pengguna", "/admin/unit", "/admin/unit/baru", "/admin/asn", "/admin/asn/baru", "/admin/audit"):
        assert f'href="{url}"' in html
