"""Health of the search index, for /healthz."""

from flask import current_app, has_app_context
from sqlalchemy import func, select

from portal.extensions import db


def search_index_health(index_dir):
    """Report whether search is usable; a missing index is rebuilt, so it counts as healthy."""
    try:
        if has_app_context() and "search" in current_app.extensions \
                and current_app.config["SEARCH_INDEX_DIR"] == index_dir:
            from portal.search.drainer import get_backend

            report = get_backend().health()
        else:
            from portal.search.backends.whoosh_backend import WhooshBackend

            report = WhooshBackend(index_dir).health()
    except Exception as exc:  # any failure to open means the index is unhealthy
        return {"status": "error", "detail": type(exc).__name__}
    report.update(_outbox())
    return report


def _outbox():
    # How far the index lags: rows not yet applied, and the age of the oldest.
    if not has_app_context():
        return {}
    from portal.db import utcnow
    from portal.search.models import SearchOutbox

    try:
        count, oldest = db.session.execute(
            select(func.count(SearchOutbox.id), func.min(SearchOutbox.created_at))
        ).one()
    except Exception:  # the database check reports database trouble; search stays about search
        db.session.rollback()
        return {}
    lag = None
    if oldest is not None:
        oldest = SearchOutbox.created_at.type.process_result_value(oldest, None) if oldest.tzinfo is None else oldest
        lag = round((utcnow() - oldest).total_seconds(), 1)
    return {"pending": count, "oldest_pending_seconds": lag}
