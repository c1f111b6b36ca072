"""A resident asks in the forum; the unit's ASN finds it in "Perlu ditanggapi" and answers officially;
the resident accepts and rates the answer. Phone and desktop."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from forum.models import Category, Thread
from portal.responses.models import ResponseEvent
from tests.browser.support import nav, open_navigation, open_notifications, sign_in

pytestmark = pytest.mark.browser

TITLE = "Obat hipertensi sering kosong di Puskesmas Jagir"
QUESTION = "Sudah dua bulan amlodipin untuk ibu saya kosong. Mohon solusinya."
ANSWER = "Stok amlodipin sudah kami kirim ke Puskesmas Jagir hari ini dan tersedia mulai besok pagi."


def test_resident_asks_asn_answers_resident_accepts_and_rates(
        live_server, page, another_page, app, db, make_user, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas",))
    db.session.add(Category(name="Kesehatan", slug="kesehatan", unit=unit, description="Puskesmas dan imunisasi."))
    db.session.commit()
    atasan = make_asn(unit=unit, name="dr. Bagus Prasetyo", jabatan="Kepala Bidang Pelayanan Kesehatan")
    officer = make_asn(unit=unit, supervisor=atasan, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")
    resident = make_user(name="Siti Rahayu", email="siti@contoh.id")
    asn_page = another_page()
    # The resident opens a thread from the category page.
    sign_in(page, live_server, resident.email)
    nav(page, "Forum")
    page.locator("main").get_by_role("link", name="Kesehatan").first.click()
    page.get_by_role("link", name="Buat utas baru").click()
    expect(page.get_by_label("Kategori")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Judul", exact=True).fill(TITLE)
    page.get_by_label("Isi", exact=True).fill(QUESTION)
    page.get_by_label("Layanan yang dibahas").select_option(label="Puskesmas")
    page.get_by_label("Kecamatan").select_option("Wonokromo")
    page.get_by_role("button", name="Terbitkan utas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status").first).to_contain_text("Dinas Kesehatan akan menanggapi paling lambat")

    # The unit's ASN finds it in "Perlu ditanggapi" and answers officially.
    sign_in(asn_page, live_server, officer.user.email)
    open_navigation(asn_page).get_by_role("link", name="Perlu ditanggapi").click()
    expect(asn_page.get_by_role("heading", level=1)).to_have_text("Perlu ditanggapi")
    asn_page.get_by_role("link", name=TITLE).click()
    asn_page.get_by_label("Balasan Anda").fill(ANSWER)
    asn_page.get_by_label("Jawaban resmi").check()
    asn_page.get_by_role("button", name="Kirim balasan").click()
    expect(asn_page.get_by_role("status").first).to_contain_text("Jawaban resmi Anda sudah terbit")
    badge = asn_page.locator(".post-official .official-badge")
    expect(badge).to_contain_text("Rina Wulandari · Analis Pelayanan Kesehatan · Dinas Kesehatan")
    open_navigation(asn_page).get_by_role("link", name="Perlu ditanggapi").click()
    expect(asn_page.locator("main")).to_contain_text("Tidak ada utas yang menunggu")

    # The resident is told (the bell), opens the notification, accepts the answer and rates it.
    page.reload()
    expect(open_navigation(page).locator(".bell-count")).to_contain_text("1")
    open_notifications(page)
    page.locator(".notification-list").get_by_role("button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    official = page.locator(".post-official")
    expect(official).to_contain_text(ANSWER)
    official.get_by_role("button", name="Terima sebagai jawaban").click()
    expect(page.get_by_role("status").first).to_contain_text("Utas selesai")
    expect(page.locator(".thread-header")).to_contain_text("Selesai")
    expect(page.locator(".post-official")).to_contain_text("Jawaban yang diterima penanya")
    rating = page.locator(".post-official .rating-form")
    expect(rating.locator("fieldset legend")).to_have_text("Nilai jawaban resmi ini")
    rating.get_by_label("5 bintang — sangat membantu").check()
    rating.get_by_label("Komentar").fill("Cepat dan jelas, terima kasih.")
    rating.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("status").first).to_contain_text("Terima kasih. Penilaian Anda")
    expect(page.locator(".post-official .rating-shown")).to_contain_text("5 dari 5 bintang")

    with app.app_context():
        thread = db.session.scalar(select(Thread))
        event = db.session.scalar(select(ResponseEvent))
        assert (thread.status, thread.accepted_post_id) == ("selesai", event.answer_id)
        assert (event.asn_id, event.rating, event.deadline_met) == (officer.id, 5, True)
    assert page.problems == [] and asn_page.problems == []
