"""What people type into the search box, turned into stems both backends understand.

The syntax is small and forgiving: words (all must match), "a phrase", -excluded, prefix*,
OR between words. Anything else — unbalanced quotes, lone operators, a wall of junk — is
cleaned up with a message in plain Indonesian, never an error.
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.search.analysis import stems, words

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
OPERATORS = {"AND", "OR", "NOT", "&&", "||", "+", "-", "*", "!", "~", "^"}
_PIECE = re.compile(r'"([^"]*)"|(\S+)')
_PREFIX_MIN = 2


@dataclass
class ParsedQuery:
    """A cleaned query: required stems, phrases, exclusions, prefixes, and messages for the person."""

    text: str = ""
    terms: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # lists of stems, in order
    excluded: list = field(default_factory=list)
    prefixes: list = field(default_factory=list)
    words: list = field(default_factory=list)  # surface words as typed, for "did you mean"
    any_term: bool = False  # OR: a document needs only one of the terms
    messages: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.terms or self.phrases or self.prefixes)

    @property
    def highlight_stems(self):
        """Return the stems to mark in snippets."""
        found = set(self.terms)
        for phrase in self.phrases:
            found.update(phrase)
        return found

    def loosened(self):
        """Return the same query matching any of its terms (for a second try after no results)."""
        return ParsedQuery(self.text, list(self.terms), list(self.phrases), list(self.excluded), list(self.prefixes),
                           list(self.words), True, list(self.messages))


def _add_unique(target, items):
    for item in items:
        if item not in target:
            target.append(item)


def parse_query(raw, *, max_chars=MAX_QUERY_CHARS):
    """Parse what the person typed; return a ParsedQuery whose messages explain any clean-up."""
    parsed = ParsedQuery()
    text = " ".join((raw or "").split())
    if not text:
        parsed.messages.append(_("Tulis kata kunci yang ingin dicari, misalnya \"antrean puskesmas\"."))
        return parsed
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
        parsed.messages.append(_("Kata kunci terlalu panjang; hanya %(n)s karakter pertama yang dipakai.", n=max_chars))
    if text.count('"') % 2:
        head, _sep, tail = text.rpartition('"')
        text = head + " " + tail
        parsed.messages.append(_("Tanda kutip tidak berpasangan, jadi diabaikan. Pakai dua tanda kutip untuk mencari "
                                 "frasa, misalnya \"jalan rusak\"."))
    parsed.text = text

    ignored_operator = stop_only = False
    negate_next = False
    for match in _PIECE.finditer(text):
        phrase, word = match.groups()
        if phrase is not None:
            phrase_stems = stems(phrase)
            if negate_next:
                _add_unique(parsed.excluded, phrase_stems)
                negate_next = False
            elif len(phrase_stems) > 1:
                parsed.phrases.append(phrase_stems)
                _add_unique(parsed.words, words(phrase))
            elif phrase_stems:
                _add_unique(parsed.terms, phrase_stems)
                _add_unique(parsed.words, words(phrase))
            elif phrase.strip():
                stop_only = True
            continue
        if word == "OR" or word == "||":
            parsed.any_term = True
            continue
        if word == "NOT":
            negate_next = True
            continue
        if word in OPERATORS or not re.search(r"[^\W_]", word):
            ignored_operator = True
            continue
        negative = negate_next or word.startswith(("-", "!"))
        negate_next = False
        core = word.lstrip("-!+")
        is_prefix = core.endswith("*") and "*" not in core[:-1]
        core = core.replace("*", " ")
        term_stems = stems(core)
        if not term_stems:
            stop_only = stop_only or bool(re.search(r"[^\W_]", core))
            continue
        if negative:
            _add_unique(parsed.excluded, term_stems)
        elif is_prefix:
            surface = words(core)
            if surface and len(surface[-1]) >= _PREFIX_MIN:
                _add_unique(parsed.terms, term_stems[:-1])
                _add_unique(parsed.prefixes, [surface[-1]])
            else:
                _add_unique(parsed.terms, term_stems)
        else:
            _add_unique(parsed.terms, term_stems)
            _add_unique(parsed.words, words(core))

    if len(parsed.terms) + len(parsed.phrases) + len(parsed.prefixes) > MAX_TERMS:
        parsed.terms = parsed.terms[:MAX_TERMS]
        parsed.phrases = parsed.phrases[: max(0, MAX_TERMS - len(parsed.terms))]
        parsed.prefixes = parsed.prefixes[: max(0, MAX_TERMS - len(parsed.terms) - len(parsed.phrases))]
        parsed.messages.append(_("Hanya %(n)s kata pertama yang dipakai.", n=MAX_TERMS))
    if ignored_operator:
        parsed.messages.append(_("Tanda atau operator tanpa kata (misalnya AND, -, *) diabaikan."))
    if parsed.is_empty:
        if parsed.excluded:
            parsed.messages.append(_("Tambahkan kata yang dicari, bukan hanya kata yang dikecualikan dengan tanda minus."))
        elif stop_only:
            parsed.messages.append(_("Kata kunci hanya berisi kata umum (misalnya \"yang\", \"dan\"). Tambahkan kata "
                                     "yang lebih khusus."))
        else:
            parsed.messages.append(_("Tidak ada kata yang dapat dicari dalam kata kunci ini. Gunakan huruf atau angka, "
                                     "misalnya \"sampah menumpuk\"."))
    return parsed
