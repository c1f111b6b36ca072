"""Count the SQL statements a block of code sends, to catch N+1 queries on list pages."""

from contextlib import contextmanager

from flask import g, has_app_context
from sqlalchemy import event

from portal.extensions import db

# Transaction bookkeeping, not queries: whether a driver sends them says nothing about a page.
_BOOKKEEPING = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


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


def page_statements(client, url):
    """GET url as a fresh request would and return (its SQL statements, the status code).

    The session is emptied and Flask-Login's cached user forgotten first: pytest-flask keeps one
    app context for a whole test, so otherwise objects loaded by earlier requests or by the test
    itself would be served from the identity map and hide queries. The test's own objects are
    attached again afterwards, so it goes on using them (commit before measuring: changes not
    yet committed are dropped with the session).
    """
    with client.application.app_context():
        engine = db.engine
    kept = []
    if has_app_context():
        kept = list(db.session.identity_map.values())
        db.session.remove()
        g.pop("_login_user", None)
    with count_queries(engine) as statements:
        response = client.get(url)
    if has_app_context():
        db.session.expunge_all()  # what the request loaded, so the test's objects take their place
        for obj in kept:
            db.session.add(obj)
        g.pop("_login_user", None)
    kept_statements = [s for s in statements if not s.lstrip().upper().startswith(_BOOKKEEPING)]
    return kept_statements, response.status_code
