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
    _judge_lag(report)
    return report


def _judge_lag(report):
    # A stuck drainer leaves search showing withdrawn (e.g. newly hidden) content: unhealthy.
    if not has_app_context() or report.get("status") != "ok":
        return
    max_lag = current_app.config.get("SEARCH_OUTBOX_MAX_LAG_SECONDS")
    max_pending = current_app.config.get("SEARCH_OUTBOX_MAX_PENDING")
    lag, pending = report.get("oldest_pending_seconds"), report.get("pending")
    if max_lag is not None and lag is not None and lag > max_lag:
        report.update(status="error", detail="outbox_lag", max_lag_seconds=max_lag)
    elif max_pending is not None and pending is not None and pending > max_pending:
        report.update(status="error", detail="outbox_backlog", max_pending=max_pending)


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
