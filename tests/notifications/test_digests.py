"""Daily and weekly digests: one mail per person, grouped by kind, sent once."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from portal.db import utcnow
from portal.notifications.digests import send_digests
from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.querycount import count_queries


def waiting(db, user):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.digest.is_not(None), Notification.digested_at.is_(None))).all()


def test_one_mail_per_person_grouped_by_kind_then_nothing_the_second_time(db, mailbox, make_user, set_preferences):
    sari, budi, weekly = make_user(name="Sari"), make_user(name="Budi"), make_user(name="Wati")
    set_preferences(sari, reply=(True, "daily"), mention=(False, "daily"))
    set_preferences(budi, reply=(True, "daily"))
    set_preferences(weekly, reply=(True, "weekly"))
    notify(sari, "reply", "Balasan pertama", "/forum/t/1")
    notify(sari, "mention", "Sari disebut", "/forum/t/2")
    notify(sari, "reply", "Balasan kedua", "/forum/t/3")
    notify(budi, "reply", "Balasan untuk Budi", "/forum/t/4")
    notify(weekly, "reply", "Balasan mingguan", "/forum/t/5")
    db.session.commit()
    assert mailbox == []

    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert send_digests("daily", now=now) == 2
    db.session.commit()
    assert sorted(m.recipients[0] for m in mailbox) == sorted([sari.email, budi.email])
    [mail] = [m for m in mailbox if m.recipients == [sari.email]]
    assert mail.subject == "Ringkasan harian: 3 pemberitahuan baru"
    body = mail.body
    assert "Halo Sari," in body and "3 pemberitahuan baru" in body
    # A heading per kind (in the order of the settings page) with its count, then its items with absolute links.
    replies, mentions = body.index("== Balasan di forum (2) =="), body.index("== Sebutan (1) ==")
    assert replies < body.index("Balasan pertama") < body.index("Balasan kedua") < mentions < body.index("Sari disebut")
    assert "http://localhost/forum/t/1" in body and "http://localhost/forum/t/2" in body
    assert "Balasan untuk Budi" not in body and "Balasan mingguan" not in body
    header = mail.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://localhost/notifikasi/berhenti/\S+>", header)
    assert f"Berhenti menerima ringkasan ini: {header.strip('<>')}" in body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert waiting(db, sari) == [] and waiting(db, budi) == []
    assert {n.digested_at for n in db.session.scalars(select(Notification).where(Notification.user_id == sari.id))} == {now}
    assert len(waiting(db, weekly)) == 1  # the weekly one waits for its own digest

    mailbox.clear()
    assert send_digests("daily") == 0
    db.session.commit()
    assert mailbox == []

    assert send_digests("weekly") == 1
    db.session.commit()
    assert [m.recipients for m in mailbox] == [[weekly.email]]
    assert mailbox[0].subject == "Ringkasan mingguan: 1 pemberitahuan baru"


def test_the_digest_link_stops_the_digest_in_one_click(client, db, mailbox, make_user, set_preferences):
    person = make_user()
    set_preferences(person, reply=(True, "weekly"))
    notify(person, "reply", "Balasan", "/forum/t/1")
    db.session.commit()
    send_digests("weekly")
    db.session.commit()
    path = mailbox[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    notify(person, "reply", "Balasan lagi", "/forum/t/1")
    db.session.commit()
    assert waiting(db, person) == [] and len(mailbox) == 1


def test_people_who_may_not_get_mail_any_more_are_marked_but_not_mailed(db, mailbox, make_user, set_preferences):
    from portal.accounts.services import delete_account

    quiet, unverified, gone, glad = make_user(), make_user(), make_user(), make_user()
    rows = [Notification(user_id=person.id, kind="reply", message="Balasan", url="/forum/t/1", digest="daily")
            for person in (quiet, unverified, gone, glad)]
    db.session.add_all(rows)
    quiet.email_notifications = False
    unverified.email_verified_at = None
    db.session.commit()
    delete_account(gone)
    db.session.commit()

    assert send_digests("daily") == 1
    db.session.commit()
    assert [m.recipients for m in mailbox] == [[glad.email]]
    assert all(waiting(db, person) == [] for person in (quiet, unverified, gone, glad))


def test_changing_the_choice_moves_what_waits(db, make_user, set_preferences):
    person = make_user()
    set_preferences(person, reply=(True, "daily"), mention=(True, "daily"))
    notify(person, "reply", "Balasan", "/forum/t/1")
    notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    set_preferences(person, reply=(True, "weekly"), mention=(True, "off"))
    assert [(n.kind, n.digest) for n in waiting(db, person)] == [("reply", "weekly")]
    set_preferences(person, email_notifications=False)
    assert waiting(db, person) == []


def _selects_for_digests(db, make_user, set_preferences, people):
    for _ in range(people):
        person = make_user()
        set_preferences(person, reply=(True, "daily"), mention=(True, "daily"))
        notify(person, "reply", "Balasan", "/forum/t/1")
        notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    db.session.expire_all()
    with count_queries(db.engine) as statements:
        assert send_digests("daily", now=utcnow()) == people
        db.session.flush()
    db.session.commit()  # marked, so the next round counts only its own people
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_the_digest_loads_everyone_in_a_constant_number_of_queries(db, make_user, set_preferences):
    assert len(_selects_for_digests(db, make_user, set_preferences, 2)) == len(
        _selects_for_digests(db, make_user, set_preferences, 6))
