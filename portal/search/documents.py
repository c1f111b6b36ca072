"""What a search document is, and the registry of sources that build them from the database."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

MAX_BODY_CHARS = 20_000  # enough for every snippet; keeps huge threads from bloating the index
BATCH = 500


@dataclass(frozen=True)
class Document:
    """One public item as the index sees it: never a name, e-mail, phone or address."""

    key: str
    type: str
    object_id: int
    title: str
    body: str
    date: datetime
    unit: str | None = None
    service: str | None = None
    status: str | None = None
    kelurahan: str | None = None
    ref: str | None = None

    @property
    def content_hash(self):
        """Return a fingerprint of everything indexed, for `flask search verify`."""
        payload = [self.type, self.object_id, self.ref, self.title, self.body, self.unit, self.service,
                   self.status, self.kelurahan, self.date.isoformat()]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def doc_key(doc_type, object_id):
    """Return the key of a document: "thread:12"."""
    return f"{doc_type}:{object_id}"


def split_key(key):
    """Return (prefix, id) of a key; (None, None) if it is not well formed."""
    prefix, _sep, raw = key.partition(":")
    try:
        return prefix, int(raw)
    except ValueError:
        return None, None


def join_body(parts):
    """Join the text parts of a document and cut it to the indexed length."""
    text = "\n".join(part for part in parts if part)
    return text[:MAX_BODY_CHARS]


class Source:
    """A kind of public content (forum threads, feedback, consultations) that becomes documents.

    Subclasses say which ids are public now, build documents for a batch of ids, and which
    model changes touch which documents (`watch`: model → (key prefix, id attribute, attributes)).
    """

    type = None
    label = None
    statuses = {}

    def visible_ids(self, session, ids):
        """Return the subset of ids whose content the public may see now."""
        raise NotImplementedError

    def build(self, session, ids):
        """Return {id: Document} for the public ones among ids."""
        raise NotImplementedError

    def all_ids(self, session):
        """Return every public id, ascending."""
        raise NotImplementedError

    def watch(self):
        """Return {model: (key prefix, id attribute, attribute names that change the document)}."""
        raise NotImplementedError

    def expand(self, session, group, group_id):
        """Return the document ids affected by a change to a group ("category", "unit", "service")."""
        return []


class Registry:
    """The sources by document type, and the groups ("unit:3") they expand."""

    def __init__(self, sources):
        self.sources = {source.type: source for source in sources}

    def __iter__(self):
        return iter(self.sources.values())

    def get(self, doc_type):
        return self.sources.get(doc_type)

    def watch_map(self):
        """Return {model: [(prefix, id attribute, attributes)]} for the outbox listener."""
        mapping = {}
        for source in self:
            for model, spec in source.watch().items():
                mapping.setdefault(model, []).append(spec)
        return mapping

    def expand_keys(self, session, keys):
        """Replace group keys ("category:4") by the document keys they cover; keep order, drop repeats."""
        result = {}
        for key in keys:
            prefix, object_id = split_key(key)
            if prefix is None:
                continue
            if prefix in self.sources:
                result.setdefault(key, None)
                continue
            for source in self:
                for doc_id in source.expand(session, prefix, object_id):
                    result.setdefault(doc_key(source.type, doc_id), None)
        return list(result)

    def build(self, session, keys):
        """Return {key: Document or None (not public, or gone)} for document keys."""
        by_type = {}
        for key in keys:
            prefix, object_id = split_key(key)
            if prefix in self.sources:
                by_type.setdefault(prefix, []).append(object_id)
        built = {}
        for doc_type, ids in by_type.items():
            docs = {}
            for start in range(0, len(ids), BATCH):
                docs.update(self.sources[doc_type].build(session, ids[start:start + BATCH]))
            for object_id in ids:
                built[doc_key(doc_type, object_id)] = docs.get(object_id)
        return built

    def visible_keys(self, session, keys):
        """Return the subset of keys whose content is public right now (checked in the database)."""
        by_type = {}
        for key in keys:
            prefix, object_id = split_key(key)
            if prefix in self.sources:
                by_type.setdefault(prefix, []).append(object_id)
        visible = set()
        for doc_type, ids in by_type.items():
            visible.update(doc_key(doc_type, i) for i in self.sources[doc_type].visible_ids(session, ids))
        return visible

    def count(self, session):
        """Return how many public documents the database holds."""
        return sum(len(source.all_ids(session)) for source in self)

    def iter_documents(self, session, batch=BATCH):
        """Yield every public document, source by source, in batches (lists)."""
        for source in self:
            ids = source.all_ids(session)
            for start in range(0, len(ids), batch):
                docs = source.build(session, ids[start:start + batch])
                yield [docs[i] for i in ids[start:start + batch] if i in docs]
