"""Flags, the moderation queue, and moderators' actions, each written to the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import services
from forum.models import Flag
from portal.audit import AuditEntry
from portal.db import utcnow
from portal.notifications.models import Notification
from portal.responses.models import Assignment


def audit(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def reply(make_reply, thread, neighbour):
    return make_reply(neighbour, thread, "Beli obat murah di toko kami, klik tautan di profil!")


def test_anyone_but_the_author_flags_once_per_post(client, login, db, reply, resident, neighbour):
    login(resident)
    form = client.get(f"/forum/p/{reply.id}/laporkan").get_data(as_text=True)
    assert "Spam atau iklan" in form and "Memuat data pribadi orang lain" in form
    response = client.post(f"/forum/p/{reply.id}/laporkan", data={"reason": "spam", "detail": "Iklan obat"})
    assert response.status_code == 303
    again = client.post(f"/forum/p/{reply.id}/laporkan", data={"reason": "kasar"})
    assert again.status_code == 409 and "sudah melaporkan" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Flag.id))) == 1
    login(neighbour)
    assert client.post(f"/forum/p/{reply.id}/laporkan", data={"reason": "spam"}).status_code == 403


@pytest.mark.parametrize("data", [{}, {"reason": "bohong"}, {"reason": "spam", "detail": "x" * 501}])
def test_bad_flags_are_refused_with_422(client, login, db, reply, resident, data):
    login(resident)
    response = client.post(f"/forum/p/{reply.id}/laporkan", data=data)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_moderation_queue_lists_open_flags_oldest_first(client, login, db, reply, thread, resident, make_resident,
                                                        moderator):
    second = make_resident(name="Pelapor Kedua")
    newer = services.flag_post(resident, reply, "spam")
    older = services.flag_post(second, reply, "kasar", "Menghina")
    older.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    login(moderator)
    html = client.get("/forum/moderasi").get_data(as_text=True)
    assert html.index("Kasar, menghina") < html.index("Spam atau iklan")
    assert "Laporan terbuka <span class=\"muted\">(2)</span>" in html
    assert newer.id


def test_hiding_via_the_queue_shows_the_reason_in_place_and_settles_every_flag(
        client, login, db, reply, thread, resident, make_resident, moderator):
    flag = services.flag_post(resident, reply, "spam")
    services.flag_post(make_resident(name="Pelapor Lain"), reply, "spam")
    db.session.commit()
    login(moderator)
    response = client.post(f"/forum/laporan/{flag.id}/selesaikan", data={"action": "hide", "reason": "Iklan obat"})
    assert response.status_code == 303
    db.session.expire_all()
    assert reply.hidden_at is not None and reply.hidden_reason == "Iklan obat" and reply.hidden_by_id == moderator.id
    assert thread.reply_count == 0
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.resolved_at.is_(None))) == 0
    [entry] = audit(db, "forum.post.hide")
    assert entry.before == {"hidden": False, "hidden_reason": None, "deleted": False}
    assert entry.after == {"hidden": True, "hidden_reason": "Iklan obat", "deleted": False}
    assert entry.actor_id == moderator.id and entry.reason == "Iklan obat"

    login(resident)
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Disembunyikan oleh moderator: Iklan obat" in html and "obat murah di toko kami" not in html
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == reply.author_id,
                                                               Notification.kind == "moderation"))


def test_dismissing_a_flag(client, login, db, reply, resident, moderator):
    flag = services.flag_post(resident, reply, "hoaks")
    db.session.commit()
    login(moderator)
    client.post(f"/forum/laporan/{flag.id}/selesaikan", data={"action": "dismiss"})
    db.session.expire_all()
    assert flag.resolution == "dismissed" and reply.hidden_at is None
    assert audit(db, "forum.flag.dismiss")[0].after == {"resolution": "dismissed"}
    again = client.post(f"/forum/laporan/{flag.id}/selesaikan", data={"action": "dismiss"})
    assert again.status_code == 409


def test_hide_needs_a_reason(client, login, db, reply, moderator):
    login(moderator)
    response = client.post(f"/forum/p/{reply.id}/sembunyikan", data={"reason": "  "})
    assert response.status_code == 422
    assert "Tulis alasannya" in response.get_data(as_text=True)
    db.session.expire_all()
    assert reply.hidden_at is None and audit(db, "forum.post.hide") == []


def test_hide_and_restore_are_audited_and_counted(client, login, db, reply, thread, moderator):
    login(moderator)
    client.post(f"/forum/p/{reply.id}/sembunyikan", data={"reason": "Data pribadi"})
    client.post(f"/forum/p/{reply.id}/tampilkan")
    db.session.expire_all()
    assert reply.hidden_at is None and thread.reply_count == 1
    [entry] = audit(db, "forum.post.restore")
    assert entry.before["hidden"] is True and entry.after["hidden"] is False


def test_hiding_the_opening_post_hides_the_thread_from_lists(client, login, db, thread, moderator):
    login(moderator)
    client.post(f"/forum/p/{thread.posts[0].id}/sembunyikan", data={"reason": "Hoaks"})
    client.get("/")  # moderators still see it in the list, with a badge
    assert "Disembunyikan" in client.get("/forum/k/kesehatan").get_data(as_text=True)
    client.post("/akun/keluar")
    assert "Antrean puskesmas" not in client.get("/forum/k/kesehatan").get_data(as_text=True)
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Disembunyikan oleh moderator: Hoaks" in html and "Saya antre tiga jam." not in html


@pytest.mark.parametrize(("url", "attribute", "on", "off"), [
    ("kunci", "is_locked", "forum.thread.lock", "forum.thread.unlock"),
    ("sematkan", "is_pinned", "forum.thread.pin", "forum.thread.unpin"),
])
def test_lock_and_pin_toggle_and_are_audited(client, login, db, thread, moderator, url, attribute, on, off):
    login(moderator)
    client.post(f"/forum/t/{thread.id}/{url}")
    db.session.expire_all()
    assert getattr(thread, attribute) is True
    client.post(f"/forum/t/{thread.id}/{url}", data={"value": "1"})  # a double click changes nothing
    client.post(f"/forum/t/{thread.id}/{url}", data={"value": "0"})
    db.session.expire_all()
    assert getattr(thread, attribute) is False
    [entry_on], [entry_off] = audit(db, on), audit(db, off)
    assert entry_on.before[attribute] is False and entry_on.after[attribute] is True
    assert entry_off.before[attribute] is True and entry_off.after[attribute] is False


def test_moving_an_unanswered_thread_hands_it_to_the_new_unit(client, login, db, thread, moderator, other_category,
                                                               unit):
    thread.service_id = unit.services[0].id
    db.session.commit()
    login(moderator)
    assert client.get(f"/forum/t/{thread.id}/pindah").status_code == 200
    response = client.post(f"/forum/t/{thread.id}/pindah", data={"category": other_category.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert thread.category_id == other_category.id and thread.service_id is None
    open_rows = db.session.scalars(select(Assignment).where(Assignment.ended_at.is_(None))).all()
    assert [row.unit_id for row in open_rows] == [other_category.unit_id]
    [entry] = audit(db, "forum.thread.move")
    assert entry.before["category_id"] != entry.after["category_id"] == other_category.id


def test_close_and_reopen_are_audited(client, login, db, thread, moderator):
    login(moderator)
    client.post(f"/forum/t/{thread.id}/tutup", data={"reason": "Duplikat"})
    db.session.expire_all()
    assert thread.status == "selesai"
    client.post(f"/forum/t/{thread.id}/buka")
    db.session.expire_all()
    assert thread.status == "terbuka"
    [closed], [reopened] = audit(db, "forum.thread.close"), audit(db, "forum.thread.reopen")
    assert (closed.before["status"], closed.after["status"], closed.reason) == ("terbuka", "selesai", "Duplikat")
    assert (reopened.before["status"], reopened.after["status"]) == ("selesai", "terbuka")


def test_suspension_blocks_posting_until_lifted_and_is_audited(client, login, db, thread, neighbour, moderator,
                                                                mailbox):
    login(moderator)
    response = client.post(f"/forum/pengguna/{neighbour.id}/tangguhkan", data={"days": "7", "reason": "Spam"})
    assert response.status_code == 303
    db.session.expire_all()
    assert neighbour.suspended_until > utcnow() + timedelta(days=6, hours=23)
    assert neighbour.suspension_reason == "Spam"
    assert any(m.recipients == [neighbour.email] and "ditangguhkan" in m.subject for m in mailbox)
    assert neighbour.name in client.get("/forum/moderasi").get_data(as_text=True)

    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Masih bisa?"})
    assert response.status_code == 403 and "Alasan: Spam" in response.get_data(as_text=True)

    login(moderator)
    client.post(f"/forum/pengguna/{neighbour.id}/pulihkan")
    login(neighbour)
    assert client.post(f"/forum/t/{thread.id}/balas", data={"body": "Sudah bisa."}).status_code == 303
    [suspended], [lifted] = audit(db, "forum.user.suspend"), audit(db, "forum.user.unsuspend")
    assert suspended.before["suspended_until"] is None and suspended.after["suspension_reason"] == "Spam"
    assert lifted.before["suspension_reason"] == "Spam" and lifted.after["suspended_until"] is None


@pytest.mark.parametrize("data", [{"days": "0", "reason": "x"}, {"days": "400", "reason": "x"},
                                  {"days": "abc", "reason": "x"}, {"days": "3", "reason": ""}])
def test_bad_suspensions_are_refused(client, login, db, neighbour, moderator, data):
    login(moderator)
    response = client.post(f"/forum/pengguna/{neighbour.id}/tangguhkan", data=data)
    assert response.status_code == 422
    db.session.expire_all()
    assert neighbour.suspended_until is None


def test_moderators_cannot_be_suspended_here(client, login, db, moderator, make_user):
    other = make_user(name="Moderator Lain", roles=("warga", "moderator"))
    login(moderator)
    response = client.post(f"/forum/pengguna/{other.id}/tangguhkan", data={"days": "3", "reason": "x"})
    assert response.status_code == 403


def test_every_moderation_action_writes_the_audit_log(db, thread, reply, moderator, neighbour, other_category,
                                                      resident):
    flag = services.flag_post(resident, reply, "spam")
    services.hide_post(moderator, reply, "Iklan")
    services.restore_post(moderator, reply)
    services.lock_thread(moderator, thread)
    services.unlock_thread(moderator, thread)
    services.pin_thread(moderator, thread)
    services.unpin_thread(moderator, thread)
    services.move_thread(moderator, thread, other_category)
    services.close_thread(moderator, thread)
    services.reopen_thread(moderator, thread)
    services.suspend_user(moderator, neighbour, 3, "Spam")
    services.unsuspend_user(moderator, neighbour)
    other = services.flag_post(resident, reply, "kasar")
    services.resolve_flag(moderator, other, "dismiss")
    db.session.commit()
    actions = [entry.action for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == moderator.id).order_by(AuditEntry.id))]
    assert actions == [
        "forum.post.hide", "forum.post.restore", "forum.thread.lock", "forum.thread.unlock", "forum.thread.pin",
        "forum.thread.unpin", "forum.thread.move", "forum.thread.close", "forum.thread.reopen", "forum.user.suspend",
        "forum.user.unsuspend", "forum.flag.dismiss",
    ]
    assert all(entry.before is not None and entry.after is not None
               for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == moderator.id)))
    assert flag.resolution == "hidden"


def test_non_moderators_are_refused_by_the_services_too(db, reply, thread, neighbour):
    for action in (lambda: services.hide_post(neighbour, reply, "x"), lambda: services.lock_thread(neighbour, thread),
                   lambda: services.close_thread(neighbour, thread)):
        with pytest.raises(services.NotAllowed):
            action()
