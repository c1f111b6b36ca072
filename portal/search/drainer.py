"""Applying the outbox to the index: one writer at a time, never inside a web request.

A commit that wrote outbox rows asks the job queue for a drain (portal/jobs: a worker runs it
soon after); every worker also drains once a minute, so rows whose request for a drain was
lost are applied all the same. Whoever holds the writer lock drains: it reads the oldest rows,
rebuilds their documents from the database *while holding the lock* (so an older text can never
overwrite a newer one), writes them, and only then deletes exactly the rows it read. A crash in
between leaves the rows for the next drain; applying twice is harmless. With SEARCH_SYNC (tests,
CLI) the drain runs right after the commit instead.
"""

import logging
import threading
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.search.backends import IndexUnavailable, ReindexRunning
from portal.search.models import SearchOutbox

log = logging.getLogger("portal.search")

DRAIN_BATCH = 200


class SearchState:
    """Per-app search machinery: the registry of sources and one backend per configuration."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self._backends = {}
        self._lock = threading.Lock()

    def backend(self):
        config = self.app.config
        name = config.get("SEARCH_BACKEND") or "whoosh"
        cache_key = (name, config["SEARCH_INDEX_DIR"]) if name == "whoosh" else (name,)
        with self._lock:
            backend = self._backends.get(cache_key)
            if backend is None:
                backend = self._make(name)
                self._backends[cache_key] = backend
            return backend

    def _make(self, name):
        config = self.app.config
        if name == "whoosh":
            from portal.search.backends.whoosh_backend import WhooshBackend

            return WhooshBackend(
                config["SEARCH_INDEX_DIR"], refresh_interval=config["SEARCH_REFRESH_INTERVAL"],
                vocabulary_ttl=config["SEARCH_VOCABULARY_TTL"], max_segments=config["SEARCH_MAX_SEGMENTS"],
                procs=config["SEARCH_REINDEX_PROCS"],
            )
        if name == "postgres":
            from portal.search.backends.postgres_backend import PostgresBackend

            with self.app.app_context():
                return PostgresBackend(db.engine, vocabulary_ttl=config["SEARCH_VOCABULARY_TTL"],
                                       counted_stems_from=config["SEARCH_COUNTED_STEMS_FROM"])
        raise RuntimeError(f"unknown SEARCH_BACKEND {name!r} (whoosh or postgres)")


def get_state(app=None):
    """Return the search state of the app (the current one by default)."""
    app = app or current_app._get_current_object()
    return app.extensions["search"]


def get_backend(app=None):
    """Return the backend SEARCH_BACKEND names."""
    return get_state(app).backend()


@contextmanager
def _session(app):
    with app.app_context(), Session(db.engine) as session:
        yield session


def session_factory(app):
    """Return a callable opening a short-lived Session of its own (not the request's)."""
    return lambda: _session(app)


def drain_outbox(app=None, *, timeout=10.0, batch=DRAIN_BATCH):
    """Apply pending outbox rows to the index; return how many, or None if another writer was busy."""
    app = app or current_app._get_current_object()
    backend = get_backend(app)
    try:
        if not backend.ready():
            rebuild_index(app)  # a missing or unreadable index is rebuilt from the database first
        try:
            return _drain(app, backend, timeout, batch)
        except IndexUnavailable:
            log.warning("search index unreadable while draining; rebuilding it")
            rebuild_index(app)
            return _drain(app, backend, timeout, batch)
    except ReindexRunning:
        return None  # the reindex that is running replays these rows before it swaps


def _drain(app, backend, timeout, batch):
    state = get_state(app)
    applied = 0
    with backend.writer_lock(timeout) as acquired:
        if not acquired:
            return None
        with _session(app) as session:
            while True:
                rows = session.execute(
                    select(SearchOutbox.id, SearchOutbox.doc_key).order_by(SearchOutbox.id).limit(batch)
                ).all()
                if not rows:
                    break
                keys = state.registry.expand_keys(session, [key for _id, key in rows])
                docs = state.registry.build(session, keys)
                backend.apply(session, docs)
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row_id for row_id, _key in rows])))
                session.commit()
                applied += len(rows)
            if applied:
                backend.maintain()
    return applied


def pending_count(session):
    """Return how many outbox rows wait to be applied."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(SearchOutbox))


def rebuild_index(app=None, progress=None, procs=None):
    """Rebuild the whole index from the database (search stays online); return the document count."""
    app = app or current_app._get_current_object()
    state = get_state(app)
    return state.backend().rebuild(state.registry, session_factory(app), progress, procs=procs)


def request_rebuild(app):
    """Rebuild a missing or corrupt index: now with SEARCH_SYNC, else in a worker; True if it is ready now."""
    if app.config["SEARCH_SYNC"]:
        try:
            rebuild_index(app)
        except ReindexRunning:
            return False
        return True
    _ask_worker(app, "search.rebuild")
    return False


def _ask_worker(app, name):
    try:
        app.extensions["jobs"].call_soon(name)
    except Exception:  # the queue is unreachable: the worker's minute drain (or the next search) asks again
        log.warning("search job not queued", extra={"job": name}, exc_info=True)


def rebuild_in_worker():
    """The worker's job behind request_rebuild: rebuild unless a rebuild is already running."""
    try:
        return rebuild_index()
    except ReindexRunning:
        log.info("search index rebuild already running elsewhere")
        return None


def drain_in_worker():
    """The worker's drain (after commits, and once a minute): apply what waits, then warm the caches."""
    app = current_app._get_current_object()
    backend = get_backend(app)
    applied = drain_outbox(app, timeout=30.0)
    if backend.ready():
        backend.warm()
    return applied


def content_committed(app):
    """Called after a commit that wrote outbox rows: drain now (SEARCH_SYNC) or ask a worker to."""
    if app.config["SEARCH_SYNC"]:
        try:
            drain_outbox(app)
        except Exception:  # the content is committed; the rows stay for the next drain
            log.exception("search drain after commit failed")
        return
    _ask_worker(app, "search.drain")
