"""Who may do what in the forum, through the HTTP client: one row per action, one column per kind of person."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import services
from forum.models import PostRevision
from portal.db import utcnow

ACTORS = ("anonymous", "author", "citizen", "suspended", "unverified", "officer", "outsider", "atasan",
          "moderator", "admin")
SIGNED_IN = ACTORS[1:]


def only(allowed, status, *, others=403):
    """Expected statuses: `status` for the allowed actors, `others` for the rest, login for visitors."""
    return {actor: (302 if actor == "anonymous" else status if actor in allowed else others) for actor in ACTORS}


WRITERS = ("author", "citizen", "officer", "outsider", "atasan", "moderator", "admin")

# action → (method, url, form data, expected status per actor)
MATRIX = {
    "open_thread": ("post", "/forum/baru", {"category": "{category}", "title": "Pertanyaan baru", "body": "Isi"},
                    only(WRITERS, 303)),
    "reply": ("post", "/forum/t/{thread}/balas", {"body": "Balasan"}, only(WRITERS, 303)),
    "official_answer": ("post", "/forum/t/{thread}/balas", {"body": "Jawaban", "official": "y"},
                        only(("officer", "atasan"), 303)),
    "edit_opening_post": ("get", "/forum/p/{opening}/ubah", None, only(("author", "moderator"), 200)),
    "delete_reply": ("post", "/forum/p/{reply}/hapus", {}, only(("citizen",), 303)),
    "vote": ("post", "/forum/p/{opening}/suara", {}, only(("citizen", "officer", "outsider", "atasan", "moderator",
                                                          "admin"), 303)),
    "flag": ("post", "/forum/p/{opening}/laporkan", {"reason": "spam"}, only(SIGNED_IN[1:], 303)),
    "accept_answer": ("post", "/forum/p/{reply}/terima", {}, only(("author", "moderator"), 303)),
    "rate_answer": ("post", "/forum/p/{official}/nilai", {"rating": "5"}, only(("author",), 303)),
    "assign": ("get", "/forum/t/{thread}/tugaskan", None, only(("atasan", "moderator"), 200)),
    "hide": ("post", "/forum/p/{reply}/sembunyikan", {"reason": "Iklan"}, only(("moderator",), 303)),
    "restore": ("post", "/forum/p/{reply}/tampilkan", {}, only(("moderator",), 303)),
    "lock": ("post", "/forum/t/{thread}/kunci", {}, only(("moderator",), 303)),
    "pin": ("post", "/forum/t/{thread}/sematkan", {}, only(("moderator",), 303)),
    "move": ("get", "/forum/t/{thread}/pindah", None, only(("moderator",), 200)),
    "close": ("post", "/forum/t/{thread}/tutup", {}, only(("moderator",), 303)),
    "suspend": ("get", "/forum/pengguna/{citizen_id}/tangguhkan", None, only(("moderator",), 200)),
    "moderation_queue": ("get", "/forum/moderasi", None, only(("moderator",), 200)),
    "needs_response": ("get", "/forum/perlu-ditanggapi", None, only(("officer", "outsider", "atasan"), 200)),
    "manage_categories": ("get", "/admin/forum/", None, only(("admin",), 200)),
    "read_thread": ("get", "/forum/t/{thread}", None, dict.fromkeys(ACTORS, 200)),
    # Issue 12 point 12: what an author removed stays with the author and the moderators.
    "read_history": ("get", "/forum/p/{opening}/riwayat", None, only(("author", "moderator"), 200)),
    "purge_revision": ("post", "/forum/revisi/{revision}/hapus", {}, only(("moderator",), 303)),
}


@pytest.fixture
def world(db, make_user, make_resident, resident, neighbour, officer, outsider, atasan, moderator, thread,
          make_reply, category):
    """A thread by the author with a reply by another citizen and an official answer, and one of each person."""
    suspended = make_resident(name="Akun Ditangguhkan")
    suspended.suspended_until = utcnow() + timedelta(days=3)
    suspended.suspension_reason = "Spam berulang"
    unverified = make_resident(name="Belum Verifikasi", verified=False)
    db.session.commit()
    reply = make_reply(neighbour, thread, "Saya juga mengalaminya.")
    official = make_reply(officer.user, thread, "Jawaban resmi dinas.", official=True)
    services.edit_post(resident, thread.posts[0], "Saya antre tiga jam di loket.")
    db.session.commit()
    revision = db.session.scalar(select(PostRevision.id))
    people = {
        "anonymous": None, "author": resident, "citizen": neighbour, "suspended": suspended,
        "unverified": unverified, "officer": officer.user, "outsider": outsider.user, "atasan": atasan.user,
        "moderator": moderator, "admin": make_user(name="Admin BKPSDM", roles=("warga", "admin")),
    }
    ids = {"thread": thread.id, "opening": thread.posts[0].id, "reply": reply.id, "official": official.id,
           "category": category.id, "citizen_id": neighbour.id, "revision": revision}
    return people, ids


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(as_user, world, action):
    # Everyone tries the action in turn on the same data; a refusal changes nothing and each
    # allowed action leaves the others' answers as they were, so one world serves the whole row.
    people, ids = world
    method, url, data, expected = MATRIX[action]
    if data is not None:
        data = {key: value.format(**ids) for key, value in data.items()}
    actual, logins = {}, {}
    for actor in ACTORS:
        response = getattr(as_user(people[actor]), method)(url.format(**ids), data=data)
        actual[actor] = response.status_code
        if response.status_code == 302:
            logins[actor] = response.headers["Location"].startswith("/akun/masuk")
    assert actual == expected
    assert all(logins.values())


def test_suspended_and_unverified_people_are_told_why_they_cannot_post(as_user, world):
    people, ids = world
    html = as_user(people["suspended"]).post(f"/forum/t/{ids['thread']}/balas", data={"body": "x"}).get_data(as_text=True)
    assert "ditangguhkan dari forum sampai" in html and "Spam berulang" in html
    html = as_user(people["unverified"]).get("/forum/baru").get_data(as_text=True)
    assert "Verifikasi alamat email Anda" in html


def test_templates_offer_only_the_allowed_actions(as_user, world):
    people, ids = world
    url = f"/forum/t/{ids['thread']}"
    citizen = as_user(people["citizen"]).get(url).get_data(as_text=True)
    assert "Jawaban resmi</label>" not in citizen
    assert "Alat moderator" not in citizen and "Sembunyikan" not in citizen
    officer = as_user(people["officer"]).get(url).get_data(as_text=True)
    assert 'name="official"' in officer and "Tugaskan</a>" not in officer
    atasan = as_user(people["atasan"]).get(url).get_data(as_text=True)
    assert "Tugaskan</a>" in atasan
    moderator = as_user(people["moderator"]).get(url).get_data(as_text=True)
    assert "Alat moderator" in moderator and "Sembunyikan</a>" in moderator
    visitor = as_user(None).get(url).get_data(as_text=True)
    assert "Masuk untuk membalas" in visitor and 'action="/forum/t/' not in visitor.split("Masuk untuk membalas")[0].split("posts")[-1]
