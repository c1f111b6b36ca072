"""Thread and category pages cost a fixed number of SQL queries, however many posts or threads there are."""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from forum import services
from forum.models import Category, Post, PostVote, Thread
from portal.accounts.models import User
from portal.db import utcnow
from portal.markup import render_markdown
from portal.responses.models import ResponseEvent
from tests.querycount import count_queries


def add_replies(db, thread, authors, count, officer=None):
    """Add replies straight to the table (the services are tested elsewhere; this is about reading)."""
    start = thread.created_at
    html = render_markdown("Saya juga **mengalami** hal yang sama di [puskesmas](https://contoh.id).")
    posts = []
    for i in range(count):
        number = i + 2
        official = officer is not None and number % 50 == 0
        posts.append(Post(
            thread_id=thread.id, number=number, author=officer.user if official else authors[i % len(authors)],
            body_md="Saya juga mengalami hal yang sama.", body_html=html, created_at=start + timedelta(minutes=i),
            is_official=official, official_asn=officer if official else None,
            pseudonym=f"Warga {i % 7}" if i % 3 == 0 else None,
            deleted_at=utcnow() if i % 37 == 0 else None,
            hidden_at=utcnow() if i % 19 == 0 else None, hidden_reason="Spam" if i % 19 == 0 else None,
            quote_of_id=thread.posts[0].id if i % 11 == 0 else None,
        ))
    db.session.add_all(posts)
    thread.post_count = count + 1
    thread.reply_count = count
    db.session.flush()
    for post in posts:
        if post.is_official:
            db.session.add(ResponseEvent(
                source="forum", item_type="thread", item_id=thread.id, answer_id=post.id, title=thread.title,
                url="/", unit_id=officer.unit_id, asn_id=officer.id, started_at=thread.created_at,
                answered_at=post.created_at, response_seconds=60, working_seconds=60, rating=4))
    db.session.commit()
    return posts


@pytest.fixture
def big_thread(db, thread, make_resident, officer, neighbour):
    authors = [make_resident(name=f"Warga {i}") for i in range(12)]
    posts = add_replies(db, thread, authors, 500, officer=officer)
    for post in posts[::3]:  # the viewer has voted on some posts of every page
        if post.author_id != neighbour.id:
            db.session.add(PostVote(post_id=post.id, user_id=neighbour.id))
    db.session.commit()
    return thread


def queries_for(client, db, url):
    """Count the statements of one request, started as in production: empty session, no cached user.

    pytest-flask keeps one app context for the whole test, so without this the session's identity
    map and Flask-Login's cached user would carry over from the previous request and hide queries.
    """
    db.session.remove()
    g.pop("_login_user", None)
    with count_queries(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", [None, "neighbour", "moderator", "officer"])
def test_thread_with_500_replies_renders_every_page_with_the_same_number_of_queries(
        client, db, login, big_thread, request, viewer):
    if viewer:
        person = request.getfixturevalue(viewer)
        login(person.user if viewer == "officer" else person)
    thread_id, last = big_thread.id, (big_thread.post_count - 1) // 20 + 1
    assert last == 26
    counts = {}
    for page in (1, 10, last):
        counts[page], html = queries_for(client, db, f"/forum/t/{thread_id}?page={page}")
        assert f"Halaman {page} dari 26" in html
    assert counts[1] == counts[10] == counts[last], counts
    assert counts[1] <= 16, counts  # a fixed, small budget: no query per post


def test_page_ten_shows_posts_181_to_200_with_badges_votes_and_placeholders(client, db, login, big_thread, neighbour):
    login(neighbour)
    _count, html = queries_for(client, db, f"/forum/t/{big_thread.id}?page=10")
    assert "#181<" in html and "#200<" in html and "#180<" not in html and "#201<" not in html
    assert "Jawaban resmi</strong>" in html and "Dinilai penanya" in html  # post #200 is official
    assert 'aria-pressed="true"' in html
    assert "Disembunyikan oleh moderator: Spam" in html and "sudah dihapus oleh penulisnya" in html


@pytest.mark.parametrize("viewer", [None, "resident"])
def test_category_page_costs_the_same_for_5_and_100_threads(client, login, db, category, make_resident, request,
                                                           viewer, resident):
    if viewer:
        login(request.getfixturevalue(viewer))
    author_ids = [make_resident(name=f"Penulis {i}").id for i in range(10)]
    category_id = category.id

    def add_threads(n, offset):
        for i in range(n):
            author = db.session.get(User, author_ids[i % len(author_ids)])
            services.open_thread(author, db.session.get(Category, category_id), title=f"Utas nomor {offset + i}",
                                 body="Isi", pseudonym="Warga" if i % 4 == 0 else None, notify=False)
        db.session.commit()

    add_threads(5, 0)
    few, _html = queries_for(client, db, "/forum/k/kesehatan")
    add_threads(95, 5)
    many, html = queries_for(client, db, "/forum/k/kesehatan")
    assert "Halaman 1 dari 5" in html
    last_page, _html = queries_for(client, db, "/forum/k/kesehatan?page=5")
    filtered, _html = queries_for(client, db, "/forum/k/kesehatan?status=terbuka&page=2")
    assert few == many == last_page
    # The unfiltered total is the category's kept count; a filtered list counts (up to the cap).
    assert filtered == few + 1


def test_forum_index_costs_the_same_for_any_number_of_categories(client, db, make_unit, make_category, resident):
    counts, resident_id = [], resident.id
    for round_ in range(2):
        for _i in range(5 * (round_ + 1)):
            category = make_category(make_unit())
            services.open_thread(db.session.get(User, resident_id), category, title=f"Utas di {category.name}",
                                 body="Isi", notify=False)
        db.session.commit()
        counts.append(queries_for(client, db, "/forum/")[0])
    assert counts[0] == counts[1]
    assert db.session.scalar(select(func.count(Thread.id))) == 15
