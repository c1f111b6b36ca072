"""Searching: Indonesian stems, ranking, filters, facets, sorting, pagination, did-you-mean — on every backend."""

from datetime import timedelta

import pytest

from portal.db import utcnow
from portal.search.backends import Filters
from portal.search.service import search, suggest_titles

pytestmark = pytest.mark.usefixtures("backend")


def test_inflected_forms_find_each_other(make_thread, make_feedback, make_consultation, find):
    thread = make_thread(title="Warga mengeluhkan antrean", body="Petugas tidak melayani dengan ramah.")
    feedback = make_feedback(title="Laporan belum ditanggapi", body="Sudah seminggu menunggu.")
    consultation = make_consultation(title="Dialog penanganan sampah", sections=(("Pasal 1", "Tentang kebersihan."),))
    assert find("keluhan") == [f"thread:{thread.id}"]
    assert find("pelayanan") == [f"thread:{thread.id}"]
    assert find("dilayani") == [f"thread:{thread.id}"]
    assert find("tanggapan") == [f"feedback:{feedback.id}"]
    assert find("menanggapi") == [f"feedback:{feedback.id}"]
    assert find("ditangani") == [f"konsultasi:{consultation.id}"]


def test_stop_words_do_not_change_the_results(make_thread, find):
    thread = make_thread(title="Jalan rusak di Gubeng", body="Lubang besar dekat sekolah.")
    make_thread(title="Sampah menumpuk", body="Yang ini soal sampah, bukan jalan.")
    assert find("jalan yang rusak") == find("jalan rusak") == [f"thread:{thread.id}"]
    result = search("yang dan di")
    assert result.items == [] and any("kata umum" in m for m in result.messages)


def test_all_words_must_match_and_title_matches_rank_first(make_thread, find):
    in_title = make_thread(title="Imunisasi balita di posyandu", body="Jadwalnya kapan?")
    in_body = make_thread(title="Pertanyaan jadwal", body="Kapan imunisasi balita berikutnya di posyandu?")
    make_thread(title="Imunisasi lansia", body="Untuk orang tua.")
    assert find("imunisasi balita") == [f"thread:{in_title.id}", f"thread:{in_body.id}"]


def test_phrase_exclusion_prefix_and_or(make_thread, find):
    rusak = make_thread(title="Jalan rusak parah", body="Di depan pasar.")
    parkir = make_thread(title="Rusak jalan parkir", body="Jalan menuju parkir rusak.")
    banjir = make_thread(title="Banjir di Ketintang", body="Air setinggi lutut.")
    assert find('"jalan rusak"') == [f"thread:{rusak.id}"]
    assert find("rusak -parkir") == [f"thread:{rusak.id}"]
    assert set(find("banjir OR parkir")) == {f"thread:{banjir.id}", f"thread:{parkir.id}"}
    assert find("ketint*") == [f"thread:{banjir.id}"]


def test_no_match_for_all_words_falls_back_to_any_word(make_thread):
    thread = make_thread(title="Lampu jalan mati", body="Sudah dua minggu gelap.")
    result = search("lampu kereta")
    assert [item.key for item in result.items] == [f"thread:{thread.id}"]
    assert any("sebagian kata" in message for message in result.messages)


def test_snippets_and_titles_mark_what_matched(make_thread):
    make_thread(title="Keluhan pelayanan KTP", body="Di kelurahan saya tidak dilayani dengan baik, antre <b>lama</b>.")
    item = search("pelayanan").items[0]
    assert "<mark>pelayanan</mark>" in str(item.title_html)
    assert "<mark>dilayani</mark>" in str(item.snippet)
    assert "<b>" not in str(item.snippet)  # what the resident typed is shown as text, never as markup


def test_filters_and_facet_counts(world, make_thread, make_feedback, make_consultation):
    make_thread(title="Puskesmas penuh", body="Antre lama.")
    make_thread(title="Puskesmas tutup", body="Hari Minggu.", category=world.pendidikan)
    make_feedback(title="Puskesmas kotor", body="Toilet rusak.")
    make_consultation(title="Puskesmas 24 jam", phase="berlangsung")
    result = search("puskesmas")
    assert result.total == 4
    facets = {name: {value: count for value, _label, count in values} for name, values in result.facets.items()}
    assert facets["type"] == {"thread": 2, "feedback": 1, "konsultasi": 1}
    assert facets["unit"] == {"dinkes": 3, "dispendik": 1}
    assert facets["status"] == {"terbuka": 2, "diterima": 1, "berlangsung": 1}
    labels = {value: label for value, label, _count in result.facets["unit"]}
    assert labels["dinkes"] == "Dinas Kesehatan"

    assert search("puskesmas", filters=Filters(type="thread")).total == 2
    assert search("puskesmas", filters=Filters(type="thread", unit="dispendik")).total == 1
    assert search("puskesmas", filters=Filters(status="berlangsung")).total == 1
    only_dinkes = search("puskesmas", filters=Filters(unit="dinkes"))
    assert {item.unit for item in only_dinkes.items} == {"dinkes"}


def test_kelurahan_filter(make_thread):
    here = make_thread(title="Posyandu tutup", body="Minggu ini.", kelurahan="Ketabang")
    make_thread(title="Posyandu buka", body="Minggu depan.", kelurahan="Gubeng")
    assert [i.key for i in search("posyandu", filters=Filters(kelurahan="ketabang")).items] == [f"thread:{here.id}"]


def test_sort_newest_and_pagination(db, make_thread):
    start = utcnow() - timedelta(days=30)
    threads = []
    for n in range(23):
        thread = make_thread(title=f"Drainase tersumbat nomor {n}", body="Air menggenang.")
        thread.created_at = start + timedelta(days=n)
        db.session.commit()
        threads.append(thread)
    newest_first = [f"thread:{t.id}" for t in reversed(threads)]
    first = search("drainase", sort="newest")
    assert first.total == 23 and first.pages == 3 and first.has_next and not first.has_prev
    assert [item.key for item in first.items] == newest_first[:10]
    assert [item.key for item in search("drainase", sort="newest", page=3).items] == newest_first[20:]
    everything = [key for page in (1, 2, 3) for key in (i.key for i in search("drainase", page=page).items)]
    assert sorted(everything) == sorted(newest_first)  # relevance pages cover each result once
    assert search("drainase", page=4).items == []
    assert search("drainase", page=999).messages


def test_relevance_pages_run_tier_by_tier_newest_first(db, make_thread):
    # 7 + 6 + 9 results over three pages: the tier boundaries fall inside pages 1 and 2, so
    # pages 2 and 3 must skip exactly the earlier tiers' documents.
    start = utcnow() - timedelta(days=60)
    made = {3: [], 2: [], 1: []}
    shapes = [(3, "Trotoar rusak dekat halte {n}", "Sudah lama."),
              (2, "Trotoar licin nomor {n}", "Dekat halte ada yang rusak."),
              (1, "Laporan warga nomor {n}", "Trotoar rusak di halte.")]
    n = 0
    for tier, title, body in shapes:
        for _ in range({3: 7, 2: 6, 1: 9}[tier]):
            thread = make_thread(title=title.format(n=n), body=body)
            thread.created_at = start + timedelta(days=(n * 7) % 22)  # tiers interleave in time
            db.session.commit()
            made[tier].append(thread)
            n += 1
    expected = [f"thread:{t.id}" for tier in (3, 2, 1)
                for t in sorted(made[tier], key=lambda t: (t.created_at, t.id), reverse=True)]
    pages = [search("trotoar rusak", page=page) for page in (1, 2, 3)]
    assert pages[0].total == 22
    assert [item.key for page in pages for item in page.items] == expected
    assert [[item.score for item in page.items] for page in pages] == [
        [3.0] * 7 + [2.0] * 3, [2.0] * 3 + [1.0] * 7, [1.0] * 2]
    without_halte = search("trotoar rusak -halte")  # excluded word in the body of every document
    assert without_halte.total == 0


def test_did_you_mean_for_misspellings(make_thread, make_feedback):
    make_thread(title="Antrean puskesmas Ketabang", body="Lama sekali.")
    make_feedback(title="Imunisasi di puskesmas", body="Jadwal berubah.")
    result = search("puskesmaas")
    assert result.total == 0
    assert result.did_you_mean == "puskesmas"
    assert search(result.did_you_mean).total == 2
    assert search("imunisasih puskesmas").did_you_mean == "imunisasi puskesmas"
    assert search("puskesmas").did_you_mean is None


def test_title_suggestions_for_a_new_thread(make_thread, make_feedback):
    thread = make_thread(title="Antrean BPJS di puskesmas", body="Bagaimana cara daftar online?")
    make_feedback(title="Antrean BPJS lama", body="Tidak ada nomor antrean.")  # feedback is not a thread
    items = suggest_titles("antrean bpj")  # the last word is still being typed
    assert [item.key for item in items] == [f"thread:{thread.id}"]
    assert suggest_titles("zz") == []
