"""No public page or API response shows a resident's personal data (UU 27/2022; DOMAIN.md §6).

With the demo data (residents who wrote threads, comments, live questions and feedback, some
confidential or anonymous), an anonymous visitor follows every link from the home page, and the
public API is asked for everything it serves. Nowhere may a resident's account name, e-mail
address, phone number or NIK appear, nor a handle that spells out their name: residents are
seen in public only by a pseudonymous handle. Staff (ASN, moderators) are public officials and
may be named.
"""

import re

import pytest
from slugify import slugify
from sqlalchemy import select

from konsultasi.models import Consultation
from portal.accounts.models import User
from portal.feedback.models import Feedback
from portal.organisation.models import Unit
from portal.personal_text import find_personal_data
from tests.conftest import PASSWORD
from tests.crawling import crawl

STAFF_ROLES = {"asn", "moderator", "admin"}


@pytest.fixture
def demo(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output


def resident_secrets(db):
    """(what, pattern) pairs for every resident's name, e-mail, phone and name-made handle."""
    secrets = []
    residents = [user for user in db.session.scalars(select(User)) if not user.roles & STAFF_ROLES]
    assert len(residents) >= 20, "the demo data should have residents"
    for user in residents:
        secrets.append((f"name of user {user.id}", _words(user.name)))
        secrets.append((f"e-mail of user {user.id}", re.compile(re.escape(user.email), re.I)))
        secrets.append((f"handle made from the name of user {user.id}", re.compile("@" + re.escape(slugify(user.name, separator="")) + r"\b", re.I)))
    for feedback in db.session.scalars(select(Feedback)):
        for label, value in (("contact name", feedback.contact_name), ("e-mail", feedback.contact_email), ("phone", feedback.contact_phone)):
            if value:
                pattern = _words(value) if label == "contact name" else re.compile(re.escape(value), re.I)
                secrets.append((f"{label} on feedback {feedback.tracking_number}", pattern))
    return secrets


def _words(name):
    return re.compile(r"\b" + r"\s+".join(re.escape(part) for part in name.split()) + r"\b", re.I)


def public_api_urls(db):
    urls = ["/api/v1/units", "/api/openapi.json", "/api/v1/search?q=puskesmas", "/api/v1/search?q=ppdb"]
    for unit in db.session.scalars(select(Unit)):
        urls.append(f"/api/v1/units/{unit.slug}/ikm")
    for feedback in db.session.scalars(select(Feedback)):
        urls.append(f"/api/v1/feedback/{feedback.tracking_number}")  # without the private key
    for consultation in db.session.scalars(select(Consultation)):
        urls.append(f"/konsultasi/{consultation.id}/tanya-jawab.json")
        urls.append(f"/konsultasi/{consultation.id}/laporan.csv")
    return urls


def test_no_public_page_or_api_response_shows_a_residents_personal_data(app, client, db, demo):
    secrets = resident_secrets(db)
    pages = crawl(app, client, max_pages=600, per_endpoint=8)
    responses = [(visit.url, visit.text) for visit in pages.visits if visit.status < 400]
    for url in public_api_urls(db):
        response = client.get(url)
        if response.status_code < 400:
            responses.append((url, response.get_data(as_text=True)))
    assert len(responses) > 60, "the crawl should reach the demo's threads, consultations and feedback"

    leaks = []
    for url, text in responses:
        for what, pattern in secrets:
            if pattern.search(text):
                leaks.append(f"{url}: {what}")
        leaks.extend(f"{url}: a NIK ({finding.masked})" for finding in find_personal_data(text, kinds=("nik",)))
    assert not leaks, f"{len(leaks)} leaks: {leaks[:30]}"
