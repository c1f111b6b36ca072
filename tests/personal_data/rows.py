"""Make a row of any model with plain values, for tests that walk every model referencing users.

Required columns get a simple value of their type; a required foreign key gets a parent row
made the same way. Rows are inserted with Core, so no service rule shapes them: the tests ask
what the export and the erasure do with whatever a table can hold.
"""

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import TypeDecorator, insert

from portal.db import utcnow
from tests.conftest import nip_for

_numbers = itertools.count(1)
# Columns whose values pages parse: a plain "isi7" would not be a NIP.
FORMATTED = {
    ("asn_profiles", "nip"): lambda n: nip_for(n),
}


def user_columns(model_base):
    """Return every (table, column) of a mapped model whose foreign key points at users.id."""
    # Walks the mappers (call it once create_app has imported every capability's models).
    found = []
    for mapper in sorted(model_base.registry.mappers, key=lambda m: m.class_.__name__):
        for table in mapper.tables:
            for column in table.columns:
                if any(fk.target_fullname == "users.id" for fk in column.foreign_keys) and (table, column) not in found:
                    found.append((table, column))
    return found


def _python_type(column):
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return kind.python_type


def _value(column):
    n = next(_numbers)
    if (column.table.name, column.name) in FORMATTED:
        return FORMATTED[column.table.name, column.name](n)
    python_type = _python_type(column)
    if python_type is str:
        length = getattr(column.type, "length", None) or 40
        return f"isi{n}"[:length]
    if python_type is bool:
        return False
    if python_type is int:
        return n
    if python_type is Decimal:
        return Decimal("1.50")
    if python_type is float:
        return 1.5
    if python_type is date:
        return date(2026, 3, 2)
    if python_type.__name__ == "datetime":
        return utcnow()
    if python_type is dict:
        return {}
    raise AssertionError(f"no test value for {column} ({python_type})")


def make_row(session, table, *, user_fk=None, user=None, other_user=None, values=None):
    """Insert a row of the table; `user_fk` (a column) points at `user`, other user columns at `other_user`."""
    row = dict(values or {})
    for column in table.columns:
        if column.name in row:
            continue
        if column is user_fk:
            row[column.name] = user.id
            continue
        targets = list(column.foreign_keys)
        if targets:
            if column.nullable and not column.primary_key:
                continue
            target = targets[0].column
            if target.table.name == "users":
                row[column.name] = other_user.id
            else:
                row[column.name] = make_row(session, target.table, other_user=other_user, user=other_user)[target.name]
            continue
        if (
            column.primary_key
            and column.autoincrement in (True, "auto")
            and len(table.primary_key.columns) == 1
            and _python_type(column) is int
        ):
            continue
        if column.nullable or column.default is not None or column.server_default is not None:
            continue
        row[column.name] = _value(column)
    result = session.execute(insert(table).values(**row))
    for column, value in zip(table.primary_key.columns, result.inserted_primary_key, strict=True):
        row[column.name] = value
    return row
