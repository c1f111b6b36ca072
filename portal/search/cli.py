"""`flask --app portal search reindex | verify | drain`: operating the search index."""

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Indeks pencarian: bangun ulang, periksa, terapkan antrean perubahan.")


@search_cli.command("reindex")
@click.option("--procs", type=click.IntRange(1, 16), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Proses penulis indeks Whoosh.")
def reindex_command(procs):
    """Rebuild the index from the database aside, then swap it in (search stays online)."""
    from portal.search.backends import ReindexRunning
    from portal.search.drainer import get_state, rebuild_index, session_factory

    app = current_app._get_current_object()
    state = get_state(app)
    try:
        with session_factory(app)() as session:
            total = state.registry.count(session)
        started = time.perf_counter()
        with click.progressbar(length=total, label="Membangun indeks", show_pos=True) as bar:
            count = rebuild_index(app, progress=bar.update, procs=procs)
        elapsed = max(time.perf_counter() - started, 1e-6)
    except ReindexRunning:
        raise click.ClickException("Pembangunan ulang indeks lain sedang berjalan; coba lagi nanti.") from None
    except Exception as error:
        raise click.ClickException(f"Pembangunan ulang indeks gagal: {type(error).__name__}: {error}") from error
    click.echo(f"{count} dokumen diindeks ({state.backend().name}) dalam {elapsed:.1f} detik: "
               f"{count / elapsed:.0f} dokumen/detik.")


@search_cli.command("verify")
@click.option("--fix", is_flag=True, help="Antrekan dokumen yang menyimpang, lalu terapkan.")
@click.option("--show", default=10, show_default=True, help="Berapa contoh kunci per jenis selisih.")
def verify_command(fix, show):
    """Compare the index with the database; exit 1 on drift."""
    from portal.search.backends import IndexUnavailable
    from portal.search.maintenance import repair, verify_index

    app = current_app._get_current_object()
    try:
        report = verify_index(app)
    except IndexUnavailable as error:
        raise click.ClickException(f"Indeks tidak dapat dibaca ({error}); jalankan `flask search reindex`.") from None
    click.echo(f"Basis data: {report.database} dokumen publik; indeks: {report.indexed} dokumen; "
               f"antrean: {len(report.pending)}.")
    for label, keys in (("Hilang dari indeks", report.missing), ("Tidak boleh ada di indeks", report.extra),
                        ("Isi berbeda", report.changed)):
        if keys:
            click.echo(f"{label}: {len(keys)} — {', '.join(keys[:show])}{' …' if len(keys) > show else ''}")
    if report.derived.get("stem_counts"):
        click.echo(f"Hitungan kata umum berbeda dari hitungan ulang: {report.derived['stem_counts']} baris.")
    if not report.drift:
        click.echo("Indeks sesuai dengan basis data.")
        return
    if fix:
        again = repair(app, report)
        if not again.drift:
            click.echo(f"{len(report.drifted_keys)} dokumen diperbaiki; indeks kini sesuai.")
            return
        raise click.ClickException("Masih ada selisih setelah perbaikan.")
    raise click.ClickException("Indeks menyimpang dari basis data (jalankan dengan --fix atau reindex).")


@search_cli.command("drain")
def drain_command():
    """Apply the pending outbox rows now (the job workers do this on their own)."""
    from portal.search.drainer import drain_outbox

    applied = drain_outbox(current_app._get_current_object(), timeout=60.0)
    if applied is None:
        raise click.ClickException("Penulis indeks lain sedang bekerja; coba lagi.")
    click.echo(f"{applied} perubahan diterapkan.")
