"""Search backends behind one interface: Whoosh files on one host, or PostgreSQL for many."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

FACETS = ("type", "unit", "status")


class IndexUnavailable(Exception):
    """The index is missing or unreadable; it must be rebuilt from the database."""


class ReindexRunning(Exception):
    """Another process is already rebuilding the index."""


@dataclass(frozen=True)
class Filters:
    """Exact-match filters on document fields; None means "any"."""

    type: str | None = None
    unit: str | None = None
    status: str | None = None
    service: str | None = None
    kelurahan: str | None = None

    def items(self):
        return [(name, value) for name, value in vars(self).items() if value]


@dataclass
class Hit:
    key: str
    type: str
    object_id: int
    title: str
    body: str
    date: datetime
    score: float
    ref: str | None = None
    unit: str | None = None
    service: str | None = None
    status: str | None = None
    kelurahan: str | None = None


@dataclass
class BackendPage:
    hits: list
    total: int
    facets: dict = field(default_factory=dict)  # facet name → {value: count}


class Backend:
    """What every backend does. Writes happen only inside `writer_lock`, by one writer at a time."""

    name = None

    def search(self, parsed, filters, *, sort="relevance", offset=0, limit=10, facets=True):
        """Return a BackendPage of hits for a parsed query, filters and sort order."""
        raise NotImplementedError

    @contextmanager
    def writer_lock(self, timeout):
        """Hold the single-writer lock (yield True), or yield False if it stayed busy for `timeout` s."""
        raise NotImplementedError
        yield  # pragma: no cover

    def ready(self):
        """Say whether the index exists and opens."""
        return True

    def apply(self, session, docs):
        """Write {key: Document or None (delete)} to the index; called under `writer_lock`."""
        raise NotImplementedError

    def rebuild(self, registry, session_factory, progress=None, procs=None):
        """Rebuild everything from the database without taking search offline; return the count."""
        raise NotImplementedError

    def stored_hashes(self):
        """Return {key: content hash} of every indexed document."""
        raise NotImplementedError

    def vocabulary(self):
        """Return the title vocabulary (a spelling.Vocabulary) for "did you mean"."""
        raise NotImplementedError

    def health(self):
        """Return a small status dict for /healthz."""
        raise NotImplementedError

    def warm(self):
        """Prepare caches ahead of the first query (called by the worker after each drain)."""

    def derived_drift(self):
        """Return {what: rows} for derived data (kept counts) that disagrees with the documents."""
        return {}

    def repair_derived(self):
        """Rebuild the derived data from the documents."""

    def maintain(self):
        """Do housekeeping outside requests (merge small segments); called by the drainer when idle."""
