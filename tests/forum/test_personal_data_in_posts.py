"""Issue 12 point 13: forum text with a NIK, phone number or e-mail address is refused, pointing at it."""

from sqlalchemy import func, select

from forum.models import Post, Thread

NIK = "3578011203850001"


def count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_a_thread_with_a_phone_number_or_an_email_address_is_refused_and_the_text_kept(
    client, login, db, category, resident
):
    login(resident)
    body = "Anak saya sakit, tolong hubungi saya di 0812-3456-7890 secepatnya."
    response = client.post(
        "/forum/baru", data={"category": str(category.id), "title": "Butuh bantuan puskesmas", "body": body}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in html and 'href="#body"' in html
    assert "nomor telepon (0812…90)" in html and body in html
    response = client.post(
        "/forum/baru",
        data={"category": str(category.id), "title": "Kirim ke budi@contoh.id", "body": "Isi tanpa data pribadi."},
    )
    assert response.status_code == 422 and "alamat email" in response.get_data(as_text=True)
    assert count(db, Thread) == 0


def test_a_reply_with_a_nik_is_refused(client, login, db, thread, neighbour):
    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": f"NIK saya {NIK}, tolong dicek."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "tampak seperti NIK (3578…01)" in html
    assert count(db, Post) == 1


def test_an_official_answer_may_give_the_units_phone_but_never_a_nik(client, login, db, thread, officer):
    login(officer.user)
    response = client.post(
        f"/forum/t/{thread.id}/balas", data={"body": f"Data pasien {NIK} sudah kami cek.", "official": "y"}
    )
    assert response.status_code == 422 and "NIK" in response.get_data(as_text=True)
    response = client.post(
        f"/forum/t/{thread.id}/balas",
        data={
            "body": "Silakan hubungi loket kami di (031) 5312144 atau pengaduan@dinkes.surabaya.go.id.",
            "official": "y",
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Post).where(Post.is_official)).body_md.startswith("Silakan hubungi loket")


def test_an_edit_that_adds_personal_data_is_refused_and_changes_nothing(client, login, db, thread, resident):
    login(resident)
    post = thread.posts[0]
    response = client.post(
        f"/forum/p/{post.id}/ubah", data={"title": thread.title, "body": "Balas ke +62 812 3456 7890 ya."}
    )
    assert response.status_code == 422 and "nomor telepon" in response.get_data(as_text=True)
    response = client.post(
        f"/forum/p/{post.id}/ubah", data={"title": f"Antrean panjang, NIK {NIK}", "body": post.body_md}
    )
    assert response.status_code == 422 and 'href="#title"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        post.body_md == "Saya antre tiga jam."
        and post.edit_count == 0
        and thread.title == "Antrean puskesmas terlalu panjang"
    )


def test_a_pseudonym_may_not_be_an_email_address(client, login, db, thread, neighbour):
    login(neighbour)
    response = client.post(f"/forum/t/{thread.id}/balas", data={"body": "Saya juga.", "pseudonym": "sri@contoh.id"})
    assert response.status_code == 422 and "alamat email" in response.get_data(as_text=True)


def test_a_moderators_public_reason_may_not_hold_a_residents_phone(client, login, db, thread, moderator):
    post = thread.posts[0]
    login(moderator)
    response = client.post(f"/forum/p/{post.id}/sembunyikan", data={"reason": "Mencantumkan nomor 0812-3456-7890 milik warga."})
    assert response.status_code == 422 and "nomor telepon (0812…90)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert post.hidden_at is None
