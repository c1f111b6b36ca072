"""Issue 12 point 12: a post's edit history is for its author and the moderators; moderators purge a version."""

import pytest
from sqlalchemy import select

from forum.models import PostRevision
from portal.audit import AuditEntry
from tests.clicking import Visitor
from tests.conftest import PASSWORD

OLD_TEXT = "Rumah saya di Jl. Kenanga No. 12 RT 03, antre tiga jam."
NEW_TEXT = "Saya antre tiga jam di puskesmas."


@pytest.fixture
def edited(db, make_thread, resident):
    """A thread whose author removed their home address in an edit."""
    from forum import services

    thread = make_thread(body=OLD_TEXT)
    services.edit_post(resident, thread.posts[0], NEW_TEXT)
    db.session.commit()
    return thread


def test_only_the_author_and_moderators_read_what_was_removed(
    client, login, edited, resident, neighbour, officer, moderator
):
    post = edited.posts[0]
    history = f"/forum/p/{post.id}/riwayat"
    for person in (neighbour, officer.user):
        login(person)
        assert client.get(history).status_code == 403
        html = client.get(f"/forum/t/{edited.id}").get_data(as_text=True)
        assert "(diedit)" in html and history not in html and "diubah 1 kali" not in html
    with client.session_transaction() as session:
        session.clear()
    assert client.get(history).status_code == 302  # visitors are asked to sign in
    assert history not in client.get(f"/forum/t/{edited.id}").get_data(as_text=True)

    for person in (resident, moderator):
        login(person)
        assert f'href="{history}"' in client.get(f"/forum/t/{edited.id}").get_data(as_text=True)
        response = client.get(history)
        assert response.status_code == 200 and "Kenanga No. 12" in response.get_data(as_text=True)


def test_a_moderator_purges_a_version_by_clicking_and_the_audit_keeps_no_text(
    client, db, edited, moderator, resident, login
):
    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", moderator.email).fill("Kata sandi", PASSWORD).press("Masuk")
    visitor.click("Forum").click("Kesehatan").click(edited.title).click("diubah 1 kali")
    visitor.see("Kenanga No. 12")
    visitor.fill("Alasan penghapusan", "Memuat alamat rumah").press("Hapus isi versi ini")
    visitor.see("sudah dihapus dari riwayat", "Isi versi ini dihapus moderator").not_see("Kenanga")

    revision = db.session.scalar(select(PostRevision))
    assert revision.purged_by_id == moderator.id and revision.body_md == "" and revision.body_html == ""
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "forum.revision.purge"))
    assert entry.actor_id == moderator.id and entry.reason == "Memuat alamat rumah"
    assert "Kenanga" not in f"{entry.before} {entry.after} {entry.reason}"

    # The author's own history no longer holds it either; a second purge changes nothing.
    login(resident)
    assert "Kenanga" not in client.get(f"/forum/p/{edited.posts[0].id}/riwayat").get_data(as_text=True)
    login(moderator)
    assert client.post(f"/forum/revisi/{revision.id}/hapus", data={}).status_code == 303
    assert (
        db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "forum.revision.purge").order_by(AuditEntry.id.desc())
        )
        == entry.id
    )


def test_only_moderators_purge_and_a_purge_reason_may_not_hold_personal_data(
    client, login, db, edited, resident, neighbour, moderator
):
    revision = db.session.scalar(select(PostRevision))
    for person in (resident, neighbour):
        login(person)
        assert client.post(f"/forum/revisi/{revision.id}/hapus", data={}).status_code == 403
    login(moderator)
    response = client.post(f"/forum/revisi/{revision.id}/hapus", data={"reason": "NIK 3578 0112 3456 0001"})
    assert response.status_code == 422 and "NIK" in response.get_data(as_text=True)
    assert client.post("/forum/revisi/999999/hapus", data={}).status_code == 404
    db.session.expire_all()
    assert revision.purged_at is None and "Kenanga" in revision.body_md
