"""Demo data: a realistic Surabaya setting for trying the portal and for benchmarks.

Idempotent: every record is looked up by its natural key before it is created, so a second
run adds nothing. Capabilities add their own content through DEMO_SEEDERS.
"""

import random

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.passwords import hash_password
from portal.db import utcnow
from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit

# Functions seed(context) that later capabilities register to add their own demo content.
DEMO_SEEDERS = []

DOMAIN = "demo.surabaya.go.id"

UNITS = [
    ("dinkes", "Dinas Kesehatan", "Urusan kesehatan masyarakat: puskesmas, rumah sakit daerah, imunisasi.", [
        ("puskesmas", "Puskesmas", "Pelayanan kesehatan dasar di 63 puskesmas."),
        ("rsud-soewandhie", "RSUD dr. Mohamad Soewandhie", "Rumah sakit umum daerah."),
        ("imunisasi", "Imunisasi Anak", "Imunisasi dasar lengkap di posyandu dan puskesmas."),
        ("ambulans-112", "Ambulans Gawat Darurat 112", "Layanan ambulans gratis melalui Command Center 112."),
    ]),
    ("dispendik", "Dinas Pendidikan", "Urusan pendidikan dasar: SD dan SMP negeri, PPDB, beasiswa.", [
        ("ppdb", "PPDB SD dan SMP", "Penerimaan peserta didik baru: jalur zonasi, afirmasi, prestasi, mutasi."),
        ("beasiswa-pemuda-tangguh", "Beasiswa Pemuda Tangguh", "Beasiswa bagi pelajar dan mahasiswa warga Surabaya."),
        ("legalisir-ijazah", "Legalisir Ijazah", "Legalisir ijazah SD dan SMP."),
    ]),
    ("dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Administrasi kependudukan.", [
        ("ktp-el", "KTP Elektronik", "Perekaman dan pencetakan KTP-el."),
        ("kartu-keluarga", "Kartu Keluarga", "Penerbitan dan perubahan Kartu Keluarga."),
        ("akta-kelahiran", "Akta Kelahiran", "Penerbitan akta kelahiran."),
    ]),
    ("dishub", "Dinas Perhubungan", "Transportasi dan perparkiran kota.", [
        ("suroboyo-bus", "Suroboyo Bus", "Angkutan umum bus kota."),
        ("parkir", "Perparkiran", "Parkir tepi jalan umum dan gedung parkir."),
    ]),
    ("dlh", "Dinas Lingkungan Hidup", "Kebersihan, persampahan dan ruang terbuka hijau.", [
        ("sampah", "Pengangkutan Sampah", "Pengangkutan sampah dari TPS ke TPA Benowo."),
        ("taman-kota", "Taman Kota", "Pengelolaan taman dan ruang terbuka hijau."),
    ]),
    ("dinsos", "Dinas Sosial", "Perlindungan dan jaminan sosial.", [
        ("bansos", "Bantuan Sosial", "Penyaluran bantuan sosial bagi keluarga miskin."),
        ("permakanan", "Program Permakanan", "Makanan bergizi bagi lansia dan penyandang disabilitas."),
    ]),
    ("dpmptsp", "Dinas Penanaman Modal dan PTSP", "Perizinan terpadu satu pintu.", [
        ("perizinan-usaha", "Perizinan Berusaha", "Perizinan usaha melalui OSS dan Surabaya Single Window."),
        ("pbg", "Persetujuan Bangunan Gedung", "Penerbitan PBG."),
    ]),
]

# (key, unit slug, name, jabatan, NIP, supervisor key, demo e-mail local part or None)
ASN = [
    ("kadinkes", "dinkes", "dr. Nanik Sukristina, M.Kes.", "Kepala Dinas Kesehatan", "19700512 199803 2 004", None, None),
    ("atasan-kes", "dinkes", "dr. Bagus Prasetyo", "Kepala Bidang Pelayanan Kesehatan", "19780304 200501 1 002", "kadinkes", "atasan.kesehatan"),
    ("asn-kes", "dinkes", "Rina Wulandari, S.Kep.", "Analis Pelayanan Kesehatan", "19900817 201503 2 011", "atasan-kes", "asn.kesehatan"),
    ("asn-kes-2", "dinkes", "Agus Santoso, S.KM.", "Penyuluh Kesehatan Masyarakat", "19880221 201403 1 007", "atasan-kes", None),
    ("kadispendik", "dispendik", "Drs. Yusuf Masruh, M.M.", "Kepala Dinas Pendidikan", "19690405 199503 1 003", None, None),
    ("atasan-pend", "dispendik", "Siti Aminah, S.Pd., M.Pd.", "Kepala Bidang Sekolah Dasar", "19760923 200012 2 001", "kadispendik", None),
    ("asn-pend", "dispendik", "Dimas Aditya, S.Kom.", "Pranata Komputer Ahli Pertama", "19930110 201903 1 005", "atasan-pend", "asn.pendidikan"),
    ("kadispenduk", "dispendukcapil", "Eddy Christijanto, S.H.", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "19720606 199803 1 009", None, None),
    ("asn-duk", "dispendukcapil", "Lestari Handayani, A.Md.", "Pengadministrasi Kependudukan", "19910314 201402 2 003", "kadispenduk", None),
    ("kadishub", "dishub", "Tundjung Iswandaru, S.T.", "Kepala Dinas Perhubungan", "19710828 199703 1 006", None, None),
    ("kadlh", "dlh", "Ir. Dedik Irianto", "Kepala Dinas Lingkungan Hidup", "19680117 199403 1 002", None, None),
    ("kadinsos", "dinsos", "Anna Fajriatin, S.Sos.", "Kepala Dinas Sosial", "19740219 200003 2 005", None, None),
]

CITIZEN_NAMES = [
    "Budi Santoso", "Sri Rahayu", "Ahmad Fauzi", "Dewi Lestari", "Eko Prasetyo", "Nur Aini",
    "Hendra Gunawan", "Wahyuni", "Rizky Ramadhan", "Fitri Handayani", "Joko Susilo", "Yuliana",
    "Andi Saputra", "Kartini", "Bambang Hartono", "Ratna Sari", "Teguh Wibowo", "Maya Anggraini",
    "Slamet Riyadi", "Indah Permatasari",
]


class DemoRefused(Exception):
    """seed-demo cannot run in this setting."""


class DemoContext:
    """What the core seed created, for capability seeders to build on."""

    def __init__(self, scale, password_hash, rng):
        self.scale = scale
        self.password_hash = password_hash
        self.rng = rng
        self.units = {}
        self.services = {}
        self.asn = {}
        self.users = {}
        self.citizens = []
        self.created = {}

    def count(self, what, n=1):
        self.created[what] = self.created.get(what, 0) + n


def seed_demo(scale=1, password="demo12345"):  # noqa: S107 (the documented demo password)
    """Add the demo setting to the database and commit; return summary lines."""
    context = DemoContext(scale, hash_password(password), random.Random(20261128))
    _seed_units(context)
    _seed_accounts(context)
    _seed_asn(context)
    _seed_citizens(context)
    db.session.flush()
    for seeder in DEMO_SEEDERS:
        seeder(context)
    db.session.commit()
    if not context.created:
        return ["Data demo sudah ada; tidak ada yang ditambahkan."]
    return [f"{what}: {n} ditambahkan" for what, n in sorted(context.created.items())]


def _get_or_create(model, context, label, **natural_key):
    row = db.session.scalar(select(model).filter_by(**natural_key))
    if row is None:
        row = model(**natural_key)
        db.session.add(row)
        context.count(label)
    return row


def _seed_units(context):
    for slug, name, description, services in UNITS:
        unit = _get_or_create(Unit, context, "unit", slug=slug)
        unit.name, unit.description = unit.name or name, unit.description or description
        context.units[slug] = unit
        for service_slug, service_name, service_description in services:
            service = db.session.scalar(select(Service).filter_by(slug=service_slug))
            if service is None:
                service = Service(slug=service_slug, name=service_name, description=service_description, unit=unit)
                db.session.add(service)
                context.count("layanan")
            context.services[service_slug] = service
    db.session.flush()


def _user(context, email, name, roles, password_hash=None):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash or context.password_hash, email_verified_at=utcnow())
        db.session.add(user)
        context.count("akun")
    for role in roles:
        if role not in user.roles:
            user.role_rows.append(UserRole(role=role))
    return user


def _seed_accounts(context):
    context.users["admin"] = _user(context, f"admin@{DOMAIN}", "Admin BKPSDM", ["warga", "admin"])
    context.users["moderator"] = _user(context, f"moderator@{DOMAIN}", "Moderator Portal", ["warga", "moderator"])
    context.users["warga"] = _user(context, f"warga@{DOMAIN}", "Sari Wulandari", ["warga"])


def _seed_asn(context):
    for key, unit_slug, name, jabatan, nip, boss, mail_name in ASN:
        digits = nip.replace(" ", "")
        profile = db.session.scalar(select(AsnProfile).filter_by(nip=digits))
        if profile is None:
            profile = AsnProfile(nip=digits, name=name, jabatan=jabatan, unit=context.units[unit_slug])
            db.session.add(profile)
            context.count("asn")
        if boss and profile.supervisor is None:
            profile.supervisor = context.asn[boss]
        email = f"{mail_name}@{DOMAIN}" if mail_name else f"{key}@{DOMAIN}"
        if profile.user is None:
            profile.user = _user(context, email, name, ["warga", "asn"])
        context.asn[key] = profile
        if mail_name:
            context.users[mail_name] = profile.user
    db.session.flush()


def _seed_citizens(context):
    total = len(CITIZEN_NAMES) * context.scale
    for i in range(total):
        name = CITIZEN_NAMES[i % len(CITIZEN_NAMES)]
        email = f"warga{i + 1}@{DOMAIN}"
        context.citizens.append(_user(context, email, name, ["warga"]))
