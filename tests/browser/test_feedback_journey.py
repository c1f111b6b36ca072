"""An anonymous resident reports a problem with the SKM survey; the unit answers; the resident rates."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.responses.models import ResponseEvent
from tests.browser.support import open_navigation
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(live_server.url("/akun/masuk"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Selamat datang")


def sign_out(page):
    nav = open_navigation(page)
    nav.locator("form[action$='/akun/keluar'] button").click()
    expect(page.locator("form[action$='/akun/keluar']")).to_have_count(0)


def test_report_track_answer_and_rate(live_server, page, app, make_unit, make_asn, viewport):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    atasan = make_asn(unit=unit, name="Bagus Prasetyo", jabatan="Kepala Bidang Pelayanan Kesehatan")
    asn = make_asn(unit=unit, supervisor=atasan, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")
    atasan_email, asn_email = atasan.user.email, asn.user.email

    # 1. The resident fills in the form without an account, with the survey.
    page.goto(live_server.url("/masukan/kirim"))
    page.get_by_label("Perangkat daerah").select_option(label="Dinas Kesehatan")
    page.get_by_label(re.compile(r"^Layanan")).select_option(label="Dinas Kesehatan — Puskesmas")
    page.get_by_role("radio", name="Keluhan").check()
    page.get_by_role("textbox", name="Judul").fill("Antrean pendaftaran Puskesmas tiga jam")
    page.get_by_role("textbox", name="Isi masukan").fill("Saya datang pukul tujuh pagi dan baru dilayani pukul sepuluh.")
    page.get_by_role("checkbox", name=re.compile("Tampilkan isi masukan saya")).check()
    for n in range(1, 10):
        page.locator(f"input[name=u{n}][value='{2 + n % 3}']").check()
    page.get_by_role("button", name="Kirim masukan").click()

    # 2. The confirmation shows the tracking number and the private link once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukan terkirim")
    number = page.locator("[data-tracking-number]").inner_text().strip()
    assert re.fullmatch(r"SBY-\d{4}-\d{6}", number)
    private_link = page.locator("[data-private-link]").get_attribute("href")
    assert "kunci=" in private_link

    # 3. Anyone can check the status at /lacak/<nomor>.
    page.goto(live_server.url(f"/lacak/{number}"))
    expect(page.locator("[data-status]")).to_have_text("Diterima")

    # 4. The unit verifies and assigns (the atasan), then the ASN answers.
    sign_in(page, live_server, atasan_email)
    page.goto(live_server.url("/masukan/kotak"))
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_role("status")).to_contain_text("Masukan diverifikasi.")
    page.get_by_label("Tugaskan kepada").select_option(label="Rina Wulandari — Analis Pelayanan Kesehatan")
    page.get_by_role("button", name="Tugaskan").click()
    expect(page.get_by_role("status")).to_contain_text("Rina Wulandari")
    sign_out(page)

    sign_in(page, live_server, asn_email)
    page.goto(live_server.url("/masukan/kotak?saya=1"))
    page.get_by_role("link", name=number).click()
    page.get_by_role("textbox", name="Jawaban resmi").fill("Mulai Senin kami membuka dua loket tambahan pukul 07.00–09.00.")
    page.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(page.get_by_role("status")).to_contain_text("Jawaban resmi terkirim")
    sign_out(page)

    # 5. The resident opens the private link and rates the answer.
    parts = urlsplit(private_link)
    page.goto(live_server.url(f"{parts.path}?{parts.query}"))
    expect(page.locator("[data-status]")).to_have_text("Ditindaklanjuti")
    expect(page.locator("main")).to_contain_text("dua loket tambahan")
    page.locator("input[name=rating][value='4']").check()
    page.get_by_label(re.compile(r"^Komentar")).fill("Semoga antrean benar-benar berkurang.")
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("status")).to_contain_text("penilaian Anda sudah disimpan")

    with app.app_context():
        event = ResponseEvent.query.one()
        assert (event.asn_id, event.rating) == (asn.id, 4)
    assert page.problems == []
