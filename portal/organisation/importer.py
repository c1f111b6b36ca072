"""Bulk import of ASN profiles from a CSV file: all rows or none.

The file has the header `nip,nama,jabatan,unit,email,atasan_nip` (`unit` is the unit's slug;
`email` and `atasan_nip` may be empty; `atasan_nip` may name an ASN already in the portal or
another row of the same file, in any order). Excel's exports are accepted too: UTF-8 with a
byte-order mark, and `;` between columns.
"""

import csv
import io
import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.services import normalize_email
from portal.audit import record_audit
from portal.extensions import db
from portal.organisation import services
from portal.organisation.models import AsnProfile, Unit
from portal.organisation.nip import InvalidNip, normalize_nip

COLUMNS = ("nip", "nama", "jabatan", "unit", "email", "atasan_nip")
NAME_MAX_LENGTH = 120
JABATAN_MAX_LENGTH = 160
EMAIL_MAX_LENGTH = 254
# Lookups by NIP or e-mail go in batches: SQLite caps the number of bound parameters.
LOOKUP_BATCH = 500
EXCEL_NUMBER = re.compile(r"\d+(?:[.,]\d+)?E\+?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file was refused, with its line (the header is line 1)."""

    line: int | None
    message: str

    def __str__(self):
        return f"Baris {self.line}: {self.message}" if self.line else self.message


class ImportRejected(Exception):
    """The file has problems; `problems` lists every one of them. Nothing was imported."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} masalah pada berkas impor ASN")
        self.problems = problems


@dataclass
class AsnRow:
    line: int
    nip: str | None
    name: str
    jabatan: str
    unit_slug: str
    email: str
    supervisor_nip: str


@dataclass
class ImportSummary:
    profiles: int = 0
    accounts_created: int = 0
    accounts_linked: int = 0

    def lines(self):
        """Describe the import in a few sentences, for the command line."""
        return [
            f"{self.profiles} profil ASN diimpor.",
            f"{self.accounts_created} akun baru dibuat (peran warga dan ASN, tanpa kata sandi: pemiliknya "
            "mengatur kata sandi lewat \"Lupa kata sandi\" di halaman masuk).",
            f"{self.accounts_linked} akun yang sudah ada dihubungkan ke profil ASN-nya.",
        ]


@dataclass
class ImportPreview:
    """A dry run: every row the file holds and the problems of each, nothing written."""

    rows: list
    problems: list

    @property
    def ok(self):
        return not self.problems

    def problems_of(self, line):
        return [p.message for p in self.problems if p.line == line]

    @property
    def file_problems(self):
        """Problems of the file as a whole, or of lines that gave no row (bad column count)."""
        lines = {row.line for row in self.rows}
        return [p for p in self.problems if p.line is None or p.line not in lines]


def preview_asn_csv(data):
    """Check the file as the import would, row by row, without writing anything."""
    rows, problems = read_asn_csv(data)
    if rows:
        problems += check_asn_rows(rows)
    return ImportPreview(rows, sorted(problems, key=lambda p: (p.line or 0)))


def import_asn_csv(data, *, actor=None, source=""):
    """Check the CSV file and add every ASN in it (flushed, not committed), or raise ImportRejected."""
    rows, problems = read_asn_csv(data)
    if rows:
        problems += check_asn_rows(rows)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.line or 0)))
    return _create_profiles(rows, actor, reason=f"Impor CSV {source}".strip())


# ---------------------------------------------------------------- the checked file, sent back signed

# The web import checks the file, shows every row, and asks to confirm. The file's content goes
# back to the browser signed with the app's secret and bound to the admin, so the confirmation
# needs no second upload and nothing is kept on the server in between; the import then checks
# it all again, because the portal's data may have changed since the preview.
SIGNED_IMPORT_SALT = "asn-import"
SIGNED_IMPORT_MAX_AGE = 60 * 60


class SignedImportInvalid(Exception):
    """The confirmation does not carry a file this admin checked within the hour."""


def _import_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNED_IMPORT_SALT)


def sign_import(data, filename, actor_id):
    """Return a token that carries the checked file (compressed) for the confirmation step."""
    return _import_serializer().dumps({"csv": data.decode("utf-8-sig"), "name": filename or "", "by": actor_id})


def read_signed_import(token, actor_id, max_age=SIGNED_IMPORT_MAX_AGE):
    """Return (data, filename) from a token made by sign_import for this admin, or raise SignedImportInvalid."""
    try:
        payload = _import_serializer().loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise SignedImportInvalid("Pemeriksaan berkas sudah lebih dari satu jam yang lalu. Unggah dan periksa "
                                  "berkasnya lagi.") from None
    except BadSignature:
        raise SignedImportInvalid("Data impor tidak sah atau sudah diubah. Unggah dan periksa berkasnya lagi.") from None
    if not isinstance(payload, dict) or payload.get("by") != actor_id or not isinstance(payload.get("csv"), str):
        raise SignedImportInvalid("Data impor ini bukan hasil pemeriksaan Anda. Unggah dan periksa berkasnya lagi.")
    return payload["csv"].encode("utf-8"), str(payload.get("name") or "")


# ---------------------------------------------------------------- reading and checking each row


def read_asn_csv(data):
    """Parse the file into rows, checking what each row can show on its own."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [], [ImportProblem(line, "Berkas bukan teks UTF-8. Di Excel, simpan ulang dengan jenis "
                                        "\"CSV UTF-8 (Comma delimited)\" lalu coba lagi.")]
    if not text.strip():
        return [], [ImportProblem(None, "Berkas kosong. Baris pertama harus judul kolom: " + ",".join(COLUMNS) + ".")]

    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, problems = [], []
    try:
        header = [name.strip().lower() for name in next(reader)]
        if sorted(header) != sorted(COLUMNS):
            return [], [ImportProblem(1, _header_message(header))]
        previous_end = reader.line_num
        for fields in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(value.strip() for value in fields):
                continue  # blank lines, and the ";;;;;" rows Excel leaves at the end
            while len(fields) > len(header) and not fields[-1].strip():
                fields = fields[:-1]
            if len(fields) != len(header):
                problems.append(ImportProblem(line, f"ada {len(fields)} kolom, seharusnya {len(header)}."))
                continue
            row, row_problems = _read_row(line, dict(zip(header, fields, strict=True)))
            rows.append(row)
            problems += row_problems
    except csv.Error as error:
        problems.append(ImportProblem(reader.line_num, f"baris CSV tidak dapat dibaca ({error})."))
    if not rows and not problems:
        problems.append(ImportProblem(None, "Berkas hanya berisi judul kolom, tanpa data ASN."))
    return rows, problems


def _header_message(header):
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    parts = ["judul kolom salah; harus " + ",".join(COLUMNS) + " (urutan bebas)."]
    if missing:
        parts.append("Kolom yang tidak ada: " + ", ".join(missing) + ".")
    if unknown:
        parts.append("Kolom yang tidak dikenal: " + ", ".join(c or "(kosong)" for c in unknown) + ".")
    if len(set(header)) != len(header):
        parts.append("Ada kolom yang ditulis dua kali.")
    return " ".join(parts)


def _read_row(line, values):
    problems = []
    raw_nip = values["nip"].strip()
    nip = None
    try:
        nip = normalize_nip(raw_nip)
    except InvalidNip as error:
        if EXCEL_NUMBER.fullmatch(raw_nip):
            problems.append(ImportProblem(line, f"NIP \"{raw_nip}\" sudah diubah Excel menjadi angka. Format kolom "
                                                "NIP sebagai Teks, ketik ulang NIP-nya, lalu ekspor lagi."))
        else:
            problems.append(ImportProblem(line, f"NIP \"{raw_nip}\": {error}"))

    name = services.clean_text(values["nama"])
    if not name:
        problems.append(ImportProblem(line, "nama wajib diisi."))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(ImportProblem(line, f"nama maksimal {NAME_MAX_LENGTH} karakter."))

    jabatan = services.clean_text(values["jabatan"])
    if not jabatan:
        problems.append(ImportProblem(line, "jabatan wajib diisi."))
    elif len(jabatan) > JABATAN_MAX_LENGTH:
        problems.append(ImportProblem(line, f"jabatan maksimal {JABATAN_MAX_LENGTH} karakter."))

    unit_slug = values["unit"].strip().lower()
    if not unit_slug:
        problems.append(ImportProblem(line, "unit wajib diisi (slug perangkat daerah, misalnya dinas-kesehatan)."))

    email = normalize_email(values["email"])
    if email:
        try:
            validate_email(email, check_deliverability=False)
            if len(email) > EMAIL_MAX_LENGTH:
                raise EmailNotValidError("too long")
        except EmailNotValidError:
            problems.append(ImportProblem(line, f"email \"{values['email'].strip()}\" tidak valid."))
            email = ""

    row = AsnRow(
        line=line, nip=nip, name=name, jabatan=jabatan, unit_slug=unit_slug, email=email,
        supervisor_nip=services.strip_nip(values["atasan_nip"]),
    )
    return row, problems


# ---------------------------------------------------------------- checks across rows and against the database


def check_asn_rows(rows):
    """Check the rows against each other and against the portal's data."""
    problems = []
    by_nip = {}
    for row in rows:
        if row.nip is None:
            continue
        if row.nip in by_nip:
            problems.append(ImportProblem(row.line, f"NIP {row.nip} sudah ada di baris {by_nip[row.nip].line}."))
        else:
            by_nip[row.nip] = row

    existing = _profiles_by_nip(set(by_nip) | {r.supervisor_nip for r in rows if r.supervisor_nip})
    for nip, row in by_nip.items():
        if nip in existing:
            problems.append(ImportProblem(row.line, f"NIP {nip} sudah terdaftar di portal atas nama {existing[nip].name}."))

    units = set(db.session.scalars(select(Unit.slug)).all())
    for row in rows:
        if row.unit_slug and row.unit_slug not in units:
            problems.append(ImportProblem(
                row.line, f"perangkat daerah dengan slug \"{row.unit_slug}\" tidak dikenal. Lihat slug di halaman "
                          "admin Perangkat daerah."))

    problems += _check_emails(rows)
    problems += _check_supervisors(rows, by_nip, existing)
    return problems


def _check_emails(rows):
    problems = []
    first_line = {}
    for row in rows:
        if not row.email:
            continue
        if row.email in first_line:
            problems.append(ImportProblem(row.line, f"email {row.email} sudah dipakai di baris {first_line[row.email]}."))
        else:
            first_line[row.email] = row.line
    accounts = _accounts_by_email(set(first_line))
    for row in rows:
        user = accounts.get(row.email)
        if user is not None and user.asn_profile is not None:
            problems.append(ImportProblem(
                row.line, f"akun dengan email {row.email} sudah terhubung ke profil ASN lain ({user.asn_profile.name})."))
    return problems


def _check_supervisors(rows, by_nip, existing):
    problems = []
    # Supervisor links inside the file; each row has at most one, so every cycle is a simple loop.
    boss_of = {}
    for row in rows:
        if not row.supervisor_nip:
            continue
        if row.nip is not None and row.supervisor_nip == row.nip:
            problems.append(ImportProblem(row.line, "atasan_nip sama dengan NIP sendiri; seorang ASN tidak dapat "
                                                    "menjadi atasan dirinya sendiri."))
        elif row.supervisor_nip in by_nip:
            if row.nip is not None and by_nip.get(row.nip) is row:
                boss_of[row.nip] = row.supervisor_nip
        elif row.supervisor_nip not in existing:
            problems.append(ImportProblem(
                row.line, f"atasan dengan NIP {row.supervisor_nip} tidak ada di berkas ini maupun di portal."))

    for cycle in _find_cycles(boss_of):
        path = " → ".join(f"baris {by_nip[nip].line}" for nip in [*cycle, cycle[0]])
        for nip in cycle:
            problems.append(ImportProblem(
                by_nip[nip].line, f"atasan berputar ({path}): rantai atasan harus berakhir pada seseorang tanpa atasan."))
    return problems


def _find_cycles(boss_of):
    """Return every loop in a graph where each node has at most one outgoing edge."""
    done, cycles = set(), []
    for start in boss_of:
        path, on_path = [], {}
        node = start
        while node in boss_of and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = boss_of[node]
        if node in on_path:
            cycles.append(path[on_path[node]:])
        done.update(path)
    return cycles


def _profiles_by_nip(nips):
    found = {}
    nips = sorted(nips)
    for i in range(0, len(nips), LOOKUP_BATCH):
        batch = nips[i:i + LOOKUP_BATCH]
        found.update({p.nip: p for p in db.session.scalars(select(AsnProfile).where(AsnProfile.nip.in_(batch)))})
    return found


def _accounts_by_email(emails):
    found = {}
    emails = sorted(emails)
    for i in range(0, len(emails), LOOKUP_BATCH):
        batch = emails[i:i + LOOKUP_BATCH]
        query = select(User).where(User.email.in_(batch), User.deleted_at.is_(None))
        found.update({normalize_email(u.email): u for u in db.session.scalars(query)})
    return found


# ---------------------------------------------------------------- writing


def _create_profiles(rows, actor, reason):
    summary = ImportSummary()
    units = {unit.slug: unit for unit in db.session.scalars(select(Unit))}
    accounts = _accounts_by_email({row.email for row in rows if row.email})
    profiles = _profiles_by_nip({row.supervisor_nip for row in rows if row.supervisor_nip})
    for row in _supervisors_first(rows):
        user = accounts.get(row.email) if row.email else None
        if row.email and user is None:
            user = _create_account(actor, row, reason)
            summary.accounts_created += 1
        elif user is not None:
            summary.accounts_linked += 1
        profiles[row.nip] = services.add_asn_profile(
            actor, nip=row.nip, name=row.name, jabatan=row.jabatan, unit=units[row.unit_slug],
            supervisor=profiles.get(row.supervisor_nip), user=user, reason=reason,
        )
        summary.profiles += 1
    return summary


def _supervisors_first(rows):
    # Rows whose atasan is in the file come after that atasan, so it exists when linked.
    # The checks already refused cycles, so every chain ends.
    in_file = {row.nip: row for row in rows}
    depth = {}

    def depth_of(row):
        chain, node = [], row
        while node.nip not in depth:
            boss = in_file.get(node.supervisor_nip)
            if boss is None:
                depth[node.nip] = 0
                break
            chain.append(node)
            node = boss
        level = depth[node.nip]
        for item in reversed(chain):
            level += 1
            depth[item.nip] = level
        return depth[row.nip]

    return sorted(rows, key=depth_of)


def _create_account(actor, row, reason):
    # No password: the person sets one with "Lupa kata sandi", which also proves the address.
    user = User(name=row.name, email=row.email, password_hash=None)
    user.role_rows.append(UserRole(role="warga"))
    db.session.add(user)
    db.session.flush()
    record_audit(actor, "account.create", user, after={"email": row.email, "roles": ["warga"]}, reason=reason)
    return user
