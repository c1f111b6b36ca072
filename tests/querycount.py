"""Count the SQL statements a block of code sends, to catch N+1 queries on list pages."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_queries(engine):
    """Yield a list that collects every statement sent to the engine inside the block."""
    statements = []

    def before_cursor_execute(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
