"""The query parser: a forgiving syntax, and a clear message for anything it cleans up."""

import pytest

from portal.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query


@pytest.fixture(autouse=True)
def _request(app):
    """Messages go through Flask-Babel, which needs an app."""


def test_words_are_stemmed_and_all_required():
    parsed = parse_query("Keluhan pelayanan puskesmas")
    assert parsed.terms == ["keluh", "layan", "puskesmas"]
    assert not parsed.any_term and not parsed.messages


def test_phrases_exclusions_prefixes_and_or():
    parsed = parse_query('"jalan rusak" -parkir pusk* OR banjir')
    assert parsed.phrases == [["jalan", "rusak"]]
    assert parsed.excluded == ["parkir"]
    assert parsed.prefixes == ["pusk"]
    assert parsed.terms == ["banjir"]
    assert parsed.any_term


@pytest.mark.parametrize("raw, fragment", [
    ("", "Tulis kata kunci"),
    ("   ", "Tulis kata kunci"),
    ('"', "Tanda kutip tidak berpasangan"),
    ("AND", "operator tanpa kata"),
    ("-", "operator tanpa kata"),
    ("*", "operator tanpa kata"),
    ("OR AND NOT", "Tidak ada kata"),
    ("yang dan di", "kata umum"),
    ("-puskesmas", "bukan hanya kata yang dikecualikan"),
    ("%$#@!(){}[]", "Tidak ada kata"),
])
def test_empty_or_malformed_queries_explain_themselves(raw, fragment):
    parsed = parse_query(raw)
    assert parsed.is_empty
    assert any(fragment in message for message in parsed.messages), parsed.messages


def test_unbalanced_quote_is_dropped_and_the_words_still_count():
    parsed = parse_query('"antrean panjang')
    assert parsed.terms == ["antre", "panjang"]
    assert any("kutip" in m for m in parsed.messages)


def test_long_junk_is_cut_with_a_message():
    parsed = parse_query("puskesmas " + "x7$%" * 300)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert any("terlalu panjang" in m for m in parsed.messages)
    assert "puskesmas" in parsed.terms


def test_too_many_words_are_capped():
    parsed = parse_query(" ".join(f"kata{i}" for i in range(30)))
    assert len(parsed.terms) == MAX_TERMS
    assert any(str(MAX_TERMS) in m for m in parsed.messages)
