"""The Indonesian analyzer: Sastrawi stems, stop words, the query parser and snippets."""

import pickle

import pytest
from whoosh import index

from portal.search.analysis import ANALYZER, STOP_WORDS, stems, words
from portal.search.backends.whoosh_backend import make_schema
from portal.search.highlight import highlight, snippet, token_stem
from portal.search.spelling import Vocabulary, edit_distance, suggest_query


@pytest.mark.parametrize("forms", [
    ("keluhan", "mengeluhkan", "keluh", "dikeluhkan"),
    ("tanggapan", "menanggapi", "ditanggapi"),
    ("pelayanan", "dilayani", "layanan", "melayani"),
    ("penanganan", "ditangani", "menangani"),
    ("perbaikan", "diperbaiki", "memperbaiki"),
])
def test_inflected_forms_share_one_stem(forms):
    assert len({tuple(stems(form)) for form in forms}) == 1


def test_stop_words_are_dropped_and_the_rest_keeps_its_order():
    assert stems("Yang dan di puskesmas untuk antrean") == ["puskesmas", "antre"]
    assert {"yang", "dan", "di", "untuk"} <= STOP_WORDS
    # Words residents search for are not stop words, unlike in Sastrawi's own list.
    assert stems("jawaban masalah baru hari") == ["jawab", "masalah", "baru", "hari"]


def test_tokens_split_on_punctuation_and_drop_junk():
    assert stems("E-KTP_rusak, 2026!") == ["ktp", "rusak", "2026"]
    assert stems("a" * 200) == []  # absurdly long "words" are junk
    assert words("Pelayanan PUSKESMAS") == ["pelayanan", "puskesmas"]


def test_accents_are_folded():
    assert stems("Café") == stems("cafe")


def test_highlighter_sees_the_same_stems_as_the_index():
    text = "Warga mengeluhkan pelayanan yang lambat; petugas tidak melayani dengan ramah di Puskesmas."
    indexed = stems(text)
    highlighted = [token_stem(t) for t in text.replace(";", " ").replace(".", " ").split()]
    assert [s for s in highlighted if s is not None] == indexed


def test_snippet_marks_inflected_forms_and_escapes_html():
    text = "Awal. " + "Isi panjang tanpa arti. " * 30 + "Petugas tidak <b>melayani</b> & lambat. " + "Penutup. " * 30
    result = str(snippet(text, set(stems("pelayanan"))))
    assert "<mark>melayani</mark>" in result
    assert "&lt;b&gt;" in result and "&amp;" in result and "<b>" not in result
    assert result.startswith("… ") and result.endswith(" …")
    assert str(highlight("Antrean <script>", {"antre"})) == "<mark>Antrean</mark> &lt;script&gt;"


def test_the_analyzer_survives_pickling_into_an_index(tmp_path):
    # Whoosh pickles the schema; a lambda or bound method here would fail at create_in.
    assert pickle.dumps(ANALYZER)
    ix = index.create_in(str(tmp_path), make_schema())
    reopened = index.open_dir(str(tmp_path))
    assert [t.text for t in reopened.schema["body"].analyzer("mengeluhkan")] == ["keluh"]
    ix.close()


def test_edit_distance_counts_transpositions_and_stops_early():
    assert edit_distance("puskesmas", "puskesmsa", 2) == 1
    assert edit_distance("antrean", "antrian", 2) == 1
    assert edit_distance("abc", "xyzabc", 2) == 3


def test_vocabulary_suggests_the_most_frequent_close_word():
    vocabulary = Vocabulary({"puskesmas": 40, "imunisasi": 10, "antrean": 30, "antrian": 2})
    assert vocabulary.correct("puskesmaas") == "puskesmas"
    assert vocabulary.correct("antriean") == "antrean"
    assert vocabulary.correct("puskesmas") is None  # known words are left alone
    assert suggest_query("Imunisasih puskesmaas", vocabulary) == "imunisasi puskesmas"
    assert suggest_query("puskesmas", vocabulary) is None
