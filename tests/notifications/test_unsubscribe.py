"""The unsubscribe link in every notification mail: a confirm page, then one POST (RFC 8058 one-click too)."""

import pytest
from bs4 import BeautifulSoup
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from portal.accounts.tokens import make_token
from portal.notifications.models import NotificationPreference
from portal.notifications.services import list_preferences, notify
from portal.notifications.tokens import make_unsubscribe_token
from tests.notifications.conftest import unsubscribe_path


def mail_for(db, mailbox, person, kind="reply"):
    mailbox.clear()
    notify(person, kind, "Balasan baru di utas Anda", "/forum/t/1")
    db.session.commit()
    [message] = mailbox
    return message


def test_the_link_asks_first_then_stops_that_kind_only_for_a_signed_out_reader(client, db, mailbox, make_user,
                                                                             set_preferences):
    person = make_user()
    set_preferences(person, reply=(False, "immediate"))
    path = unsubscribe_path(mail_for(db, mailbox, person))

    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Berhenti menerima email ini?" in html and "Balasan di forum" in html
    assert list_preferences(person)["reply"] == (False, "immediate")  # opening the link changes nothing

    form = BeautifulSoup(html, "html.parser").find("button", string="Berhenti menerima email ini").find_parent("form")
    assert form["action"] == path and form["method"] == "post"
    done = client.post(form["action"])
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Anda tidak akan menerima email ini lagi" in html
    assert 'href="/notifikasi/pengaturan"' in html
    db.session.expire_all()
    assert list_preferences(person)["reply"] == (False, "off")  # the bell choice is kept

    mailbox.clear()
    notify(person, "reply", "Balasan lain", "/forum/t/1")
    notify(person, "mention", "Sebutan", "/forum/t/1")
    db.session.commit()
    assert [m.subject for m in mailbox] == ["Sebutan"]  # other kinds still mail


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_mail_clients_one_click_post_needs_no_csrf_token(client, db, mailbox, make_user):
    person = make_user()
    message = mail_for(db, mailbox, person, kind="mention")
    header = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    response = client.post(header, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert list_preferences(person)["mention"] == (True, "off")
    # Only this view is exempt: the settings page still wants its token.
    assert client.post("/notifikasi/pengaturan", data={}).status_code == 400


def test_unsubscribing_twice_is_harmless(client, db, mailbox, make_user):
    person = make_user()
    path = unsubscribe_path(mail_for(db, mailbox, person))
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == person.id)).all()
    assert [(r.kind, r.email) for r in rows] == [("reply", "off")]


def test_a_digest_link_stops_that_digest(client, db, make_user, set_preferences):
    person = make_user()
    set_preferences(person, reply=(True, "daily"), mention=(True, "daily"), feedback=(True, "weekly"))
    token = make_unsubscribe_token(person, digest="daily")
    assert "Ringkasan harian" in client.get(f"/notifikasi/berhenti/{token}").get_data(as_text=True)
    assert client.post(f"/notifikasi/berhenti/{token}").status_code == 200
    db.session.expire_all()
    chosen = list_preferences(person)
    assert (chosen["reply"], chosen["mention"], chosen["feedback"]) == ((True, "off"), (True, "off"), (True, "weekly"))


def forged_tokens(app, person):
    other_salt = make_token(person, "verify")  # a real token of the portal, for another purpose
    same_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="portal-unsubscribe")
    wrong_key = URLSafeSerializer("another-secret", salt="portal-unsubscribe").dumps({"u": person.id, "k": "reply"})
    return {
        "garbage": "bukan-token",
        "other purpose": other_salt,
        "wrong key": wrong_key,
        "unknown kind": same_salt.dumps({"u": person.id, "k": "semua"}),
        "unknown digest": same_salt.dumps({"u": person.id, "d": "monthly"}),
        "both": same_salt.dumps({"u": person.id, "k": "reply", "d": "daily"}),
        "no user": same_salt.dumps({"u": 999999, "k": "reply"}),
        "not a dict": same_salt.dumps(["reply"]),
    }


def test_a_bad_token_is_a_404_page_in_indonesian_never_a_500(client, app, db, make_user):
    person = make_user()
    for name, token in forged_tokens(app, person).items():
        for method in ("GET", "POST"):
            response = client.open(f"/notifikasi/berhenti/{token}", method=method)
            assert response.status_code == 404, (name, method)
            assert "Tautan berhenti berlangganan ini tidak berlaku" in response.get_data(as_text=True), name
    assert list_preferences(person)["reply"] == (True, "immediate")


def test_the_link_of_a_deleted_account_no_longer_works(client, db, make_user):
    from portal.accounts.services import delete_account

    person = make_user()
    token = make_unsubscribe_token(person, kind="reply")
    delete_account(person)
    db.session.commit()
    assert client.get(f"/notifikasi/berhenti/{token}").status_code == 404
