"""Who may do what: the moderator console and management pages, table-driven over every role."""

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import Section
from portal import permissions

ROLES = ["anonymous", "warga", "asn", "other_unit_asn", "moderator", "admin"]


def actor(world, role):
    return {
        "anonymous": None, "warga": world.citizen, "asn": world.asn.user, "other_unit_asn": world.outsider.user,
        "moderator": world.moderator, "admin": world.admin,
    }[role]


@pytest.fixture
def setup(db, world, make_consultation):
    c = make_consultation(phase="berlangsung")
    section = db.session.scalar(select(Section).where(Section.consultation_id == c.id))
    question = services.submit_question(world.citizen, c, "Pertanyaan untuk diuji?")
    registration = services.register_for_consultation(world.neighbour, c)
    comment = services.add_comment(world.neighbour, section, "Komentar untuk diuji.")
    db.session.commit()
    return c, section, question, registration, comment


MODERATOR_PAGES = [
    ("GET", "/konsultasi/baru"),
    ("POST", "/konsultasi/baru"),
    ("GET", "/konsultasi/{c}/ubah"),
    ("GET", "/konsultasi/{c}/kelola"),
    ("GET", "/konsultasi/{c}/konsol"),
    ("GET", "/konsultasi/{c}/kehadiran"),
    ("POST", "/konsultasi/{c}/kehadiran/{r}"),
    ("POST", "/konsultasi/{c}/tahap/ditutup"),
    ("POST", "/konsultasi/{c}/pertanyaan/{q}/setujui"),
    ("POST", "/konsultasi/{c}/pertanyaan/{q}/tolak"),
    ("POST", "/konsultasi/{c}/pertanyaan/{q}/sedang-dijawab"),
    ("POST", "/konsultasi/{c}/komentar/{m}/sembunyikan"),
    ("POST", "/konsultasi/{c}/komentar/{m}/tampilkan"),
    ("POST", "/konsultasi/{c}/narasumber"),
    ("POST", "/konsultasi/{c}/bagian"),
    ("GET", "/konsultasi/{c}/bagian/{s}/ubah"),
    ("GET", "/konsultasi/{c}/laporan/ringkasan"),
]


@pytest.mark.parametrize("role", ROLES)
def test_console_and_management_are_for_moderators_only(client, login, world, setup, role):
    c, section, question, registration, comment = setup
    user = actor(world, role)
    if user is not None:
        login(user)
    for method, pattern in MODERATOR_PAGES:
        url = pattern.format(c=c.id, s=section.id, q=question.id, r=registration.id, m=comment.id)
        response = client.open(url, method=method, data={})
        if role == "moderator":
            # Allowed in; a business rule may still refuse (409) or the empty form be incomplete (422).
            assert response.status_code in (200, 303, 409, 422), (method, url, response.status_code)
        elif role == "anonymous":
            assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"], (method, url)
        else:
            assert response.status_code == 403, (method, url, role)


# (role, may answer comments and questions for the city)
ANSWERERS = {"anonymous": False, "warga": False, "asn": True, "other_unit_asn": False, "moderator": False,
             "admin": False}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_units_asn_or_a_speaker_answer(world, setup, role):
    c = setup[0]
    assert permissions.can_answer_konsultasi_input(actor(world, role), c) is ANSWERERS[role]


@pytest.mark.parametrize("role", ROLES)
def test_participation_permissions_follow_the_account(world, setup, role):
    c, _section, question, _registration, _comment = setup
    user = actor(world, role)
    participant = role != "anonymous"
    assert permissions.can_register(user, c) is participant
    assert permissions.can_comment_section(user, c) is participant
    assert permissions.can_ask_question(user, c) is participant
    assert permissions.can_manage_consultation(user) is (role == "moderator")


def test_permissions_refuse_unverified_and_suspended_accounts(db, world, make_user, setup):
    from datetime import timedelta

    from portal.db import utcnow

    c = setup[0]
    unverified = make_user(verified=False)
    suspended = make_user()
    suspended.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    for user in (unverified, suspended):
        assert not permissions.can_register(user, c)
        assert not permissions.can_ask_question(user, c)


def test_vote_permission(db, world, setup):
    c, _s, question, _r, _m = setup
    assert not permissions.can_vote_question(world.neighbour, question, c)  # still pending
    services.approve_question(world.moderator, question)
    assert permissions.can_vote_question(world.neighbour, question, c)
    assert not permissions.can_vote_question(world.citizen, question, c)  # own question
    assert not permissions.can_vote_question(None, question, c)


def test_drafts_are_viewable_by_moderators_only(world, make_consultation):
    draft = make_consultation()
    assert permissions.can_view_consultation(world.moderator, draft)
    for user in (None, world.citizen, world.asn.user, world.admin):
        assert not permissions.can_view_consultation(user, draft)
