"""Health of the search index, for /healthz."""

from pathlib import Path

from whoosh import index


def search_index_health(index_dir):
    """Report whether the index folder is usable; a missing index is rebuilt, so it is healthy."""
    path = Path(index_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not index.exists_in(str(path)):
            return {"status": "ok", "documents": 0, "detail": "index kosong, akan dibangun"}
        ix = index.open_dir(str(path))
        with ix.searcher() as searcher:
            return {"status": "ok", "documents": searcher.doc_count()}
    except Exception as exc:  # any failure to open means the index is unhealthy
        return {"status": "error", "detail": type(exc).__name__}
