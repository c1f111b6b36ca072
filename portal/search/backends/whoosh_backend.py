"""Whoosh backend: index generations on local disk, one writer at a time, one searcher per thread.

Layout of SEARCH_INDEX_DIR:
    CURRENT       name of the live generation, replaced atomically (os.replace) by a reindex
    gen-…/        one Whoosh index per generation; the live one and the one before are kept
    drain.lock    flock held by whoever writes (drainer, reindex swap); other writers wait or skip
    build.lock    flock held for the whole of a reindex, so only one runs
    BUILDING      the generation a reindex is building; while it exists drained keys are also
    replay.keys   appended here, and replayed into the new generation just before the swap
"""

import copy
import fcntl
import gc
import logging
import os
import shutil
import threading
import time
import uuid
import warnings
from contextlib import contextmanager, suppress
from datetime import UTC

from whoosh import index
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from portal.search.analysis import ANALYZER, WORDS_ANALYZER
from portal.search.backends import FACETS, Backend, BackendPage, Hit, IndexUnavailable, ReindexRunning
from portal.search.backends.bitsets import BitsetSearch, SegmentBits
from portal.search.spelling import Vocabulary

log = logging.getLogger("portal.search")

CURRENT, BUILDING, JOURNAL = "CURRENT", "BUILDING", "replay.keys"
DRAIN_LOCK, BUILD_LOCK = "drain.lock", "build.lock"
GENERATION_PREFIX = "gen-"


def make_schema():
    """Return the index schema: stemmed title and body, facet fields, stored fields for display."""
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True),
        object_id=STORED(),
        ref=STORED(),
        title=TEXT(analyzer=ANALYZER, stored=True),
        body=TEXT(analyzer=ANALYZER, stored=True),
        words=TEXT(analyzer=WORDS_ANALYZER, phrase=False),
        unit=ID(stored=True),
        service=ID(stored=True),
        status=ID(stored=True),
        kelurahan=ID(stored=True),  # lower case, for an exact filter
        date=DATETIME(stored=True, sortable=True),  # the column gives each segment its date order
        hash=STORED(),
    )


def document_fields(doc):
    """Return the Whoosh fields of a Document."""
    fields = {
        "key": doc.key, "type": doc.type, "object_id": doc.object_id, "title": doc.title, "body": doc.body,
        "words": doc.title, "date": doc.date.astimezone(UTC).replace(tzinfo=None), "hash": doc.content_hash,
    }
    for name in ("ref", "unit", "service", "status"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    if doc.kelurahan:
        fields["kelurahan"] = doc.kelurahan.lower()
    return fields


def _unavailable(error):
    """Return IndexUnavailable for a Whoosh failure, first closing the files Whoosh left open."""
    detail = f"{type(error).__name__}: {error}"
    # Whoosh does not close what it opened when reading junk fails; without this the files
    # close later, at garbage collection, with a ResourceWarning (an error under -W error).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        error.__traceback__ = None
        gc.collect()
    return IndexUnavailable(detail)


SMALL_SEGMENT_SHARE = 20  # a segment under 1/20 of the index (or under 1,000 documents) is "small"


def merge_small_segments(writer, segments):
    """Merge policy: fold the small segments into one, leave the big ones alone.

    Each drain commits a tiny segment (no merge, so it is quick), and a search pays per segment.
    Whoosh's MERGE_SMALL barely merges a pile of one-document segments, and OPTIMIZE rewrites
    the whole index (tens of seconds holding the writer lock, so nothing is fresh meanwhile).
    Merging only the small ones costs about as much as they hold; `flask search reindex`
    compacts the rest.
    """
    total = sum(segment.doc_count_all() for segment in segments)
    limit = max(1000, total // SMALL_SEGMENT_SHARE)
    small = [segment for segment in segments if segment.doc_count_all() < limit]
    if len(small) < 2:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in small]


def _rebound(reader, segment, generation):
    """Return a copy of a segment reader that sees the segment's newer deletion set."""
    fresh = copy.copy(reader)
    fresh.__dict__.pop("deleted_docs_set", None)  # a cached_property of the old deletions
    fresh._segment = segment
    fresh._gen = generation
    perdoc = copy.copy(reader._perdoc)
    perdoc._segment = segment
    fresh._perdoc = perdoc
    return fresh


class FileLock:
    """An exclusive flock on a file: works across processes, and across threads of one process."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def acquire(self, timeout=0.0):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.01)

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class WhooshBackend(Backend):
    name = "whoosh"

    def __init__(self, index_dir, *, refresh_interval=0.0, vocabulary_ttl=60.0, max_segments=8, procs=1,
                 limitmb=256):
        self.root = os.path.abspath(index_dir)
        self.refresh_interval = refresh_interval
        self.vocabulary_ttl = vocabulary_ttl
        self.max_segments = max_segments
        self.procs = procs
        self.limitmb = limitmb
        self._local = threading.local()
        self._indexes = {}
        self._lock = threading.Lock()
        self._vocabulary = (None, 0.0, None)
        self._bits = {}  # segment id → SegmentBits, shared by the threads of this process

    # ------------------------------------------------------------------ generations

    def _path(self, name):
        return os.path.join(self.root, name)

    def current_generation(self):
        """Return the name of the live generation, or None when there is no index yet."""
        try:
            with open(self._path(CURRENT)) as handle:
                name = handle.read().strip()
        except FileNotFoundError:
            return None
        return name or None

    def _open(self, generation):
        with self._lock:
            ix = self._indexes.get(generation)
            if ix is None:
                try:
                    ix = index.open_dir(self._path(generation))
                except Exception as error:  # junk or missing files: the index must be rebuilt
                    raise _unavailable(error) from None
                self._indexes = {generation: ix}  # forget older generations
            return ix

    def ready(self):
        generation = self.current_generation()
        if generation is None:
            return False
        try:
            self._open(generation)
        except IndexUnavailable:
            return False
        return True

    def _searcher(self):
        generation = self.current_generation()
        if generation is None:
            raise IndexUnavailable("no index yet")
        entry = getattr(self._local, "entry", None)
        now = time.monotonic()
        if entry is not None and entry[0] == generation:
            searcher = entry[1]
            if now - entry[2] < self.refresh_interval:
                return searcher
            ix = self._open(generation)
            if ix.latest_generation() != searcher.reader().generation():
                searcher = self._refreshed(ix, searcher)
            self._local.entry = (generation, searcher, now)
            return searcher
        if entry is not None:
            entry[1].close()
            self._local.entry = None
        try:
            searcher = self._open(generation).searcher()
        except IndexUnavailable:
            raise
        except Exception as error:
            raise _unavailable(error) from None
        self._local.entry = (generation, searcher, now)
        self._forget_other_segments(searcher)
        return searcher

    def forget_searcher(self):
        """Drop this thread's searcher (after an error, so the next search opens a fresh one)."""
        entry = getattr(self._local, "entry", None)
        self._local.entry = None
        if entry is not None:
            try:
                entry[1].close()
            except Exception:  # a broken searcher may fail to close; it is dropped anyway
                log.debug("closing a broken searcher failed", exc_info=True)

    def _refreshed(self, ix, searcher):
        """Return a searcher on the newest commit, reusing the segment readers that did not change.

        Not searcher.refresh(): whoosh-reloaded 2.7.5 reuses a segment's reader by segment id and
        so keeps its *old* deletion set — updated or deleted documents would linger in results.
        Opening a whole new searcher is correct but costs ~100 ms on 100,000 documents, after
        every drain. So: new readers for new segments, the old reader for an unchanged one, and
        for a segment that only gained deletions a copy of its reader pointing at the new
        deletion set (the files are shared, so the old searcher is dropped, never closed).
        """
        try:
            toc = ix._read_toc()
            old = {reader.segment().segment_id(): reader for reader, _offset in searcher.reader().leaf_readers()
                   if reader.segment() is not None}
            readers = []
            for segment in toc.segments:
                reader = old.pop(segment.segment_id(), None)
                if reader is None:
                    reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                else:
                    reader = _rebound(reader, segment, toc.generation)
                readers.append(reader)
            for reader in old.values():  # merged away: nothing new shares their files
                reader.close()
            if not readers:
                reader = EmptyReader(toc.schema)
            elif len(readers) == 1:
                reader = readers[0]
            else:
                reader = MultiReader(readers, generation=toc.generation)
            fresh = Searcher(reader, fromindex=ix)
        except Exception:  # anything unexpected: the slow, plain way
            log.warning("incremental searcher refresh failed; reopening", exc_info=True)
            fresh = ix.searcher()
        self._forget_other_segments(fresh)
        return fresh

    def _forget_other_segments(self, searcher):
        live = {r.segment().segment_id() for r, _o in searcher.reader().leaf_readers() if r.segment() is not None}
        with self._lock:
            self._bits = {key: value for key, value in self._bits.items() if key in live}

    def _segment_bits(self, reader):
        segment_id = reader.segment().segment_id()
        bits = self._bits.get(segment_id)
        if bits is None:
            with self._lock:
                bits = self._bits.get(segment_id)
                if bits is None:
                    bits = self._bits[segment_id] = SegmentBits(reader)
        return bits

    def warm(self):
        """Prepare the segments' date order and the vocabulary, so no visitor waits for them."""
        searcher = self._searcher()
        for sub, _offset in searcher.leaf_searchers():
            if sub.reader().doc_count_all():
                self._segment_bits(sub.reader())
        self.vocabulary()

    # ------------------------------------------------------------------ queries

    def search(self, parsed, filters, *, sort="relevance", offset=0, limit=10, facets=True):
        try:
            return self._search(parsed, filters, sort=sort, offset=offset, limit=limit, facets=facets)
        except IndexUnavailable:
            raise
        except Exception as error:  # unreadable segment files: treat as a corrupt index
            self.forget_searcher()
            raise _unavailable(error) from None

    def _search(self, parsed, filters, *, sort, offset, limit, facets):
        searcher = self._searcher()
        total, counts, chosen = BitsetSearch(searcher, self._segment_bits).run(
            parsed, filters, sort=sort, offset=offset, limit=limit, facets=facets, facet_fields=FACETS)
        hits = [self._hit(sub.reader().stored_fields(docnum), score) for sub, docnum, score in chosen]
        return BackendPage(hits, total, counts)

    @staticmethod
    def _hit(fields, score):
        return Hit(
            key=fields["key"], type=fields["type"], object_id=fields["object_id"], title=fields.get("title", ""),
            body=fields.get("body", ""), date=fields["date"].replace(tzinfo=UTC), score=score,
            ref=fields.get("ref"), unit=fields.get("unit"), service=fields.get("service"),
            status=fields.get("status"), kelurahan=fields.get("kelurahan"),
        )

    # ------------------------------------------------------------------ writing

    @contextmanager
    def writer_lock(self, timeout):
        os.makedirs(self.root, exist_ok=True)
        lock = FileLock(self._path(DRAIN_LOCK))
        acquired = lock.acquire(timeout)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()

    @staticmethod
    def _write(ix, docs, merge=False):
        try:
            writer = ix.writer(timeout=30.0)
        except LockError:
            raise
        except Exception as error:  # an unreadable table of contents: rebuild
            raise _unavailable(error) from None
        try:
            for key, doc in docs.items():
                if doc is None:
                    writer.delete_by_term("key", key)
                else:
                    writer.update_document(**document_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        # No merge in the drain: merging happens in `maintain`, when the drainer is idle.
        writer.commit(merge=merge)

    def apply(self, session, docs):
        generation = self.current_generation()
        if generation is None:
            raise IndexUnavailable("no index yet")
        self._write(self._open(generation), docs)
        building = self._building()
        if building and building != generation:
            with open(self._path(JOURNAL), "a") as journal:
                journal.write("".join(f"{key}\n" for key in docs))

    def _building(self):
        try:
            with open(self._path(BUILDING)) as handle:
                name = handle.read().strip()
        except FileNotFoundError:
            return None
        # A marker left by a reindex that died: nobody holds the build lock any more.
        probe = FileLock(self._path(BUILD_LOCK))
        if probe.acquire(0):
            probe.release()
            for leftover in (BUILDING, JOURNAL):
                with suppress(FileNotFoundError):
                    os.unlink(self._path(leftover))
            return None
        return name

    def maintain(self):
        generation = self.current_generation()
        if generation is None:
            return
        ix = self._open(generation)
        segments = ix._segments()
        if len(segments) <= self.max_segments:
            return
        limit = max(1000, sum(segment.doc_count_all() for segment in segments) // SMALL_SEGMENT_SHARE)
        if sum(1 for segment in segments if segment.doc_count_all() < limit) < 2:
            return  # only big segments: left for the next reindex
        writer = ix.writer(timeout=30.0)
        writer.commit(mergetype=merge_small_segments)

    def rebuild(self, registry, session_factory, progress=None, procs=None):
        procs = procs or self.procs
        os.makedirs(self.root, exist_ok=True)
        build_lock = FileLock(self._path(BUILD_LOCK))
        if not build_lock.acquire(0):
            raise ReindexRunning("another reindex is running")
        generation = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        path = self._path(generation)
        swapped = False
        try:
            with self.writer_lock(60.0) as acquired:
                if not acquired:
                    raise TimeoutError("the index writer lock stayed busy")
                with open(self._path(BUILDING), "w") as handle:
                    handle.write(generation)
                if os.path.exists(self._path(JOURNAL)):
                    os.unlink(self._path(JOURNAL))
            os.makedirs(path)
            ix = index.create_in(path, make_schema())
            options = {"limitmb": self.limitmb}
            if procs > 1:
                # Whoosh's multiprocess writer: analysis dominates, so two processes ~double the
                # speed on two cores (100,000 documents: ~560 → ~1,130 docs/s). It forks, so only
                # the CLI asks for it, never a thread inside a web worker.
                options.update(procs=procs, multisegment=True)
            writer = ix.writer(**options)
            count = 0
            try:
                with session_factory() as session:
                    for batch in registry.iter_documents(session):
                        for doc in batch:
                            writer.add_document(**document_fields(doc))
                        count += len(batch)
                        if progress:
                            progress(len(batch))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            previous = self.current_generation()
            with self.writer_lock(300.0) as acquired:
                if not acquired:
                    raise TimeoutError("the index writer lock stayed busy")
                self._replay(ix, registry, session_factory)
                temporary = self._path(CURRENT + ".tmp")
                with open(temporary, "w") as handle:
                    handle.write(generation)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self._path(CURRENT))
                swapped = True
                self._remove_markers()
            self._cleanup(keep={generation, previous})
            return count
        finally:
            if not swapped:
                with self.writer_lock(60.0):
                    self._remove_markers()
                shutil.rmtree(path, ignore_errors=True)
            build_lock.release()

    def _replay(self, ix, registry, session_factory):
        try:
            with open(self._path(JOURNAL)) as journal:
                keys = list(dict.fromkeys(line.strip() for line in journal if line.strip()))
        except FileNotFoundError:
            return
        if keys:
            with session_factory() as session:
                docs = registry.build(session, keys)
            self._write(ix, docs)

    def _remove_markers(self):
        for name in (BUILDING, JOURNAL):
            with suppress(FileNotFoundError):
                os.unlink(self._path(name))

    def _cleanup(self, keep):
        for name in os.listdir(self.root):
            if name.startswith(GENERATION_PREFIX) and name not in keep:
                shutil.rmtree(self._path(name), ignore_errors=True)

    # ------------------------------------------------------------------ inspection

    def stored_hashes(self):
        generation = self.current_generation()
        if generation is None:
            raise IndexUnavailable("no index yet")
        with self._open(generation).searcher() as searcher:
            return {fields["key"]: fields["hash"] for fields in searcher.all_stored_fields()}

    def vocabulary(self):
        searcher = self._searcher()
        stamp = (self.current_generation(), searcher.reader().generation())
        cached_stamp, cached_at, vocabulary = self._vocabulary
        if vocabulary is not None and (cached_stamp == stamp or time.monotonic() - cached_at < self.vocabulary_ttl):
            return vocabulary
        frequencies = {}
        for text, info in searcher.reader().iter_field("words"):
            word = text.decode() if isinstance(text, bytes) else text
            frequencies[word] = info.doc_frequency()
        vocabulary = Vocabulary(frequencies)
        self._vocabulary = (stamp, time.monotonic(), vocabulary)
        return vocabulary

    def health(self):
        os.makedirs(self.root, exist_ok=True)
        generation = self.current_generation()
        if generation is None:
            return {"status": "ok", "backend": self.name, "documents": 0, "detail": "index kosong, akan dibangun"}
        with self._open(generation).searcher() as searcher:
            return {"status": "ok", "backend": self.name, "documents": searcher.doc_count(), "generation": generation}
