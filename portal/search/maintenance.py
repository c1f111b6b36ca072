"""Comparing the index with the database (`flask search verify`, and nightly in a worker) and repairing it."""

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import insert, select

from portal.db import utcnow
from portal.search.drainer import drain_outbox, get_state, session_factory
from portal.search.models import SearchOutbox

log = logging.getLogger("portal.search")


@dataclass
class VerifyReport:
    database: int = 0
    indexed: int = 0
    missing: list = field(default_factory=list)  # public in the database, absent from the index
    extra: list = field(default_factory=list)  # in the index, not public (or gone) in the database
    changed: list = field(default_factory=list)  # in both, with different content
    pending: list = field(default_factory=list)  # waiting in the outbox: not counted as drift
    derived: dict = field(default_factory=dict)  # e.g. {"stem_counts": rows that disagree}

    @property
    def drift(self):
        return bool(self.missing or self.extra or self.changed or self.derived)

    @property
    def drifted_keys(self):
        return [*self.missing, *self.extra, *self.changed]


def verify_index(app):
    """Compare document keys and content hashes of the database and the index."""
    state = get_state(app)
    backend = state.backend()
    with session_factory(app)() as session:
        raw = session.scalars(select(SearchOutbox.doc_key)).all()
        pending = set(state.registry.expand_keys(session, list(dict.fromkeys(raw))))
        expected = {doc.key: doc.content_hash for batch in state.registry.iter_documents(session) for doc in batch}
    indexed = backend.stored_hashes()
    report = VerifyReport(database=len(expected), indexed=len(indexed), pending=sorted(pending))
    report.missing = sorted(set(expected) - set(indexed) - pending)
    report.extra = sorted(set(indexed) - set(expected) - pending)
    report.changed = sorted(k for k in set(expected) & set(indexed) if expected[k] != indexed[k] and k not in pending)
    report.derived = backend.derived_drift()
    return report


def enqueue(app, keys):
    """Put keys in the outbox, so the drainer brings them in line with the database."""
    if not keys:
        return
    with session_factory(app)() as session:
        now = utcnow()
        session.execute(insert(SearchOutbox), [{"doc_key": key, "op": "upsert", "created_at": now} for key in keys])
        session.commit()


def repair(app, report):
    """Bring drifted documents and derived counts back in line with the database; return the report after."""
    enqueue(app, report.drifted_keys)
    drain_outbox(app, timeout=60.0)
    if report.derived:
        get_state(app).backend().repair_derived()
    return verify_index(app)


def verify_and_repair():
    """The nightly check: compare, repair what drifted, log both; return how many documents drifted."""
    app = current_app._get_current_object()
    report = verify_index(app)
    if not report.drift:
        return 0
    log.warning("search index drifted from the database; repairing",
                extra={"missing": len(report.missing), "extra": len(report.extra), "changed": len(report.changed),
                       "derived": report.derived})
    after = repair(app, report)
    if after.drift:
        log.error("search index still drifts after repair; run `flask search reindex`",
                  extra={"drifted": len(after.drifted_keys)})
    return len(report.drifted_keys)
