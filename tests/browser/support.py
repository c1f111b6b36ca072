"""Helpers for browser journeys: signing in, reading the outbox, opening the phone navigation."""

import email
import re
from email import policy
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def sign_in(page, live_server, email_address):
    """Sign in through the form and wait for the welcome message."""
    page.goto(live_server.url("/akun/masuk"))
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


def open_navigation(page):
    """Open the header navigation if it hides behind the "Menu" button (narrow screens)."""
    # Whether the button shows depends on the stylesheet and portal.js: wait until both ran, or
    # a page still loading looks like a narrow one.
    page.wait_for_load_state("load")
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.locator("#nav-utama")
