"""Votes, following, and who hears about what (bell and e-mail)."""

import re

from sqlalchemy import func, select

from forum import services
from forum.models import PostVote, ThreadFollow
from portal.notifications.models import Notification


def bell_count(client):
    html = client.get("/forum/").get_data(as_text=True)
    match = re.search(r'<span class="bell-count">(\d+)', html)
    return int(match.group(1)) if match else 0


def kinds(db, user):
    return sorted(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


# ---------------------------------------------------------------- votes


def test_vote_toggles_one_per_person_and_the_thread_counts_its_opening_post(client, login, db, thread, neighbour):
    opening = thread.posts[0]
    login(neighbour)
    assert client.post(f"/forum/p/{opening.id}/suara").status_code == 303
    db.session.refresh(opening)
    assert opening.vote_count == 1
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert 'aria-pressed="true">Batal dukung (1)' in html
    assert "1 dukungan" in client.get("/forum/k/kesehatan").get_data(as_text=True)

    client.post(f"/forum/p/{opening.id}/suara")  # toggles back
    db.session.refresh(opening)
    assert opening.vote_count == 0
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 0


def test_a_double_submitted_vote_counts_once_and_never_errors(client, login, db, thread, neighbour):
    opening = thread.posts[0]
    login(neighbour)
    for _ in range(3):
        assert client.post(f"/forum/p/{opening.id}/suara", data={"value": "1"}).status_code == 303
    db.session.refresh(opening)
    assert opening.vote_count == 1
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 1


def test_a_duplicate_vote_row_is_ignored_by_the_database(db, thread, neighbour):
    opening = thread.posts[0]
    # As if another worker inserted the same vote a moment ago, unseen by this transaction.
    assert services._insert_ignore(PostVote, post_id=opening.id, user_id=neighbour.id, created_at=opening.created_at)
    assert not services._insert_ignore(PostVote, post_id=opening.id, user_id=neighbour.id,
                                       created_at=opening.created_at)
    assert services.toggle_vote(neighbour, opening, want=True) is True
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 1


def test_nobody_votes_for_their_own_post(client, login, db, thread, resident):
    login(resident)
    assert client.post(f"/forum/p/{thread.posts[0].id}/suara").status_code == 403
    assert "Dukung (" not in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)


# ---------------------------------------------------------------- following


def test_follow_and_unfollow(client, login, db, thread, neighbour):
    login(neighbour)
    assert client.post(f"/forum/t/{thread.id}/ikuti").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow).where(ThreadFollow.user_id == neighbour.id)) == 1
    assert client.post(f"/forum/t/{thread.id}/ikuti", data={"value": "1"}).status_code == 303  # twice: still once
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow).where(ThreadFollow.user_id == neighbour.id)) == 1
    client.post(f"/forum/t/{thread.id}/ikuti")
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow).where(ThreadFollow.user_id == neighbour.id)) == 0


def test_opening_a_thread_follows_it(db, thread, resident):
    assert db.session.scalar(select(ThreadFollow.user_id).where(ThreadFollow.thread_id == thread.id)) == resident.id


# ---------------------------------------------------------------- notifications and e-mail


def test_replies_notify_followers_on_the_bell_and_by_mail_but_not_the_writer(
        client, login, db, mailbox, thread, resident, neighbour):
    login(neighbour)
    client.post(f"/forum/t/{thread.id}/balas", data={"body": "Saya juga mengalaminya."})
    assert kinds(db, resident) == ["reply"] and kinds(db, neighbour) == []
    assert [m.recipients for m in mailbox] == [[resident.email]]
    assert f"Balasan baru dari @{neighbour.handle}" in mailbox[0].subject
    assert re.search(r"http://localhost/forum/p/\d+", mailbox[0].body)

    login(resident)
    assert bell_count(client) == 1
    notification = db.session.scalar(select(Notification))
    response = client.post(f"/notifikasi/{notification.id}/buka")
    assert response.headers["Location"] == notification.url
    assert client.get(notification.url).status_code == 302  # the post link finds its page
    assert bell_count(client) == 0


def test_people_who_turned_mail_off_get_only_the_bell(client, login, db, mailbox, thread, resident, neighbour):
    resident.email_notifications = False
    db.session.commit()
    login(neighbour)
    client.post(f"/forum/t/{thread.id}/balas", data={"body": "Balasan"})
    assert kinds(db, resident) == ["reply"]
    assert mailbox == []


def test_official_answer_notifies_the_author_and_followers_once_each(
        client, login, db, mailbox, thread, resident, neighbour, make_reply, officer):
    make_reply(neighbour, thread, "Saya ikut menunggu.")  # neighbour now follows
    db.session.execute(Notification.__table__.delete())
    db.session.commit()
    mailbox.clear()
    login(officer.user)
    response = client.post(f"/forum/t/{thread.id}/balas", data={
        "body": f"Terima kasih @{resident.handle}, kami tambah loket.", "official": "y"})
    assert response.status_code == 303
    # The author is followed, mentioned and the asker: still one notification, the most telling one.
    assert kinds(db, resident) == ["official_answer"]
    assert kinds(db, neighbour) == ["official_answer"]
    assert kinds(db, officer.user) == []
    assert sorted(m.recipients[0] for m in mailbox) == sorted([resident.email, neighbour.email])
    assert all("Jawaban resmi dari Dinas Kesehatan" in m.subject for m in mailbox)


def test_mentions_notify_the_named_person_once_never_the_writer(
        client, login, db, mailbox, thread, resident, neighbour, make_resident):
    third = make_resident(name="Ahmad Fauzi")
    login(neighbour)
    body = (f"@{third.handle} dan @{third.handle.upper()} lihat ini, @{neighbour.handle} juga. "
            f"`@{resident.handle}` di dalam kode tidak dihitung.\n\n> @tidakada dikutip")
    client.post(f"/forum/t/{thread.id}/balas", data={"body": body})
    assert kinds(db, third) == ["mention"]
    assert kinds(db, neighbour) == []
    assert kinds(db, resident) == ["reply"]  # the follower hears of the reply, not of a mention in code
    mention_mail = next(m for m in mailbox if m.recipients == [third.email])
    assert f"@{neighbour.handle} menyebut Anda" in mention_mail.subject


def test_mentions_in_a_new_thread_notify_too(db, make_thread, make_resident):
    named = make_resident(name="Dewi Lestari")
    make_thread(body=f"Mohon bantuan @{named.handle}.")
    assert kinds(db, named) == ["mention"]


def test_pseudonymous_writers_are_named_by_their_pseudonym_in_notifications(
        client, login, db, mailbox, thread, resident, neighbour):
    login(neighbour)
    client.post(f"/forum/t/{thread.id}/balas", data={"body": "Balasan", "pseudonym": "Warga Gubeng"})
    assert "Balasan baru dari Warga Gubeng" in mailbox[0].subject
    assert "Sri Rahayu" not in mailbox[0].subject and "Sri Rahayu" not in mailbox[0].body


def test_assignment_notifies_the_named_asn_by_bell_and_mail(client, login, db, mailbox, thread, atasan, officer):
    login(atasan.user)
    response = client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": str(officer.id)})
    assert response.status_code == 303
    assert kinds(db, officer.user) == ["assignment"]
    assert kinds(db, atasan.user) == []
    assert [m.recipients for m in mailbox] == [[officer.user.email]]
    assert "ditugaskan untuk ditanggapi" in mailbox[0].subject
    login(officer.user)
    assert bell_count(client) == 1
