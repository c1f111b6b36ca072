"""The search outbox: every flush that changes searchable content records the documents it touches.

A listener on the Session class sees new, changed and deleted instances of the watched models
and inserts one `search_outbox` row per affected document on the same connection, inside the
same transaction: a rollback drops the rows with the content, a commit cannot happen without
them, and no capability's service has to remember search exists.

Bulk statements (`session.execute(update(Thread).where(…).values(title=…))`) change rows without
instances; a second listener reads the keys of the rows they will touch first. Only SQL sent
around the Session (a console, a raw connection) escapes both: `flask search verify` finds it.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect, select
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
                           ("do_orm_execute", _before_bulk_statement),
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
    _write(session, keys)


def _write(session, keys):
    if not keys:
        return
    now = utcnow()
    session.connection().execute(
        insert(SearchOutbox.__table__), [{"doc_key": key, "op": op, "created_at": now} for key, op in keys.items()]
    )
    session.info[_INFO_WROTE] = True


def _watched_model(statement):
    # An ORM statement's table is an annotated copy of the model's, so compare by name.
    name = getattr(getattr(statement, "table", None), "name", None)
    return next((model for model in _WATCH if model.__table__.name == name), None)


def _set_values(statement, parameters):
    """Return {column name: new value, or None if not a plain value} for what an UPDATE sets."""
    values = getattr(statement, "_values", None) or dict(getattr(statement, "_ordered_values", None) or ())
    found = {getattr(key, "key", key): getattr(value, "value", None) for key, value in values.items()}
    for row in parameters if isinstance(parameters, list) else [parameters] if parameters else []:
        found.update(row)
    return found


def _before_bulk_statement(state):
    """Record the documents a bulk UPDATE or DELETE on a watched model is about to change.

    The keys are read before the statement runs, with its own WHERE clause: afterwards a deleted
    row is gone and an updated one may no longer match.
    """
    if not _WATCH or not (state.is_update or state.is_delete):
        return
    model = _watched_model(state.statement)
    if model is None:
        return
    mapper = inspect(model)
    new_values = _set_values(state.statement, state.parameters) if state.is_update else {}
    connection = state.session.connection()
    keys = {}
    for prefix, attribute, attributes in _WATCH[model]:
        watched = {column.key for name in attributes if name in mapper.column_attrs
                   for column in mapper.column_attrs[name].columns}
        if state.is_update and new_values and not watched & new_values.keys():
            continue  # e.g. a reply counter: nothing searchable changes
        key_column = mapper.column_attrs[attribute].columns[0]
        if state.statement.whereclause is not None:
            found = list(connection.scalars(select(key_column).where(state.statement.whereclause)))
        elif isinstance(state.parameters, list):  # bulk UPDATE by primary key: the rows name themselves
            primary_key = mapper.primary_key[0]
            ids = [row.get(primary_key.key) for row in state.parameters]
            found = list(connection.scalars(select(key_column).where(primary_key.in_(ids))))
        else:
            found = list(connection.scalars(select(key_column)))
        found.append(new_values.get(key_column.key))  # a part moved to another document
        op = "delete" if state.is_delete and attribute == "id" else "upsert"
        keys.update({f"{prefix}:{value}": op for value in found if value is not None})
    _write(state.session, keys)


def _after_commit(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the rows are committed only with the outer transaction
    if not session.info.pop(_INFO_WROTE, False) or not has_app_context():
        return
    from portal.search.drainer import content_committed

    content_committed(current_app._get_current_object())


def _after_rollback(session):
    if session.in_nested_transaction():
        return  # only a SAVEPOINT rolled back: rows written outside it still stand
    session.info.pop(_INFO_WROTE, None)
    session.info.pop(_INFO_PENDING_DELETES, None)
