"""Issue 12: every konsultasi page a person needs is reached by clicking from the home page."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from konsultasi import services
from portal.notifications.models import Notification
from tests.clicking import Visitor
from tests.conftest import PASSWORD

STAFF_TABS = ("Kelola", "Kehadiran", "Konsol tanya jawab", "Laporan")
TAB_BAR = "nav[aria-label='Pengelolaan konsultasi']"


def signed_in(client, user):
    """Open the home page and sign in the way a person does: click "Masuk", fill in, press."""
    visitor = Visitor(client).start()
    if user is None:
        return visitor
    return visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")


def test_moderator_reaches_every_management_page_by_clicking(client, world, make_consultation):
    closed = make_consultation(phase="ditutup", title="Dialog Publik Jam Layanan Puskesmas")
    visitor = signed_in(client, world.moderator).click("Konsultasi").click("Selesai").click(closed.title)
    assert visitor.path == f"/konsultasi/{closed.id}"
    for tab in STAFF_TABS:
        assert visitor.has_link(tab, within=TAB_BAR), tab
    visitor.click("Kelola", within=TAB_BAR).see("Tahap berikutnya")
    assert visitor.path == f"/konsultasi/{closed.id}/kelola"
    visitor.click("Kehadiran", within=TAB_BAR).see("Daftar hadir")
    visitor.click("Konsol tanya jawab", within=TAB_BAR).see("Menunggu moderasi")
    visitor.click("Laporan", within=TAB_BAR).see("Laporan hasil konsultasi publik", "Pratinjau")
    assert visitor.path == f"/konsultasi/{closed.id}/laporan"
    visitor.click("Halaman publik", within=TAB_BAR)
    assert visitor.path == f"/konsultasi/{closed.id}"


def test_moderator_reaches_kelola_of_a_live_one_and_of_a_draft(client, world, make_consultation):
    live = make_consultation(phase="berlangsung", title="Konsultasi yang sedang berlangsung")
    draft = make_consultation(title="Konsultasi yang masih draf")
    visitor = signed_in(client, world.moderator).click("Konsultasi").click(live.title)
    visitor.click("Kelola", within=TAB_BAR).see("Tutup konsultasi")
    visitor.click("Konsol tanya jawab", within=TAB_BAR)
    assert visitor.path == f"/konsultasi/{live.id}/konsol"
    # The report tab is offered only once there is a report to preview.
    assert not visitor.has_link("Laporan", within=TAB_BAR)
    visitor.click("Konsultasi").click("Draf").click(draft.title).click("Kelola", within=TAB_BAR)
    assert visitor.path == f"/konsultasi/{draft.id}/kelola"


def test_the_tab_bar_is_on_every_consultation_page_for_moderators(client, login, db, world, make_consultation):
    live = make_consultation(phase="berlangsung")
    section = live.sections[0]
    services.add_comment(world.citizen, section, "Mohon jam layanan diperpanjang.")
    question = services.submit_question(world.citizen, live, "Apakah apotek buka malam?")
    services.approve_question(world.moderator, question)
    db.session.commit()
    login(world.moderator)
    pages = [
        "",
        "/dokumen",
        "/tanya-jawab",
        "/kelola",
        "/kehadiran",
        "/konsol",
        "/ubah",
        f"/bagian/{section.id}/ubah",
        f"/pertanyaan/{question.id}/jawab",
        "/laporan/ringkasan",
    ]
    for page in pages:
        soup = BeautifulSoup(client.get(f"/konsultasi/{live.id}{page}").get_data(as_text=True), "html.parser")
        tabs = soup.select_one(TAB_BAR)
        assert tabs is not None, page
        assert tabs.find("a", href=f"/konsultasi/{live.id}/kelola"), page


@pytest.mark.parametrize("who", ["anonymous", "warga", "asn"])
def test_residents_and_asn_do_not_see_the_staff_tabs(client, world, make_consultation, who):
    closed = make_consultation(phase="ditutup", title="Dialog Publik Jam Layanan Puskesmas")
    user = {"anonymous": None, "warga": world.citizen, "asn": world.asn.user}[who]
    visitor = signed_in(client, user).click("Konsultasi").click("Selesai").click(closed.title)
    assert visitor.soup.select_one(TAB_BAR) is None
    for tab in ("Kelola", "Kehadiran", "Konsol tanya jawab"):
        assert not visitor.has_link(tab), tab
    visitor.click("Pertanyaan dan jawaban sesi")
    assert visitor.soup.select_one(TAB_BAR) is None


def test_speaker_is_told_and_answers_a_live_question_by_clicking(client, login, db, world, make_consultation, mailbox):
    consultation = make_consultation(title="Dialog Publik Sekolah Ramah Anak")
    speaker_user = world.speaker.user
    # The moderator adds the speaker by NIP (the manage page's form; reaching it is tested above).
    login(world.moderator)
    added = client.post(f"/konsultasi/{consultation.id}/narasumber", data={"nip": world.speaker.nip, "role": "Pemapar"})
    assert added.status_code == 303
    told = db.session.scalars(select(Notification).where(Notification.user_id == speaker_user.id)).all()
    assert len(told) == 1 and "narasumber" in told[0].message and consultation.title in told[0].message
    assert [m.recipients for m in mailbox if "narasumber" in m.subject] == [[speaker_user.email]]
    client.post("/akun/keluar")

    # Before the announcement the speaker finds it in the bell and their own list.
    speaker = signed_in(client, speaker_user).click("Pemberitahuan").press(told[0].message[:40])
    speaker.see("Sebagai narasumber", consultation.title, "Pemapar", "belum diumumkan")

    services.transition_consultation(world.moderator, consultation, "diumumkan")
    services.transition_consultation(world.moderator, consultation, "berlangsung")
    question = services.submit_question(world.citizen, consultation, "Bagaimana jalur zonasi untuk SD?")
    services.approve_question(world.moderator, question)
    db.session.commit()

    speaker.click("Konsultasi").click("Konsultasi saya").see("Sebagai narasumber").click(consultation.title)
    speaker.see("Anda narasumber konsultasi ini", "Pemapar")
    speaker.click("Tanya jawab langsung").click("Jawab", within=".konsultasi-board")
    speaker.see("Jawaban dicatat atas nama Anda: Siti Aminah.")
    speaker.fill("Jawaban tertulis", "Zonasi memakai jarak rumah ke sekolah.").press("Tandai dijawab")
    speaker.see("Pertanyaan ditandai dijawab.", "Zonasi memakai jarak rumah ke sekolah.", "Siti Aminah")
    db.session.refresh(question)
    assert (question.status, question.answered_by_asn_id) == ("dijawab", world.speaker.id)


def test_residents_get_no_answer_link_on_the_board(client, db, world, make_consultation):
    live = make_consultation(phase="berlangsung")
    question = services.submit_question(world.citizen, live, "Bagaimana jalur zonasi untuk SD?")
    services.approve_question(world.moderator, question)
    db.session.commit()
    for user in (None, world.neighbour, world.outsider.user):
        visitor = signed_in(client, user).click("Konsultasi").click("Ikuti tanya jawab langsung")
        visitor.see("Bagaimana jalur zonasi untuk SD?")
        assert not visitor.has_link("Jawab", within=".konsultasi-board"), user
        if user is not None:
            visitor.press("Keluar")
    feed = client.get(f"/konsultasi/{live.id}/tanya-jawab.json").get_json()
    assert feed["approved"][0]["answer_url"] == ""


def test_anyone_adds_a_public_consultation_to_their_calendar(client, db, world, make_consultation, mailbox):
    consultation = make_consultation(phase="diumumkan", format="hybrid", online_url="https://zoom.us/j/98765")
    visitor = signed_in(client, None).click("Konsultasi").click(consultation.title)
    visitor.click("Tambahkan ke kalender (.ics)")
    assert visitor.response.mimetype == "text/calendar"
    ics = visitor.response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in ics and "Dialog Publik" in ics
    assert "zoom.us" not in ics  # the online link is for participants only, as on the page

    # A registered person also gets theirs by mail, with the online link.
    resident = signed_in(client, world.citizen).click("Konsultasi").click(consultation.title)
    resident.press("Daftar sebagai peserta").see("Anda terdaftar sebagai peserta.")
    attachment = mailbox[-1].attachments[0]
    assert attachment.filename.endswith(".ics") and b"zoom.us" in attachment.data
    resident.click("Unduh jadwal ke kalender (.ics)")
    assert "zoom.us" in resident.response.get_data(as_text=True)


def test_the_default_list_shows_what_is_live_first_then_upcoming(client, world, make_consultation):
    make_consultation(phase="diumumkan", title="Konsultasi Trotoar Mendatang")
    make_consultation(phase="berlangsung", title="Konsultasi Banjir Berlangsung")
    make_consultation(phase="laporan", title="Konsultasi Taman Selesai")
    visitor = signed_in(client, None).click("Konsultasi")
    visitor.see("Sedang berlangsung", "Konsultasi Banjir Berlangsung", "Akan datang", "Konsultasi Trotoar Mendatang")
    visitor.not_see("Konsultasi Taman Selesai")
    assert visitor.text.index("Konsultasi Banjir Berlangsung") < visitor.text.index("Konsultasi Trotoar Mendatang")
    visitor.click("Ikuti tanya jawab langsung").see("Tanya jawab langsung")
