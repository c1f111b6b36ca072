"""An anonymous resident reports a problem with the SKM survey; the unit answers; the resident rates."""

import re

import pytest
from playwright.sync_api import expect

from portal.responses.models import ResponseEvent
from tests.browser.support import home, nav, sign_in, sign_out

pytestmark = pytest.mark.browser


def test_report_track_answer_and_rate(live_server, page, another_page, app, make_unit, make_asn, viewport):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    atasan = make_asn(unit=unit, name="Bagus Prasetyo", jabatan="Kepala Bidang Pelayanan Kesehatan")
    asn = make_asn(unit=unit, supervisor=atasan, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")
    atasan_email, asn_email = atasan.user.email, asn.user.email
    staff = another_page()

    # 1. The resident fills in the form without an account, with the survey.
    home(page, live_server)
    nav(page, "Masukan")
    page.locator("main").get_by_role("link", name="Kirim masukan").click()
    page.get_by_label("Perangkat daerah").select_option(label="Dinas Kesehatan")
    page.get_by_label(re.compile(r"^Layanan")).select_option(label="Dinas Kesehatan — Puskesmas")
    page.get_by_role("radio", name="Keluhan").check()
    page.get_by_role("textbox", name="Judul").fill("Antrean pendaftaran Puskesmas tiga jam")
    page.get_by_role("textbox", name="Isi masukan").fill("Saya datang pukul tujuh pagi dan baru dilayani pukul sepuluh.")
    page.get_by_role("checkbox", name=re.compile("Tampilkan isi masukan saya")).check()
    for n in range(1, 10):
        page.locator(f"input[name=u{n}][value='{2 + n % 3}']").check()
    page.get_by_role("button", name="Kirim masukan").click()

    # 2. The confirmation shows the tracking number and the private link once; "Lacak status"
    #    keeps the private key (the resident stays on that page, as on a bookmark).
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukan terkirim")
    number = page.locator("[data-tracking-number]").inner_text().strip()
    assert re.fullmatch(r"SBY-\d{4}-\d{6}", number)
    assert "kunci=" in page.locator("[data-private-link]").get_attribute("href")
    page.locator("main").get_by_role("link", name="Lacak status").click()
    expect(page.locator("[data-status]")).to_have_text("Diterima")
    assert "kunci=" in page.url

    # 3. The unit verifies and assigns (the atasan), then the ASN answers.
    sign_in(staff, live_server, atasan_email)
    nav(staff, "Kotak masukan")
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("button", name="Verifikasi").click()
    expect(staff.get_by_role("status")).to_contain_text("Masukan diverifikasi.")
    staff.get_by_label("Tugaskan kepada").select_option(label="Rina Wulandari — Analis Pelayanan Kesehatan")
    staff.get_by_role("button", name="Tugaskan").click()
    expect(staff.get_by_role("status")).to_contain_text("Rina Wulandari")
    sign_out(staff)

    sign_in(staff, live_server, asn_email)
    nav(staff, "Kotak masukan")
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("textbox", name="Jawaban resmi").fill("Mulai Senin kami membuka dua loket tambahan pukul 07.00–09.00.")
    staff.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(staff.get_by_role("status")).to_contain_text("Jawaban resmi terkirim")

    # 4. The resident's tracking page shows the answer; they rate it.
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Ditindaklanjuti")
    expect(page.locator("main")).to_contain_text("dua loket tambahan")
    page.locator("input[name=rating][value='4']").check()
    page.get_by_label(re.compile(r"^Komentar")).fill("Semoga antrean benar-benar berkurang.")
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("status")).to_contain_text("penilaian Anda sudah disimpan")

    with app.app_context():
        event = ResponseEvent.query.one()
        assert (event.asn_id, event.rating) == (asn.id, 4)
    assert page.problems == [] and staff.problems == []
