"""Command-line tools: `flask --app portal seed-demo`, `flask --app portal asn import`, …"""

import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal.web import site_context


def register(app):
    app.cli.add_command(seed_demo_command)
    from portal.organisation.cli import asn_cli

    app.cli.add_command(asn_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(idempotency_cli)
    from portal.idempotency import purge_keys
    from portal.jobs import periodic_job

    periodic_job(app, "idempotency.purge", every="day", hour="20", minute="20")(purge_keys)


@click.command("seed-demo")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000), help="Multiply the volume, for benchmarks.")
@click.option("--password", default="demo12345", show_default=True, help="Password of every demo account.")
@with_appcontext
def seed_demo_command(scale, password):
    """Fill an empty database with a realistic Surabaya setting (idempotent)."""
    from portal.demo import DemoRefused, seed_demo

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo menolak berjalan saat PORTAL_ENV=production.")
    try:
        with site_context(current_app):
            summary = seed_demo(scale=scale, password=password)
    except DemoRefused as error:
        raise click.ClickException(str(error)) from None
    for line in summary:
        click.echo(line)


backup_cli = AppGroup("backup", help="Cadangan basis data dan berkas unggahan: buat dan pulihkan.")


@backup_cli.command("create")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder tujuan arsip (bawaan: instance/backups).")
def backup_create_command(output):
    """Archive the database, uploads and certificates into one .tar.gz with a manifest."""
    from portal.backup import BackupError, create_backup

    app = current_app._get_current_object()
    try:
        path = create_backup(app, output or Path(app.instance_path) / "backups")
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Cadangan dibuat: {path}")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Timpa basis data dan berkas unggahan tanpa bertanya.")
def backup_restore_command(archive, yes):
    """Check an archive's checksums, then replace the database and uploads with it and rebuild search."""
    from portal.backup import BackupError, open_backup, restore_backup

    app = current_app._get_current_object()
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        try:
            manifest = open_backup(archive, work)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Arsip sah: dibuat {manifest['created_at']}, basis data {manifest['dialect']}, "
                   f"{len(manifest['files'])} berkas.")
        if not yes:
            click.confirm("Basis data dan semua berkas unggahan saat ini akan DITIMPA. Lanjutkan?", abort=True)
        try:
            report = restore_backup(app, work, manifest)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Dipulihkan: basis data dan {report.files} berkas unggahan; {report.indexed} dokumen diindeks ulang.")
    if report.schema_note:
        click.echo(report.schema_note)
    if report.search_drift:
        drift = ", ".join(report.search_drift[:10])
        raise click.ClickException(f"Indeks pencarian menyimpang setelah pemulihan: {drift}")
    click.echo("Indeks pencarian sesuai dengan basis data.")


idempotency_cli = AppGroup("idempotency", help="Token formulir sekali pakai.")


@idempotency_cli.command("purge")
@click.option("--days", type=click.IntRange(0, 3650), default=None, help="Hapus token yang lebih tua dari ini (hari).")
def idempotency_purge_command(days):
    """Delete form tokens older than IDEMPOTENCY_KEEP_DAYS (they are also purged as new ones are stored)."""
    from portal.extensions import db
    from portal.idempotency import purge_keys

    removed = purge_keys(days)
    db.session.commit()
    click.echo(f"{removed} token dihapus.")
