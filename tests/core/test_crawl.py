"""Every role, signed in by clicking, follows every link it can see from the home page.

Two promises: no link a person sees answers ≥ 400 (a link to a page they may not open, a broken
URL, a 500), and every page a role's tasks need is reached by links alone — a page that exists
but that no link reaches is a page nobody uses. The demo data stands for a real city: a live,
an upcoming and a finished consultation, forum threads, feedback in every state.
"""

import pytest

from tests.clicking import Visitor
from tests.conftest import PASSWORD
from tests.crawling import crawl

DEMO = "@demo.surabaya.go.id"

PUBLIC_TASKS = {
    "main.home", "main.directory", "search.index",
    "forum.index", "forum.category", "forum.thread",
    "konsultasi.index", "konsultasi.detail", "konsultasi.document", "konsultasi.qa", "konsultasi.report",
    "konsultasi.calendar",  # anyone may put a public event in their calendar (issue 12 point 7)
    "feedback.public_list", "feedback.detail", "feedback.submit", "feedback.track_lookup", "feedback.survey",
    "feedback.ikm",
}
SIGNED_IN_TASKS = {
    "accounts.profile", "accounts.export_data", "accounts.delete_account", "notifications.index",
    "forum.new_thread", "konsultasi.mine",
    "feedback.mine",  # "Masukan saya", from the account menu and /masukan (point 4)
}
ASN_TASKS = {"feedback.inbox", "feedback.manage", "forum.needs_response", "pembinaan.mine", "pembinaan.add_training"}

ROLES = {
    "anonim": (None, PUBLIC_TASKS | {"accounts.login", "accounts.register", "accounts.forgot_password"}),
    "warga": ("warga", PUBLIC_TASKS | SIGNED_IN_TASKS | {"feedback.track"}),
    "asn": ("asn.kesehatan", PUBLIC_TASKS | SIGNED_IN_TASKS | ASN_TASKS),
    "narasumber": ("asn.pendidikan", PUBLIC_TASKS | SIGNED_IN_TASKS | ASN_TASKS | {"konsultasi.question_answer"}),
    "atasan": (
        "atasan.kesehatan",
        PUBLIC_TASKS | SIGNED_IN_TASKS | ASN_TASKS | {"pembinaan.team", "pembinaan.record", "pembinaan.evaluate"},
    ),
    "moderator": (
        "moderator",
        PUBLIC_TASKS | SIGNED_IN_TASKS | {
            "forum.moderation", "feedback.inbox", "feedback.manage", "konsultasi.create", "konsultasi.manage",
            "konsultasi.attendance", "konsultasi.console", "konsultasi.summary",
        },
    ),
    "admin": (
        "admin",
        PUBLIC_TASKS | SIGNED_IN_TASKS | {
            "admin.dashboard", "admin.users", "admin.user_detail", "admin.asn_list", "admin.asn_create",
            "admin.units", "admin.audit_log", "forum_admin.categories", "workdays.deadline_policies",
            "workdays.holidays", "pembinaan.overview", "admin.asn_import",
        },
    ),
}


@pytest.fixture
def demo(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output


def sign_in_by_clicking(client, account):
    visitor = Visitor(client).start()
    if account is None:
        return visitor
    visitor.click("Masuk").fill("Email", account + DEMO).fill("Kata sandi", PASSWORD).press("Masuk")
    assert "Selamat datang" in " ".join(visitor.flashes()), visitor.describe()
    return visitor


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_works_and_every_task_is_reached(app, client, demo, role):
    account, tasks = ROLES[role]
    sign_in_by_clicking(client, account)

    result = crawl(app, client, max_pages=400, per_endpoint=3)

    failures = result.failures()
    assert not failures, f"{role}: links that fail: {failures}"
    missing = sorted(tasks - result.endpoints)
    assert not missing, f"{role}: no link reaches {missing} ({len(result.visits)} pages visited)"
