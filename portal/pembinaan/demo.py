"""Demo records for the demo ASN accounts: trainings, targets, evaluations, community input, a plan.

Idempotent: each part is looked up by its natural key (ASN + title, ASN + period, …) before it is
created. Fast: about a hundred rows and one holiday query per response event.
"""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from portal.db import utcnow
from portal.extensions import db
from portal.pembinaan.models import (
    DevelopmentGoal,
    Evaluation,
    PeerFeedback,
    ProgressUpdate,
    Training,
    WorkIndicator,
    WorkTarget,
)
from portal.pembinaan.periods import current_period, period_containing
from portal.pembinaan.predicate import ABOVE, AS_EXPECTED, BELOW, derive_predicate
from portal.responses.models import ResponseEvent
from portal.workdays.calendar import WIB, holidays_between, is_working_day, wib_date, working_seconds_between

DEMO_ITEM_TYPE = "demo"  # community responses made here, so they are never mistaken for real items
EVENTS_PER_QUARTER = 6
QUARTERS = 6

# (key, training title, organiser, form, days before the end of last month, length in days, JP)
TRAININGS = {
    "asn-kes": [
        ("Bimbingan Teknis Pengelolaan Pengaduan SP4N-LAPOR!", "BKPSDM Kota Surabaya", "bimbingan_teknis", 200, 3, 24),
        ("E-learning Pelayanan Prima", "LAN RI", "e_learning", 90, 10, 8),
        ("Coaching Komunikasi Publik", "Dinas Kesehatan Kota Surabaya", "coaching", 20, 1, 4),
        ("Pelatihan Teknis Surveilans Penyakit", "BPSDM Provinsi Jawa Timur", "pelatihan_teknis", 420, 5, 40),
    ],
    "asn-kes-2": [
        ("Seminar Promosi Kesehatan Berbasis Komunitas", "Universitas Airlangga", "seminar", 60, 1, 6),
    ],
    "atasan-kes": [
        ("Pelatihan Kepemimpinan Administrator", "BPSDM Provinsi Jawa Timur", "pelatihan_struktural", 150, 30, 30),
    ],
    "asn-pend": [
        ("Belajar Mandiri Keamanan Aplikasi Web", "Kominfo (Digital Talent Scholarship)", "belajar_mandiri", 120, 14, 8),
        ("Workshop Sistem Informasi PPDB", "Dinas Pendidikan Kota Surabaya", "workshop", 380, 2, 16),
    ],
}

TARGETS = {
    "asn-kes": ("Pertanyaan warga tentang layanan puskesmas terjawab cepat dan tuntas", [
        ("Persentase utas forum kesehatan yang dijawab dalam 2 hari kerja", "90%"),
        ("Rata-rata penilaian warga atas jawaban resmi", "≥ 4,0"),
    ], [(40, "Semua utas bulan ini dijawab; dua melewati tenggat karena menunggu data stok obat."),
        (70, "Template jawaban stok obat disepakati dengan instalasi farmasi.")],
        "Bagus. Libatkan instalasi farmasi sejak awal agar jawaban stok obat tidak tertunda."),
    "asn-pend": ("Aduan PPDB zonasi ditindaklanjuti dengan verifikasi koordinat", [
        ("Aduan koordinat yang diverifikasi dalam 5 hari kerja", "100%"),
    ], [(30, "Verifikasi manual berjalan; perlu akses peta dari Dispendukcapil.")],
        "Ajukan akses peta resmi lewat surat Kepala Bidang minggu ini."),
}

# (key, quarters back, hasil kerja, perilaku kerja, summary, ASN response or None)
EVALUATIONS = [
    ("asn-kes", 3, AS_EXPECTED, AS_EXPECTED, "Target tercapai; jawaban di forum jelas dan sopan.", None),
    ("asn-kes", 2, AS_EXPECTED, ABOVE, "Inisiatif template jawaban stok obat patut dicontoh.",
     "Terima kasih. Saya ingin memperluas template ke layanan imunisasi."),
    ("asn-kes", 1, ABOVE, ABOVE, "Waktu tanggapan membaik dan penilaian warga naik.",
     "Saya mohon dukungan pelatihan manajemen waktu untuk menjaga capaian ini."),
    ("asn-pend", 2, AS_EXPECTED, AS_EXPECTED, "Tanggapan PPDB memadai di masa puncak pendaftaran.", None),
    ("asn-pend", 1, BELOW, AS_EXPECTED, "Banyak aduan koordinat melewati tenggat; perlu perbaikan alur verifikasi.",
     "Keterlambatan karena akses peta belum ada; sudah saya ajukan ke Dispendukcapil."),
]

QUESTIONS = {
    "dinkes": [
        "Jadwal imunisasi campak di Puskesmas Ketabang", "Stok obat hipertensi di Puskesmas Jagir",
        "Cara daftar antrean daring puskesmas", "Ambulans 112 untuk pasien lansia",
        "Layanan puskesmas pada hari libur", "Rujukan BPJS ke RSUD Soewandhie",
    ],
    "dispendik": [
        "Koordinat rumah salah di peta PPDB", "Jadwal verifikasi berkas jalur afirmasi",
        "Kuota jalur mutasi orang tua", "Perbaikan data nilai rapor di sistem PPDB",
        "Legalisir ijazah SD yang hilang", "Beasiswa Pemuda Tangguh untuk SMP",
    ],
}
GOOD_COMMENTS = ["Jawaban jelas dan cepat, terima kasih.", "Petugas ramah, masalah saya selesai.", None]
BAD_COMMENTS = ["Jawaban terlambat, saya sudah menunggu lama.", "Belum menjawab pertanyaan saya.", None]
SOURCES = [("forum", "/forum/"), ("feedback", "/masukan"), ("konsultasi", "/konsultasi/")]


def seed_pembinaan(context):
    """Give the demo ASN accounts a full development record."""
    now = utcnow()
    today = wib_date(now)
    for key, rows in TRAININGS.items():
        _trainings(context, key, rows, today)
    for key, spec in TARGETS.items():
        _target(context, key, spec, today)
    for spec in EVALUATIONS:
        _evaluation(context, spec, today, now)
    _peer_feedback(context, today, now)
    for key, slow in (("asn-kes", False), ("asn-pend", True)):
        _events(context, key, slow, today)
    _goals(context, today, now)
    db.session.flush()


def _utc(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=WIB).astimezone(UTC)


def _trainings(context, key, rows, today):
    profile = context.asn[key]
    existing = set(db.session.scalars(select(Training.title).where(Training.asn_id == profile.id)))
    anchor = today.replace(day=1) - timedelta(days=1)  # end of last month: always in the past
    for title, organiser, form, days_before, length, jp in rows:
        if title in existing:
            continue
        ends = anchor - timedelta(days=days_before)
        db.session.add(Training(asn_id=profile.id, title=title, organiser=organiser, form=form,
                                starts_on=ends - timedelta(days=length - 1), ends_on=ends, jp=jp))
        context.count("pelatihan ASN")


def _target(context, key, spec, today):
    profile = context.asn[key]
    title, indicators, updates, feedback = spec
    year = period_containing(today, "year")
    if db.session.scalar(select(WorkTarget.id).where(WorkTarget.asn_id == profile.id, WorkTarget.title == title)):
        return
    target = WorkTarget(asn_id=profile.id, period=year.label, period_start=year.start, period_end=year.end,
                        title=title, created_by_id=profile.user_id)
    target.indicators = [WorkIndicator(position=i, description=d, target_value=t)
                         for i, (d, t) in enumerate(indicators, 1)]
    moment = utcnow() - timedelta(days=60)
    for percent, body in updates:
        target.updates.append(ProgressUpdate(kind="progress", author_id=profile.user_id, body=body, percent=percent,
                                             created_at=moment))
        moment += timedelta(days=20)
    if profile.supervisor is not None:
        target.updates.append(ProgressUpdate(kind="feedback", author_id=profile.supervisor.user_id, body=feedback,
                                             created_at=moment))
    db.session.add(target)
    context.count("rencana hasil kerja")


def _evaluation(context, spec, today, now):
    key, back, hasil, perilaku, summary, response = spec
    profile = context.asn[key]
    period = current_period("quarter", now)
    for _i in range(back):
        period = period.previous()
    if db.session.scalar(select(Evaluation.id).where(Evaluation.asn_id == profile.id,
                                                     Evaluation.period == period.label)):
        return
    when = now - timedelta(days=90 * back - 10)
    db.session.add(Evaluation(
        asn_id=profile.id, period=period.label, period_end=period.end, evaluator_id=profile.supervisor_id,
        hasil_kerja=hasil, perilaku_kerja=perilaku, predicate=derive_predicate(hasil, perilaku),
        behaviour_notes={"berorientasi_pelayanan": "Menjawab warga dengan bahasa yang mudah dipahami.",
                         "kolaboratif": "Aktif berkoordinasi dengan unit lain."},
        summary=summary, asn_response=response, responded_at=when + timedelta(days=2) if response else None,
        created_at=when, updated_at=when,
    ))
    context.count("evaluasi kinerja")


def _peer_feedback(context, today, now):
    author, profile = context.asn["asn-kes-2"], context.asn["asn-kes"]
    period = current_period("quarter", now).previous()
    exists = db.session.scalar(select(PeerFeedback.id).where(
        PeerFeedback.asn_id == profile.id, PeerFeedback.author_id == author.id, PeerFeedback.period == period.label))
    if not exists:
        db.session.add(PeerFeedback(asn_id=profile.id, author_id=author.id, period=period.label,
                                    body="Rina selalu siap membantu menjawab pertanyaan warga saat saya penyuluhan "
                                         "di lapangan. Dokumentasi jawabannya rapi dan mudah dipakai ulang."))
        context.count("umpan balik rekan")


def _working_day_at_or_after(day, holidays):
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def _events(context, key, slow, today):
    """Community responses over the last quarters, with ratings, if the other seeders made too few."""
    profile = context.asn[key]
    made = db.session.scalar(select(func.count(ResponseEvent.id)).where(
        ResponseEvent.asn_id == profile.id, ResponseEvent.item_type == DEMO_ITEM_TYPE))
    if made:
        return
    rng = context.rng
    titles = QUESTIONS.get(profile.unit.slug, QUESTIONS["dinkes"])
    quarter = period_containing(today, "quarter")
    quarters = [quarter]
    for _i in range(QUARTERS - 1):
        quarters.append(quarters[-1].previous())
    holidays = holidays_between(quarters[-1].start, today)
    rows = []
    for age, period in enumerate(quarters):  # 0 = this quarter
        last_day = min(period.end, today - timedelta(days=1))
        if last_day < period.start:
            continue
        span = (last_day - period.start).days
        for n in range(EVENTS_PER_QUARTER):
            day = _working_day_at_or_after(period.start + timedelta(days=rng.randint(0, max(span - 4, 0))), holidays)
            started = _utc(day, rng.randint(7, 15), rng.choice((0, 15, 30, 45)))
            # The slow ASN improves over time: older quarters take longer.
            working_days = rng.choice((1, 2, 3, 4) if slow and age > 1 else (0, 1, 1, 2))
            answered_day = day
            for _step in range(working_days):
                answered_day = _working_day_at_or_after(answered_day + timedelta(days=1), holidays)
            answered = _utc(answered_day, rng.randint(8, 16), rng.choice((0, 20, 40)))
            if answered <= started:
                answered = started + timedelta(hours=rng.randint(1, 5))
            deadline_day = day
            for _step in range(2):
                deadline_day = _working_day_at_or_after(deadline_day + timedelta(days=1), holidays)
            deadline = datetime.combine(deadline_day, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)
            met = answered <= deadline
            rated = rng.random() < 0.75
            rating = (rng.choice((4, 5, 5, 4, 3)) if met else rng.choice((2, 3, 2, 4))) if rated else None
            comment = rng.choice(GOOD_COMMENTS if (rating or 0) >= 4 else BAD_COMMENTS) if rated else None
            source, url = SOURCES[(age + n) % len(SOURCES)]
            rows.append(ResponseEvent(
                source=source, item_type=DEMO_ITEM_TYPE, item_id=900000 + profile.id * 1000 + age * 50 + n,
                answer_id=None, title=titles[(age + n) % len(titles)], url=url, unit_id=profile.unit_id,
                asn_id=profile.id, started_at=started, answered_at=answered,
                response_seconds=int((answered - started).total_seconds()),
                working_seconds=working_seconds_between(started, answered), deadline_at=deadline,
                deadline_met=met, is_first=True, rating=rating, rating_comment=comment,
                rated_at=answered + timedelta(days=1) if rated else None,
                rated_by_id=context.citizens[(age * 7 + n) % len(context.citizens)].id if rated and context.citizens
                else None,
            ))
    db.session.add_all(rows)
    context.count("tanggapan (pembinaan)", len(rows))


def _goals(context, today, now):
    plans = [
        ("asn-kes", "Pelatihan manajemen waktu", "Ikuti e-learning manajemen waktu LAN (8 JP) dan terapkan jadwal "
         "harian memeriksa \"Perlu ditanggapi\" pukul 08.00 dan 13.00.", "Rina Wulandari, S.Kep.", 45,
         "tanggapan_lambat", "Permintaan ASN dalam dialog kinerja; median tanggapan pertama sempat di atas 2 hari "
                             "kerja.", True),
        ("asn-pend", "Penuhi 20 JP pengembangan kompetensi", "Ikuti bimtek SP4N-LAPOR! dan e-learning analisis "
         "data spasial.", "Dimas Aditya, S.Kom.", 90, "jp_kurang", None, False),
    ]
    for key, goal, actions, owner, days, code, reason, acknowledged in plans:
        profile = context.asn[key]
        if db.session.scalar(select(DevelopmentGoal.id).where(DevelopmentGoal.asn_id == profile.id,
                                                              DevelopmentGoal.goal == goal)):
            continue
        if reason is None:
            anchor = today.replace(day=1) - timedelta(days=1)
            jp = sum(row[-1] for row in TRAININGS.get(key, []) if (anchor - timedelta(days=row[3])).year == today.year)
            reason = (f"Baru {jp} dari 20 JP pada {today.year} "
                      "(PP 11/2017 Pasal 203: sedikitnya 20 JP per tahun).")
        db.session.add(DevelopmentGoal(
            asn_id=profile.id, goal=goal, actions=actions, owner=owner, due_on=today + timedelta(days=days),
            status="berjalan" if acknowledged else "diusulkan", suggestion_code=code, reason=reason,
            proposed_by_id=profile.supervisor.user_id if profile.supervisor else None,
            proposed_at=now - timedelta(days=14), acknowledged_at=now - timedelta(days=12) if acknowledged else None,
        ))
        context.count("rencana pengembangan")

