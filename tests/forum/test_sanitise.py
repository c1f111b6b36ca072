"""Posts are Markdown, rendered once and sanitised: XSS payloads posted through the forms stay harmless."""

import re

from sqlalchemy import select

from forum.models import Post, Thread
from tests.core.test_markup import XSS_VECTORS, dangerous

POST_BODY = re.compile(r'<div class="post-body">(.*?)</div>', re.S)


def test_at_least_thirty_vectors():
    assert len(XSS_VECTORS) >= 30


def test_xss_vectors_posted_as_replies_are_stored_and_shown_harmless(client, login, db, resident, thread):
    login(resident)
    for vector in XSS_VECTORS:
        response = client.post(f"/forum/t/{thread.id}/balas", data={"body": vector})
        assert response.status_code == 303, vector
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id, Post.number > 1).order_by(Post.number)).all()
    assert [post.body_md for post in posts] == XSS_VECTORS
    stored = {post.body_md: dangerous(post.body_html) for post in posts}
    assert {vector: problem for vector, problem in stored.items() if problem} == {}

    shown = []
    for page in (1, 2, 3):
        html = client.get(f"/forum/t/{thread.id}?page={page}").get_data(as_text=True)
        # Only the portal's own two scripts (portal.js, forum.js), never one from a post.
        assert html.count("<script") == 2
        assert html.lower().count("<script") == 2
        shown += POST_BODY.findall(html)
    assert len(shown) == len(XSS_VECTORS) + 1
    assert [body for body in shown if dangerous(body)] == []
    for post in posts:  # the page shows exactly what was stored: nothing is rendered on reading
        assert post.body_html in shown


def test_links_get_nofollow_ugc_noopener(client, login, db, resident, thread):
    login(resident)
    client.post(f"/forum/t/{thread.id}/balas", data={"body": "Lihat [jadwal](https://surabaya.go.id/jadwal)."})
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<a href="https://surabaya.go.id/jadwal" rel="nofollow ugc noopener">jadwal</a>' in html


def test_titles_and_pseudonyms_are_escaped(client, login, db, resident, category):
    login(resident)
    response = client.post("/forum/baru", data={
        "category": category.id, "title": "<img src=x onerror=alert(1)> tolong",
        "body": "Isi", "pseudonym": "<b onmouseover=alert(1)>Budi</b>"})
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    for url in (f"/forum/t/{thread.id}", "/forum/k/kesehatan"):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and "<b onmouseover" not in html
        assert "&lt;img src=x onerror=alert(1)&gt; tolong" in html


def test_reading_a_thread_never_renders_markdown(client, login, thread, make_reply, neighbour, monkeypatch,
                                                  resident):
    make_reply(neighbour, thread, "**Tebal** dan [tautan](https://contoh.id)")

    def refuse(_text):
        raise AssertionError("Markdown rendered while reading")

    monkeypatch.setattr("forum.services.render_markdown", refuse)
    monkeypatch.setattr("portal.markup.render_markdown", refuse)
    login(resident)
    for url in (f"/forum/t/{thread.id}", "/forum/k/kesehatan", "/forum/", f"/forum/p/{thread.posts[0].id}/riwayat"):
        assert client.get(url).status_code == 200, url
    assert "<strong>Tebal</strong>" in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
