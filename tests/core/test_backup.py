"""`flask backup create|restore`: a round trip of the database, uploads and certificates (issue 11, point 17)."""

import io
import json
import shutil
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import FileStorage

from portal.feedback import services as feedback_services
from portal.organisation.models import AsnProfile, Unit
from portal.pembinaan import services as pembinaan_services
from portal.search.drainer import drain_outbox, rebuild_index
from portal.search.maintenance import verify_index

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def filled(app, db):
    """The demo data, a feedback photo and a pembinaan certificate, and a built search index."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "rahasia123"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "dinkes"))
        feedback_services.submit_feedback(unit=unit, type="keluhan", title="Lantai puskesmas licin",
                                          body="Lantai ruang tunggu licin setelah dipel.", is_public=True,
                                          photo=FileStorage(io.BytesIO(PNG), "lantai.png"))
        profile = db.session.scalars(select(AsnProfile).where(AsnProfile.user_id.is_not(None))).first()
        pembinaan_services.add_training(
            profile.user, profile, title="Bimtek SP4N-LAPOR!", organiser="BKPSDM", form="bimbingan_teknis",
            starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 6), jp=24, today=date(2026, 11, 1),
            certificate=FileStorage(io.BytesIO(PDF), "sertifikat.pdf"))
        db.session.commit()
    rebuild_index(app)
    drain_outbox(app)
    return app


def snapshot_tables(db):
    with db.engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in db.metadata.sorted_tables}


def snapshot_files(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def wipe(app, db):
    """Leave an empty database and no uploads, as on a fresh machine."""
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        db.engine.dispose()
        Path(db.engine.url.database).unlink()
    else:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
    shutil.rmtree(app.config["UPLOAD_DIR"])
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"], ignore_errors=True)


def create(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(tmp_path / "cadangan")])
    assert result.exit_code == 0, result.output
    archives = list((tmp_path / "cadangan").glob("portal-backup-*.tar.gz"))
    assert len(archives) == 1
    return archives[0]


def test_a_backup_restores_every_table_and_file_and_search_verifies_clean(filled, db, tmp_path):
    app = filled
    tables, files = snapshot_tables(db), snapshot_files(app.config["UPLOAD_DIR"])
    assert sum(1 for rows in tables.values() if rows) >= 15  # demo data fills most tables
    assert any(name.startswith("feedback/") for name in files) and any(name.startswith("pembinaan/") for name in files)
    archive = create(app, tmp_path)
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["dialect"] == db.engine.dialect.name and manifest["created_at"]
    assert "schema_revision" in manifest and manifest["row_counts"]["users"] == len(tables["users"])
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())

    wipe(app, db)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Indeks pencarian sesuai" in result.output

    assert snapshot_tables(db) == tables
    assert snapshot_files(app.config["UPLOAD_DIR"]) == files
    report = verify_index(app)
    assert not report.drift and report.database == report.indexed > 0


def _tampered(archive, tmp_path):
    copy = tmp_path / "rusak.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("uploads/feedback/"):
                data = data[:-1] + b"\x00"
            target.addfile(member, io.BytesIO(data))
    return copy


def test_restore_refuses_an_archive_whose_checksums_do_not_match(filled, db, tmp_path):
    app = filled
    archive = create(app, tmp_path)
    before = snapshot_tables(db)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(_tampered(archive, tmp_path)), "--yes"])
    assert result.exit_code == 1 and "Checksum tidak cocok" in result.output
    assert snapshot_tables(db) == before


def test_restore_asks_before_overwriting(filled, db, tmp_path):
    app = filled
    archive = create(app, tmp_path)
    with app.test_request_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "dinkes"))
        feedback_services.submit_feedback(unit=unit, type="saran", title="Tambah kursi tunggu",
                                          body="Kursi di ruang tunggu kurang.", is_public=True)
        db.session.commit()
    after = snapshot_tables(db)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(archive)], input="n\n")
    assert result.exit_code == 1 and "DITIMPA" in result.output
    assert snapshot_tables(db) == after


def test_restore_of_something_that_is_no_archive_is_a_clear_error(app, tmp_path):
    junk = tmp_path / "bukan.tar.gz"
    junk.write_bytes(b"bukan arsip")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "Arsip tidak dapat dibaca" in result.output
    missing = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "tidak-ada.tar.gz"), "--yes"])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output
