"""Each category keeps its count of listed threads and its last activity as threads change (issue 14).

The forum index reads these totals instead of counting every thread on each view; they must equal
a recount after every kind of change, and the category page's total and paging follow them.
"""

from datetime import timedelta

from sqlalchemy import select

from forum import queries, services
from forum.models import Category, Thread
from portal.db import utcnow


def kept(db):
    db.session.expire_all()
    return {c.slug: (c.thread_count, c.last_activity_at) for c in db.session.scalars(select(Category))}


def recounted(db):
    services.rebuild_category_totals()
    return kept(db)


def test_totals_follow_open_reply_delete_hide_restore_and_move(db, make_thread, make_reply, category, other_category,
                                                               resident, neighbour, moderator):
    first = make_thread(title="Antrean puskesmas terlalu panjang")
    second = make_thread(title="Jadwal imunisasi anak di Keputih")
    hidden_later = make_thread(title="Ambulans datang terlambat sekali")
    assert kept(db)[category.slug][0] == 3 and kept(db)[other_category.slug][0] == 0

    reply = make_reply(neighbour, first, "Saya juga mengalaminya kemarin.")
    assert kept(db)[category.slug][1] == reply.created_at

    services.delete_post(resident, second.posts[0])
    services.hide_post(moderator, hidden_later.posts[0], "Berisi iklan.")
    db.session.commit()
    assert kept(db)[category.slug][0] == 1
    services.hide_post(moderator, hidden_later.posts[0], "Berisi iklan.")  # already hidden: no second −1
    services.restore_post(moderator, hidden_later.posts[0])
    db.session.commit()
    assert kept(db)[category.slug][0] == 2

    services.move_thread(moderator, first, other_category)
    db.session.commit()
    totals = kept(db)
    assert totals[category.slug][0] == 1 and totals[other_category.slug][0] == 1
    assert totals == recounted(db)


def test_a_hidden_thread_moved_is_counted_nowhere(db, make_thread, category, other_category, moderator):
    thread = make_thread()
    services.hide_post(moderator, thread.posts[0], "Berisi iklan.")
    services.move_thread(moderator, thread, other_category)
    db.session.commit()
    assert kept(db)[category.slug][0] == 0 and kept(db)[other_category.slug][0] == 0
    assert kept(db) == recounted(db)


def test_index_shows_the_kept_totals(client, db, make_thread, category):
    make_thread()
    make_thread(title="Jadwal imunisasi anak di Keputih")
    db.session.execute(Thread.__table__.update().values(last_activity_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    rows = {c.slug: (count, last) for c, count, last in queries.list_categories()}
    assert rows[category.slug][0] == 2
    page = client.get("/forum/")
    assert page.status_code == 200 and category.name in page.text


def test_category_page_stops_at_the_last_page_lists_show(client, db, make_thread, category):
    make_thread()
    assert client.get(f"/forum/k/{category.slug}?page=1").status_code == 200
    assert client.get(f"/forum/k/{category.slug}?page=2").status_code == 404
    assert client.get(f"/forum/k/{category.slug}?page=51").status_code == 404
