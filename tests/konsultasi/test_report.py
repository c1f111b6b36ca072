"""The report accounts for every comment and question exactly once; the CSV opens right in Excel."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import Section
from konsultasi.queries import build_report


@pytest.fixture
def finished(db, world, make_user, make_consultation):
    """A consultation with inputs in every state, closed with a summary (not yet published)."""
    c = make_consultation(phase="diumumkan", capacity=2)
    first, second = db.session.scalars(select(Section).where(Section.consultation_id == c.id)
                                       .order_by(Section.position)).all()
    people = [make_user() for _ in range(4)]
    for person in people:
        services.register_for_consultation(person, c)
    comments = [
        services.add_comment(people[0], first, "Komentar biasa tanpa jawaban."),
        services.add_comment(people[1], first, "=HYPERLINK(\"http://jahat\") komentar, dengan \"kutip\"\nbaris dua"),
        services.add_comment(people[2], second, "Komentar yang dijawab."),
        services.add_comment(people[3], second, "Komentar berisi NIK 3578xxxx."),
    ]
    services.answer_comment(world.asn.user, comments[2], "Jawaban resmi atas komentar.")
    services.hide_comment(world.moderator, comments[3], "Memuat data pribadi.")
    services.transition_consultation(world.moderator, c, "berlangsung")
    seated = [r for r in db.session.scalars(select(services.Registration)) if r.status == "terdaftar"]
    services.set_attendance(world.moderator, seated[0], True)
    asks = [services.submit_question(p, c, f"Pertanyaan nomor {n}?") for n, p in enumerate(people)]
    asks.append(services.submit_question(people[0], c, "Pertanyaan yang tidak pernah dimoderasi?"))
    for q in asks[:4]:
        services.approve_question(world.moderator, q)
    services.answer_question(world.moderator, asks[0], asn=world.asn, answer="Jawaban tertulis.")
    services.answer_question(world.moderator, asks[1])  # answered live, nothing written
    services.reject_question(world.moderator, asks[2], "Di luar topik.")
    # asks[3] stays approved but unanswered; asks[4] stays pending.
    services.transition_consultation(world.moderator, c, "ditutup")
    services.save_report_summary(world.moderator, c, "Ringkasan **hasil**.")
    db.session.commit()
    return c, comments, asks


def test_every_input_appears_exactly_once_with_status_and_answer_or_reason(db, finished):
    consultation, comments, asks = finished
    report = build_report(consultation)
    keys = [(item.kind, item.id) for item in report["items"]]
    expected = [("komentar", c.id) for c in comments] + [("pertanyaan", q.id) for q in asks]
    assert sorted(keys) == sorted(expected)
    assert len(keys) == len(set(keys))
    for item in report["items"]:
        assert item.status
        assert item.answer or item.reason or item.status == "Dijawab langsung dalam sesi", item
    by_key = {(i.kind, i.id): i for i in report["items"]}
    assert by_key[("komentar", comments[2].id)].answer == "Jawaban resmi atas komentar."
    assert by_key[("komentar", comments[3].id)].reason == "Memuat data pribadi."
    assert "NIK" not in by_key[("komentar", comments[3].id)].text  # hidden text stays hidden
    assert by_key[("pertanyaan", asks[2].id)].reason == "Di luar topik."
    assert "Tidak sempat dijawab" in by_key[("pertanyaan", asks[3].id)].reason
    assert "Belum dimoderasi" in by_key[("pertanyaan", asks[4].id)].reason
    assert [g.title for g in report["groups"]] == ["Pasal 1 — Ketentuan Umum", "Pasal 2 — Jam Layanan",
                                                    "Tanya jawab langsung"]
    assert report["counts"] == {"registered": 2, "waiting": 2, "cancelled": 0, "attended": 1}


def test_report_page_lists_each_input_once_and_is_preview_only_for_moderators(client, login, db, world, finished):
    consultation, comments, asks = finished
    url = f"/konsultasi/{consultation.id}/laporan"
    assert client.get(url).status_code == 302  # not published: visitors are asked to sign in
    login(world.citizen)
    assert client.get(url).status_code == 403
    login(world.moderator)
    html = client.get(url).get_data(as_text=True)
    assert "Pratinjau" in html
    for c in comments:
        assert html.count(f'data-report-item="komentar-{c.id}"') == 1
    for q in asks:
        assert html.count(f'data-report-item="pertanyaan-{q.id}"') == 1
    assert 'data-figure="registered">2<' in html and 'data-figure="attended">1<' in html
    assert client.post(f"/konsultasi/{consultation.id}/tahap/laporan").status_code == 303
    login(world.citizen)
    public = client.get(url).get_data(as_text=True)
    assert "Pratinjau" not in public
    assert "<strong>hasil</strong>" in public
    assert "print.css" in public


def test_csv_has_a_bom_quotes_properly_and_one_row_per_input(client, login, db, world, finished):
    consultation, comments, asks = finished
    login(world.moderator)
    response = client.get(f"/konsultasi/{consultation.id}/laporan.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[0] == "Jenis" and header[-1] == "ID"
    ids = [row[-1] for row in body]
    assert sorted(ids) == sorted([f"komentar-{c.id}" for c in comments] + [f"pertanyaan-{q.id}" for q in asks])
    tricky = next(row for row in body if row[-1] == f"komentar-{comments[1].id}")
    # The comma, quotes and line break survive the round trip; the formula is defused.
    assert tricky[3].startswith("'=HYPERLINK(")
    assert '"kutip"' in tricky[3] and "\nbaris dua" in tricky[3]
    assert all(len(row) == len(header) for row in body)
    assert re.search(rb"\r\n$", raw)


def test_csv_and_report_are_closed_before_closing(client, login, world, make_consultation):
    consultation = make_consultation(phase="berlangsung")
    login(world.moderator)
    assert client.get(f"/konsultasi/{consultation.id}/laporan").status_code == 403
    assert client.get(f"/konsultasi/{consultation.id}/laporan.csv").status_code == 403


def test_refused_and_unmoderated_questions_are_counted_but_their_text_is_not_published(client, login, db, world, finished):
    consultation, _comments, asks = finished
    login(world.moderator)
    assert client.post(f"/konsultasi/{consultation.id}/tahap/laporan").status_code == 303
    login(world.citizen)
    html = client.get(f"/konsultasi/{consultation.id}/laporan").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get(f"/konsultasi/{consultation.id}/laporan.csv").data.decode("utf-8-sig"),
                                       newline="")))
    feed = client.get(f"/konsultasi/{consultation.id}/tanya-jawab.json").get_data(as_text=True)
    for text in (html, str(rows), feed):
        assert "Pertanyaan nomor 2?" not in text  # refused
        assert "Pertanyaan yang tidak pernah dimoderasi?" not in text
    assert "Pertanyaan nomor 0?" in html and "Pertanyaan nomor 3?" in html  # approved ones stay
    refused = next(row for row in rows if row[-1] == f"pertanyaan-{asks[2].id}")
    assert refused[4] == "Tidak ditanggapi" and refused[7] == "Di luar topik." and "ditolak" in refused[3]
    assert html.count(f'data-report-item="pertanyaan-{asks[2].id}"') == 1 and "Di luar topik." in html
