"""A resident's first visit: register, verify by mail, sign in, switch language, sign out."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from tests.browser.support import follow_mail_link, home, nav, open_navigation

pytestmark = pytest.mark.browser

NAME = "Siti Rahayu"
EMAIL = "siti.rahayu@contoh.id"
PASSWORD = "Semanggi-Suroboyo-45"


def test_register_verify_sign_in_switch_language_sign_out(live_server, page, outbox, app, viewport):
    # Register, from the home page's "Daftar".
    home(page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    nav(page, "Daftar")
    page.get_by_label("Nama", exact=True).fill(NAME)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("checkbox", name=re.compile("kebijakan privasi")).check()
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")
    expect(page.locator("main")).to_contain_text(EMAIL)

    # Verify the address with the link from the mail.
    follow_mail_link(page, live_server, outbox, "/akun/verifikasi/", to=EMAIL)
    expect(page).to_have_url(re.compile(r"/akun/masuk"))
    expect(page.get_by_role("status")).to_contain_text("Email Anda sudah terverifikasi")

    # Sign in: the home page greets the resident, whose name is in the header.
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("status")).to_contain_text(f"Selamat datang, {NAME}.")
    menu = open_navigation(page)
    expect(menu.get_by_role("link", name=NAME)).to_be_visible()

    # Switch to English with the footer form. English strings may not be translated yet, so
    # check the page language and the selected option, not the wording.
    page.get_by_role("combobox").select_option(label="English")
    page.get_by_role("button", name="Ganti bahasa").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-select")).to_have_value("en")
    with app.app_context():
        user = User.query.filter_by(email=EMAIL).one()
        assert user.is_verified
        assert user.locale == "en"  # the choice is kept on the account, not only in the session

    # Sign out with the header button (found by its form, so a translated label still works).
    menu = open_navigation(page)
    menu.locator("form[action$='/akun/keluar'] button").click()
    # The journey was on the home page already: wait for the page without the sign-out form.
    expect(page.locator("form[action$='/akun/keluar']")).to_have_count(0)
    expect(page).to_have_url(live_server.url("/"))
    menu = open_navigation(page)
    expect(menu.get_by_role("link", name=NAME)).to_have_count(0)
    expect(menu.locator("a[href^='/akun/masuk']")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the language outlives the session

    assert page.problems == []
