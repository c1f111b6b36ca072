"""Pages: listing, creating, registering, and bad input that must never become a 500."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import Consultation, Registration
from tests.konsultasi.conftest import START
from tests.querycount import page_statements


def form_data(world, **overrides):
    data = {
        "title": "Konsultasi Publik PPDB 2027", "topic": "pendidikan", "unit_id": str(world.unit.id),
        "description": "Jalur zonasi, afirmasi, prestasi.", "format": "hybrid", "location": "Gedung Siola",
        "online_url": "https://meet.surabaya.go.id/ppdb", "starts_at": "2027-05-10T09:00",
        "ends_at": "2027-05-10T12:00", "capacity": "100", "document_title": "",
    }
    data.update(overrides)
    return data


def test_moderator_creates_a_draft_with_times_in_wib(client, login, db, world):
    login(world.moderator)
    assert client.get("/konsultasi/baru").status_code == 200
    response = client.post("/konsultasi/baru", data=form_data(world))
    assert response.status_code == 303
    consultation = db.session.scalar(select(Consultation))
    assert response.headers["Location"] == f"/konsultasi/{consultation.id}/kelola"
    assert consultation.phase == "draf"
    assert consultation.starts_at.isoformat() == "2027-05-10T02:00:00+00:00"  # 09.00 WIB


@pytest.mark.parametrize(("overrides", "message"), [
    ({"ends_at": "2027-05-10T08:00"}, "Waktu selesai harus sesudah waktu mulai."),
    ({"ends_at": "2027-05-10T09:00"}, "Waktu selesai harus sesudah waktu mulai."),
    ({"capacity": "0"}, "Kapasitas harus antara 1 dan 100.000 peserta."),
    ({"capacity": "-5"}, "Kapasitas harus antara 1 dan 100.000 peserta."),
    ({"capacity": "banyak"}, "Masukkan bilangan bulat."),
    ({"starts_at": "besok pagi"}, "Masukkan tanggal dan jam yang benar."),
    ({"starts_at": "2027-02-30T09:00"}, "Masukkan tanggal dan jam yang benar."),
    ({"title": "x" * 201}, "Panjang harus 5–200 karakter."),
    ({"unit_id": "999999"}, "Pilihan tidak valid."),
    ({"unit_id": "abc"}, "Pilihan tidak valid."),
    ({"topic": "rahasia"}, "Pilihan tidak valid."),
    ({"online_url": "javascript:alert(1)"}, "Tautan harus diawali https://"),
    ({"format": "daring", "online_url": ""}, "Isi tautan kegiatan daring"),
    ({"format": "tatap_muka", "location": ""}, "Isi tempat kegiatan tatap muka"),
])
def test_bad_consultation_input_is_a_422_with_an_error_summary(client, login, db, world, overrides, message):
    login(world.moderator)
    response = client.post("/konsultasi/baru", data=form_data(world, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ada yang perlu diperbaiki" in html
    assert message in html
    assert db.session.scalar(select(Consultation)) is None


def test_edit_refuses_capacity_below_seats_on_the_field(client, login, db, world, make_user, make_consultation):
    consultation = make_consultation(phase="diumumkan", capacity=3)
    for _ in range(2):
        services.register_for_consultation(make_user(), consultation)
    db.session.commit()
    login(world.moderator)
    response = client.post(f"/konsultasi/{consultation.id}/ubah",
                           data=form_data(world, capacity="1", format="tatap_muka", online_url=""))
    assert response.status_code == 422
    assert "tidak boleh kurang dari jumlah peserta yang sudah terdaftar (2)" in response.get_data(as_text=True)


def test_forged_csrf_is_a_400_not_a_500(app, client, login, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    app.config["WTF_CSRF_ENABLED"] = True
    login(world.citizen)
    response = client.post(f"/konsultasi/{consultation.id}/daftar", data={"csrf_token": "palsu"})
    assert response.status_code == 400
    assert "Formulir tidak sah" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/konsultasi/999999", "/konsultasi/abc", "/konsultasi/1/dokumen/999/komentar", "/konsultasi/999/tanya-jawab.json",
    "/konsultasi/1/pertanyaan/999/dukung", "/konsultasi/1/komentar/999/jawab", "/konsultasi/1/laporan.csv/x",
])
def test_bad_ids_are_404(client, login, world, make_consultation, url):
    make_consultation(phase="berlangsung")
    login(world.moderator)
    method = "POST" if url.endswith(("komentar", "dukung")) else "GET"
    assert client.open(url, method=method).status_code == 404


def test_child_of_another_consultation_is_404(client, login, db, world, make_consultation):
    one = make_consultation(phase="berlangsung")
    two = make_consultation(phase="berlangsung", title="Konsultasi lain yang berbeda")
    question = services.submit_question(world.citizen, one, "Milik konsultasi pertama?")
    db.session.commit()
    login(world.moderator)
    assert client.post(f"/konsultasi/{two.id}/pertanyaan/{question.id}/setujui").status_code == 404


def test_register_by_view_then_waiting_list_then_cancel(client, login, db, world, make_consultation, mailbox):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    url = f"/konsultasi/{consultation.id}"
    assert client.post(f"{url}/daftar").status_code == 302  # sent to sign in
    login(world.citizen)
    response = client.post(f"{url}/daftar")
    assert (response.status_code, response.headers["Location"]) == (303, url)
    assert "Anda terdaftar sebagai peserta." in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/daftar").status_code == 409
    assert client.get(f"{url}/kalender.ics").mimetype == "text/calendar"
    login(world.neighbour)
    assert client.get(f"{url}/kalender.ics").mimetype == "text/calendar"  # a public event: anyone's calendar
    client.post(f"{url}/daftar")
    assert "Anda di daftar tunggu nomor 1." in client.get(url).get_data(as_text=True)
    login(world.citizen)
    assert client.post(f"{url}/batal").status_code == 303
    statuses = {r.user_id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {world.citizen.id: "dibatalkan", world.neighbour.id: "terdaftar"}


def test_listing_tabs_filters_and_empty_states(client, db, world, make_consultation):
    assert "Belum ada konsultasi yang dijadwalkan" in client.get("/konsultasi/").get_data(as_text=True)
    make_consultation(phase="diumumkan", title="Konsultasi Kesehatan Mendatang")
    make_consultation(phase="berlangsung", title="Konsultasi Kesehatan Langsung")
    make_consultation(phase="laporan", title="Konsultasi Kesehatan Selesai")
    make_consultation(phase="diumumkan", title="Konsultasi Pendidikan Mendatang", unit=world.other_unit,
                      topic="pendidikan")
    upcoming = client.get("/konsultasi/").get_data(as_text=True)
    # The default list: what is live now first, then what is coming; nothing finished.
    assert upcoming.index("Konsultasi Kesehatan Langsung") < upcoming.index("Konsultasi Kesehatan Mendatang")
    assert "Konsultasi Kesehatan Selesai" not in upcoming
    assert "Konsultasi Kesehatan Langsung" in client.get("/konsultasi/?waktu=berlangsung").get_data(as_text=True)
    assert "Konsultasi Kesehatan Selesai" in client.get("/konsultasi/?waktu=selesai").get_data(as_text=True)
    by_unit = client.get(f"/konsultasi/?unit={world.other_unit.id}").get_data(as_text=True)
    assert "Konsultasi Pendidikan Mendatang" in by_unit and "Konsultasi Kesehatan Mendatang" not in by_unit
    by_topic = client.get("/konsultasi/?topik=kesehatan").get_data(as_text=True)
    assert "Konsultasi Kesehatan Mendatang" in by_topic and "Konsultasi Pendidikan Mendatang" not in by_topic
    none = client.get("/konsultasi/?topik=sosial").get_data(as_text=True)
    assert "Tidak ada konsultasi yang cocok" in none
    assert client.get("/konsultasi/?topik=ngawur").status_code == 422
    assert client.get("/konsultasi/?unit=abc").status_code == 422
    assert client.get("/konsultasi/?page=50").status_code == 200
    assert client.get("/konsultasi/?page=999").status_code == 404  # lists stop at page 50 (portal/pagination.py)
    assert client.get("/konsultasi/?page=abc").status_code == 200


def test_listing_paginates_and_its_query_count_does_not_grow(client, db, world, make_consultation):
    def page_queries():
        # As a fresh request: the consultations just made are not served from the identity map.
        statements, status = page_statements(client, "/konsultasi/")
        assert status == 200
        return len(statements)

    make_consultation(phase="diumumkan", sections=())
    few = page_queries()
    for n in range(14):
        make_consultation(phase="diumumkan", sections=(), title=f"Konsultasi nomor {n:02d}",
                          starts_at=START + timedelta(days=n), ends_at=START + timedelta(days=n, hours=2))
    assert page_queries() == few
    html = client.get("/konsultasi/").get_data(as_text=True)
    assert "Halaman 1 dari 2" in html
    assert "Halaman 2 dari 2" in client.get("/konsultasi/?page=2").get_data(as_text=True)


def test_my_consultations(client, login, db, world, make_consultation):
    assert client.get("/konsultasi/saya").status_code == 302
    login(world.citizen)
    assert "Anda belum mendaftar" in client.get("/konsultasi/saya").get_data(as_text=True)
    consultation = make_consultation(phase="diumumkan")
    services.register_for_consultation(world.citizen, consultation)
    db.session.commit()
    html = client.get("/konsultasi/saya").get_data(as_text=True)
    assert consultation.title in html and "Terdaftar" in html


def test_pages_render_in_every_phase(client, login, db, world, make_consultation):
    for phase in ("diumumkan", "berlangsung", "ditutup", "laporan"):
        c = make_consultation(phase=phase, title=f"Konsultasi tahap {phase}")
        for user in (None, world.citizen, world.asn.user, world.moderator):
            if user is None:
                client.get("/")  # keep the session cookie jar simple: log out by a fresh client
                with client.session_transaction() as session:
                    session.clear()
            else:
                login(user)
            for path in ("", "/dokumen", "/tanya-jawab", "/tanya-jawab.json"):
                response = client.get(f"/konsultasi/{c.id}{path}")
                assert response.status_code == 200, (phase, user, path)


def test_live_page_uses_its_own_script_and_no_inline_script(client, login, world, make_consultation):
    c = make_consultation(phase="berlangsung")
    login(world.citizen)
    response = client.get(f"/konsultasi/{c.id}/tanya-jawab")
    html = response.get_data(as_text=True)
    assert "/static/js/konsultasi-live.js" in html
    assert "<script>" not in html and "onclick" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    with client.get("/static/js/konsultasi-live.js") as script:
        assert script.status_code == 200


def test_nav_has_konsultasi(client):
    assert 'href="/konsultasi/"' in client.get("/").get_data(as_text=True)
