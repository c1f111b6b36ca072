"""PostgreSQL backend: the `search_documents` table, a GIN index, stems made in Python.

The stems come from the same analyzer as Whoosh and are indexed with the `simple`
configuration, so both backends match the same words. Several web servers share it; the
single writer is coordinated with an advisory lock instead of a file lock.
"""

import time
from contextlib import contextmanager

from sqlalchemy import bindparam, delete, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert

from portal.search.analysis import stems, words
from portal.search.backends import FACETS, Backend, BackendPage, Hit
from portal.search.models import SearchDocument, SearchDocumentText
from portal.search.spelling import Vocabulary

LOCK_KEY = 0x5EA2C4  # the advisory lock every drainer and reindex takes before writing
SIMPLE = literal_column("'simple'::regconfig")
_COLUMNS = ("doc_key", "type", "object_id", "ref", "title", "unit", "service", "status", "kelurahan", "date")


def _lexeme(stem):
    return "'" + stem.replace("'", "''").replace("\\", "\\\\") + "'"


def _clauses(parsed):
    clauses = [_lexeme(stem) for stem in parsed.terms]
    clauses += ["(" + " <-> ".join(_lexeme(stem) for stem in phrase) + ")" for phrase in parsed.phrases]
    clauses += [_lexeme(prefix) + ":*" for prefix in parsed.prefixes]
    return clauses


def tsquery(parsed):
    """Return the to_tsquery text for a parsed query (stems are quoted, never raw input)."""
    clauses = _clauses(parsed)
    if not clauses:
        return None
    query = "(" + (" | " if parsed.any_term else " & ").join(clauses) + ")"
    if parsed.excluded:
        query += " & !(" + " | ".join(_lexeme(stem) for stem in parsed.excluded) + ")"
    return query


def title_tsqueries(parsed):
    """Return (every part in the title, some part in the title) queries for the ranking tiers."""
    clauses = _clauses(parsed)
    return " & ".join(clauses), " | ".join(clauses)


# One pass over the matches (a bitmap heap scan, the expensive part), materialised once, feeds
# both the page (tier, then newest) and the facet counts. ts_rank is not used: it reads every
# matching row's full tsvector from TOAST, 120–150 ms for a word in 30,000 of 100,000 documents.
SEARCH_SQL = """
WITH matched AS MATERIALIZED (
    SELECT doc_key, type, unit, status, date,
           CASE WHEN title_tsv @@ to_tsquery('simple', :title_all) THEN 3
                WHEN title_tsv @@ to_tsquery('simple', :title_any) THEN 2 ELSE 1 END AS tier
    FROM search_documents
    WHERE tsv @@ to_tsquery('simple', :query) {filters}
)
(SELECT 0 AS facet, doc_key, NULL AS type, NULL AS unit, NULL AS status, tier AS n
 FROM matched ORDER BY {order} LIMIT :limit OFFSET :offset)
UNION ALL
({counting})
"""
FACET_SQL = ("SELECT 1 + GROUPING(type, unit, status), NULL, type, unit, status, count(*) FROM matched "
             "GROUP BY GROUPING SETS ((type), (unit), (status), ())")
TOTAL_SQL = "SELECT 1, NULL, NULL, NULL, NULL, count(*) FROM matched"
FILTER_SQL = {"type": "type = :type", "unit": "unit = :unit", "status": "status = :status",
              "service": "service = :service", "kelurahan": "lower(kelurahan) = :kelurahan"}
TIER_SCORES = {3: 3.0, 2: 2.0, 1: 1.0}


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, engine, *, vocabulary_ttl=300.0):
        if engine.dialect.name != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        self.engine = engine
        self.vocabulary_ttl = vocabulary_ttl
        self._vocabulary = (0.0, None)

    # ------------------------------------------------------------------ queries

    def search(self, parsed, filters, *, sort="relevance", offset=0, limit=10, facets=True):
        query_text = tsquery(parsed)
        if query_text is None:
            return BackendPage([], 0, {name: {} for name in FACETS} if facets else {})
        title_all, title_any = title_tsqueries(parsed)
        params = {"query": query_text, "title_all": title_all, "title_any": title_any, "limit": limit,
                  "offset": offset}
        clauses = []
        for name, value in filters.items():
            clauses.append("AND " + FILTER_SQL[name])
            params[name] = value.lower() if name == "kelurahan" else value
        order = "date DESC, doc_key" if sort == "newest" else "tier DESC, date DESC, doc_key"
        sql = SEARCH_SQL.format(filters=" ".join(clauses), order=order, counting=FACET_SQL if facets else TOTAL_SQL)
        counts, total, page = {name: {} for name in FACETS}, 0, []
        with self.engine.connect() as conn:
            # For a word in ~40% of documents the planner picks a sequential scan, which reads every
            # row's tsvector back from TOAST (~240 ms); the GIN bitmap answers without them (~35 ms).
            # Both settings last for this transaction only.
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            conn.execute(text("SET LOCAL work_mem = '16MB'"))  # the materialised matches stay in memory
            for kind, key, doc_type, unit, status, n in conn.execute(text(sql), params):
                if kind == 0:
                    page.append((key, n))
                elif kind == 1 + 0b011:
                    counts["type"][doc_type] = n
                elif kind == 1 + 0b101 and unit is not None:
                    counts["unit"][unit] = n
                elif kind == 1 + 0b110 and status is not None:
                    counts["status"][status] = n
                elif kind == 1 + 0b111 or not facets:  # the grand total
                    total = n
            rows = {}
            if page:
                table, texts = SearchDocument.__table__, SearchDocumentText.__table__
                for row in conn.execute(select(*(table.c[c] for c in _COLUMNS), texts.c.body)
                                        .join(texts, texts.c.doc_key == table.c.doc_key)
                                        .where(table.c.doc_key.in_([key for key, _tier in page]))):
                    rows[row.doc_key] = row
        hits = [Hit(key=r.doc_key, type=r.type, object_id=r.object_id, title=r.title, body=r.body, date=r.date,
                    score=TIER_SCORES[tier], ref=r.ref, unit=r.unit, service=r.service, status=r.status,
                    kelurahan=r.kelurahan)
                for r, tier in ((rows.get(key), tier) for key, tier in page) if r is not None]
        return BackendPage(hits, total, counts if facets else {})

    # ------------------------------------------------------------------ writing

    @contextmanager
    def writer_lock(self, timeout):
        # A session-level advisory lock on a connection of its own, held for the whole drain.
        conn = self.engine.connect()
        deadline = time.monotonic() + timeout
        acquired = False
        try:
            while True:
                acquired = bool(conn.scalar(select(func.pg_try_advisory_lock(LOCK_KEY))))
                conn.commit()
                if acquired or time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
            yield acquired
        finally:
            if acquired:
                conn.scalar(select(func.pg_advisory_unlock(LOCK_KEY)))
                conn.commit()
            conn.close()

    @staticmethod
    def _row(doc):
        return {
            "doc_key": doc.key, "type": doc.type, "object_id": doc.object_id, "ref": doc.ref, "title": doc.title,
            "unit": doc.unit, "service": doc.service, "status": doc.status, "kelurahan": doc.kelurahan,
            "date": doc.date, "title_stems": " ".join(stems(doc.title)), "body_stems": " ".join(stems(doc.body)),
        }

    @staticmethod
    def _text(doc):
        return {"doc_key": doc.key, "body": doc.body, "content_hash": doc.content_hash,
                "title_words": " ".join(words(doc.title))}

    def apply(self, session, docs):
        gone = [key for key, doc in docs.items() if doc is None]
        present = [doc for doc in docs.values() if doc is not None]
        if gone:
            session.execute(delete(SearchDocumentText).where(SearchDocumentText.doc_key.in_(gone)))
            session.execute(delete(SearchDocument).where(SearchDocument.doc_key.in_(gone)))
        if present:
            session.execute(self._upsert_document(), [self._row(doc) for doc in present])
            session.execute(self._upsert_text(), [self._text(doc) for doc in present])

    @staticmethod
    def _upsert(table, values):
        statement = insert(table).values(values)
        return statement.on_conflict_do_update(
            index_elements=[table.c.doc_key],
            set_={name: statement.excluded[name] for name in values if name != "doc_key"},
        )

    def _upsert_document(self):
        values = {c: bindparam(c) for c in _COLUMNS}
        values["tsv"] = func.setweight(func.to_tsvector(SIMPLE, bindparam("title_stems")), literal_column("'A'")).op("||")(
            func.setweight(func.to_tsvector(SIMPLE, bindparam("body_stems")), literal_column("'B'"))
        )
        values["title_tsv"] = func.to_tsvector(SIMPLE, bindparam("title_stems"))
        return self._upsert(SearchDocument.__table__, values)

    def _upsert_text(self):
        values = {c: bindparam(c) for c in ("doc_key", "body", "content_hash")}
        values["words"] = func.to_tsvector(SIMPLE, bindparam("title_words"))
        return self._upsert(SearchDocumentText.__table__, values)

    def rebuild(self, registry, session_factory, progress=None, procs=None):
        # In place, batch by batch: each batch is rebuilt from the database under the writer
        # lock, so a concurrent drain can never be overwritten by older text, and searches keep
        # seeing every other row meanwhile. Rows nobody may see any more are removed at the end.
        count = 0
        seen = set()
        with session_factory() as session:
            plan = [(source.type, source.all_ids(session)) for source in registry]
        for doc_type, ids in plan:
            for start in range(0, len(ids), 500):
                keys = [f"{doc_type}:{i}" for i in ids[start:start + 500]]
                with self.writer_lock(60.0) as acquired:
                    if not acquired:
                        raise TimeoutError("the search writer lock stayed busy")
                    with session_factory() as session:
                        docs = registry.build(session, keys)
                        self.apply(session, docs)
                        session.commit()
                built = sum(1 for doc in docs.values() if doc is not None)
                seen.update(keys)
                count += built
                if progress:
                    progress(len(keys))
        with self.writer_lock(60.0) as acquired:
            if not acquired:
                raise TimeoutError("the search writer lock stayed busy")
            with session_factory() as session:
                visible = {f"{source.type}:{i}" for source in registry for i in source.all_ids(session)}
                indexed = set(session.scalars(select(SearchDocument.doc_key)))
                stale = sorted(indexed - visible)
                for start in range(0, len(stale), 1000):
                    self.apply(session, dict.fromkeys(stale[start:start + 1000]))
                session.commit()
        return count

    # ------------------------------------------------------------------ inspection

    def stored_hashes(self):
        with self.engine.connect() as conn:
            return dict(conn.execute(select(SearchDocumentText.doc_key, SearchDocumentText.content_hash)).all())

    def vocabulary(self):
        cached_at, vocabulary = self._vocabulary
        if vocabulary is not None and time.monotonic() - cached_at < self.vocabulary_ttl:
            return vocabulary
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT word, ndoc FROM ts_stat('SELECT words FROM search_document_texts')")).all()
        vocabulary = Vocabulary(dict(rows))
        self._vocabulary = (time.monotonic(), vocabulary)
        return vocabulary

    def warm(self):
        """Compute the vocabulary for "did you mean" (ts_stat reads every title: ~0.4 s on 100,000)."""
        self.vocabulary()

    def health(self):
        with self.engine.connect() as conn:
            documents = conn.scalar(select(func.count()).select_from(SearchDocument.__table__))
        return {"status": "ok", "backend": self.name, "documents": documents}
