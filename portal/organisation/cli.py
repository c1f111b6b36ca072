"""`flask --app portal asn …` commands."""

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.organisation.importer import COLUMNS, ImportRejected, import_asn_csv

asn_cli = AppGroup("asn", help="Kelola data ASN.")


@asn_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Periksa berkas saja, tanpa menyimpan apa pun.")
def import_command(file, dry_run):
    """Impor profil ASN dari berkas CSV: semua baris, atau tidak sama sekali.

    Judul kolom: nip,nama,jabatan,unit,email,atasan_nip (unit = slug perangkat daerah;
    email dan atasan_nip boleh kosong). Pemisah koma atau titik koma; UTF-8.
    """
    try:
        summary = import_asn_csv(file.read(), source=file.name)
    except ImportRejected as error:
        db.session.rollback()
        click.echo(f"Berkas ditolak: {len(error.problems)} masalah. Tidak ada data yang diimpor.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"Judul kolom yang diharapkan: {','.join(COLUMNS)}", err=True)
        raise click.exceptions.Exit(1) from None
    except IntegrityError:
        # The file was checked against the database a moment ago; someone added the same
        # NIP or e-mail address in between.
        db.session.rollback()
        click.echo("Data portal berubah selama impor (NIP atau email yang sama baru saja ditambahkan). "
                   "Tidak ada data yang diimpor; jalankan perintah ini lagi.", err=True)
        raise click.exceptions.Exit(1) from None
    if dry_run:
        db.session.rollback()
        click.echo(f"Berkas lolos pemeriksaan: {summary.profiles} profil ASN siap diimpor. "
                   "Tidak ada yang disimpan (--dry-run).")
        return
    db.session.commit()
    for line in summary.lines():
        click.echo(line)
