"""PostgreSQL backend: the `search_documents` table, a GIN index, stems made in Python.

The stems come from the same analyzer as Whoosh and are indexed with the `simple`
configuration, so both backends match the same words. Several web servers share it; the
single writer is coordinated with an advisory lock instead of a file lock.
"""

import re
import time
from contextlib import contextmanager

from sqlalchemy import bindparam, delete, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert

from portal.search.analysis import stems, words
from portal.search.backends import FACETS, Backend, BackendPage, Hit
from portal.search.models import SearchCountedStem, SearchDocument, SearchDocumentText
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


# The search runs as one counting pass plus a few small ordered reads, not one big pass:
#
# * Counting (total and facets) must visit every match: a GIN bitmap heap scan, the expensive
#   part, grouped by (type, unit, status) in one hash table and folded into facets in Python.
# * The page is read tier by tier (every query part in the title, some part in the title, the
#   rest), each tier newest first. `ORDER BY date DESC LIMIT n` lets PostgreSQL walk the date
#   index and stop after n rows for common words, or sort a small bitmap for rare ones, instead
#   of ranking every match. A title match implies a document match (the title is part of `tsv`),
#   so the top tier is read from the small title index alone.
#
# Measured on 100,000 documents (bench/search_bench.py, service p95): 58–84 ms for the earlier
# single pass (materialised matches with a per-row tier, grouping sets), 38 ms for this, 35 ms with
# the counts of common stems kept ready (one-word p50 30 → 10 ms). ts_rank is not used: it reads
# every matching row's full tsvector, 120–150 ms for a word in 30% of documents.
MATCH = "tsv @@ to_tsquery('simple', :query)"
TITLE_ALL = "title_tsv @@ to_tsquery('simple', :title_all)"
TITLE_ANY = "title_tsv @@ to_tsquery('simple', :title_any)"
COUNT_SQL = "SELECT type, unit, status, count(*){tiers} FROM search_documents WHERE {match}{filters} GROUP BY 1, 2, 3"
TIER_COUNTS = f", count(*) FILTER (WHERE {TITLE_ALL}), count(*) FILTER (WHERE {TITLE_ANY})"
PAGE_SQL = ("SELECT doc_key FROM search_documents WHERE {where}{filters} "
            "ORDER BY date DESC, doc_key LIMIT :limit OFFSET :offset")
HITS_SQL = """
SELECT d.doc_key, d.type, d.object_id, d.ref, d.title, d.unit, d.service, d.status, d.kelurahan, d.date, t.body,
       CASE WHEN title_tsv @@ to_tsquery('simple', :title_all) THEN 3
            WHEN title_tsv @@ to_tsquery('simple', :title_any) THEN 2 ELSE 1 END AS tier
FROM search_documents d JOIN search_document_texts t ON t.doc_key = d.doc_key
WHERE d.doc_key = ANY(:keys)
"""
FILTER_SQL = {"type": "type = :type", "unit": "unit = :unit", "status": "status = :status",
              "service": "service = :service", "kelurahan": "lower(kelurahan) = :kelurahan"}


# Facet counts kept ready for common stems (SearchCountedStem): a one-word search for a word in a
# third of all documents reads a few hundred count rows instead of visiting 30,000 documents.
# The counts change in the same transaction as the documents, from the same tsvectors, so they
# always agree with what `tsv @@ 'stem'` would count.
CHANGE_COUNTS_SQL = """
INSERT INTO search_stem_counts (stem, type, unit, status, documents)
SELECT s.stem, d.type, coalesce(d.unit, ''), coalesce(d.status, ''), :sign * count(*)
FROM search_documents d CROSS JOIN unnest(tsvector_to_array(d.tsv)) AS s(stem)
JOIN search_counted_stems c ON c.stem = s.stem
WHERE d.doc_key = ANY(:keys)
GROUP BY 1, 2, 3, 4
ON CONFLICT (stem, type, unit, status) DO UPDATE SET documents = search_stem_counts.documents + excluded.documents
"""
CHOOSE_STEMS_SQL = """
INSERT INTO search_counted_stems (stem)
SELECT word FROM ts_stat('SELECT tsv FROM search_documents') WHERE ndoc >= :counted_from AND length(word) <= 80
"""
RECOUNT_SQL = """
SELECT s.stem, d.type, coalesce(d.unit, '') AS unit, coalesce(d.status, '') AS status, count(*) AS documents
FROM search_documents d CROSS JOIN unnest(tsvector_to_array(d.tsv)) AS s(stem)
JOIN search_counted_stems c ON c.stem = s.stem
GROUP BY 1, 2, 3, 4
"""
COUNT_STEMS_SQL = "INSERT INTO search_stem_counts (stem, type, unit, status, documents) {recount}"
# Rows kept but not recounted, or recounted but not kept: both are drift. One statement, one snapshot.
COUNTS_DRIFT_SQL = """
WITH kept AS (SELECT stem, type, unit, status, documents FROM search_stem_counts WHERE documents <> 0),
     recount AS ({recount})
SELECT count(*) FROM ((SELECT * FROM kept EXCEPT SELECT * FROM recount)
                      UNION ALL (SELECT * FROM recount EXCEPT SELECT * FROM kept)) AS d
"""
# No row at all: the stem is not counted. A row with NULLs: counted, but nothing matches the filters.
READ_COUNTS_SQL = """
SELECT n.type, nullif(n.unit, ''), nullif(n.status, ''), n.documents
FROM search_counted_stems k
LEFT JOIN search_stem_counts n ON n.stem = k.stem AND n.documents > 0{filters}
WHERE k.stem = :stem
"""
COUNTED_FILTER_SQL = {"type": "n.type = :type", "unit": "n.unit = :unit", "status": "n.status = :status"}
_PLAIN_STEM = re.compile(r"[a-z0-9]+")  # one lexeme for the `simple` parser, whatever the text around it


def counted_stem(parsed, filters, offset):
    """Return the stem whose counts may be read instead of counted, or None.

    Only for one plain word, filters the counts know (type, unit, status), and the first page
    (later pages need the tier sizes, which only the counting pass gives).
    """
    if offset or parsed.phrases or parsed.prefixes or parsed.excluded or len(parsed.terms) != 1:
        return None
    if any(name not in COUNTED_FILTER_SQL for name, _value in filters.items()):
        return None
    stem = parsed.terms[0]
    return stem if _PLAIN_STEM.fullmatch(stem) else None


def tiers(parsed, sort):
    """Return [(tier, SQL condition)] in page order: best tier first, each read newest first."""
    if sort == "newest":
        return [(None, MATCH)]
    # Excluded words may sit in the body, so only then must a title match be checked against tsv.
    in_title_all = TITLE_ALL + (f" AND {MATCH}" if parsed.excluded else "")
    rest = (1, f"{MATCH} AND NOT {TITLE_ANY}")
    if len(_clauses(parsed)) == 1:  # one part: "all parts in the title" and "some part" coincide
        return [(3, in_title_all), rest]
    return [(3, in_title_all), (2, f"{TITLE_ANY} AND NOT {TITLE_ALL} AND {MATCH}"), rest]


def _fold_counts(rows, need_sizes):
    """Fold (type, unit, status, count[, in title all, in title any]) rows into facets, total, tier sizes."""
    counts, total, sizes = {name: {} for name in FACETS}, 0, {3: 0, 2: 0, 1: 0}
    for row in rows:
        doc_type, unit, status, n = row[:4]
        total += n
        for name, value in (("type", doc_type), ("unit", unit), ("status", status)):
            if value is not None:
                counts[name][value] = counts[name].get(value, 0) + n
        if need_sizes:
            sizes[3] += row[4]
            sizes[2] += row[5] - row[4]
    sizes[1] = total - sizes[3] - sizes[2]
    return counts, total, sizes


def _page_keys(conn, plan, sizes, params, filter_sql, offset, limit):
    """Read the page's document keys tier by tier, skipping tiers that lie wholly before `offset`."""
    keys, skip = [], offset
    for tier, condition in plan:
        if len(keys) >= limit:
            break
        if tier is not None and skip and skip >= sizes[tier]:
            skip -= sizes[tier]
            continue
        sql = PAGE_SQL.format(where=condition, filters=filter_sql)
        keys += conn.scalars(text(sql), {**params, "limit": limit - len(keys), "offset": skip}).all()
        skip = 0
    return keys


def _hits(conn, keys, params):
    """Load the display fields of the page's documents, in page order."""
    if not keys:
        return []
    rows = {row.doc_key: row for row in conn.execute(text(HITS_SQL), {**params, "keys": keys})}
    return [Hit(key=r.doc_key, type=r.type, object_id=r.object_id, title=r.title, body=r.body, date=r.date,
                score=float(r.tier), ref=r.ref, unit=r.unit, service=r.service, status=r.status,
                kelurahan=r.kelurahan)
            for r in (rows.get(key) for key in keys) if r is not None]


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, engine, *, vocabulary_ttl=300.0, counted_stems_from=2000, use_counted_stems=True):
        if engine.dialect.name != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        self.engine = engine
        self.counted_stems_from = counted_stems_from  # documents a stem is in for its counts to be kept
        self.use_counted_stems = use_counted_stems  # False: always count by visiting (for comparisons)
        self.vocabulary_ttl = vocabulary_ttl
        self._vocabulary = (0.0, None)

    # ------------------------------------------------------------------ queries

    def search(self, parsed, filters, *, sort="relevance", offset=0, limit=10, facets=True):
        query_text = tsquery(parsed)
        if query_text is None:
            return BackendPage([], 0, {name: {} for name in FACETS} if facets else {})
        title_all, title_any = title_tsqueries(parsed)
        params = {"query": query_text, "title_all": title_all, "title_any": title_any}
        for name, value in filters.items():
            params[name] = value.lower() if name == "kelurahan" else value
        filter_sql = "".join(" AND " + FILTER_SQL[name] for name, _value in filters.items())
        plan = tiers(parsed, sort)
        with self.engine.connect() as conn:
            # For a word in ~40% of documents the planner picks a sequential scan, which reads every
            # row's tsvector back from TOAST (~240 ms); the GIN bitmap answers without them (~35 ms).
            # The setting lasts for this transaction only.
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            # Later pages skip whole tiers, so they need each tier's size (counted in the same pass).
            need_sizes = offset > 0 and plan[0][0] is not None
            rows = None
            stem = counted_stem(parsed, filters, offset) if self.use_counted_stems else None
            if stem:
                counted_filters = "".join(" AND " + COUNTED_FILTER_SQL[name] for name, _value in filters.items())
                found = conn.execute(text(READ_COUNTS_SQL.format(filters=counted_filters)), {**params, "stem": stem}).all()
                rows = [row for row in found if row[0] is not None] if found else None  # no row: not counted
            if rows is None:  # not a counted stem: count by visiting the matches
                sql = COUNT_SQL.format(tiers=TIER_COUNTS if need_sizes else "", match=MATCH, filters=filter_sql)
                rows = conn.execute(text(sql), params)
            counts, total, sizes = _fold_counts(rows, need_sizes)
            keys = _page_keys(conn, plan, sizes, params, filter_sql, offset, limit) if total else []
            hits = _hits(conn, keys, params)
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

    @contextmanager
    def _writing(self, timeout=60.0):
        """Hold the writer lock for maintenance work, or fail if it stays busy for `timeout` s."""
        with self.writer_lock(timeout) as acquired:
            if not acquired:
                raise TimeoutError("the search writer lock stayed busy")
            yield

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
        keys = list(docs)
        # Take the documents' old stems out of the kept counts, write, then add the new ones.
        session.execute(text(CHANGE_COUNTS_SQL), {"sign": -1, "keys": keys})
        if gone:
            session.execute(delete(SearchDocumentText).where(SearchDocumentText.doc_key.in_(gone)))
            session.execute(delete(SearchDocument).where(SearchDocument.doc_key.in_(gone)))
        if present:
            session.execute(self._upsert_document(), [self._row(doc) for doc in present])
            session.execute(self._upsert_text(), [self._text(doc) for doc in present])
            session.execute(text(CHANGE_COUNTS_SQL), {"sign": 1, "keys": [doc.key for doc in present]})

    def count_common_stems(self, session):
        """Choose the stems whose counts are kept (those in ≥ counted_stems_from documents) and count them."""
        session.execute(delete(SearchCountedStem))  # their counts go with them (ON DELETE CASCADE)
        session.execute(text(CHOOSE_STEMS_SQL), {"counted_from": self.counted_stems_from})
        session.execute(text(COUNT_STEMS_SQL.format(recount=RECOUNT_SQL)))

    def derived_drift(self):
        """Return {what: rows} where the kept stem counts disagree with a recount (one snapshot)."""
        with self.engine.connect() as conn:
            rows = conn.scalar(text(COUNTS_DRIFT_SQL.format(recount=RECOUNT_SQL)))
        return {"stem_counts": rows} if rows else {}

    def repair_derived(self):
        with self._writing(), self.engine.begin() as conn:
            self.count_common_stems(conn)

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
                with self._writing(), session_factory() as session:
                    docs = registry.build(session, keys)
                    self.apply(session, docs)
                    session.commit()
                built = sum(1 for doc in docs.values() if doc is not None)
                seen.update(keys)
                count += built
                if progress:
                    progress(len(keys))
        with self._writing(), session_factory() as session:
            visible = {f"{source.type}:{i}" for source in registry for i in source.all_ids(session)}
            indexed = set(session.scalars(select(SearchDocument.doc_key)))
            stale = sorted(indexed - visible)
            for start in range(0, len(stale), 1000):
                self.apply(session, dict.fromkeys(stale[start:start + 1000]))
            self.count_common_stems(session)
            session.commit()
        self.tidy()
        return count

    def tidy(self):
        """VACUUM and ANALYZE the search tables after a rebuild.

        Fresh statistics tell the planner which words are common (walk the date index) and which
        are rare (sort a small bitmap); without them a rebuilt table is planned as if every word
        were rare. VACUUM also drops the row versions the rebuild replaced.
        """
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) search_documents, search_document_texts, search_stem_counts"))

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
