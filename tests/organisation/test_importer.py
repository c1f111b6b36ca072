"""Bulk ASN import from CSV: all rows or none, every problem reported with its line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import AuditEntry
from portal.organisation.importer import ImportRejected, import_asn_csv
from portal.organisation.models import AsnProfile

ROOT = Path(__file__).resolve().parents[2]
HEADER = "nip,nama,jabatan,unit,email,atasan_nip"
KEPALA = "197001011995031001"
KABID = "198003152005012002"
STAF = "199005202015031003"
STAF_2 = "199107072016032004"


@pytest.fixture
def units(make_unit):
    return {
        "dinkes": make_unit(name="Dinas Kesehatan", slug="dinkes"),
        "dispendik": make_unit(name="Dinas Pendidikan", slug="dispendik"),
    }


def csv_bytes(*rows, header=HEADER):
    return "\n".join([header, *rows]).encode("utf-8")


def profile_count(db):
    return db.session.scalar(select(func.count(AsnProfile.id)))


def problems_of(data):
    with pytest.raises(ImportRejected) as caught:
        import_asn_csv(data)
    return [(p.line, p.message) for p in caught.value.problems]


def assert_problem(problems, line, fragment):
    assert any(got == line and fragment in m for got, m in problems), f"no problem on line {line} with {fragment!r}: {problems}"


def test_good_file_imports_every_row_with_supervisors_defined_later(db, units, make_user, make_asn):
    existing_boss = make_asn(nip="196501011990031001", name="Sekretaris Daerah", unit=units["dinkes"])
    registered = make_user(name="Dewi Lestari", email="dewi@contoh.id")
    data = csv_bytes(
        # The staff come first; their atasan is defined two and three lines further down.
        f"{STAF},Andi Wijaya,Pranata Komputer,dinkes,andi@contoh.id,{KABID}",
        f"{STAF_2},Dewi Lestari,Guru,DISPENDIK,Dewi@Contoh.id,19800315 200501 2 002",
        f"19800315 200501 2 002,Rina Kartika,Kepala Bidang,dinkes,,{KEPALA}",
        f"{KEPALA},Bambang Sutrisno,Kepala Dinas,dinkes,bambang@contoh.id,{existing_boss.nip}",
    )
    summary = import_asn_csv(data, source="asn.csv")
    db.session.commit()

    assert (summary.profiles, summary.accounts_created, summary.accounts_linked) == (4, 2, 1)
    profiles = {p.nip: p for p in db.session.scalars(select(AsnProfile))}
    assert profiles[STAF].supervisor.nip == KABID
    assert profiles[STAF_2].supervisor.nip == KABID
    assert profiles[KABID].supervisor.nip == KEPALA
    assert profiles[KEPALA].supervisor is existing_boss
    assert profiles[KABID].user is None
    assert profiles[STAF_2].user is registered
    assert profiles[STAF_2].unit.slug == "dispendik"
    assert registered.roles == {"warga", "asn"}

    andi = db.session.scalar(select(User).where(User.email == "andi@contoh.id"))
    assert andi.name == "Andi Wijaya"
    assert andi.password_hash is None  # set later through "lupa kata sandi"
    assert andi.roles == {"warga", "asn"}
    assert andi.asn_profile is profiles[STAF]

    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("asn.create") == 4
    assert actions.count("account.create") == 2
    assert actions.count("role.grant") == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "asn.create", AuditEntry.target_id == str(profiles[STAF].id)))
    assert entry.actor_id is None
    assert entry.reason == "Impor CSV asn.csv"
    assert entry.after["supervisor_nip"] == KABID


def test_excel_export_with_bom_semicolons_and_crlf_is_accepted(db, units):
    data = "\ufeffNIP;Nama;Jabatan;Unit;Email;Atasan_NIP\r\n" f"{KEPALA};Bambang;Kepala Dinas;dinkes;;\r\n;;;;;\r\n"
    summary = import_asn_csv(data.encode("utf-8"))
    assert summary.profiles == 1
    assert db.session.scalar(select(AsnProfile.name)) == "Bambang"


def test_columns_may_come_in_any_order(db, units):
    data = csv_bytes(f"dinkes,Bambang,{KEPALA},Kepala Dinas,,", header="unit,nama,nip,jabatan,atasan_nip,email")
    assert import_asn_csv(data).profiles == 1


def test_file_with_bad_rows_imports_nothing_and_lists_every_problem(db, units, make_asn, make_user):
    make_asn(nip="196501011990031001", name="Sekretaris Daerah")
    linked = make_asn(nip="196601011991031001")
    data = csv_bytes(
        f"{KEPALA},Bambang,Kepala Dinas,dinkes,,",  # 2: fine
        "19850230 201001 1 004,Tanggal Salah,Staf,dinkes,,",  # 3: 30 February
        f"{KEPALA},Kembar,Staf,dinkes,,",  # 4: same NIP as line 2
        "196501011990031001,Sudah Ada,Staf,dinkes,,",  # 5: NIP already in the portal
        f"{STAF},Andi,Staf,dinas-rahasia,,",  # 6: unknown unit
        f"{STAF_2},,,dinkes,,",  # 7: no name, no jabatan
        f"{KABID},Rina,Staf,dinkes,bukan-email,",  # 8: bad e-mail
        "199201012017031001,Tono,Staf,dinkes,,199999999999999999",  # 9: unknown atasan
        "199301012018031001,Tini,Staf,dinkes,,19930101 201803 1 001",  # 10: own atasan
        f"199401012019031001,Tuti,Staf,dinkes,{linked.user.email},",  # 11: account already an ASN
        "1.98503E+17,Excel,Staf,dinkes,,",  # 12: NIP mangled by Excel
        "199501012019031001,Kurang Kolom,Staf",  # 13: too few columns
        "199501012019031002,Wati,Staf,dinkes,wati@contoh.id,",  # 14: fine
        "199501012019031003,Wati Lagi,Staf,dinkes,WATI@contoh.id,",  # 15: same e-mail as line 14
        "199001012090011001,Masa Depan,Staf,dinkes,,",  # 16: TMT in the future
        "200001012010011001,Terlalu Muda,Staf,dinkes,,",  # 17: TMT before 18
        "198503122010013004,Kelamin,Staf,dinkes,,",  # 18: sex digit 3
        "198503122010011000,Urut,Staf,dinkes,,",  # 19: sequence 000
    )
    problems = problems_of(data)

    assert_problem(problems, 3, "tanggal lahir yang sah")
    assert_problem(problems, 4, "sudah ada di baris 2")
    assert_problem(problems, 5, "sudah terdaftar di portal atas nama Sekretaris Daerah")
    assert_problem(problems, 6, "\"dinas-rahasia\" tidak dikenal")
    assert_problem(problems, 7, "nama wajib diisi")
    assert_problem(problems, 7, "jabatan wajib diisi")
    assert_problem(problems, 8, "email \"bukan-email\" tidak valid")
    assert_problem(problems, 9, "atasan dengan NIP 199999999999999999 tidak ada")
    assert_problem(problems, 10, "atasan dirinya sendiri")
    assert_problem(problems, 11, "sudah terhubung ke profil ASN lain")
    assert_problem(problems, 12, "diubah Excel menjadi angka")
    assert_problem(problems, 13, "ada 3 kolom, seharusnya 6")
    assert_problem(problems, 15, "sudah dipakai di baris 14")
    assert_problem(problems, 16, "tidak boleh di masa depan")
    assert_problem(problems, 17, "minimal 18 tahun")
    assert_problem(problems, 18, "jenis kelamin")
    assert_problem(problems, 19, "Nomor urut")
    assert {line for line, _ in problems} == set(range(3, 20)) - {14}
    assert [line for line, _ in problems] == sorted(line for line, _ in problems)
    db.session.rollback()
    assert profile_count(db) == 2  # only the two made above
    assert db.session.scalar(select(func.count(User.id).filter(User.email == "wati@contoh.id"))) == 0


def test_supervisor_cycle_in_the_file_is_reported_on_each_row(db, units):
    data = csv_bytes(
        f"{KEPALA},Bambang,Kepala Dinas,dinkes,,{STAF}",
        f"{KABID},Rina,Kepala Bidang,dinkes,,{KEPALA}",
        f"{STAF},Andi,Staf,dinkes,,{KABID}",
        f"{STAF_2},Dewi,Staf,dinkes,,{STAF}",  # hangs off the loop: its own row is fine
    )
    problems = problems_of(data)
    assert [line for line, _ in problems] == [2, 3, 4]
    assert all("atasan berputar" in message for _, message in problems)
    assert "baris 2 → baris 4 → baris 3 → baris 2" in problems[0][1]
    assert profile_count(db) == 0


def test_line_numbers_count_lines_inside_quoted_fields(db, units):
    data = csv_bytes(f'{KEPALA},Bambang,"Kepala\nDinas",dinkes,,', "123,Salah,Staf,dinkes,,")
    assert problems_of(data) == [(4, "NIP \"123\": NIP harus 18 digit, bukan 3.")]


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"", None, "Berkas kosong"),
        (b"\n \n", None, "Berkas kosong"),
        (HEADER.encode() + b"\n", None, "hanya berisi judul kolom"),
        (b"nip,nama,jabatan,opd,email\n", 1, "Kolom yang tidak ada: unit, atasan_nip. Kolom yang tidak dikenal: opd."),
        (b"nip,nama,nama,jabatan,unit,email,atasan_nip\n", 1, "dua kali"),
        (f"{HEADER}\n{KEPALA},Bambang,Kepala Dinas,dinkes,,\n{STAF},Andi,Staf Dinas Kesehatan,dinkes,,\n".encode("cp1252")
         .replace(b"Kesehatan", b"Kes\xe9hatan"), 3, "bukan teks UTF-8"),
    ],
    ids=["empty", "blank-lines", "header-only", "wrong-header", "duplicate-column", "not-utf8"],
)
def test_file_level_problems(db, units, data, line, fragment):
    [(got_line, message)] = problems_of(data)
    assert got_line == line
    assert fragment in message


def test_command_imports_good_file_and_prints_summary(app, db, units, write_csv):
    path = write_csv(csv_bytes(f"{KEPALA},Bambang,Kepala Dinas,dinkes,bambang@contoh.id,", f"{STAF},Andi,Staf,dinkes,,{KEPALA}"))
    result = app.test_cli_runner().invoke(args=["asn", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 profil ASN diimpor." in result.output
    assert "1 akun baru dibuat" in result.output
    db.session.expire_all()
    assert profile_count(db) == 2


def test_command_refuses_bad_file_with_non_zero_exit_and_every_error(app, db, units, write_csv):
    path = write_csv(csv_bytes(f"{KEPALA},Bambang,Kepala Dinas,dinkes,,", "123,Salah,Staf,dinkes,,", f"{STAF},Andi,,nowhere,,"))
    result = app.test_cli_runner().invoke(args=["asn", "import", str(path)])
    assert result.exit_code == 1
    assert "Berkas ditolak: 3 masalah. Tidak ada data yang diimpor." in result.stderr
    assert "Baris 3: NIP \"123\": NIP harus 18 digit, bukan 3." in result.stderr
    assert "Baris 4: jabatan wajib diisi." in result.stderr
    assert "Baris 4: perangkat daerah dengan slug \"nowhere\" tidak dikenal." in result.stderr
    db.session.expire_all()
    assert profile_count(db) == 0


def test_command_dry_run_stores_nothing(app, db, units, write_csv):
    path = write_csv(csv_bytes(f"{KEPALA},Bambang,Kepala Dinas,dinkes,bambang@contoh.id,"))
    result = app.test_cli_runner().invoke(args=["asn", "import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 profil ASN siap diimpor" in result.output
    db.session.expire_all()
    assert profile_count(db) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_command_reports_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["asn", "import", str(tmp_path / "tidak-ada.csv")])
    assert result.exit_code == 2


def test_real_command_line_run_outside_any_request(app, db, units, write_csv, tmp_path):
    # The test client pushes a request context; a real `flask asn import` has none, so
    # translated messages must not need one.
    path = write_csv(csv_bytes(f"{KEPALA},Bambang,Kepala Dinas,dinkes,bambang@contoh.id,", "123,Salah,Staf,dinkes,,"))
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "PORTAL_INSTANCE_PATH": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "flask", "--app", "portal", "asn", "import", str(path)]
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1, refused.stderr
    assert "Baris 3: NIP \"123\": NIP harus 18 digit, bukan 3." in refused.stderr

    write_csv(csv_bytes(f"{KEPALA},Bambang,Kepala Dinas,dinkes,bambang@contoh.id,"))
    imported = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    assert "1 profil ASN diimpor." in imported.stdout
    db.session.expire_all()
    assert profile_count(db) == 1
