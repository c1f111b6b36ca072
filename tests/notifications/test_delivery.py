"""notify() and notify_many() follow each person's choice per kind: bell, mail now, digest, nothing."""

import re

from sqlalchemy import select

from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.services import notify, notify_many, unread_count
from tests.querycount import count_queries


def notifications_of(db, user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_by_default_the_bell_rings_and_a_mail_goes_at_once_with_one_click_unsubscribe(db, mailbox, make_user):
    person = make_user(name="Sari")
    notify(person, "reply", "Balasan baru dari @budi di utas \"Jalan rusak\"", "/forum/t/1")
    db.session.commit()

    [notification] = notifications_of(db, person)
    assert (notification.in_bell, notification.digest, notification.digested_at) == (True, None, None)
    assert unread_count(person) == 1
    [message] = mailbox
    assert message.recipients == [person.email]
    assert message.subject == "Balasan baru dari @budi di utas \"Jalan rusak\""
    assert "http://localhost/forum/t/1" in message.body
    link = re.search(r"Berhenti menerima email jenis ini: (http://localhost/notifikasi/berhenti/\S+)", message.body)
    assert link, message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{link.group(1)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Atur semua pemberitahuan: http://localhost/notifikasi/pengaturan" in message.body


def test_the_headers_are_on_the_mail_as_sent(db, app, make_user):
    from portal.mailer import outbox_messages

    person = make_user()
    notify(person, "mention", "@sari disebut", "/forum/t/1")
    db.session.commit()
    [path] = outbox_messages(app)
    sent = path.read_text()
    assert re.search(r"^List-Unsubscribe: <http://localhost/notifikasi/berhenti/\S+>$", sent, re.M), sent
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent


def test_bell_off_keeps_the_row_for_mail_but_out_of_the_bell_and_the_list(client, db, login, mailbox, make_user,
                                                                        set_preferences):
    person = make_user()
    set_preferences(person, reply=(False, "immediate"))
    notify(person, "reply", "Balasan yang tidak di lonceng", "/forum/t/1")
    notify(person, "mention", "Sebutan yang di lonceng", "/forum/t/2")
    db.session.commit()

    assert [n.in_bell for n in sorted(notifications_of(db, person), key=lambda n: n.id)] == [False, True]
    assert len(mailbox) == 2  # the mail of the kind still goes
    assert unread_count(person) == 1
    login(person)
    html = client.get("/notifikasi/").get_data(as_text=True)
    assert "Sebutan yang di lonceng" in html and "Balasan yang tidak di lonceng" not in html


def test_mail_off_for_a_kind_keeps_only_the_bell(db, mailbox, make_user, set_preferences):
    person = make_user()
    set_preferences(person, reply=(True, "off"))
    notify(person, "reply", "Balasan", "/forum/t/1")
    notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    assert [m.subject for m in mailbox] == ["Sebutan"]
    assert all(n.digest is None for n in notifications_of(db, person))


def test_the_master_switch_and_an_unverified_address_stop_mail_and_digests(db, mailbox, make_user, set_preferences):
    quiet = make_user()
    set_preferences(quiet, email_notifications=False, mention=(True, "daily"))
    unverified = make_user(verified=False)
    for person in (quiet, unverified):
        notify(person, "reply", "Balasan", "/forum/t/1")
        notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    assert mailbox == []
    assert [n.digest for n in notifications_of(db, quiet) + notifications_of(db, unverified)] == [None] * 4
    assert unread_count(quiet) == 2


def test_a_digest_choice_sends_nothing_now_and_marks_the_notification(db, mailbox, make_user, set_preferences):
    person = make_user()
    set_preferences(person, reply=(True, "daily"), mention=(False, "weekly"))
    notify(person, "reply", "Balasan", "/forum/t/1")
    notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    assert mailbox == []
    assert sorted((n.kind, n.digest, n.in_bell) for n in notifications_of(db, person)) == [
        ("mention", "weekly", False), ("reply", "daily", True)]


def test_a_caller_that_asks_for_no_mail_gets_none_and_no_digest_either(db, mailbox, make_user, set_preferences):
    person = make_user()
    set_preferences(person, konsultasi=(True, "daily"))
    notify(person, "konsultasi", "Laporan konsultasi terbit", "/konsultasi/1", email=False)
    notify(person, "reply", "Balasan", "/forum/t/1", email=False)
    db.session.commit()
    assert mailbox == []
    assert [n.digest for n in notifications_of(db, person)] == [None, None]


def test_notify_many_tells_each_person_once_their_own_way(db, mailbox, make_user, set_preferences):
    actor, now, daily, off = make_user(), make_user(), make_user(), make_user()
    set_preferences(daily, reply=(True, "daily"))
    set_preferences(off, reply=(False, "off"))
    notify_many([now, daily, off, now, actor, None], "reply", "Balasan baru", "/forum/t/1", exclude=actor)
    db.session.commit()
    assert [m.recipients for m in mailbox] == [[now.email]]
    assert [(n.user_id, n.digest, n.in_bell) for n in db.session.scalars(select(Notification).order_by(Notification.id))] == [
        (now.id, None, True), (daily.id, "daily", True), (off.id, None, False)]


def _selects_for_notify_many(db, make_user, set_preferences, n):
    people = [make_user() for _ in range(n)]
    for index, person in enumerate(people):
        set_preferences(person, reply=(True, ("immediate", "daily", "off")[index % 3]))
    ids = [person.id for person in people]
    db.session.expire_all()
    loaded = db.session.scalars(select(User).where(User.id.in_(ids))).all()  # as callers hold them: loaded
    with count_queries(db.engine) as statements:
        notify_many(loaded, "reply", "Balasan baru", "/forum/t/1")
        db.session.flush()
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    db.session.rollback()
    return selects


def test_notify_many_loads_everyones_preferences_in_one_query(db, make_user, set_preferences):
    few = _selects_for_notify_many(db, make_user, set_preferences, 3)
    many = _selects_for_notify_many(db, make_user, set_preferences, 9)
    assert len(few) == len(many)
    assert sum("notification_preferences" in s for s in many) == 1
