"""The search outbox: every flush that changes searchable content records the documents it touches.

A listener on the Session class sees new, changed and deleted instances of the watched models
and inserts one `search_outbox` row per affected document on the same connection, inside the
same transaction: a rollback drops the rows with the content, a commit cannot happen without
them, and no capability's service has to remember search exists.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.search.models import SearchOutbox

log = logging.getLogger("portal.search")

_WATCH = {}  # model class → [(key prefix, id attribute, attribute names)]
_INFO_PENDING_DELETES = "search_outbox_deleted"
_INFO_WROTE = "search_outbox_wrote"


def configure(watch_map):
    """Set which models and attributes are watched, and listen on every Session (once)."""
    _WATCH.clear()
    _WATCH.update(watch_map)
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _changed(state, attributes):
    return any(state.attrs[name].history.has_changes() for name in attributes if name in state.attrs)


def _values(state, attribute, include_previous):
    value = getattr(state.obj(), attribute)
    values = {value} if value is not None else set()
    if include_previous and attribute in state.attrs:
        values.update(v for v in state.attrs[attribute].history.deleted if v is not None)
    return values


def _keys(instances, *, dirty=False, deleted=False):
    keys = {}
    for obj in instances:
        specs = _WATCH.get(type(obj))
        if not specs:
            continue
        state = inspect(obj)
        for prefix, attribute, attributes in specs:
            if dirty and not _changed(state, attributes):
                continue
            # A deleted root row ("thread", "id") deletes its document; a deleted part (a post)
            # changes its document. The drainer re-reads the database either way.
            op = "delete" if deleted and attribute == "id" else "upsert"
            for value in _values(state, attribute, include_previous=dirty):
                keys[f"{prefix}:{value}"] = op
    return keys


def _before_flush(session, _flush_context, _instances):
    # Deleted rows: read their keys while the row still exists (after the flush an expired
    # attribute could not be loaded any more).
    if not _WATCH or not session.deleted:
        return
    with session.no_autoflush:
        keys = _keys(session.deleted, deleted=True)
    session.info.setdefault(_INFO_PENDING_DELETES, {}).update(keys)


def _after_flush(session, _flush_context):
    if not _WATCH:
        return
    keys = dict(session.info.pop(_INFO_PENDING_DELETES, {}))
    for key, op in _keys(session.new).items():
        keys.setdefault(key, op)
    for key, op in _keys(session.dirty, dirty=True).items():
        keys.setdefault(key, op)
    if not keys:
        return
    now = utcnow()
    session.connection().execute(
        insert(SearchOutbox.__table__), [{"doc_key": key, "op": op, "created_at": now} for key, op in keys.items()]
    )
    session.info[_INFO_WROTE] = True


def _after_commit(session):
    if not session.info.pop(_INFO_WROTE, False) or not has_app_context():
        return
    from portal.search.drainer import content_committed

    content_committed(current_app._get_current_object())


def _after_rollback(session):
    session.info.pop(_INFO_WROTE, None)
    session.info.pop(_INFO_PENDING_DELETES, None)
