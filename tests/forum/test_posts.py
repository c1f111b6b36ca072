"""Replies, quoting, editing within the window with history, soft delete."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import services
from forum.models import Post, PostRevision, Thread
from portal.audit import AuditEntry
from portal.db import utcnow
from portal.responses.models import Assignment


def test_reply_numbers_the_post_counts_it_and_follows_the_thread(client, login, db, thread, neighbour):
    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Saya juga antre lama."})
    post = db.session.scalar(select(Post).where(Post.number == 2))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/forum/t/{thread.id}#post-{post.id}"
    db.session.refresh(thread)
    assert (thread.post_count, thread.reply_count) == (2, 1)
    assert thread.last_activity_at == post.created_at
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Balasan Anda sudah terkirim" in html
    assert "Berhenti mengikuti" in html  # replying follows the thread


def test_reply_errors_rerender_the_thread_with_422_and_keep_the_text(client, login, db, thread, neighbour):
    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "x" * 20_001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in html and 'href="#body"' in html and "Maksimal 20000 karakter." in html
    assert "x" * 20_001 in html
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_quote_prefills_the_reply_box_with_a_blockquote(client, login, make_reply, thread, neighbour, resident):
    reply = make_reply(neighbour, thread, "Baris pertama\n\nBaris kedua")
    login(resident)
    html = client.get(f"/forum/t/{thread.id}?kutip={reply.id}").get_data(as_text=True)
    assert f"&gt; **@{neighbour.handle}** menulis:\n&gt;\n&gt; Baris pertama\n&gt;\n&gt; Baris kedua\n\n</textarea>" in html
    assert f'name="quote_of" type="hidden" value="{reply.id}"' in html
    response = client.post(f"/forum/t/{thread.id}/balas", data={
        "body": "> **Sri Rahayu** menulis:\n> Baris pertama\n\nSetuju.", "quote_of": str(reply.id)})
    assert response.status_code == 303
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "<blockquote>" in html and f'href="/forum/p/{reply.id}">Menanggapi pesan sebelumnya' in html


def test_author_edits_within_the_window_and_the_history_keeps_each_version(client, login, db, thread, resident):
    post = thread.posts[0]
    login(resident)
    assert client.get(f"/forum/p/{post.id}/ubah").status_code == 200
    response = client.post(f"/forum/p/{post.id}/ubah", data={"title": "Antrean puskesmas (diperbarui)",
                                                            "body": "Versi **kedua**."})
    assert response.status_code == 303
    client.post(f"/forum/p/{post.id}/ubah", data={"title": "Antrean puskesmas (diperbarui)", "body": "Versi ketiga."})
    db.session.expire_all()
    assert post.body_md == "Versi ketiga." and post.edit_count == 2 and post.edited_at is not None
    assert thread.title == "Antrean puskesmas (diperbarui)"
    revisions = db.session.scalars(select(PostRevision).order_by(PostRevision.id)).all()
    assert [r.body_md for r in revisions] == ["Saya antre tiga jam.", "Versi **kedua**."]
    assert revisions[0].title == "Antrean puskesmas terlalu panjang" and revisions[1].title is None

    html = client.get(f"/forum/p/{post.id}/riwayat").get_data(as_text=True)
    assert html.index("Versi ketiga.") < html.index("Versi <strong>kedua</strong>.") < html.index("Saya antre tiga jam.")
    assert "Judul:</strong> Antrean puskesmas terlalu panjang" in html
    assert "diubah 2 kali" in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)


def test_unchanged_edit_keeps_no_revision(client, login, db, thread, resident):
    login(resident)
    post = thread.posts[0]
    client.post(f"/forum/p/{post.id}/ubah", data={"title": thread.title, "body": post.body_md})
    assert db.session.scalar(select(func.count(PostRevision.id))) == 0


@pytest.mark.app_config(FORUM_EDIT_WINDOW_MINUTES=5)
def test_edit_window_closes_for_the_author_but_not_for_moderators(client, login, db, thread, resident, moderator):
    post = thread.posts[0]
    post.created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    login(resident)
    assert client.get(f"/forum/p/{post.id}/ubah").status_code == 403
    assert client.post(f"/forum/p/{post.id}/ubah", data={"body": "Telat"}).status_code == 403
    with pytest.raises(services.NotAllowed, match="5 menit"):
        services.edit_post(resident, post, "Telat")
    login(moderator)
    response = client.post(f"/forum/p/{post.id}/ubah", data={"title": thread.title, "body": "Dirapikan moderator."})
    assert response.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "forum.post.edit"))
    # The audit names the kept version, never copies its text (a moderator may purge that text later).
    revision = db.session.scalar(select(PostRevision).where(PostRevision.post_id == post.id))
    assert revision.body_md == "Saya antre tiga jam." and entry.before == {"revision_id": revision.id}
    assert "Saya antre tiga jam." not in str(entry.before) + str(entry.after)
    assert "Diubah oleh moderator." in client.get(f"/forum/p/{post.id}/riwayat").get_data(as_text=True)


def test_author_soft_deletes_a_reply_and_a_placeholder_remains(client, login, db, thread, make_reply, neighbour):
    reply = make_reply(neighbour, thread, "Pesan yang akan dihapus")
    login(neighbour)
    assert client.post(f"/forum/p/{reply.id}/hapus").status_code == 303
    db.session.expire_all()
    assert reply.deleted_at is not None and reply.body_md == "Pesan yang akan dihapus"  # kept, not erased
    assert thread.reply_count == 0 and thread.post_count == 2
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Pesan ini sudah dihapus oleh penulisnya." in html
    assert "Pesan yang akan dihapus" not in html
    assert client.get(f"/forum/p/{reply.id}/riwayat").status_code == 403


def test_deleting_the_opening_post_deletes_an_unanswered_thread(client, login, db, thread, resident):
    login(resident)
    response = client.post(f"/forum/p/{thread.posts[0].id}/hapus")
    assert response.status_code == 303 and response.headers["Location"] == "/forum/k/kesehatan"
    db.session.expire_all()
    assert thread.deleted_at is not None
    assert db.session.scalar(select(Assignment.ended_at)) is not None  # nobody has to answer it any more
    assert "Antrean puskesmas" not in client.get("/forum/k/kesehatan").get_data(as_text=True)


def test_a_thread_with_replies_cannot_be_deleted(client, login, db, thread, make_reply, neighbour, resident):
    make_reply(neighbour, thread)
    login(resident)
    response = client.post(f"/forum/p/{thread.posts[0].id}/hapus")
    assert response.status_code == 409
    assert "sudah mendapat balasan, jadi tidak dapat dihapus" in response.get_data(as_text=True)
    db.session.expire_all()
    assert thread.deleted_at is None and thread.posts[0].deleted_at is None


def test_locked_thread_refuses_replies_with_a_message(client, login, db, thread, moderator, neighbour):
    services.lock_thread(moderator, thread)
    db.session.commit()
    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Masih boleh?"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert "Utas ini tidak menerima balasan baru." in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)


def test_new_accounts_are_rate_limited_with_a_clear_message(client, login, db, make_resident, category, thread):
    newcomer = make_resident(name="Akun Baru", new=True)
    login(newcomer)
    for i in range(3):
        response = client.post("/forum/baru", data={"category": category.id, "title": f"Pertanyaan ke-{i + 1}",
                                                    "body": "Isi"})
        assert response.status_code == 303
    response = client.post("/forum/baru", data={"category": category.id, "title": "Pertanyaan ke-4", "body": "Isi"})
    assert response.status_code == 429
    assert "paling banyak 3 utas per jam" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.author_id == newcomer.id)) == 3

    # Posts: the three opening posts count too; seven replies more reach the ten per hour.
    for i in range(7):
        assert client.post(f"/forum/t/{thread.id}/balas", data={"body": f"Balasan {i}"}).status_code == 303
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Satu lagi"})
    assert response.status_code == 429
    assert "paling banyak 10 pesan per jam" in response.get_data(as_text=True)


def test_established_accounts_are_not_rate_limited(db, make_thread, resident):
    for i in range(5):
        make_thread(title=f"Pertanyaan nomor {i + 1}")
    assert db.session.scalar(select(func.count(Thread.id))) == 5


def test_rate_limit_counts_only_the_last_hour(db, make_resident, category):
    newcomer = make_resident(name="Akun Baru", new=True)
    earlier = utcnow() - timedelta(minutes=61)
    for i in range(3):
        services.open_thread(newcomer, category, title=f"Lama {i}", body="Isi", now=earlier)
    services.open_thread(newcomer, category, title="Sekarang", body="Isi")
    with pytest.raises(services.RateLimited):
        for i in range(3):
            services.open_thread(newcomer, category, title=f"Baru {i}", body="Isi")
