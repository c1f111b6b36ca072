"""With RATELIMIT_STORAGE_URI=redis://…, every worker counts against the same limit."""

import socket
import uuid

import pytest

from portal import create_app
from portal.extensions import db
from tests.conftest import base_config

REDIS_URL = "redis://127.0.0.1:6379"


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379 (CI starts it)")


def limited_config(prefix):
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix}


def wrong_login(client, n):
    return client.post("/akun/masuk", data={"email": f"x{n}@contoh.id", "password": "salah-sandi-1"}).status_code


def test_login_limit_is_shared_by_workers_through_redis(app, tmp_path, database_url):
    import redis

    prefix = f"test-{uuid.uuid4().hex}"  # this run's own counters
    first = create_app({**base_config(tmp_path / "one", database_url), **limited_config(prefix)})
    second = create_app({**base_config(tmp_path / "two", database_url), **limited_config(prefix)})
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert [wrong_login(first.test_client(), n) for n in range(2)] == [401, 401]
        # A second worker (its own app and storage connection) sees the two attempts already made.
        assert [wrong_login(second.test_client(), n) for n in range(2, 4)] == [401, 429]
        assert client.keys(f"*{prefix}*")  # the counters really live in Redis
    finally:
        for worker in (first, second):  # close their database connections now, not at garbage collection
            with worker.app_context():
                db.engine.dispose()
        keys = client.keys(f"*{prefix}*")
        if keys:
            client.delete(*keys)
        client.close()
