"""One journey per role, on a phone, on the demo city: each starts at `/` and reaches that role's
tasks by clicking only (conftest refuses any other typed URL).

The multi-person journeys (test_*_journey.py) follow one item through several hands on phone and
desktop; these follow one person through everything they come to the portal for.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import home, nav, open_navigation, open_notifications, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.app_config(KONSULTASI_POLL_SECONDS=1)]

DEMO = "@demo.surabaya.go.id"
LIVE = "Konsultasi Publik PPDB 2027"
UPCOMING = "Forum Konsultasi Publik Pengelolaan Sampah"
PAST = "Dialog Publik Rancangan Perwali Layanan Puskesmas 24 Jam"
THREAD = "Antrean di Puskesmas Pacar Keling sangat panjang setiap pagi"


@pytest.fixture
def demo(app, db):
    runner = app.test_cli_runner()
    for args in (["seed-demo", "--password", PASSWORD], ["search", "reindex"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output


def main(page):
    return page.locator("main")


def test_visitor_reads_follows_a_live_consultation_and_tracks_a_number(live_server, phone, demo):
    page = home(phone, live_server)

    # Read a forum thread.
    nav(page, "Forum")
    main(page).get_by_role("link", name="Kesehatan").first.click()
    main(page).get_by_role("link", name=THREAD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THREAD)

    # The konsultasi list opens on what is live now, then what is coming (point 8).
    nav(page, "Konsultasi")
    expect(main(page).get_by_role("heading", name="Sedang berlangsung")).to_be_visible()
    main(page).get_by_role("link", name=LIVE, exact=True).click()
    main(page).get_by_role("link", name="Tanya jawab langsung").click()
    expect(main(page)).to_contain_text("Apakah kuota jalur zonasi tahun 2027 tetap 50 persen?")

    # Anyone may put a public event in their calendar (point 7).
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name=UPCOMING, exact=True).click()
    with page.expect_download() as download:
        main(page).get_by_role("link", name=re.compile(r"kalender \(\.ics\)")).first.click()
    assert download.value.suggested_filename.endswith(".ics")

    # The report of a finished consultation.
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name="Selesai").click()
    main(page).get_by_role("link", name=PAST, exact=True).click()
    main(page).get_by_role("link", name="Laporan hasil konsultasi").click()
    expect(main(page).get_by_role("heading", name="Seluruh masukan dan tanggapannya")).to_be_visible()

    # A wrong tracking number keeps the visitor on the form, with the number (point 6).
    nav(page, "Masukan")
    main(page).get_by_role("link", name="Lacak nomor").click()
    page.get_by_label("Nomor pelacakan").fill("SBY-2026-999999")
    page.get_by_role("button", name="Lacak").click()
    expect(main(page)).to_contain_text("Nomor tidak ditemukan")
    expect(page.get_by_label("Nomor pelacakan")).to_have_value("SBY-2026-999999")

    # The satisfaction index, and a search.
    nav(page, "Masukan")
    main(page).get_by_role("link", name="Indeks Kepuasan (IKM)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indeks Kepuasan")
    nav(page, "Cari")
    page.get_by_role("searchbox").first.fill("puskesmas")
    page.get_by_role("searchbox").first.press("Enter")
    expect(main(page)).to_contain_text("Puskesmas")

    assert page.problems == []


def test_resident_reports_follows_registers_and_exports(live_server, phone, demo):
    page = phone
    sign_in(page, live_server, "warga" + DEMO)

    # Send feedback from the "Masukan" page, then find it again in "Masukan saya".
    nav(page, "Masukan")
    main(page).get_by_role("link", name="Kirim masukan").click()
    page.get_by_label("Perangkat daerah").select_option(label="Dinas Kesehatan")
    page.get_by_role("radio", name="Keluhan").check()
    page.get_by_role("textbox", name="Judul").fill("Toilet Puskesmas Ketabang rusak")
    page.get_by_role("textbox", name="Isi masukan").fill("Sudah seminggu toilet pasien tidak bisa dipakai.")
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukan terkirim")
    number = page.locator("[data-tracking-number]").inner_text().strip()
    main(page).get_by_role("link", name="Lacak status").click()
    expect(page.locator("[data-status]")).to_have_text("Diterima")
    open_navigation(page).get_by_role("link", name="Masukan saya").click()
    expect(main(page)).to_contain_text(number)

    # The upcoming consultation is full: join its waiting list; it shows in "Konsultasi saya".
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name=UPCOMING, exact=True).click()
    main(page).get_by_role("button", name="Masuk daftar tunggu").click()
    expect(page.locator("[data-registration-status]")).to_contain_text("daftar tunggu nomor 4")
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name="Konsultasi saya").click()
    expect(main(page)).to_contain_text(UPCOMING)

    # Open a thread and reply.
    nav(page, "Forum")
    main(page).get_by_role("link", name="Kesehatan").first.click()
    main(page).get_by_role("link", name=THREAD, exact=True).click()
    page.get_by_label("Balasan Anda").fill("Di Puskesmas Mulyorejo juga begitu setiap Senin.")
    page.get_by_role("button", name="Kirim balasan").click()
    expect(main(page)).to_contain_text("Puskesmas Mulyorejo juga begitu")

    # Download their own data from the profile.
    open_navigation(page).get_by_role("link", name="Sari Wulandari").click()
    with page.expect_download() as download:
        main(page).get_by_role("link", name=re.compile("Unduh data")).click()
    assert download.value.suggested_filename.endswith(".json")

    assert page.problems == []


def test_moderator_handles_a_report_and_runs_a_live_consultation(live_server, phone, demo):
    page = phone
    sign_in(page, live_server, "moderator" + DEMO)

    # The bell tells of the reported post (point 9); the notification opens the report.
    expect(open_navigation(page).locator(".bell-count")).to_be_visible()
    open_notifications(page)
    page.locator(".notification-list").get_by_role("button", name=re.compile("dilaporkan")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selesaikan laporan")
    page.get_by_label("Sembunyikan pesan").check()
    page.get_by_label("Alasan").fill("Iklan, bukan soal layanan publik.")
    page.get_by_role("button", name="Selesaikan laporan").click()
    expect(page.get_by_role("status").first).to_be_visible()

    # The live consultation: every management page through its tab bar (point 1).
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name=LIVE, exact=True).click()
    tabs = page.get_by_role("navigation", name="Pengelolaan konsultasi")
    tabs.get_by_role("link", name="Konsol tanya jawab").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsol tanya jawab")
    main(page).locator("#menunggu").get_by_role("button", name="Setujui").first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    tabs.get_by_role("link", name="Kehadiran").click()
    expect(main(page)).to_contain_text("Hadir")
    tabs.get_by_role("link", name="Kelola").click()
    expect(main(page).get_by_role("heading", name="Narasumber")).to_be_visible()

    # The published report of the finished one.
    nav(page, "Konsultasi")
    main(page).get_by_role("link", name="Selesai").click()
    main(page).get_by_role("link", name=PAST, exact=True).click()
    tabs.get_by_role("link", name="Laporan").click()
    expect(main(page).get_by_role("heading", name="Seluruh masukan dan tanggapannya")).to_be_visible()

    assert page.problems == []


def test_speaker_is_told_and_answers_a_live_question(live_server, phone, another_phone, demo):
    moderator = another_phone(accept_dialogs=True)
    sign_in(moderator, live_server, "moderator" + DEMO)
    nav(moderator, "Konsultasi")
    main(moderator).get_by_role("link", name=LIVE, exact=True).click()
    moderator.get_by_role("navigation", name="Pengelolaan konsultasi").get_by_role("link", name="Kelola").click()
    moderator.get_by_label("NIP narasumber").fill("19900817 201503 2 011")
    moderator.get_by_role("button", name="Tambah narasumber").click()
    expect(main(moderator)).to_contain_text("Rina Wulandari")

    # The speaker hears of it (point 2), and answers from the live board.
    page = phone
    sign_in(page, live_server, "asn.kesehatan" + DEMO)
    open_notifications(page)
    page.locator(".notification-list").get_by_role("button", name=re.compile("narasumber")).first.click()
    expect(main(page)).to_contain_text("Anda narasumber konsultasi ini")
    main(page).get_by_role("link", name="Tanya jawab langsung").click()
    question = "Bagaimana jika alamat KK baru pindah kurang dari satu tahun?"
    main(page).locator("li").filter(has_text=question).get_by_role("link", name=re.compile("Jawab")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jawab pertanyaan")
    page.get_by_role("textbox").last.fill("Domisili dihitung dari tanggal terbit KK; bawa surat keterangan pindah.")
    page.get_by_role("button", name="Tandai dijawab").click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(main(page)).to_contain_text("Domisili dihitung dari tanggal terbit KK")

    assert page.problems == [] and moderator.problems == []


def test_asn_takes_and_answers_feedback_answers_the_forum_and_records_a_training(live_server, phone, demo):
    page = phone
    sign_in(page, live_server, "asn.kesehatan" + DEMO)

    # New feedback in the unit's inbox: verify it, take it (point 3), answer it.
    nav(page, "Kotak masukan")
    main(page).locator("tr").filter(has_text="Toilet Puskesmas Tambaksari rusak").get_by_role("link").first.click()
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_role("status").first).to_contain_text("Masukan diverifikasi.")
    page.get_by_role("button", name="Ambil dan tangani").click()
    page.get_by_role("textbox", name="Jawaban resmi").fill("Perbaikan toilet dijadwalkan Kamis; sementara pasien memakai toilet lantai dua.")
    page.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(page.get_by_role("status").first).to_contain_text("Jawaban resmi terkirim")

    # A forum thread waiting for the unit: answer it officially.
    nav(page, "Perlu ditanggapi")
    main(page).get_by_role("link", name="Cara mendaftar cek kesehatan gratis untuk lansia", exact=True).click()
    page.get_by_label("Balasan Anda").fill("Lansia cukup membawa KTP ke puskesmas terdekat pada hari kerja pukul 07.30–11.00.")
    page.get_by_label("Jawaban resmi").check()
    page.get_by_role("button", name="Kirim balasan").click()
    expect(page.get_by_role("status").first).to_contain_text("Jawaban resmi Anda sudah terbit")

    # A 90-minute webinar in the development record: 2 JP (point 22).
    nav(page, "Rekam pembinaan saya")
    main(page).get_by_role("link", name="Catat pelatihan").click()
    page.get_by_label("Judul pelatihan atau kegiatan").fill("Webinar pelayanan prima")
    page.get_by_label("Penyelenggara").fill("BPSDM Jawa Timur")
    page.get_by_label("Bentuk pengembangan kompetensi").select_option(index=1)
    page.get_by_label("Tanggal mulai").fill("2026-11-20")
    page.get_by_label("Tanggal selesai").fill("2026-11-20")
    page.get_by_label("Lama kegiatan").fill("90")
    page.get_by_label("Menit").check()
    page.get_by_role("button", name=re.compile("Simpan")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(main(page)).to_contain_text("Webinar pelayanan prima")

    assert page.problems == []


def test_atasan_reviews_the_team_and_reassigns_feedback(live_server, phone, demo):
    page = phone
    sign_in(page, live_server, "atasan.kesehatan" + DEMO)

    nav(page, "Tim saya")
    main(page).get_by_role("link", name="Rina Wulandari, S.Kep.").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rekam pembinaan: Rina Wulandari")
    main(page).get_by_role("link", name="Isi evaluasi periodik").click()
    expect(page.get_by_label("Periode evaluasi")).to_be_visible()

    # Feedback the team handles: hand it to another officer.
    nav(page, "Kotak masukan")
    main(page).locator("tr").filter(has_text="Obat pasien BPJS di apotek RSUD sering kosong").get_by_role("link").first.click()
    page.get_by_label("Tugaskan kepada").select_option(label="Agus Santoso, S.KM. — Penyuluh Kesehatan Masyarakat")
    page.get_by_role("button", name="Tugaskan").click()
    expect(page.get_by_role("status").first).to_contain_text("Agus Santoso")

    assert page.problems == []


def test_admin_imports_asn_from_a_csv_after_a_preview(live_server, phone, demo):
    page = phone
    sign_in(page, live_server, "admin" + DEMO)

    nav(page, "Admin")
    page.get_by_role("navigation", name="Menu admin").get_by_role("link", name="Impor ASN (CSV)").click()
    csv = ("nip,nama,jabatan,unit,email,atasan_nip\n"
           "199201152019031004,Bayu Pratama,Analis Kebijakan,dinkes,bayu@demo.surabaya.go.id,197803042005011002\n")
    page.get_by_label("Berkas CSV").set_input_files(
        files=[{"name": "asn-baru.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_role("button", name="Periksa berkas").click()
    expect(main(page)).to_contain_text("Bayu Pratama")
    page.get_by_role("button", name="Impor 1 profil ASN").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("navigation", name="Menu admin").get_by_role("link", name="Profil ASN").click()
    expect(main(page)).to_contain_text("Bayu Pratama")

    assert page.problems == []
