"""Account deletion anonymises forum contributions (UU 27/2022); the demo seeder fills the forum."""

from sqlalchemy import func, select

from forum.models import Category, Flag, Post, Thread, ThreadFollow
from portal.accounts.models import DELETED_NAME, User
from portal.accounts.services import delete_account
from portal.responses.models import Assignment, ResponseEvent


def test_deleting_an_account_keeps_posts_but_drops_name_and_pseudonym(client, login, db, make_thread, make_reply,
                                                                        resident, neighbour, moderator):
    thread = make_thread(pseudonym="Warga Tambaksari")
    make_reply(resident, thread, "Tambahan dari penanya.", pseudonym="Nama Samaran Lain")
    make_reply(neighbour, thread, "Balasan tetangga.")
    delete_account(resident)
    db.session.commit()
    db.session.expire_all()
    assert thread.pseudonym is None
    assert all(post.pseudonym is None for post in thread.posts if post.author_id == resident.id)
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow).where(ThreadFollow.user_id == resident.id)) == 0

    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert DELETED_NAME in html and "Saya antre tiga jam." in html and "Tambahan dari penanya." in html
    assert "Warga Tambaksari" not in html and "Nama Samaran Lain" not in html and "Budi Santoso" not in html
    assert "Pengguna terhapus" in client.get("/forum/k/kesehatan").get_data(as_text=True)
    login(moderator)
    assert "budi@contoh.id" not in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)


def test_seed_demo_fills_the_forum_consistently(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])  # its duration: bench/seed_demo.py
    assert result.exit_code == 0, result.output
    assert "forum_utas" in result.output

    assert {c.slug for c in db.session.scalars(select(Category))} == {
        "kesehatan", "pendidikan", "kependudukan", "transportasi", "lingkungan", "sosial"}
    assert db.session.scalar(select(func.count(Thread.id))) >= 15
    statuses = set(db.session.scalars(select(Thread.status)))
    assert statuses == {"terbuka", "dijawab", "selesai"}
    # Other capabilities' demo data may add forum-sourced events of their own: check the posts' ones.
    events = db.session.scalars(select(ResponseEvent).where(
        ResponseEvent.source == "forum", ResponseEvent.answer_id.in_(select(Post.id).where(Post.is_official)))).all()
    assert len(events) >= 10
    assert {e.deadline_met for e in events} == {True, False}
    assert any(e.rating for e in events)
    for event in events:
        post = db.session.get(Post, event.answer_id)
        assert post.is_official and event.answered_at == post.created_at
        assert event.started_at <= event.answered_at and event.rated_at is None or event.rated_at >= event.answered_at
    for thread in db.session.scalars(select(Thread)):
        numbers = [p.number for p in thread.posts]
        assert numbers == list(range(1, thread.post_count + 1))
        assert thread.created_at <= thread.last_activity_at
        assert all(p.author.created_at < p.created_at for p in thread.posts)

    # asn.kesehatan has a thread assigned to them personally, still waiting.
    asn = db.session.scalar(select(User).filter_by(email="asn.kesehatan@demo.surabaya.go.id")).asn_profile
    waiting = db.session.scalars(select(Assignment).where(
        Assignment.source == "forum", Assignment.asn_id == asn.id, Assignment.answered_at.is_(None),
        Assignment.ended_at.is_(None))).all()
    assert len(waiting) == 1
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.resolved_at.is_(None))) == 1


def test_seed_demo_forum_is_idempotent_and_scales(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--scale", "2"]).exit_code == 0
    threads = db.session.scalar(select(func.count(Thread.id)))
    posts = db.session.scalar(select(func.count(Post.id)))
    assert runner.invoke(args=["seed-demo", "--scale", "2"]).exit_code == 0
    assert db.session.scalar(select(func.count(Thread.id))) == threads
    assert db.session.scalar(select(func.count(Post.id))) == posts
    long_thread = db.session.scalar(select(Thread).order_by(Thread.post_count.desc()).limit(1))
    assert long_thread.post_count > 60  # 30 replies per --scale, enough to page through


def test_demo_pages_render(app, client, login, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    asn = db.session.scalar(select(User).filter_by(email="asn.kesehatan@demo.surabaya.go.id"))
    moderator = db.session.scalar(select(User).filter_by(email="moderator@demo.surabaya.go.id"))
    urls = ["/forum/"] + [f"/forum/k/{c.slug}" for c in db.session.scalars(select(Category))]
    urls += [f"/forum/t/{t.id}" for t in db.session.scalars(select(Thread))]
    for url in urls:
        assert client.get(url).status_code == 200, url
    login(asn)
    html = client.get("/forum/perlu-ditanggapi").get_data(as_text=True)
    assert "Obat hipertensi sering kosong" in html
    login(moderator)
    assert "Jual obat pelangsing" in client.get("/forum/moderasi").get_data(as_text=True)


def test_public_pages_show_handles_never_account_names(client, login, db, thread, make_reply, neighbour, moderator):
    make_reply(neighbour, thread, body="Saya juga antre tiga jam.")
    for path in (f"/forum/t/{thread.id}", f"/forum/k/{thread.category.slug}"):
        html = client.get(path).get_data(as_text=True)
        assert "Budi Santoso" not in html and "Sri Rahayu" not in html and "sri@contoh.id" not in html
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert f"@{neighbour.handle}" in html and f"@{thread.author.handle}" in html
    # Moderators still see the account behind the public name.
    login(moderator)
    assert "Sri Rahayu" in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
