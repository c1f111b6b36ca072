"""Indonesian text analysis shared by both backends: tokens, stop words, Sastrawi stems.

Whoosh pickles the analyzer into the index, so everything it holds is importable by name
(module-level functions, Whoosh's own filters). The PostgreSQL backend runs the very same
analyzer in Python and indexes the stems with the `simple` configuration, so both backends
agree on every stem.
"""

import html
import re
from functools import lru_cache

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

# Function words only. Sastrawi's own list also drops words residents search for
# ("jawaban", "antrean panjang", "hari", "baru", "masalah"), so it is not used as is.
_STOP_WORDS_TEXT = """
ada adalah adanya agar akan akankah aku amat anda apa apakah apabila atas atau ataupun
bagaimana bagi bahwa beberapa begitu belum bisa bukan dalam dan dapat dari daripada demi
dengan di dia ia ini inilah itu itulah jadi juga jika kalau kami kamu kan karena ke kepada
ketika kita lagi lah maka mana masih mereka mohon namun nya oleh pada para pun saja sangat
saya sebagai sebuah secara sedang sehingga sejak seperti serta sudah supaya tapi telah
tentang terhadap tersebut tetapi untuk yaitu yakni yang
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Tokens are runs of letters and digits; an underscore or a hyphen separates words, like
# PostgreSQL's own parser does, so the `simple` configuration sees the same words.
WORD_PATTERN = r"[^\W_]+"
MIN_WORD, MAX_WORD = 2, 40  # longer "words" are junk (hashes, base64) and are dropped
STEM_CACHE_SIZE = 100_000

_stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem_word(word):
    """Return the Sastrawi stem of one lower-case word (the word itself if nothing is left)."""
    # Sastrawi is ~150 µs a word; a bounded, thread-safe C cache makes repeats ~0.1 µs.
    # (Whoosh's own cachesize= wraps an LFU cache that is not safe across threads, and the
    # worker's drain threads analyse while others do.)
    if not word.isalpha() or len(word) <= 3:
        return word
    return _stemmer.stem_word(word) or word


def make_analyzer(stem=True):
    """Build the analyzer: tokens, lower case, accents folded, stop words, Sastrawi stems."""
    chain = (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD, maxsize=MAX_WORD)
    )
    if stem:
        chain = chain | StemFilter(stemfn=stem_word, cachesize=None)
    return chain


ANALYZER = make_analyzer()
WORDS_ANALYZER = make_analyzer(stem=False)  # surface words, for "did you mean"


def stems(text):
    """Return the stems of a text in order (stop words removed), as the index sees them."""
    return [token.text for token in ANALYZER(text or "")]


def words(text):
    """Return the surface words of a text in order (stop words removed, not stemmed)."""
    return [token.text for token in WORDS_ANALYZER(text or "")]


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(value):
    """Turn rendered (already sanitised) HTML into plain text for indexing and snippets."""
    if not value:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()
