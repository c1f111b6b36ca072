"""The ASN finds a forum rating in their development record; their atasan opens the team page and the
record; a citizen finds no way to it. Phone and desktop.

The forum part (thread, official answer, rating) goes through the real forum services; the forum's
own journey drives those pages in the browser.
"""

import pytest
from playwright.sync_api import expect

from forum import services as forum
from forum.models import Category
from tests.browser.support import open_navigation, sign_in

pytestmark = pytest.mark.browser

TITLE = "Jadwal imunisasi campak di Puskesmas Ketabang"
COMMENT = "Jawaban cepat dan jelas, terima kasih."


@pytest.fixture
def rated_answer(app, db, make_unit, make_asn, make_user):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas",))
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit, description="Puskesmas dan imunisasi.")
    db.session.add(category)
    db.session.commit()
    atasan = make_asn(unit=unit, name="dr. Bagus Prasetyo", jabatan="Kepala Bidang Pelayanan Kesehatan")
    officer = make_asn(unit=unit, supervisor=atasan, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")
    resident = make_user(name="Siti Rahayu", email="siti@contoh.id")
    with app.test_request_context():
        thread = forum.open_thread(resident, category, title=TITLE, body="Kapan jadwal imunisasi campak bulan ini?",
                                   notify=False)
        post = forum.reply(officer.user, thread, "Setiap Selasa pukul 08.00–11.00 di Puskesmas Ketabang.",
                           official=True, notify=False)
        forum.rate_answer(resident, post, 4, COMMENT)
        db.session.commit()
    return officer, atasan, resident


def test_asn_finds_the_rating_atasan_reviews_citizen_is_refused(live_server, page, another_page,
                                                                rated_answer):
    officer, atasan, resident = rated_answer
    atasan_page = another_page()
    citizen_page = another_page()
    # The ASN opens their own record from the navigation and finds the forum rating.
    sign_in(page, live_server, officer.user.email)
    open_navigation(page).get_by_role("link", name="Rekam pembinaan saya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rekam pembinaan: Rina Wulandari")
    item = page.locator(".event-list li").filter(has_text=TITLE)
    expect(item).to_contain_text("Forum")
    expect(item).to_contain_text("4 dari 5 bintang")
    expect(item.locator(".citizen-comment")).to_contain_text(COMMENT)
    expect(item.locator(".citizen-comment")).to_contain_text("Warga")
    expect(page.locator("main")).not_to_contain_text(resident.name)  # citizens only as the public sees them
    expect(item.get_by_role("link", name="Sanggah penilaian ini")).to_be_visible()
    expect(page.locator("#ringkasan")).to_contain_text("4,00")
    expect(page.locator("svg.chart").first).to_be_visible()

    # The atasan opens the team page, then the ASN's record.
    sign_in(atasan_page, live_server, atasan.user.email)
    open_navigation(atasan_page).get_by_role("link", name="Tim saya").click()
    expect(atasan_page.get_by_role("heading", level=1)).to_have_text("Tim saya")
    row = atasan_page.locator("tbody tr").filter(has_text="Rina Wulandari")
    expect(row).to_contain_text("4,00")
    row.get_by_role("link", name="Rina Wulandari").click()
    expect(atasan_page.get_by_role("heading", level=1)).to_contain_text("Rekam pembinaan: Rina Wulandari")
    expect(atasan_page.locator(".event-list")).to_contain_text(COMMENT)
    expect(atasan_page.get_by_role("link", name="Sanggah penilaian ini")).to_have_count(0)
    expect(atasan_page.get_by_role("link", name="Isi evaluasi periodik")).to_be_visible()

    # The citizen who gave the rating finds no way to the record (the server refuses it too:
    # tests/core/test_access_matrix.py).
    sign_in(citizen_page, live_server, resident.email)
    expect(open_navigation(citizen_page).get_by_role("link", name="Rekam pembinaan saya")).to_have_count(0)
    expect(open_navigation(citizen_page).get_by_role("link", name="Tim saya")).to_have_count(0)

    assert page.problems == [] and atasan_page.problems == [] and citizen_page.problems == []
