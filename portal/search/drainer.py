"""Applying the outbox to the index: one writer at a time, never inside a web request.

Every process runs one daemon thread (started on its first request). A commit that wrote
outbox rows wakes the thread of its own process at once; the threads of other processes find
the rows on their next poll (SEARCH_DRAIN_INTERVAL). Whoever holds the writer lock drains:
it reads the oldest rows, rebuilds their documents from the database *while holding the lock*
(so an older text can never overwrite a newer one), writes them, and only then deletes exactly
the rows it read. A crash in between leaves the rows for the next drain; applying twice is
harmless. With SEARCH_SYNC (tests, CLI) the drain runs right after the commit instead.
"""

import logging
import os
import threading
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.search.backends import IndexUnavailable, ReindexRunning
from portal.search.models import SearchOutbox

log = logging.getLogger("portal.search")

DRAIN_BATCH = 200


class SearchState:
    """Per-app search machinery: backends, the drainer thread, the rebuild thread."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self._backends = {}
        self._lock = threading.Lock()
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = None
        self.thread_pid = None
        self.rebuild_thread = None

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
    """Rebuild a missing or corrupt index: now with SEARCH_SYNC, else once in a background thread."""
    state = get_state(app)
    if app.config["SEARCH_SYNC"]:
        try:
            rebuild_index(app)
        except ReindexRunning:
            return False
        return True
    with state._lock:
        if state.rebuild_thread is not None and state.rebuild_thread.is_alive():
            return False
        state.rebuild_thread = threading.Thread(target=_rebuild_quietly, args=(app,), name="search-rebuild",
                                                daemon=True)
        state.rebuild_thread.start()
    return False


def _rebuild_quietly(app):
    try:
        count = rebuild_index(app)
        log.info("search index rebuilt", extra={"documents": count})
    except ReindexRunning:
        log.info("search index rebuild already running elsewhere")
    except Exception:
        log.exception("search index rebuild failed")


def content_committed(app):
    """Called after a commit that wrote outbox rows: drain now (SEARCH_SYNC) or wake the drainer."""
    if app.config["SEARCH_SYNC"]:
        try:
            drain_outbox(app)
        except Exception:  # the content is committed; the rows stay for the next drain
            log.exception("search drain after commit failed")
        return
    state = get_state(app)
    if state.thread is not None and state.thread_pid == os.getpid():
        state.wake.set()


def ensure_drainer(app):
    """Start this process's drainer thread once (again after a fork), unless switched off."""
    if app.config["SEARCH_SYNC"] or not app.config["SEARCH_DRAINER"]:
        return None
    state = get_state(app)
    if state.thread is not None and state.thread_pid == os.getpid() and state.thread.is_alive():
        return state.thread
    with state._lock:
        if state.thread is None or state.thread_pid != os.getpid() or not state.thread.is_alive():
            state.stop.clear()
            state.thread = threading.Thread(target=_drain_forever, args=(app,), name="search-drainer", daemon=True)
            state.thread_pid = os.getpid()
            state.thread.start()
    return state.thread


def stop_drainer(app, timeout=5.0):
    """Stop this process's drainer thread and wait for it."""
    state = get_state(app)
    thread = state.thread
    state.stop.set()
    state.wake.set()
    if thread is not None:
        thread.join(timeout)
    state.thread = None


def _has_pending(app):
    with _session(app) as session:
        return session.scalar(select(exists().where(SearchOutbox.id.isnot(None))))


def _drain_forever(app):
    state = get_state(app)
    interval = app.config["SEARCH_DRAIN_INTERVAL"]
    while not state.stop.is_set():
        try:
            backend = state.backend()
            if not backend.ready() or _has_pending(app):
                # Waiting for the lock is fine here (this is no request): another process may be draining.
                drain_outbox(app, timeout=interval)
            # Caches a visitor would otherwise wait for (segment date order, the vocabulary);
            # cheap when nothing changed.
            if backend.ready():
                backend.warm()
        except Exception:
            log.exception("search drainer failed; retrying")
            state.stop.wait(min(5.0, interval * 4))
        state.wake.wait(interval)
        state.wake.clear()
