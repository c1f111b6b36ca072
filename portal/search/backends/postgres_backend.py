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
from portal.search.models import SearchDocument
from portal.search.spelling import Vocabulary

LOCK_KEY = 0x5EA2C4  # the advisory lock every drainer and reindex takes before writing
SIMPLE = literal_column("'simple'::regconfig")
_COLUMNS = ("doc_key", "type", "object_id", "ref", "title", "body", "unit", "service", "status", "kelurahan", "date")


def _lexeme(stem):
    return "'" + stem.replace("'", "''").replace("\\", "\\\\") + "'"


def tsquery(parsed):
    """Return the to_tsquery text for a parsed query (stems are quoted, never raw input)."""
    clauses = [_lexeme(stem) for stem in parsed.terms]
    clauses += ["(" + " <-> ".join(_lexeme(stem) for stem in phrase) + ")" for phrase in parsed.phrases]
    clauses += [_lexeme(prefix) + ":*" for prefix in parsed.prefixes]
    if not clauses:
        return None
    query = "(" + (" | " if parsed.any_term else " & ").join(clauses) + ")"
    if parsed.excluded:
        query += " & !(" + " | ".join(_lexeme(stem) for stem in parsed.excluded) + ")"
    return query


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
        table = SearchDocument.__table__
        query = func.to_tsquery(SIMPLE, query_text)
        where = [table.c.tsv.op("@@")(query)]
        where += [table.c[name] == value for name, value in filters.items() if name != "kelurahan"]
        if filters.kelurahan:
            where.append(func.lower(table.c.kelurahan) == filters.kelurahan.lower())
        score = func.ts_rank(table.c.tsv, query).label("score")
        order = (table.c.date.desc(), table.c.doc_key) if sort == "newest" else (score.desc(), table.c.date.desc())
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*(table.c[c] for c in _COLUMNS), score).where(*where).order_by(*order).offset(offset).limit(limit)
            ).all()
            hits = [Hit(key=r.doc_key, type=r.type, object_id=r.object_id, title=r.title, body=r.body, date=r.date,
                        score=float(r.score), ref=r.ref, unit=r.unit, service=r.service, status=r.status,
                        kelurahan=r.kelurahan) for r in rows]
            counts, total = {name: {} for name in FACETS}, 0
            if facets:
                grouping = func.grouping(table.c.type, table.c.unit, table.c.status).label("g")
                for row in conn.execute(
                    select(table.c.type, table.c.unit, table.c.status, grouping, func.count().label("n"))
                    .where(*where)
                    .group_by(text("GROUPING SETS ((type), (unit), (status), ())"))
                ):
                    # GROUPING() sets a bit for every column *not* grouped in this row's set.
                    if row.g == 0b011:
                        counts["type"][row.type] = row.n
                    elif row.g == 0b101 and row.unit is not None:
                        counts["unit"][row.unit] = row.n
                    elif row.g == 0b110 and row.status is not None:
                        counts["status"][row.status] = row.n
                    elif row.g == 0b111:
                        total = row.n
            else:
                total = conn.scalar(select(func.count()).select_from(table).where(*where))
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
            "body": doc.body, "unit": doc.unit, "service": doc.service, "status": doc.status,
            "kelurahan": doc.kelurahan, "date": doc.date, "content_hash": doc.content_hash,
            "title_stems": " ".join(stems(doc.title)), "body_stems": " ".join(stems(doc.body)),
            "title_words": " ".join(words(doc.title)),
        }

    def apply(self, session, docs):
        gone = [key for key, doc in docs.items() if doc is None]
        rows = [self._row(doc) for doc in docs.values() if doc is not None]
        if gone:
            session.execute(delete(SearchDocument).where(SearchDocument.doc_key.in_(gone)))
        if rows:
            session.execute(self._upsert(), rows)

    @staticmethod
    def _upsert():
        table = SearchDocument.__table__
        values = {c: bindparam(c) for c in (*_COLUMNS, "content_hash")}
        values["tsv"] = func.setweight(func.to_tsvector(SIMPLE, bindparam("title_stems")), literal_column("'A'")).op("||")(
            func.setweight(func.to_tsvector(SIMPLE, bindparam("body_stems")), literal_column("'B'"))
        )
        values["words"] = func.to_tsvector(SIMPLE, bindparam("title_words"))
        statement = insert(table).values(values)
        return statement.on_conflict_do_update(
            index_elements=[table.c.doc_key],
            set_={name: statement.excluded[name] for name in values if name != "doc_key"},
        )

    def rebuild(self, registry, session_factory, progress=None):
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
                    session.execute(delete(SearchDocument).where(SearchDocument.doc_key.in_(stale[start:start + 1000])))
                session.commit()
        return count

    # ------------------------------------------------------------------ inspection

    def stored_hashes(self):
        with self.engine.connect() as conn:
            return dict(conn.execute(select(SearchDocument.doc_key, SearchDocument.content_hash)).all())

    def vocabulary(self):
        cached_at, vocabulary = self._vocabulary
        if vocabulary is not None and time.monotonic() - cached_at < self.vocabulary_ttl:
            return vocabulary
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT word, ndoc FROM ts_stat('SELECT words FROM search_documents')")).all()
        vocabulary = Vocabulary(dict(rows))
        self._vocabulary = (time.monotonic(), vocabulary)
        return vocabulary

    def health(self):
        with self.engine.connect() as conn:
            documents = conn.scalar(select(func.count()).select_from(SearchDocument.__table__))
        return {"status": "ok", "backend": self.name, "documents": documents}
