"""Backups: the database and every uploaded file in one archive, and putting them back.

An archive (`portal-backup-<UTC time>.tar.gz`, mode 0600: it holds personal data) contains
`database/` (SQLite: a copy made with the online backup API, consistent while the portal runs;
PostgreSQL: a `pg_dump --format=custom`), `uploads/` (UPLOAD_DIR: feedback photos under
`feedback/`, pembinaan certificates under `pembinaan/`) and `manifest.json` (SHA-256 and size of
every file, the schema revision, row counts, created_at). The search index is not archived: it
is rebuilt from the restored database and verified.

Used by `flask --app portal backup create|restore` (portal/cli.py).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from portal.db import utcnow
from portal.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/portal.sqlite3"
POSTGRES_MEMBER = "database/portal.pgdump"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


@dataclass
class RestoreReport:
    manifest: dict
    files: int = 0
    indexed: int = 0
    search_drift: list = field(default_factory=list)
    schema_note: str | None = None


# ---------------------------------------------------------------- create


def create_backup(app, output_dir):
    """Write an archive of the database and UPLOAD_DIR into output_dir; return its path."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    created_at = utcnow()
    final = output_dir / f"portal-backup-{created_at:%Y%m%dT%H%M%S%fZ}.tar.gz"
    dialect = db.engine.dialect.name
    manifest = {"format": FORMAT, "created_at": created_at.isoformat(), "dialect": dialect,
                "schema_revision": database_revision(), "code_revision": code_revision(),
                "row_counts": row_counts(), "files": {}}
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        work = Path(work)
        member = _dump_database(dialect, work)
        partial = output_dir / f".{final.name}.partial"
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_file(archive, manifest, work / Path(member).name, member)
                uploads = Path(app.config["UPLOAD_DIR"])
                if uploads.is_dir():
                    for path in sorted(p for p in uploads.rglob("*") if p.is_file() and not p.is_symlink()):
                        _add_file(archive, manifest, path, f"{UPLOADS}/{path.relative_to(uploads).as_posix()}")
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(created_at.timestamp()), 0o600
                archive.addfile(info, _BytesReader(data))
            partial.chmod(0o600)
            os.replace(partial, final)  # no half-written archive is ever left under the final name
        finally:
            partial.unlink(missing_ok=True)
    return final


class _BytesReader:
    def __init__(self, data):
        self.data, self.position = data, 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.position + size
        chunk, self.position = self.data[self.position:end], min(end, len(self.data))
        return chunk


class _HashingReader:
    # The checksum is taken over exactly the bytes that go into the archive, even if the file
    # changes while it is read.
    def __init__(self, handle):
        self.handle, self.sha256 = handle, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.sha256.update(chunk)
        return chunk


def _add_file(archive, manifest, path, arcname):
    with open(path, "rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=arcname)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    manifest["files"][arcname] = {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _dump_database(dialect, work):
    if dialect == "sqlite":
        target = work / Path(SQLITE_MEMBER).name
        _sqlite_copy(_sqlite_path(), target)
        return SQLITE_MEMBER
    if dialect == "postgresql":
        target = work / Path(POSTGRES_MEMBER).name
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
             "pg_dump gagal")
        return POSTGRES_MEMBER
    raise BackupError(f"Cadangan untuk basis data {dialect} belum didukung (hanya SQLite dan PostgreSQL).")


def _sqlite_copy(source, target):
    # The online backup API copies a consistent snapshot page by page, even while others write,
    # and overwrites the target in place (its other connections see the new content).
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_path():
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak dapat dicadangkan.")
    return path


def _libpq_environment():
    # Connection settings go to pg_dump/pg_restore through the environment, so the password
    # never shows in the process list.
    url = db.engine.url
    env = dict(os.environ)
    for key, value in (("PGHOST", url.query.get("host") or url.host), ("PGPORT", url.port),
                       ("PGUSER", url.username), ("PGPASSWORD", url.password), ("PGDATABASE", url.database),
                       ("PGSSLMODE", url.query.get("sslmode"))):
        if value:
            env[key] = str(value)
    return env


def _run(command, failure):
    try:
        # A fixed argument list, no shell: nothing from the archive or a request reaches the command line.
        options = {"env": _libpq_environment(), "capture_output": True, "text": True, "check": False}
        result = subprocess.run(command, **options)  # noqa: S603  # nosec B603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} tidak ditemukan: pasang klien PostgreSQL (postgresql-client).") from None
    if result.returncode != 0:
        raise BackupError(f"{failure}: {result.stderr.strip()[:2000]}")


def database_revision():
    """Return the Alembic revision the database is at, or None if it was not made by migrations."""
    try:
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: a schema made by create_all (tests, first start)
        return None


def code_revision():
    """Return the newest migration this code knows."""
    from alembic.script import ScriptDirectory

    from portal import ROOT

    heads = ScriptDirectory(str(ROOT / "migrations")).get_heads()
    return heads[0] if len(heads) == 1 else None


def row_counts():
    """Count the rows of every table the models define."""
    with db.engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in db.metadata.sorted_tables
                if db.engine.dialect.has_table(connection, table.name)}


# ---------------------------------------------------------------- restore


def open_backup(archive_path, work):
    """Unpack an archive into work and check it against its manifest; return the manifest."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Arsip {archive_path} tidak ditemukan.")
    work = Path(work)
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"Arsip ditolak: {member.name} bukan berkas biasa.")
            # The "data" filter refuses absolute paths, ".." and links out of the folder.
            archive.extractall(work, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"Arsip tidak dapat dibaca ({type(error).__name__}: {error}).") from None
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError("Arsip tidak berisi manifest.json yang sah: bukan cadangan portal ini.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format cadangan {manifest.get('format')!r} tidak dikenal (didukung: {FORMAT}).")
    listed = manifest.get("files") or {}
    present = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()} - {MANIFEST}
    bad = sorted(name for name, entry in listed.items()
                 if name not in present or _sha256(work / name) != entry.get("sha256"))
    bad += sorted(present - set(listed))
    if bad:
        raise BackupError(f"Checksum tidak cocok untuk {len(bad)} berkas ({', '.join(bad[:5])}): "
                          "arsip rusak atau diubah, pemulihan dibatalkan.")
    if SQLITE_MEMBER not in listed and POSTGRES_MEMBER not in listed:
        raise BackupError("Arsip tidak berisi salinan basis data.")
    return manifest


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def restore_backup(app, work, manifest):
    """Replace the database and UPLOAD_DIR with an unpacked, checked archive; rebuild and verify search."""
    work = Path(work)
    dialect = db.engine.dialect.name
    if manifest["dialect"] != dialect:
        raise BackupError(f"Arsip berisi basis data {manifest['dialect']}, sedangkan portal ini memakai {dialect}.")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock on what is replaced
    if dialect == "sqlite":
        _sqlite_copy(work / SQLITE_MEMBER, _sqlite_path())
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", f"--dbname={db.engine.url.database}", str(work / POSTGRES_MEMBER)],
             "pg_restore gagal; basis data tidak diubah")
    db.engine.dispose()
    report = RestoreReport(manifest=manifest, files=_restore_uploads(app, work / UPLOADS))
    revision = database_revision()
    if revision != code_revision():
        report.schema_note = (f"Revisi skema cadangan ({revision or 'tanpa Alembic'}) berbeda dari kode "
                              f"({code_revision()}): jalankan `flask --app portal db upgrade` bila perlu.")
    report.indexed, report.search_drift = _rebuild_search(app)
    return report


def _restore_uploads(app, staged):
    target = Path(app.config["UPLOAD_DIR"])
    aside = target.with_name(target.name + ".before-restore")
    shutil.rmtree(aside, ignore_errors=True)
    if target.exists():
        target.rename(aside)
    try:
        if staged.is_dir():
            shutil.copytree(staged, target)
        else:
            target.mkdir(parents=True)
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        if aside.exists():
            aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def _rebuild_search(app):
    from portal.search.drainer import drain_outbox, rebuild_index
    from portal.search.maintenance import verify_index

    indexed = rebuild_index(app)
    drain_outbox(app, timeout=60.0)
    report = verify_index(app)
    return indexed, report.drifted_keys + [f"{k}: {v}" for k, v in report.derived.items()]
