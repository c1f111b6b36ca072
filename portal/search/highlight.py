"""Snippets with the matched words marked, the same for both backends.

The stored plain text is scanned once; each word goes through the same stop list and the same
cached Sastrawi stem as the index, so "dilayani" lights up for a search on "pelayanan".
"""

import re
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh.support.charset import accent_map

from portal.search.analysis import MAX_WORD, MIN_WORD, STOP_WORDS, WORD_PATTERN, stem_word

_TOKEN = re.compile(WORD_PATTERN)
_FOLD = {code: value for code, value in accent_map.items() if isinstance(code, int)}
SCAN_CHARS = 8_000  # look for the best passage in the first part of long documents only


@lru_cache(maxsize=100_000)
def token_stem(token):
    """Return the stem the index holds for one raw token, or None for a stop word or junk."""
    word = token.lower().translate(_FOLD)
    if not MIN_WORD <= len(word) <= MAX_WORD or word in STOP_WORDS or not _TOKEN.fullmatch(word):
        return None
    return stem_word(word)


def _matches(text, wanted, limit):
    found = []
    for match in _TOKEN.finditer(text, 0, limit):
        stem = token_stem(match.group())
        if stem is not None and stem in wanted:
            found.append((match.start(), match.end(), stem))
    return found


def _marked(text, matches, start, end):
    parts, cursor = [], start
    for match_start, match_end, _stem in matches:
        if match_start < start or match_end > end:
            continue
        parts.append(escape(text[cursor:match_start]))
        parts.append(Markup("<mark>%s</mark>") % text[match_start:match_end])
        cursor = match_end
    parts.append(escape(text[cursor:end]))
    return Markup("").join(parts)


def highlight(text, wanted):
    """Return the whole (short) text, escaped, with matched words in <mark>."""
    text = text or ""
    return _marked(text, _matches(text, wanted, len(text)), 0, len(text))


def snippet(text, wanted, length=220):
    """Return the passage of about `length` characters with the most distinct matches, marked."""
    text = text or ""
    matches = _matches(text, wanted, min(len(text), SCAN_CHARS)) if wanted else []
    if not matches:
        start = 0
    else:
        best, best_score = 0, -1
        for i, (first, _end, _stem) in enumerate(matches):
            distinct = {stem for s, _e, stem in matches[i:] if s < first + length}
            if len(distinct) > best_score:
                best, best_score = i, len(distinct)
        # A little context before the first match, starting at a word boundary.
        start = max(0, matches[best][0] - 40)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < matches[best][0] else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = _marked(text, matches, start, end)
    return Markup("%s%s%s") % (Markup("… ") if start else "", body, Markup(" …") if end < len(text) else "")
