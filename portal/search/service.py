"""Searching public content: one function for the search page, the API and the new-thread hints.

Services do not read the request: the views pass the query and filters as plain values.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.organisation.models import Unit
from portal.pagination import Paginated
from portal.search.backends import FACETS, Filters, IndexUnavailable
from portal.search.drainer import get_state, request_rebuild
from portal.search.highlight import highlight, snippet
from portal.search.query import parse_query
from portal.search.spelling import suggest_query

log = logging.getLogger("portal.search")

SORTS = ("relevance", "newest")
PER_PAGE = 10
MAX_PAGE = 50  # nobody reads 500 results; deeper pages only cost the server
ENDPOINTS = {
    "thread": ("forum.thread", lambda hit: {"thread_id": hit.object_id}),
    "feedback": ("feedback.detail", lambda hit: {"number": hit.ref}),
    "konsultasi": ("konsultasi.detail", lambda hit: {"consultation_id": hit.object_id}),
}


@dataclass
class SearchResult:
    key: str
    type: str
    type_label: str
    object_id: int
    title: str
    title_html: str
    snippet: str
    date: datetime
    score: float
    endpoint: str
    url_values: dict
    unit: str | None = None
    unit_name: str | None = None
    status: str | None = None
    status_label: str | None = None

    def url(self, external=False):
        """Return the link to the item (absolute with external=True, for the API)."""
        return url_for(self.endpoint, _external=external, **self.url_values)


@dataclass
class SearchPage(Paginated):
    """One page of results, shaped like Flask-SQLAlchemy's Pagination for the `pagination` macro."""

    text: str
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict = field(default_factory=dict)  # name → [(value, label, count)]
    messages: list = field(default_factory=list)
    did_you_mean: str | None = None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    searched: bool = False
    page_limit = MAX_PAGE  # not a field: deeper pages are refused


def _labels():
    state = get_state()
    types = {source.type: str(source.label) for source in state.registry}
    statuses = {}
    for source in state.registry:
        statuses.update({key: str(label) for key, label in source.statuses.items()})
    return types, statuses


def document_types():
    """Return the document types, in the registry's order."""
    return [source.type for source in get_state().registry]


def clean_filters(*, type=None, unit=None, status=None, service=None, kelurahan=None):
    """Return Filters keeping only well-formed values (unknown types and statuses are dropped)."""
    types, statuses = _labels()
    return Filters(
        type=type if type in types else None,
        unit=(unit or "").strip()[:80] or None,
        status=status if status in statuses else None,
        service=(service or "").strip()[:80] or None,
        kelurahan=(kelurahan or "").strip()[:80] or None,
    )


def _run(backend, parsed, filters, sort, offset, limit, facets):
    app = current_app._get_current_object()
    try:
        return backend.search(parsed, filters, sort=sort, offset=offset, limit=limit, facets=facets)
    except IndexUnavailable as error:
        log.warning("search index unavailable; rebuilding", extra={"detail": str(error)})
        if request_rebuild(app):
            return backend.search(parsed, filters, sort=sort, offset=offset, limit=limit, facets=facets)
        return None


def search(text, *, filters=None, sort="relevance", page=1, per_page=PER_PAGE, facets=True):
    """Search public content; return a SearchPage (messages explain an empty or cleaned-up query)."""
    filters = filters or Filters()
    sort = sort if sort in SORTS else "relevance"
    page = page if isinstance(page, int) and page >= 1 else 1
    result = SearchPage(text=text or "", page=page, per_page=per_page, filters=filters, sort=sort)
    parsed = parse_query(text)
    result.messages.extend(parsed.messages)
    if parsed.is_empty:
        return result
    if page > MAX_PAGE:
        result.messages.append(_("Hanya %(n)s halaman pertama yang ditampilkan. Persempit pencarian dengan kata "
                                 "atau saringan lain.", n=MAX_PAGE))
        return result
    result.searched = True
    backend = get_state().backend()
    offset = (page - 1) * per_page
    found = _run(backend, parsed, filters, sort, offset, per_page, facets)
    if found is None:
        result.messages.append(_("Indeks pencarian sedang disiapkan. Coba lagi dalam beberapa saat."))
        return result
    loosened = False
    if found.total == 0 and not parsed.any_term and len(parsed.terms) + len(parsed.phrases) + len(parsed.prefixes) > 1:
        looser = _run(backend, parsed.loosened(), filters, sort, offset, per_page, facets)
        if looser is not None and looser.total:
            found, loosened = looser, True
            result.messages.append(_("Tidak ada hasil yang memuat semua kata; ditampilkan hasil yang memuat "
                                     "sebagian kata."))
    if found.total == 0 or loosened:
        result.did_you_mean = _did_you_mean(backend, parsed)
    result.total = found.total
    # One query names the units of both the results and the facets.
    units = _unit_names({hit.unit for hit in found.hits if hit.unit} | set(found.facets.get("unit", {})))
    result.items = _results(found.hits, parsed, units)
    result.facets = _facets(found.facets, units) if facets else {}
    return result


def _did_you_mean(backend, parsed):
    try:
        vocabulary = backend.vocabulary()
    except IndexUnavailable:
        return None
    suggestion = suggest_query(parsed.text, vocabulary)
    return suggestion if suggestion and suggestion.lower() != parsed.text.lower() else None


def _unit_names(slugs):
    if not slugs:
        return {}
    return dict(db.session.execute(select(Unit.slug, Unit.name).where(Unit.slug.in_(slugs))).all())


def _results(hits, parsed, units=None):
    if not hits:
        return []
    # The index may lag the database by a moment: drop anything that stopped being public.
    visible = get_state().registry.visible_keys(db.session, [hit.key for hit in hits])
    hits = [hit for hit in hits if hit.key in visible]
    types, statuses = _labels()
    if units is None:
        units = _unit_names({hit.unit for hit in hits if hit.unit})
    wanted = parsed.highlight_stems
    items = []
    for hit in hits:
        endpoint, values = ENDPOINTS[hit.type]
        items.append(SearchResult(
            key=hit.key, type=hit.type, type_label=types.get(hit.type, hit.type), object_id=hit.object_id,
            title=hit.title, title_html=highlight(hit.title, wanted), snippet=snippet(hit.body, wanted),
            date=hit.date, score=round(hit.score, 4), endpoint=endpoint, url_values=values(hit), unit=hit.unit,
            unit_name=units.get(hit.unit, hit.unit), status=hit.status, status_label=statuses.get(hit.status, hit.status),
        ))
    return items


def _facets(counts, units):
    types, statuses = _labels()
    labels = {"type": types, "unit": units, "status": statuses}
    return {
        name: sorted(((value, labels[name].get(value, value), count) for value, count in counts.get(name, {}).items()),
                     key=lambda item: (-item[2], str(item[1])))
        for name in FACETS
    }


def suggest_titles(text, limit=5):
    """Return up to `limit` forum threads whose title or text match what is typed so far."""
    parsed = parse_query(text)
    if parsed.is_empty:
        return []
    parsed.any_term = True
    found = _run(get_state().backend(), parsed, Filters(type="thread"), "relevance", 0, limit, False)
    if found is None:
        return []
    return _results(found.hits, parsed)
