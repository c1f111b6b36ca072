"""Uploaded files: a safe name for what a person sent, and files that live and die with the transaction."""

import os
import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.jobs.queue import job_handler, record_job

MAX_NAME_LENGTH = 120
# Control, format (bidi overrides U+202A–202E, isolates U+2066–2069, zero-width marks),
# line/paragraph separators, surrogates and private or unassigned code points.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")


def clean_upload_name(raw, *, extension, fallback):
    """Return a file name without path parts or invisible characters, bounded, ending in the real extension.

    The extension comes from the sniffed content, not from the name: `foto.exe` holding a JPEG
    is kept as `foto.jpg`, and a name spoofed with a right-to-left override (`gpj.exe` shown
    as `exe.jpg`) loses the override.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]  # browsers on Windows may send C:\Users\…\foto.jpg
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if unicodedata.category(ch) not in _UNSAFE_CATEGORIES or ch.isspace())
    name = _SPACES.sub(" ", name).strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .")
    return f"{stem or fallback}.{extension}"


# ---------------------------------------------------------------- files that follow the transaction

_STAGED = "portal_staged_uploads"


def store_upload(path, data):
    """Write an uploaded file that exists only if the current transaction commits.

    It is written under a temporary name beside its place, moved there just before the commit
    and removed if the transaction rolls back (the commit failing included): a refused or failed
    request leaves no file behind, and no stored row points to a file that is not there.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    temporary.write_bytes(data)
    session = db.session()
    session.connection()  # begin the transaction now, so its end (commit or rollback) is always seen
    session.info.setdefault(_STAGED, []).append({"temporary": temporary, "path": path, "moved": False})
    return path


def delete_upload_after_commit(path):
    """Delete a stored file once the transaction that stops using it has committed (a job). Flushes."""
    root = Path(current_app.config["UPLOAD_DIR"])
    return record_job("delete_file", {"path": str(Path(path).relative_to(root))})


@job_handler("delete_file")
def delete_stored_file(job):
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    path = (root / job.payload["path"]).resolve()
    if root not in path.parents:  # a path that leaves UPLOAD_DIR was never ours to delete
        raise ValueError(f"not under UPLOAD_DIR: {job.payload['path']}")
    path.unlink(missing_ok=True)


def _before_commit(session):
    if session.in_nested_transaction():
        return
    for staged in session.info.get(_STAGED, ()):
        if not staged["moved"]:
            os.replace(staged["temporary"], staged["path"])
            staged["moved"] = True


def _after_commit(session):
    if not session.in_nested_transaction():
        session.info.pop(_STAGED, None)


def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is not None:
        return  # a SAVEPOINT (or an inner block) rolled back, not the transaction
    # Also when the commit itself failed after the files were moved into place.
    for staged in session.info.pop(_STAGED, ()):
        (staged["path"] if staged["moved"] else staged["temporary"]).unlink(missing_ok=True)


def listen_to_sessions():
    """Move or remove staged uploads with every session's commits and rollbacks (once per process)."""
    for name, listener in (("before_commit", _before_commit), ("after_commit", _after_commit),
                           ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
