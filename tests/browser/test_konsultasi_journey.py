"""A consultation from announcement to report: register (one to the waiting list), live Q&A, report."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from konsultasi.models import Registration
from tests.browser.support import nav, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.app_config(KONSULTASI_POLL_SECONDS=1)]

TITLE = "Dialog Publik Rancangan Perwali Layanan Puskesmas 24 Jam"
QUESTION = "Apakah apotek puskesmas juga buka 24 jam?"
TABS = "Pengelolaan konsultasi"
ANSWER = "Apotek buka sampai pukul 21.00; obat gawat darurat tersedia 24 jam."


def open_consultation(page):
    """From any page: the navigation's "Konsultasi", then this consultation's card."""
    nav(page, "Konsultasi")
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()


def tab(page, name):
    """A moderator's tab on every consultation page."""
    page.get_by_role("navigation", name=TABS).get_by_role("link", name=name).click()


def test_consultation_journey(live_server, page, another_page, app, db, make_user, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    asn = make_asn(unit=unit, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")
    moderator = make_user(name="Moderator Portal", roles=("warga", "moderator"))
    ani = make_user(name="Ani Warga", email="ani@contoh.id")
    budi = make_user(name="Budi Warga", email="budi@contoh.id")
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of phase buttons
    mod = another_page(accept_dialogs=True)
    second = another_page(accept_dialogs=True)
    # The moderator creates the consultation (one seat) and announces it.
    sign_in(mod, live_server, moderator.email)
    nav(mod, "Konsultasi")
    mod.locator("main").get_by_role("link", name="Buat konsultasi").click()
    mod.get_by_label("Judul konsultasi").fill(TITLE)
    mod.get_by_label("Topik").select_option("kesehatan")
    mod.get_by_label("Perangkat daerah penanggung jawab").select_option(label="Dinas Kesehatan")
    mod.get_by_label("Deskripsi").fill("Menghimpun masukan warga atas rancangan Perwali.")
    mod.get_by_label("Tempat").fill("Aula Dinas Kesehatan, Jl. Jemursari 197")
    mod.get_by_label("Mulai (WIB)").fill("2027-05-10T09:00")
    mod.get_by_label("Selesai (WIB)").fill("2027-05-10T12:00")
    mod.get_by_label("Kapasitas peserta").fill("1")
    mod.get_by_role("button", name="Buat draf konsultasi").click()
    expect(mod.get_by_role("heading", level=1)).to_have_text(TITLE)
    mod.get_by_role("button", name="Umumkan dan buka pendaftaran").click()
    expect(mod.get_by_role("status").first).to_contain_text("Diumumkan")

    # Two residents register: Ani gets the seat, Budi the waiting list.
    sign_in(page, live_server, ani.email)
    open_consultation(page)
    page.get_by_role("button", name="Daftar sebagai peserta").click()
    expect(page.locator("[data-registration-status]")).to_contain_text("Anda terdaftar sebagai peserta.")
    sign_in(second, live_server, budi.email)
    open_consultation(second)
    second.get_by_role("button", name="Masuk daftar tunggu").click()
    expect(second.locator("[data-registration-status]")).to_contain_text("daftar tunggu nomor 1")
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.user_id, Registration.status)).all())
    assert statuses == {ani.id: "terdaftar", budi.id: "menunggu"}

    # The moderator goes live.
    tab(mod, "Kelola")
    mod.get_by_role("button", name="Mulai sesi langsung").click()
    expect(mod.get_by_role("status").first).to_contain_text("Berlangsung")

    # Ani asks; both residents keep the Q&A page open from now on, without reloading.
    open_consultation(page)
    page.locator("main").get_by_role("link", name="Tanya jawab langsung").click()
    page.get_by_label("Pertanyaan Anda", exact=True).fill(QUESTION)
    page.get_by_role("button", name="Kirim pertanyaan").click()
    expect(page.locator("[data-board-list='mine_pending']")).to_contain_text(QUESTION)
    open_consultation(second)
    second.locator("main").get_by_role("link", name="Tanya jawab langsung").click()
    approved_for_budi = second.locator("[data-board-list='approved']")
    expect(approved_for_budi).not_to_contain_text(QUESTION)

    # The moderator approves it in the console; it appears for Budi by itself.
    tab(mod, "Konsol tanya jawab")
    mod.locator("#menunggu").get_by_role("button", name="Setujui").click()
    expect(approved_for_budi).to_contain_text(QUESTION)
    second.locator("[data-board-list='approved'] li").filter(has_text=QUESTION).get_by_role(
        "button", name="Dukung").click()
    expect(approved_for_budi.get_by_role("button", name="Batalkan dukungan")).to_be_visible()
    # Ani sees the vote arrive without reloading, and cannot vote on her own question.
    ani_item = page.locator("[data-board-list='approved'] li").filter(has_text=QUESTION)
    expect(ani_item.locator("[data-votes]")).to_have_text("1")
    expect(ani_item.get_by_role("button")).to_have_count(0)

    # The moderator answers it, naming the ASN; the answer reaches Ani's open page.
    mod.reload()
    item = mod.locator("#disetujui li").filter(has_text=QUESTION)
    item.locator("summary", has_text="Tandai dijawab").click()
    item.get_by_label("ASN yang menjawab").select_option(label=f"{asn.name} — {asn.jabatan}")
    item.get_by_label("Jawaban tertulis").fill(ANSWER)
    item.get_by_role("button", name="Tandai dijawab").click()
    expect(mod.get_by_role("status").first).to_contain_text("ditandai dijawab")
    expect(page.locator("[data-board-list='answered']")).to_contain_text(ANSWER)

    # Close, write the summary, publish the report.
    tab(mod, "Kelola")
    mod.get_by_role("button", name="Tutup konsultasi").click()
    mod.locator("main").get_by_role("link", name="Tulis atau ubah ringkasan laporan").click()
    mod.get_by_label("Ringkasan laporan").fill("Warga menanyakan jam apotek; Dinkes menjawab di tempat.")
    mod.get_by_role("button", name="Simpan ringkasan").click()
    expect(mod.get_by_text("Pratinjau: laporan ini belum terbit")).to_be_visible()
    mod.locator("main").get_by_role("button", name="Terbitkan laporan").click()
    expect(mod.get_by_role("status").first).to_contain_text("Laporan terbit")

    # Ani reads the published report, from the consultations that are over.
    nav(page, "Konsultasi")
    page.locator("main").get_by_role("link", name="Selesai").click()
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    page.locator("main").get_by_role("link", name="Laporan hasil konsultasi").click()
    report = page.locator("main")
    expect(report).to_contain_text(QUESTION)
    expect(report).to_contain_text(ANSWER)
    expect(report).to_contain_text("Rina Wulandari")
    expect(page.locator("[data-figure='registered']")).to_have_text("1")
    expect(page.locator("[data-figure='waiting']")).to_have_text("1")
    expect(page).to_have_url(re.compile(r"/laporan$"))
    assert page.problems == [] and mod.problems == [] and second.problems == []
