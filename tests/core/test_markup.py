"""Sanitisation of user Markdown against a list of XSS vectors (OWASP cheat sheet and others)."""

import re
from html.parser import HTMLParser

import pytest

from portal.markup import plain_text, render_markdown

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=javascript:alert(&quot;XSS&quot;)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<a href=\"javascript:alert(1)\">klik</a>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](javascript&#58;alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![gambar](javascript:alert(1))",
    "![x](x\" onerror=\"alert(1))",
    "[x](https://contoh.id\" onclick=\"alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'http://xss.example/x.css';</style>",
    "<link rel=stylesheet href=http://xss.example/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<base href=\"javascript:alert(1)//\">",
    "`<script>alert(1)</script>`",
    "<!--<img src=x onerror=alert(1)>-->",
    "<a href=# onmouseover=alert(1)>x</a>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


SAFE_TAGS = {"p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
             "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}


def dangerous(html):
    """Say what a browser would run or load from this HTML; escaped text is harmless."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        if tag not in SAFE_TAGS:
            return f"element <{tag}>"
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcdoc", "formaction", "background"}:
                return f"attribute {name}"
            if name == "href" and not re.match(r"^(https?:|mailto:|/|#)", (value or "").strip(), re.I):
                return f"href {value}"
    return None


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_is_neutralised(vector):
    html = render_markdown(vector)
    assert not dangerous(html), html


def test_there_are_at_least_thirty_vectors():
    assert len(XSS_VECTORS) >= 30


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("Lihat [jadwal](https://surabaya.go.id/jadwal)")
    assert '<a href="https://surabaya.go.id/jadwal" rel="nofollow ugc noopener">jadwal</a>' in html


def test_ordinary_markdown_survives():
    html = render_markdown("# Judul\n\n**tebal** dan *miring*\n\n- satu\n- dua\n\n> kutipan\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h3>Judul</h3>" in html
    assert "<strong>tebal</strong>" in html and "<em>miring</em>" in html
    assert "<li>satu</li>" in html and "<blockquote>" in html and "<td>1</td>" in html


def test_plain_text_flattens_and_truncates():
    assert plain_text("**Antrean** di _Puskesmas_ <b>lama</b>") == "Antrean di Puskesmas <b>lama</b>"
    assert plain_text("kata " * 50, limit=20).endswith("…")
    assert len(plain_text("kata " * 50, limit=20)) == 20


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', '<p onclick="x()">x</p>'])
def test_the_checker_itself_catches_unsanitised_html(raw):
    assert dangerous(raw)
