"""'Did you mean': correct misspelled query words against the words of indexed titles.

Both backends hand over the same kind of vocabulary (title word → how many documents), so
suggestions agree. Candidates share the first letter and differ in length by at most two;
that keeps a lookup to a few hundred comparisons even on a large vocabulary.
"""

import re

from portal.search.analysis import words

MAX_EDITS_SHORT, MAX_EDITS_LONG, LONG_WORD = 1, 2, 6


def edit_distance(a, b, limit):
    """Return the Damerau–Levenshtein distance of a and b, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    """Words with their document frequency, bucketed by first letter and length."""

    def __init__(self, frequencies):
        self.frequencies = dict(frequencies)
        self.buckets = {}
        for word, count in self.frequencies.items():
            self.buckets.setdefault((word[:1], len(word)), []).append((word, count))

    def __len__(self):
        return len(self.frequencies)

    def __contains__(self, word):
        return word in self.frequencies

    def correct(self, word):
        """Return the most frequent known word within one or two edits, or None."""
        if word in self.frequencies or not word.isalpha():
            return None
        limit = MAX_EDITS_LONG if len(word) >= LONG_WORD else MAX_EDITS_SHORT
        best = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate, count in self.buckets.get((word[:1], length), ()):
                distance = edit_distance(word, candidate, limit)
                if distance <= limit:
                    rank = (distance, -count, candidate)
                    if best is None or rank < best:
                        best = rank
        return best[2] if best else None


def suggest_query(text, vocabulary):
    """Return the query with misspelled words replaced, or None when nothing changes."""
    if not vocabulary or not text:
        return None
    changed = False

    def replace(match):
        nonlocal changed
        token = match.group()
        surface = words(token)
        if len(surface) != 1:
            return token
        fixed = vocabulary.correct(surface[0])
        if fixed is None:
            return token
        changed = True
        return fixed

    suggestion = re.sub(r"[^\W_]+", replace, text)
    return suggestion if changed else None
