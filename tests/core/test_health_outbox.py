"""/healthz turns unhealthy when the search outbox is not drained (issue 11, point 16)."""

from datetime import timedelta

import pytest

from portal.db import utcnow
from portal.search.models import SearchOutbox


def _queue(db, count=1, age_seconds=0):
    for n in range(count):
        db.session.add(SearchOutbox(doc_key=f"thread:{n + 1}", op="upsert",
                                    created_at=utcnow() - timedelta(seconds=age_seconds)))
    db.session.commit()


def test_a_fresh_outbox_row_keeps_healthz_ok(db, client):
    _queue(db, age_seconds=5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["search"]["pending"] == 1


def test_an_outbox_row_older_than_the_threshold_makes_healthz_503(app, db, client):
    _queue(db, age_seconds=app.config["SEARCH_OUTBOX_MAX_LAG_SECONDS"] + 60)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["checks"]["search"]["status"] == "error"
    assert body["checks"]["search"]["detail"] == "outbox_lag"


@pytest.mark.app_config(SEARCH_OUTBOX_MAX_PENDING=2)
def test_too_many_pending_rows_make_healthz_503(db, client):
    _queue(db, count=3)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["search"]["detail"] == "outbox_backlog"
