"""A resubmitted form is stored once: feedback, new thread, reply (issue 11, point 14)."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import services as forum_services
from forum.models import Post, Thread
from portal import idempotency
from portal.db import utcnow
from portal.feedback.models import Feedback
from portal.idempotency import IdempotencyKey
from portal.unit_of_work import finish_request

TOKEN = re.compile(r'name="idempotency_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="idempotency_token"')


def token_in(html):
    match = TOKEN.search(html)
    assert match, "the form carries no idempotency token"
    return match.group(1) or match.group(2)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_resubmitted_feedback_is_stored_once_and_the_retry_goes_to_it(client, db, make_unit):
    unit = make_unit(services=["Puskesmas"])
    token = token_in(client.get("/masukan/kirim").get_data(as_text=True))
    data = {"unit": str(unit.id), "service": str(unit.services[0].id), "type": "keluhan",
            "title": "Antrean Puskesmas Ketabang", "body": "Saya menunggu empat jam untuk berobat.",
            "idempotency_token": token}
    first = client.post("/masukan/kirim", data=data)
    assert first.status_code == 303
    again = client.post("/masukan/kirim", data=data)
    assert count(db, Feedback) == 1
    number = db.session.scalar(select(Feedback.tracking_number))
    assert again.status_code == 303 and again.headers["Location"] == f"/lacak/{number}"


def test_a_resubmitted_thread_is_opened_once(client, login, db, resident, category):
    login(resident)
    token = token_in(client.get("/forum/baru").get_data(as_text=True))
    data = {"category": category.id, "title": "Antrean Puskesmas Pacar Keling sangat panjang",
            "body": "Saya datang jam 06.30 dan baru dilayani jam 10.00.", "idempotency_token": token}
    first = client.post("/forum/baru", data=data)
    again = client.post("/forum/baru", data=data)
    assert count(db, Thread) == 1
    thread_id = db.session.scalar(select(Thread.id))
    assert first.headers["Location"] == again.headers["Location"] == f"/forum/t/{thread_id}"
    assert again.status_code == 303


def test_a_resubmitted_reply_is_stored_once(client, login, db, neighbour, thread):
    login(neighbour)
    token = token_in(client.get(f"/forum/t/{thread.id}").get_data(as_text=True))
    data = {"body": "Saya juga antre lama.", "idempotency_token": token}
    first = client.post(f"/forum/t/{thread.id}/balas", data=data)
    again = client.post(f"/forum/t/{thread.id}/balas", data=data)
    assert count(db, Post) == 2  # the opening post and one reply
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]


def test_each_rendering_has_its_own_token_and_posts_without_one_still_work(client, login, db, neighbour, thread):
    login(neighbour)
    page = f"/forum/t/{thread.id}"
    assert token_in(client.get(page).get_data(as_text=True)) != token_in(client.get(page).get_data(as_text=True))
    for body in ("Balasan pertama.", "Balasan kedua."):
        assert client.post(f"/forum/t/{thread.id}/balas", data={"body": body}).status_code == 303
    assert client.post(f"/forum/t/{thread.id}/balas", data={"body": "Token aneh.",
                                                             "idempotency_token": "x" * 500}).status_code == 303
    assert count(db, Post) == 4


def test_a_form_rendered_again_after_an_error_keeps_its_token(client, login, resident, category):
    login(resident)
    response = client.post("/forum/baru", data={"category": category.id, "title": "x", "body": "",
                                                "idempotency_token": "t" * 32})
    assert response.status_code == 422
    assert token_in(response.get_data(as_text=True)) == "t" * 32


def test_two_racing_posts_with_one_token_store_one_write(app, db, resident, category):
    # The race: both requests found the token unused; the other one committed first.
    with Session(db.engine) as other:
        other.add(IdempotencyKey(token="r" * 32, endpoint="forum.new_thread", result_url="/forum/t/99"))
        other.commit()
    with app.test_request_context():
        forum_services.open_thread(resident, category, title="Antrean puskesmas terlalu panjang", body="Antre lama.")
        form = SimpleNamespace(idempotency_token=SimpleNamespace(data="r" * 32))
        assert idempotency.record_once(form, "forum.new_thread", "/forum/t/1", resident) == "/forum/t/99"
        # The view redirects to the winner (a 303); the end of the request still keeps nothing.
        finish_request(app.response_class(status=303))
    assert count(db, Thread) == 0


def test_old_tokens_are_purged(app, db):
    db.session.add(IdempotencyKey(token="o" * 32, endpoint="forum.reply", result_url="/forum/t/1",
                                  created_at=utcnow() - timedelta(days=30)))
    db.session.add(IdempotencyKey(token="n" * 32, endpoint="forum.reply", result_url="/forum/t/1"))
    db.session.commit()
    assert idempotency.purge_keys() == 1
    db.session.commit()
    assert db.session.scalars(select(IdempotencyKey.token)).all() == ["n" * 32]


@pytest.mark.parametrize("path", ["/masukan/kirim", "/forum/baru"])
def test_the_token_field_is_hidden(client, login, resident, category, path):
    login(resident)
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'<input[^>]*type="hidden"[^>]*name="idempotency_token"|<input[^>]*name="idempotency_token"'
                     r'[^>]*type="hidden"', html)
