"""Search tables: the outbox of pending index changes, and the PostgreSQL document table."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

# A real tsvector on PostgreSQL; plain text elsewhere, so create_all (and Alembic) work on
# SQLite too. The SQLite column is never written: the postgres backend refuses other databases.
TsVector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchOutbox(db.Model):
    """A document whose index entry must be brought in line with the database.

    Written in the same transaction as the content change, so a rollback drops it too and a
    commit can never happen without it. The drainer re-reads the document from the database,
    applies it to the index, and deletes the row.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "thread:12", "feedback:3", "konsultasi:5", or a group to expand: "category:4", "unit:2".
    doc_key: Mapped[str] = mapped_column(String(40))
    op: Mapped[str] = mapped_column(String(10), default="upsert")  # "upsert" or "delete"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchDocument(db.Model):
    """One searchable document for SEARCH_BACKEND=postgres: stems indexed with `simple`.

    Only what matching, ranking and facets read lives here; the display text is in
    SearchDocumentText. A search for a common word visits every matching row (a GIN bitmap
    heap scan), so a row half as wide is a search twice as fast.
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_documents_type_date", "type", "date"),
        # The page is read tier by tier, newest first: the title index finds the top tiers, the
        # date index lets a common word's page stop after a few rows (see postgres_backend).
        Index("ix_search_documents_title_tsv", "title_tsv", postgresql_using="gin"),
        Index("ix_search_documents_date", "date"),
    )

    doc_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    ref: Mapped[str | None] = mapped_column(String(40))  # public reference, e.g. a tracking number
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(80))
    service: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str | None] = mapped_column(String(20))
    kelurahan: Mapped[str | None] = mapped_column(String(80))
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    # Title and body stems (GIN-indexed, for matching), and the title stems alone (GIN-indexed
    # too, for the ranking tiers).
    tsv = mapped_column(TsVector)
    title_tsv = mapped_column(TsVector)


class SearchDocumentText(db.Model):
    """The display side of a SearchDocument: text for snippets, words for "did you mean", the hash."""

    __tablename__ = "search_document_texts"

    doc_key: Mapped[str] = mapped_column(ForeignKey("search_documents.doc_key", ondelete="CASCADE"),
                                         primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # plain text, for snippets
    content_hash: Mapped[str] = mapped_column(String(64))
    words = mapped_column(TsVector)  # the unstemmed title words


class SearchCountedStem(db.Model):
    """A stem common enough that its facet counts are kept ready (SEARCH_BACKEND=postgres).

    Counting a word found in a third of all documents means visiting every one of them; for the
    common words, chosen at each reindex, the counts per (type, unit, status) are kept in
    SearchStemCount instead, in the same transaction as every document change.
    """

    __tablename__ = "search_counted_stems"

    stem: Mapped[str] = mapped_column(String(80), primary_key=True)


class SearchStemCount(db.Model):
    """How many documents of one (type, unit, status) contain a counted stem. '' stands for none."""

    __tablename__ = "search_stem_counts"

    stem: Mapped[str] = mapped_column(ForeignKey("search_counted_stems.stem", ondelete="CASCADE"), primary_key=True)
    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)
