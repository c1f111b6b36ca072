"""Issue 12 point 9: moderators hear of reports, a unit's ASN hear of threads landing in their queue.

Once per person and item, with e-mail only for those who want it; the people reach the item
from the bell by clicking.
"""

from sqlalchemy import select

from portal.notifications.models import Notification
from tests.clicking import Visitor
from tests.conftest import PASSWORD


def bell(db, user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


def sign_in(client, user):
    visitor = Visitor(client).start()
    return visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")


def test_a_report_tells_every_moderator_once_and_they_reach_the_post_from_the_bell(
    client, login, db, mailbox, thread, make_reply, neighbour, resident, make_resident, make_user
):
    spam = make_reply(neighbour, thread, "Beli obat murah di toko kami, klik tautan di profil!")
    moderator = make_user(name="Moderator Satu", email="mod1@contoh.id", roles=("warga", "moderator"))
    quiet = make_user(name="Moderator Dua", email="mod2@contoh.id", roles=("warga", "moderator"))
    quiet.email_notifications = False
    db.session.commit()
    second_reporter = make_resident(name="Pelapor Kedua")

    login(resident)
    assert client.post(f"/forum/p/{spam.id}/laporkan", data={"reason": "spam"}).status_code == 303
    login(second_reporter)
    assert client.post(f"/forum/p/{spam.id}/laporkan", data={"reason": "kasar"}).status_code == 303

    # Two reports of one post: one bell each, and e-mail only for the moderator who wants it.
    assert [n.kind for n in bell(db, moderator)] == ["moderation"]
    assert [n.kind for n in bell(db, quiet)] == ["moderation"]
    assert [m.recipients for m in mailbox if "dilaporkan" in m.subject] == [["mod1@contoh.id"]]
    assert bell(db, resident, "moderation") == [] and bell(db, neighbour, "moderation") == []

    with client.session_transaction() as session:
        session.clear()
    visitor = sign_in(client, moderator)
    visitor.click("Pemberitahuan").press("dilaporkan")
    visitor.see("Selesaikan laporan", "Beli obat murah di toko kami")
    visitor.choose("Sembunyikan pesan").press("Selesaikan laporan")
    visitor.see("Pesan disembunyikan dan laporannya selesai.")
    db.session.expire_all()
    assert spam.hidden_at is not None


def test_a_moderator_who_reports_is_not_told_of_their_own_report(
    client, login, db, thread, make_reply, neighbour, moderator
):
    post = make_reply(neighbour, thread, "Balasan yang dilaporkan.")
    login(moderator)
    assert client.post(f"/forum/p/{post.id}/laporkan", data={"reason": "spam"}).status_code == 303
    assert bell(db, moderator) == []


def test_a_new_thread_tells_the_units_asn_once_each_and_they_reach_it_from_the_bell(
    client, login, db, mailbox, category, resident, officer, atasan, outsider, make_asn, unit
):
    quiet = make_asn(unit=unit, supervisor=atasan, name="Agus Santoso")
    quiet.user.email_notifications = False
    db.session.commit()

    login(resident)
    response = client.post(
        "/forum/baru",
        data={
            "category": str(category.id),
            "title": "Jam buka puskesmas hari Sabtu",
            "body": f"@{officer.user.handle} apakah puskesmas buka hari Sabtu?",
        },
    )
    assert response.status_code == 303

    # The officer is named in the post and is in the unit: one bell (the mention), not two.
    assert [n.kind for n in bell(db, officer.user)] == ["mention"]
    assert [n.kind for n in bell(db, atasan.user)] == ["assignment"]
    assert [n.kind for n in bell(db, quiet.user)] == ["assignment"]
    assert bell(db, outsider.user) == [] and bell(db, resident) == []
    recipients = sorted(m.recipients[0] for m in mailbox)
    assert recipients == sorted([officer.user.email, atasan.user.email])  # not the ASN who turned e-mail off

    with client.session_transaction() as session:
        session.clear()
    visitor = sign_in(client, atasan.user)
    visitor.click("Pemberitahuan").press("menunggu jawaban resmi Dinas Kesehatan")
    visitor.see("Jam buka puskesmas hari Sabtu", "Jawaban resmi paling lambat")


def test_a_thread_moved_to_another_unit_tells_that_units_asn(
    client, login, db, thread, other_category, outsider, moderator
):
    login(moderator)
    assert client.post(f"/forum/t/{thread.id}/pindah", data={"category": str(other_category.id)}).status_code == 303
    assert [n.kind for n in bell(db, outsider.user)] == ["assignment"]
    assert bell(db, moderator) == []
