"""Demo feedback and SKM responses for several units and quarters (idempotent)."""

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from portal.extensions import db
from portal.feedback import services
from portal.feedback.ikm import rebuild_daily_totals
from portal.feedback.models import Feedback, SkmResponse
from portal.workdays.calendar import WIB
from portal.workdays.models import Holiday

# Libur nasional dan cuti bersama 2026 (SKB 3 Menteri), as admins would enter them.
HOLIDAYS_2026 = [
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi", "libur_nasional"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW", "libur_nasional"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili", "libur_nasional"),
    (date(2026, 3, 19), "Hari Suci Nyepi", "libur_nasional"),
    (date(2026, 3, 20), "Idul Fitri 1447 H", "libur_nasional"),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri", "cuti_bersama"),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri", "cuti_bersama"),
    (date(2026, 4, 3), "Wafat Yesus Kristus", "libur_nasional"),
    (date(2026, 5, 1), "Hari Buruh Internasional", "libur_nasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus", "libur_nasional"),
    (date(2026, 5, 27), "Idul Adha 1447 H", "libur_nasional"),
    (date(2026, 6, 1), "Hari Lahir Pancasila", "libur_nasional"),
    (date(2026, 6, 16), "Tahun Baru Islam 1448 H", "libur_nasional"),
    (date(2026, 8, 17), "Hari Kemerdekaan RI", "libur_nasional"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW", "libur_nasional"),
    (date(2026, 12, 24), "Cuti bersama Natal", "cuti_bersama"),
    (date(2026, 12, 25), "Hari Raya Natal", "libur_nasional"),
]

# (unit, service, type, title, body, public, months ago, final status, rating)
ITEMS = [
    ("dinkes", "puskesmas", "keluhan", "Antrean pendaftaran Puskesmas Ketabang sampai 3 jam",
     "Saya datang pukul 07.00 untuk berobat umum dan baru dipanggil pukul 10.15. Loket pendaftaran hanya satu yang buka.",
     True, 5, "selesai", 4),
    ("dinkes", "puskesmas", "saran", "Mohon ada nomor antrean daring untuk Puskesmas",
     "Akan sangat membantu lansia jika nomor antrean bisa diambil lewat aplikasi sehingga tidak perlu menunggu lama di ruang tunggu.",
     True, 4, "ditindaklanjuti", None),
    ("dinkes", "imunisasi", "apresiasi", "Petugas imunisasi Posyandu Melati sangat ramah",
     "Terima kasih kepada bidan dan kader Posyandu Melati, anak saya diimunisasi dengan sabar dan dijelaskan jadwal berikutnya.",
     True, 3, "selesai", 5),
    ("dinkes", "rsud-soewandhie", "keluhan", "Obat pasien BPJS di apotek RSUD sering kosong",
     "Sudah dua kali bulan ini resep BPJS tidak bisa ditebus karena stok kosong sehingga harus membeli di luar.",
     True, 1, "diproses", None),
    ("dinkes", "puskesmas", "keluhan", "Toilet Puskesmas Tambaksari rusak",
     "Toilet untuk pasien di lantai satu rusak dan tidak ada air selama seminggu.",
     False, 0, "diterima", None),
    ("dispendik", "ppdb", "keluhan", "Titik koordinat rumah salah di sistem PPDB zonasi",
     "Koordinat rumah kami di peta PPDB bergeser 800 meter sehingga jarak ke SMPN 12 terhitung lebih jauh.",
     True, 6, "selesai", 3),
    ("dispendik", "ppdb", "saran", "Jadwal sosialisasi PPDB di kelurahan",
     "Mohon sosialisasi PPDB diadakan di balai RW pada malam hari agar orang tua yang bekerja bisa hadir.",
     True, 2, "diverifikasi", None),
    ("dispendukcapil", "ktp-el", "keluhan", "Blanko KTP-el habis di Kecamatan Rungkut",
     "Sudah rekam sejak dua bulan lalu tapi KTP belum dicetak karena blanko habis.",
     True, 2, "ditolak", None),
    ("dispendukcapil", "akta-kelahiran", "apresiasi", "Akta kelahiran selesai dalam satu hari",
     "Pengurusan akta kelahiran anak kami lewat Klampid selesai dalam sehari. Luar biasa.",
     True, 1, "selesai", 5),
    ("dishub", "suroboyo-bus", "saran", "Tambah armada Suroboyo Bus rute Purabaya–Rajawali jam sibuk",
     "Pada jam 06.30–08.00 bus selalu penuh dan penumpang tertinggal di halte.",
     True, 1, "diproses", None),
]


def seed_feedback(context):
    """Holidays, feedback in every status, and SKM responses over four quarters."""
    for day, name, kind in HOLIDAYS_2026:
        if db.session.scalar(select(Holiday).where(Holiday.day == day)) is None:
            db.session.add(Holiday(day=day, name=name, kind=kind))
            context.count("hari libur")
    db.session.flush()
    # Surveys first: the demo feedback brings its own surveys, which would hide an empty table.
    if db.session.scalar(select(func.count(SkmResponse.id))) == 0:
        _seed_surveys(context)
    if db.session.scalar(select(func.count(Feedback.id))) == 0:
        _seed_items(context)


def _asn_for(context, unit_slug):
    preferred = {"dinkes": ("asn-kes", "atasan-kes"), "dispendik": ("asn-pend", "atasan-pend"),
                 "dispendukcapil": ("asn-duk", "kadispenduk"), "dishub": ("kadishub", "kadishub")}
    worker, boss = preferred.get(unit_slug, (None, None))
    return context.asn.get(worker), context.asn.get(boss)


def _seed_items(context):
    now = datetime.now(timezone.utc)
    for i, (unit_slug, service_slug, kind, title, body, public, months_ago, status, rating) in enumerate(ITEMS * context.scale):
        submitted = (now - timedelta(days=30 * months_ago + 3 + i % 5)).astimezone(WIB).replace(hour=8 + i % 8, minute=15)
        unit, service = context.units[unit_slug], context.services[service_slug]
        # Every way of sending (DOMAIN.md §6): signed in (the demo resident's own first two, so
        # "Masukan saya" has items), some of them confidential; visitors with a contact name; anonymous.
        resident = context.users.get("warga") if i in (1, 2) else None
        citizen = (resident or context.citizens[i % len(context.citizens)]) if i % 3 else None
        anonymous = i % 6 == 3
        feedback, _secret = services.submit_feedback(
            unit=unit, service=service, type=kind, title=title, body=body, is_public=public, submitter=citizen,
            contact_name=None if citizen or anonymous else "Wiryo Atmojo", contact_email=None,
            confidential=bool(citizen) and i % 4 == 1, anonymous=anonymous,
            survey={f"u{n}": 2 + (i + n) % 3 for n in range(1, 10)}, now=submitted,
        )
        context.count("masukan")
        worker, boss = _asn_for(context, unit_slug)
        step = submitted
        if status == "diterima":
            continue
        step += timedelta(days=1)
        if status == "ditolak":
            services.reject_feedback(boss.user if boss else None, feedback,
                                     "Pencetakan blanko adalah kewenangan Kemendagri; kami teruskan dan pantau.", now=step)
            continue
        services.verify_feedback(worker.user, feedback, now=step)
        if status == "diverifikasi":
            continue
        step += timedelta(hours=20)
        services.assign_feedback(boss.user, feedback, worker, now=step)
        if status == "diproses":
            continue
        step += timedelta(days=1 + i % 4, hours=3)
        services.answer_feedback(worker, feedback, _answer_for(kind), now=step)
        if rating:
            services.rate_feedback_answer(feedback, rating, "Terima kasih atas tindak lanjutnya." if rating >= 4 else
                                          "Jawaban kurang jelas kapan perbaikannya.", rated_by=citizen, now=step + timedelta(days=1))
        if status == "selesai":
            services.confirm_feedback(feedback, actor=citizen, now=step + timedelta(days=2))


def _answer_for(kind):
    if kind == "apresiasi":
        return "Terima kasih atas apresiasinya. Kami sampaikan kepada petugas yang bersangkutan sebagai penyemangat."
    return ("Terima kasih atas masukan Anda. Kami sudah menindaklanjuti dengan menambah petugas pada jam sibuk "
            "dan akan memantau hasilnya selama satu bulan ke depan.")


def _seed_surveys(context):
    # Four quarters per unit, each unit with its own level of satisfaction, inserted in bulk.
    levels = {"dinkes": 3.3, "dispendik": 3.0, "dispendukcapil": 3.6, "dishub": 2.8, "dlh": 3.1, "dinsos": 3.2, "dpmptsp": 3.4}
    today = datetime.now(timezone.utc).astimezone(WIB).date()
    rows = []
    rng = context.rng
    for unit_slug, unit in context.units.items():
        services_of_unit = [s for s in context.services.values() if s.unit_id == unit.id]
        level = levels.get(unit_slug, 3.0)
        for n in range(120 * context.scale):
            day = today - timedelta(days=n * 365 // (120 * context.scale))
            service = services_of_unit[n % len(services_of_unit)] if services_of_unit else None
            scores = {f"u{k}": max(1, min(4, round(level + rng.uniform(-1.2, 0.9)))) for k in range(1, 10)}
            rows.append({"unit_id": unit.id, "service_id": service.id if service else None, "submitted_on": day,
                         "created_at": datetime.combine(day, datetime.min.time(), tzinfo=WIB).astimezone(timezone.utc),
                         **scores})
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(SkmResponse), rows[start:start + 5000])
    rebuild_daily_totals()  # a bulk load bypasses the per-response upsert
    context.count("survei SKM", len(rows))
