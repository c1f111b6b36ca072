"""Gettext looks the request's catalogue up once, and still gives what flask_babel gives (issue 14)."""

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import LANG_COOKIE


def test_requests_in_a_row_each_get_their_own_language(app, client):
    english = app.test_client()
    english.set_cookie(LANG_COOKIE, "en")
    for _round in range(2):
        assert ">Home<" in english.get("/").get_data(as_text=True)
        assert ">Beranda<" in client.get("/").get_data(as_text=True)


def test_switching_language_changes_the_next_request(client):
    assert ">Beranda<" in client.get("/forum/").get_data(as_text=True)
    client.get("/bahasa?lang=en&next=/forum/")
    assert ">Home<" in client.get("/forum/").get_data(as_text=True)
    client.get("/bahasa?lang=id&next=/forum/")
    assert ">Beranda<" in client.get("/forum/").get_data(as_text=True)


def test_a_page_looks_its_catalogue_up_once(app, monkeypatch):
    lookups = []
    original = flask_babel.Domain.get_translations

    def counted(self):
        lookups.append(1)
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    html = app.test_client().get("/forum/").get_data(as_text=True)
    assert ">Beranda<" in html and "Ganti bahasa" in html  # a whole page, with dozens of strings
    assert len(lookups) == 1


# Expected output as flask_babel's template gettext (Jinja's newstyle gettext) gives it: the
# translation is trusted markup, variables are escaped, and it is always a `%` format string.
@pytest.mark.parametrize(("source", "indonesian", "english"), [
    ('{{ _("Kode %(code)s", code="<b>") }}', "Kode &lt;b&gt;", "Code &lt;b&gt;"),
    ('{{ gettext("Kode %(code)s", code=404) }}', "Kode 404", "Code 404"),
    ('{{ _("Misalnya \\"90%%\\".") }}', 'Misalnya "90%".', 'For example "90%".'),
    ('{{ _("Teks tanpa terjemahan & <tanda>") }}', "Teks tanpa terjemahan & <tanda>", "Teks tanpa terjemahan & <tanda>"),
    ('{{ ngettext("%(num)d dukungan", "%(num)d dukungan", 1) }}', "1 dukungan", "1 supporter"),
    ('{{ ngettext("%(num)d dukungan", "%(num)d dukungan", 3) }}', "3 dukungan", "3 supporters"),
    ('{% trans %}Beranda{% endtrans %}', "Beranda", "Home"),
    ('{% trans name="<i>" %}Halo {{ name }}{% endtrans %}', "Halo &lt;i&gt;", "Halo &lt;i&gt;"),
])
def test_template_strings_format_and_escape_as_flask_babel_does(app, source, indonesian, english):
    for cookie, expected in (("", indonesian), (f"{LANG_COOKIE}=en", english)):
        with app.test_request_context("/", headers={"Cookie": cookie}):
            app.preprocess_request()  # as a request does: choose the locale anew
            assert render_template_string(source) == expected


def test_without_autoescape_nothing_is_escaped(app):
    template = app.jinja_env.from_string('{% autoescape false %}{{ _("Kode %(code)s", code="<b>") }}{% endautoescape %}')
    with app.test_request_context("/"):
        assert template.render() == "Kode <b>"


def test_a_forced_locale_gets_its_own_catalogue_and_gives_it_back(app):
    # Mails go out in the recipient's language from within someone else's request.
    with app.test_request_context("/"):
        assert render_template_string('{{ _("Beranda") }}') == "Beranda"
        with force_locale("en"):
            assert render_template_string('{{ _("Beranda") }}') == "Home"
            assert _("Beranda") == "Home"
        assert render_template_string('{{ _("Beranda") }}') == "Beranda"
        assert _("Beranda") == "Beranda"
