"""Demo konsultasi: one past with a published report, one closed awaiting its report, one live now,
one upcoming with a waiting list.

Idempotent: a consultation is looked up by its title and left alone when it exists. Rows are
written directly (no mails, no notifications); answers still become response events.
"""

from datetime import UTC, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from konsultasi.forms import WIB
from konsultasi.models import Comment, Consultation, Question, QuestionVote, Registration, Section, Speaker
from portal.db import utcnow
from portal.extensions import db
from portal.markup import render_markdown
from portal.responses.services import record_response

PAST = "Dialog Publik Rancangan Perwali Layanan Puskesmas 24 Jam"
LIVE = "Konsultasi Publik PPDB 2027"
UPCOMING = "Forum Konsultasi Publik Pengelolaan Sampah"
CLOSED = "Konsultasi Publik Penataan Parkir Tepi Jalan Umum"


def seed_konsultasi(context):
    """Add the demo consultations that are not there yet."""
    moderator = context.users.get("moderator")
    if moderator is None or len(context.citizens) < 16:
        return
    # url_for needs a request: the demo runs from the CLI.
    with current_app.test_request_context("/"):
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        if not _exists(PAST):
            _seed_past(context, moderator, now)
        if not _exists(LIVE):
            _seed_live(context, moderator, now)
        if not _exists(UPCOMING):
            _seed_upcoming(context, moderator, now)
        if not _exists(CLOSED):
            _seed_closed(context, moderator, now)


def _exists(title):
    return db.session.scalar(select(Consultation.id).where(Consultation.title == title)) is not None


def _at(day, hour):
    """A UTC time for hour:00 WIB on the given (UTC) day."""
    local = day.astimezone(WIB).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def _consultation(context, moderator, *, title, unit, topic, fmt, location, url, starts_at, hours, capacity,
                  document_title, description, phase):
    consultation = Consultation(
        title=title, topic=topic, unit_id=context.units[unit].id, format=fmt, location=location, online_url=url,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), capacity=capacity, registered_count=0,
        document_title=document_title, description_md=description, description_html=render_markdown(description),
        phase=phase, created_by_id=moderator.id, created_at=starts_at - timedelta(days=21),
        published_at=starts_at - timedelta(days=20),
    )
    db.session.add(consultation)
    db.session.flush()
    context.count("konsultasi")
    return consultation


def _sections(consultation, sections):
    rows = []
    for position, (heading, body) in enumerate(sections, 1):
        section = Section(consultation_id=consultation.id, position=position, heading=heading, body_md=body,
                          body_html=render_markdown(body))
        db.session.add(section)
        rows.append(section)
    db.session.flush()
    return rows


def _register(consultation, people, *, waiting=(), attended=0, at=None):
    for n, user in enumerate(people):
        db.session.add(Registration(consultation_id=consultation.id, user_id=user.id, status="terdaftar",
                                    created_at=at, confirmed_at=at,
                                    attended_at=consultation.starts_at if n < attended else None))
    consultation.registered_count = len(people)
    for position, user in enumerate(waiting, 1):
        db.session.add(Registration(consultation_id=consultation.id, user_id=user.id, status="menunggu",
                                    waitlist_position=position, created_at=at))


def _speaker(consultation, asn, role, position):
    db.session.add(Speaker(consultation_id=consultation.id, asn_id=asn.id, role=role, position=position))


def _comment(consultation, section, author, body, at, *, hidden=None, answer=None, asn=None):
    comment = Comment(consultation_id=consultation.id, section_id=section.id, author_id=author.id, body_md=body,
                      body_html=render_markdown(body), created_at=at)
    if hidden:
        comment.hidden_at, comment.hidden_reason = at + timedelta(hours=1), hidden
    else:
        section.comment_count += 1
    db.session.add(comment)
    db.session.flush()
    if answer:
        answered_at = at + timedelta(days=1)
        comment.answer_md, comment.answer_html = answer, render_markdown(answer)
        comment.answered_at, comment.answered_by_asn_id = answered_at, asn.id
        record_response(source="konsultasi", item_type="comment", item_id=comment.id, answer_id=comment.id,
                        title=f"{consultation.title}: {section.heading}"[:200],
                        url=url_for("konsultasi.document", consultation_id=consultation.id,
                                    _anchor=f"komentar-{comment.id}"),
                        asn=asn, opened_at=at, now=answered_at)
    return comment


def _question(consultation, author, body, at, *, status="disetujui", voters=(), anonymous=False, answer=None,
              asn=None, reason=None, moderator=None):
    question = Question(consultation_id=consultation.id, author_id=author.id, body=body, status=status,
                        is_anonymous=anonymous, created_at=at, vote_count=len(voters), reason=reason)
    if status != "menunggu":
        question.moderated_at, question.moderated_by_id = at + timedelta(minutes=2), moderator.id
    db.session.add(question)
    db.session.flush()
    for voter in voters:
        db.session.add(QuestionVote(question_id=question.id, user_id=voter.id, created_at=at + timedelta(minutes=5)))
    if status == "dijawab":
        answered_at = at + timedelta(minutes=20)
        question.answered_at = answered_at
        if answer:
            question.answer_md, question.answer_html = answer, render_markdown(answer)
        if asn is not None:
            question.answered_by_asn_id = asn.id
            record_response(source="konsultasi", item_type="question", item_id=question.id, answer_id=question.id,
                            title=f"{consultation.title}: {body}"[:200],
                            url=url_for("konsultasi.qa", consultation_id=consultation.id,
                                        _anchor=f"pertanyaan-{question.id}"),
                            asn=asn, opened_at=at, now=answered_at)
    return question


def _seed_past(context, moderator, now):
    citizens = context.citizens
    start = _at(now - timedelta(days=30), 9)
    c = _consultation(
        context, moderator, title=PAST, unit="dinkes", topic="kesehatan", fmt="tatap_muka",
        location="Aula Dinas Kesehatan Kota Surabaya, Jl. Jemursari No. 197", url=None, starts_at=start, hours=3,
        capacity=60, document_title="Rancangan Peraturan Wali Kota tentang Layanan Puskesmas 24 Jam",
        description=("Pemerintah Kota Surabaya menyiapkan layanan puskesmas 24 jam di setiap kecamatan. "
                     "Dialog ini menghimpun masukan warga atas rancangan Perwali sebelum ditetapkan."),
        phase="laporan",
    )
    c.live_at, c.closed_at = start, start + timedelta(hours=3)
    c.report_published_at = start + timedelta(days=7)
    kes, atasan = context.asn["asn-kes"], context.asn["atasan-kes"]
    _speaker(c, atasan, "Pemapar", 0)
    _speaker(c, kes, "Narasumber", 1)
    s1, s2, s3, s4 = _sections(c, [
        ("Pasal 1 — Ketentuan Umum", "Dalam Peraturan Wali Kota ini yang dimaksud dengan **Puskesmas 24 Jam** adalah "
                                     "puskesmas yang memberikan pelayanan rawat jalan dan gawat darurat sepanjang hari."),
        ("Pasal 2 — Jam dan Jenis Layanan", "1. Pelayanan gawat darurat dan persalinan tersedia 24 jam.\n"
                                            "2. Pelayanan rawat jalan umum tersedia pukul 07.00–21.00 WIB."),
        ("Pasal 3 — Tenaga Kesehatan Jaga", "Setiap puskesmas 24 jam wajib menyediakan sekurang-kurangnya satu dokter "
                                            "dan dua perawat atau bidan pada setiap sif jaga."),
        ("Pasal 4 — Pengaduan", "Warga dapat menyampaikan pengaduan melalui Portal Partisipasi Publik dan Command "
                                "Center 112."),
    ])
    _register(c, citizens[:12], attended=9, at=start - timedelta(days=10))
    t = start - timedelta(days=12)
    _comment(c, s2, citizens[0], "Mohon rawat jalan umum diperpanjang sampai pukul 22.00 untuk pekerja sif sore.", t,
             answer="Terima kasih. Jam rawat jalan akan dievaluasi setelah enam bulan berdasarkan data kunjungan.",
             asn=kes)
    _comment(c, s2, citizens[1], "Apakah layanan imunisasi juga tersedia di malam hari?", t + timedelta(hours=3),
             answer="Imunisasi tetap pada jam kerja; layanan malam difokuskan pada kegawatdaruratan.", asn=kes)
    _comment(c, s3, citizens[2], "Satu dokter per sif terlalu sedikit untuk puskesmas di kecamatan padat.",
             t + timedelta(hours=5))
    _comment(c, s3, citizens[3], "Hubungi saya di 0812-xxxx, saya punya keluhan pribadi.", t + timedelta(hours=6),
             hidden="Memuat data pribadi (nomor telepon).")
    _comment(c, s4, citizens[4], "Tolong pastikan pengaduan dijawab maksimal 3 hari kerja.", t + timedelta(days=1))
    _comment(c, s1, citizens[5], "Definisi gawat darurat sebaiknya dijelaskan agar warga tidak bingung.",
             t + timedelta(days=1, hours=2))
    q = start + timedelta(minutes=40)
    _question(c, citizens[6], "Bagaimana warga tahu puskesmas mana yang sudah 24 jam?", q, status="dijawab",
              voters=citizens[7:12], moderator=moderator, asn=atasan,
              answer="Daftar puskesmas 24 jam diumumkan di situs Dinkes dan aplikasi Sayang Warga.")
    _question(c, citizens[7], "Apakah ada tambahan ambulans untuk puskesmas 24 jam?", q + timedelta(minutes=5),
              status="dijawab", voters=citizens[0:3], moderator=moderator, asn=kes,
              answer="Ambulans tetap melalui Command Center 112 yang terhubung dengan puskesmas.")
    _question(c, citizens[8], "Bagaimana dengan BPJS untuk layanan malam?", q + timedelta(minutes=9),
              status="dijawab", voters=citizens[3:5], anonymous=True, moderator=moderator, asn=kes)
    _question(c, citizens[9], "Kapan jalan di depan rumah saya diperbaiki?", q + timedelta(minutes=12),
              status="ditolak", reason="Di luar topik konsultasi; silakan sampaikan melalui menu Masukan.",
              moderator=moderator)
    _question(c, citizens[10], "Apakah apotek puskesmas juga buka 24 jam?", q + timedelta(minutes=30),
              voters=citizens[0:1], moderator=moderator,
              reason="Waktu sesi habis; Dinkes akan menjawab tertulis melalui Forum.")
    c.summary_md = ("Dialog dihadiri 9 dari 12 peserta terdaftar. Masukan utama: jam rawat jalan, jumlah tenaga "
                    "jaga, dan kejelasan definisi gawat darurat.\n\n"
                    "**Tindak lanjut:** Pasal 3 direvisi menjadi sekurang-kurangnya dua dokter pada sif malam di "
                    "kecamatan dengan penduduk di atas 150.000 jiwa.")
    c.summary_html = render_markdown(c.summary_md)


def _seed_live(context, moderator, now):
    citizens = context.citizens
    start = now - timedelta(minutes=30)
    c = _consultation(
        context, moderator, title=LIVE, unit="dispendik", topic="pendidikan", fmt="hybrid",
        location="Gedung Siola, Jl. Tunjungan No. 1", url="https://meet.surabaya.go.id/ppdb-2027", starts_at=start,
        hours=3, capacity=150, document_title=None,
        description=("Sosialisasi dan konsultasi jalur PPDB SD dan SMP negeri tahun ajaran 2027/2028: zonasi, "
                     "afirmasi, prestasi, dan mutasi. Ajukan pertanyaan langsung selama sesi."),
        phase="berlangsung",
    )
    c.live_at = start
    pend = context.asn["asn-pend"]
    _speaker(c, pend, "Narasumber", 0)
    _register(c, citizens[:15], attended=11, at=start - timedelta(days=5))
    q = start + timedelta(minutes=5)
    first = _question(c, citizens[0], "Apakah kuota jalur zonasi tahun 2027 tetap 50 persen?", q,
                      voters=citizens[1:8], moderator=moderator)
    _question(c, citizens[1], "Bagaimana jika alamat KK baru pindah kurang dari satu tahun?", q + timedelta(minutes=2),
              voters=citizens[2:5], moderator=moderator)
    _question(c, citizens[2], "Apakah anak penyandang disabilitas mendapat jalur khusus?", q + timedelta(minutes=4),
              voters=citizens[5:7], anonymous=True, moderator=moderator)
    _question(c, citizens[3], "Kapan jadwal pendaftaran jalur prestasi dibuka?", q + timedelta(minutes=6),
              status="dijawab", voters=citizens[8:10], moderator=moderator, asn=pend,
              answer="Jalur prestasi dibuka bersamaan dengan jalur afirmasi pada pekan pertama Juni 2027.")
    _question(c, citizens[4], "Apakah nilai rapor semester 6 ikut dihitung?", q + timedelta(minutes=15),
              status="menunggu")
    _question(c, citizens[5], "Bisakah pendaftaran dibantu di kelurahan?", q + timedelta(minutes=18),
              status="menunggu")
    c.now_answering_id = first.id


def _seed_upcoming(context, moderator, now):
    citizens = context.citizens
    start = _at(now + timedelta(days=14), 13)
    c = _consultation(
        context, moderator, title=UPCOMING, unit="dlh", topic="lingkungan", fmt="tatap_muka",
        location="Balai Kota Surabaya, Jl. Taman Surya No. 1", url=None, starts_at=start, hours=2, capacity=10,
        document_title="Rancangan Peraturan Wali Kota tentang Pengelolaan Sampah Rumah Tangga",
        description=("Forum untuk membahas pemilahan sampah dari rumah, jadwal pengangkutan ke TPS, dan bank sampah "
                     "di tiap kelurahan. Kursi terbatas; pendaftar berikutnya masuk daftar tunggu."),
        phase="diumumkan",
    )
    c.published_at = now - timedelta(days=2)
    _speaker(c, context.asn["kadlh"], "Pemapar", 0)
    s1, s2, _s3 = _sections(c, [
        ("Pasal 1 — Pemilahan dari Rumah", "Setiap rumah tangga memilah sampah menjadi sampah organik, anorganik, "
                                           "dan residu."),
        ("Pasal 2 — Jadwal Pengangkutan", "Sampah diangkut dari rumah ke TPS paling sedikit tiga kali seminggu."),
        ("Pasal 3 — Bank Sampah", "Setiap kelurahan memfasilitasi sekurang-kurangnya satu bank sampah."),
    ])
    _register(c, citizens[:10], waiting=citizens[10:13], at=now - timedelta(days=1))
    _comment(c, s1, citizens[13], "Perlu sosialisasi di tingkat RT sebelum aturan pemilahan berlaku.",
             now - timedelta(hours=20))
    _comment(c, s2, citizens[14], "Tiga kali seminggu kurang untuk kawasan padat seperti Tambaksari.",
             now - timedelta(hours=5))


def _seed_closed(context, moderator, now):
    """A session held yesterday: inputs are closed and the moderator still has to write the report."""
    citizens = context.citizens
    start = _at(now - timedelta(days=1), 9)
    c = _consultation(
        context, moderator, title=CLOSED, unit="dishub", topic="perhubungan", fmt="tatap_muka",
        location="Kantor Dinas Perhubungan, Jl. Dukuh Menanggal No. 1", url=None, starts_at=start, hours=2,
        capacity=40, document_title="Rancangan Peraturan Wali Kota tentang Parkir Tepi Jalan Umum",
        description=("Menghimpun masukan warga tentang zona parkir tepi jalan, tarif progresif, dan pembayaran "
                     "nontunai sebelum Perwali ditetapkan."),
        phase="ditutup",
    )
    c.live_at, c.closed_at = start, start + timedelta(hours=2)
    _speaker(c, context.asn["kadishub"], "Pemapar", 0)
    (s1,) = _sections(c, [
        ("Pasal 1 — Zona Parkir", "Parkir tepi jalan umum hanya di ruas yang ditetapkan sebagai zona parkir."),
    ])
    _register(c, citizens[:6], attended=5, at=start - timedelta(days=4))
    _comment(c, s1, citizens[6], "Mohon ruas depan sekolah tidak dijadikan zona parkir pada jam antar-jemput.",
             start - timedelta(days=2))
    _question(c, citizens[7], "Apakah pembayaran parkir bisa memakai QRIS?", start + timedelta(minutes=20),
              voters=citizens[0:3], moderator=moderator)
