"""A resubmitted live question is stored once (issue 11, point 14)."""

from sqlalchemy import func, select

from konsultasi.models import Question
from tests.forum.test_idempotency import token_in


def test_a_resubmitted_question_is_stored_once(client, login, db, world, make_consultation):
    live = make_consultation(phase="berlangsung")
    login(world.citizen)
    page = client.get(f"/konsultasi/{live.id}/tanya-jawab")
    assert page.status_code == 200
    data = {"body": "Apakah apotek puskesmas buka 24 jam?", "idempotency_token": token_in(page.get_data(as_text=True))}
    first = client.post(f"/konsultasi/{live.id}/tanya-jawab", data=data)
    again = client.post(f"/konsultasi/{live.id}/tanya-jawab", data=data)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Question)) == 1
