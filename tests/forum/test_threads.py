"""Opening threads, reading categories and threads, pseudonyms, bad input."""

import pytest
from sqlalchemy import func, select

from forum.models import Post, Thread
from portal.responses.models import Assignment


def thread_count(db):
    return db.session.scalar(select(func.count(Thread.id)))


def test_forum_index_lists_categories_with_thread_counts(client, thread, other_category):
    html = client.get("/forum/").get_data(as_text=True)
    assert "Kesehatan" in html and "Pendidikan" in html
    assert "1 utas" in html and "0 utas" in html
    assert "Dijawab oleh Dinas Kesehatan" in html


def test_resident_opens_a_thread_with_service_and_place(client, login, db, resident, category, unit):
    login(resident)
    form = client.get("/forum/baru?kategori=kesehatan").get_data(as_text=True)
    assert f'<option selected value="{category.id}">Kesehatan</option>' in form
    response = client.post("/forum/baru", data={
        "category": category.id, "title": "Antrean Puskesmas Pacar Keling sangat panjang",
        "body": "Saya datang jam **06.30** dan baru dilayani jam 10.00.",
        "service": unit.services[0].id, "kecamatan": "Tambaksari", "kelurahan": "Pacar Keling",
    })
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    assert response.headers["Location"] == f"/forum/t/{thread.id}"
    assert (thread.status, thread.post_count, thread.reply_count) == ("terbuka", 1, 0)
    assert thread.service_id == unit.services[0].id and thread.kecamatan == "Tambaksari"
    post = db.session.scalar(select(Post))
    assert post.number == 1 and post.body_html == "<p>Saya datang jam <strong>06.30</strong> dan baru dilayani jam 10.00.</p>\n"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Utas Anda sudah terbit" in page
    assert "<strong>06.30</strong>" in page
    assert "Pacar Keling, Tambaksari" in page
    assert "Jawaban resmi paling lambat" in page


def test_new_thread_is_assigned_to_the_unit_with_a_two_working_day_deadline(db, thread, unit):
    assignment = db.session.scalar(select(Assignment))
    assert (assignment.source, assignment.item_type, assignment.item_id) == ("forum", "thread", thread.id)
    assert assignment.unit_id == unit.id and assignment.asn_id is None
    assert assignment.deadline_at == thread.deadline_at
    assert thread.deadline_at > thread.created_at


def test_category_page_lists_pinned_first_then_newest_activity_with_status_and_filter(
        client, db, make_thread, make_reply, officer, category):
    old = make_thread(title="Utas lama yang disematkan")
    old.is_pinned = True
    db.session.commit()
    quiet = make_thread(title="Utas tanpa balasan")
    busy = make_thread(title="Utas yang baru dijawab")
    make_reply(officer.user, busy, "Jawaban dari dinas.", official=True)
    html = client.get("/forum/k/kesehatan").get_data(as_text=True)
    assert html.index("Utas lama yang disematkan") < html.index("Utas yang baru dijawab") < html.index("Utas tanpa balasan")
    assert "Ada jawaban resmi" in html and "Dijawab" in html and "1 balasan" in html

    filtered = client.get("/forum/k/kesehatan?status=dijawab").get_data(as_text=True)
    assert "Utas yang baru dijawab" in filtered and "Utas tanpa balasan" not in filtered
    assert quiet.id


def test_pseudonym_shown_publicly_while_moderators_see_the_account(client, login, make_thread, resident, moderator):
    thread = make_thread(pseudonym="Warga Tambaksari")
    public = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Warga Tambaksari" in public
    assert resident.name not in public and resident.email not in public

    login(moderator)
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Warga Tambaksari" in html
    assert resident.name in html and resident.email in html


@pytest.mark.parametrize("pseudonym", ["Admin Dinkes", "Moderator", "Jawaban Resmi Dinas"])
def test_pseudonyms_that_pass_for_the_city_are_refused(client, login, db, resident, category, pseudonym):
    login(resident)
    response = client.post("/forum/baru", data={
        "category": category.id, "title": "Pertanyaan tentang puskesmas", "body": "Isi", "pseudonym": pseudonym})
    assert response.status_code == 422
    assert "Nama samaran tidak boleh" in response.get_data(as_text=True)
    assert thread_count(db) == 0


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "body": ""}, "Tulis judul utas."),
    ({"title": "Judul", "body": "   "}, "Tulis isi pesan."),
    ({"title": "x" * 201, "body": "Isi"}, "Panjang harus 5–200 karakter."),
    ({"title": "Judul yang cukup", "body": "x" * 20_001}, "Maksimal 20000 karakter."),
    ({"title": "Judul yang cukup", "body": "Isi", "category": "abc"}, "Pilihan tidak valid."),
    ({"title": "Judul yang cukup", "body": "Isi", "category": "99999"}, "Pilihan tidak valid."),
    ({"title": "Judul yang cukup", "body": "Isi", "kecamatan": "Jakarta Selatan"}, "Pilihan tidak valid."),
])
def test_bad_thread_input_is_refused_in_indonesian_and_nothing_is_stored(client, login, db, resident, category,
                                                                         data, message):
    login(resident)
    response = client.post("/forum/baru", data={"category": category.id, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ada yang perlu diperbaiki" in html
    assert message in html
    assert thread_count(db) == 0


def test_a_service_of_another_unit_is_refused(client, login, db, resident, category, other_category, other_unit):
    login(resident)
    response = client.post("/forum/baru", data={
        "category": category.id, "title": "Pertanyaan tentang PPDB", "body": "Isi",
        "service": other_unit.services[0].id})
    assert response.status_code == 422
    assert "bukan layanan Dinas Kesehatan" in response.get_data(as_text=True)
    assert thread_count(db) == 0


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_missing_or_forged_csrf_token_is_refused_and_nothing_stored(client, login, db, resident, category):
    login(resident)
    data = {"category": category.id, "title": "Pertanyaan tanpa token", "body": "Isi"}
    for extra in ({}, {"csrf_token": "palsu"}):
        response = client.post("/forum/baru", data={**data, **extra})
        assert response.status_code in (400, 422)
        assert "Muat ulang halaman" in response.get_data(as_text=True)
    assert thread_count(db) == 0


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_button_forms_without_csrf_token_are_refused(client, login, db, thread, neighbour):
    login(neighbour)
    post = thread.posts[0]
    response = client.post(f"/forum/p/{post.id}/suara")
    assert response.status_code == 400
    assert "token keamanan" in response.get_data(as_text=True)
    db.session.refresh(post)
    assert post.vote_count == 0


@pytest.mark.parametrize("url", [
    "/forum/t/999999", "/forum/k/tidak-ada", "/forum/p/999999", "/forum/p/999999/riwayat",
    "/forum/t/abc", "/forum/t/{thread}?page=0", "/forum/t/{thread}?page=-1", "/forum/t/{thread}?page=2",
    "/forum/t/{thread}?page=99999999999999999999", "/forum/k/kesehatan?page=5",
    "/forum/k/kesehatan?page=100000000000000000000000000000",
])
def test_unknown_ids_and_bad_page_numbers_are_404(client, thread, url):
    response = client.get(url.format(thread=thread.id))
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/forum/t/{thread}?page=abc", "/forum/k/kesehatan?page=x&status=zzz",
                                 "/forum/t/{thread}?kutip=abc", "/forum/t/{thread}?kutip=99999"])
def test_unreadable_query_values_fall_back_without_error(client, thread, url):
    assert client.get(url.format(thread=thread.id)).status_code in (200, 422)


def test_post_link_redirects_to_the_page_and_anchor(client, db, thread, make_reply, neighbour, app):
    app.config["FORUM_NEW_ACCOUNT_POSTS_PER_HOUR"] = 100
    posts = [make_reply(neighbour, thread, f"Balasan {i}") for i in range(25)]
    response = client.get(f"/forum/p/{posts[-1].id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/forum/t/{thread.id}?page=2#post-{posts[-1].id}"


def test_deleted_thread_is_gone_for_the_public(client, db, thread, resident, login):
    login(resident)
    assert client.post(f"/forum/p/{thread.posts[0].id}/hapus").status_code == 303
    login_out = client.get(f"/forum/t/{thread.id}")
    assert login_out.status_code == 404


def test_nul_characters_are_refused_not_stored(client, login, db, resident, category):
    # PostgreSQL refuses NUL in text; a pasted one must neither crash the page nor be stored.
    login(resident)
    response = client.post("/forum/baru", data={"category": category.id, "title": "Judul\x00 dengan NUL",
                                                "body": "Isi\x00 utas", "pseudonym": "Warga\x00 Kenjeran"})
    assert response.status_code == 400
    assert "karakter yang tidak diizinkan" in response.get_data(as_text=True)
    assert db.session.scalar(select(Thread)) is None
