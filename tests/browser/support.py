"""Helpers for browser journeys: opening the home page, signing in, following a mail's link, the
phone navigation.

People only click: a journey opens the home page (`home`) and, like a person reading their mail,
a link from a mail (`follow_mail_link`); every other page is reached by clicking. The `page`
fixtures refuse any other `page.goto` (see conftest.open_page).
"""

import email
import re
from email import policy
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def home(page, live_server):
    """Open the home page: the one address a person types."""
    page.goto(live_server.url("/"))
    return page


def nav(page, name):
    """Click a link of the header navigation (behind "Menu" on a phone)."""
    open_navigation(page).get_by_role("link", name=name, exact=True).first.click()
    return page


def open_notifications(page):
    """Click the bell in the header navigation."""
    open_navigation(page).locator("a.bell").click()
    return page


def sign_in(page, live_server, email_address):
    """From the home page, click "Masuk", sign in through the form, wait for the welcome message."""
    home(page, live_server)
    nav(page, "Masuk")
    page.get_by_label("Email", exact=True).fill(email_address)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Selamat datang")


class Outbox:
    """The .eml files the app wrote to MAIL_OUTBOX_DIR (no SMTP server in tests)."""

    def __init__(self, folder):
        self.folder = folder

    def messages(self):
        """Return every mail, oldest first (file names start with a UTC timestamp)."""
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.folder.glob("*.eml"))
        ]

    def newest(self, to=None):
        """Return the newest mail, to one address if given; fail if there is none."""
        messages = [m for m in self.messages() if to is None or to in m["To"]]
        assert messages, f"no mail{' to ' + to if to else ''} in {self.folder}"
        return messages[-1]

    def newest_link(self, path_prefix, to=None):
        """Return the path (and query) of the newest mail's first link under path_prefix.

        Mails carry absolute links built from SERVER_NAME; the path alone is then opened on the
        live server, whatever host name the mail used.
        """
        body = self.newest(to).get_body(preferencelist=("plain",)).get_content()
        for url in re.findall(r"https?://\S+", body):
            parts = urlsplit(url)
            if parts.path.startswith(path_prefix):
                return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no link to {path_prefix} in the mail:\n{body}")


def sign_out(page):
    """Press "Keluar" in the header navigation and wait until the page no longer offers it."""
    open_navigation(page).locator("form[action$='/akun/keluar'] button").click()
    expect(page.locator("form[action$='/akun/keluar']")).to_have_count(0)


def follow_mail_link(page, live_server, outbox, path_prefix, to=None):
    """Open the link of the newest mail (to `to`) under `path_prefix`, as its reader clicks it."""
    link = outbox.newest_link(path_prefix, to=to)
    page.allow_next_goto = True
    page.goto(live_server.url(link))
    return page


def open_navigation(page):
    """Open the header navigation if it hides behind the "Menu" button (narrow screens)."""
    # Whether the button shows depends on the stylesheet and portal.js: wait until both ran, or
    # a page still loading looks like a narrow one.
    page.wait_for_load_state("load")
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.locator("#nav-utama")
