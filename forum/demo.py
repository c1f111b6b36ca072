"""Demo forum: categories per service area and realistic Surabaya threads, answered by the demo ASN.

Registered in portal.demo.DEMO_SEEDERS by forum.init_app, so `flask --app portal seed-demo` runs
it. Everything goes through forum.services with timestamps in the past, so statuses, counters,
assignments and response events (timing, deadlines met or missed, ratings) are what real use
would have produced. Skipped when the forum already has categories (idempotent).
"""

from datetime import timedelta

from sqlalchemy import func, select

from forum import services
from forum.models import Category
from portal.db import utcnow
from portal.extensions import db

CATEGORIES = [
    # slug, name, unit slug, description
    ("kesehatan", "Kesehatan", "dinkes", "Puskesmas, rumah sakit daerah, imunisasi, ambulans, BPJS di fasilitas kota."),
    ("pendidikan", "Pendidikan", "dispendik", "PPDB SD dan SMP, beasiswa, sekolah negeri."),
    ("kependudukan", "Kependudukan", "dispendukcapil", "KTP-el, Kartu Keluarga, akta kelahiran dan kematian."),
    ("transportasi", "Transportasi", "dishub", "Suroboyo Bus, parkir, lalu lintas."),
    ("lingkungan", "Lingkungan", "dlh", "Sampah, taman kota, ruang terbuka hijau."),
    ("sosial", "Sosial", "dinsos", "Bantuan sosial, permakanan, perlindungan sosial."),
]

# Who answers officially in each category (keys of DemoContext.asn).
ANSWERERS = {
    "kesehatan": ["asn-kes", "atasan-kes"],
    "pendidikan": ["asn-pend"],
    "kependudukan": ["asn-duk"],
    "transportasi": ["kadishub"],
    "lingkungan": ["kadlh"],
    "sosial": ["kadinsos"],
}

# Each thread: where, what, when (days ago), and what happened next. A reply is
# (who, hours after opening, text): who is "warga" (another resident), "penanya" (the opener)
# or "resmi" (the category's ASN, an official answer). `accept` and `rating` point at a reply.
THREADS = [
    {
        "category": "kesehatan", "service": "puskesmas", "kecamatan": "Tambaksari", "kelurahan": "Pacar Keling",
        "days_ago": 96, "title": "Antrean di Puskesmas Pacar Keling sangat panjang setiap pagi",
        "body": "Selamat pagi. Saya sudah datang jam 06.30 tetapi baru dilayani jam 10.00. Banyak lansia yang "
                "menunggu sambil berdiri. Apakah ada cara mendaftar dari rumah supaya tidak perlu antre sepagi itu?",
        "replies": [
            ("warga", 3, "Sama, Pak/Bu. Minggu lalu ibu saya juga menunggu lebih dari tiga jam."),
            ("resmi", 20, "Terima kasih atas laporannya. Pendaftaran puskesmas bisa dilakukan dari rumah melalui "
                          "aplikasi **E-Health** Surabaya, paling lambat H-1. Nomor antrean akan dikirim, sehingga "
                          "Bapak/Ibu cukup datang 30 menit sebelum jadwal. Untuk lansia, puskesmas membuka loket "
                          "prioritas mulai pukul 07.00. Kami juga menambah kursi di ruang tunggu minggu ini."),
            ("penanya", 26, "Terima kasih, sudah saya coba daftar lewat E-Health dan berhasil."),
        ],
        "accept": 1, "rating": (1, 4, "Jawabannya jelas, semoga loket lansia benar-benar dibuka."), "votes": 9,
    },
    {
        "category": "kesehatan", "service": "puskesmas", "kecamatan": "Sukolilo", "kelurahan": "Keputih",
        "days_ago": 81, "title": "Apakah peserta BPJS Kesehatan bisa berobat ke puskesmas lain?",
        "body": "Faskes pertama saya di Puskesmas Keputih, tetapi saya bekerja di daerah Genteng. Bolehkah saya "
                "berobat di puskesmas dekat kantor dengan kartu BPJS?",
        "replies": [
            ("resmi", 6, "Boleh untuk keadaan darurat, dan untuk kunjungan biasa sampai 3 kali dalam sebulan di luar "
                         "faskes terdaftar bila Anda sedang berada di luar wilayah. Untuk berobat rutin, sebaiknya "
                         "pindah faskes melalui aplikasi Mobile JKN; perpindahan berlaku bulan berikutnya. Semua "
                         "puskesmas di Surabaya melayani peserta BPJS tanpa biaya tambahan."),
            ("warga", 9, "Info yang bermanfaat, saya juga baru tahu bisa pindah lewat Mobile JKN."),
        ],
        "accept": 0, "rating": (0, 5, "Cepat dan lengkap, terima kasih."), "votes": 14, "answerer": 1,
    },
    {
        "category": "kesehatan", "service": "imunisasi", "kecamatan": "Genteng", "kelurahan": "Ketabang",
        "days_ago": 63, "title": "Jadwal imunisasi campak-rubela di posyandu Kelurahan Ketabang",
        "body": "Anak saya berumur 9 bulan. Kapan jadwal imunisasi MR di posyandu Ketabang bulan ini, dan apa saja "
                "yang perlu dibawa?",
        "replies": [
            ("warga", 30, "Biasanya diumumkan kader posyandu di grup RW, coba ditanyakan ke Bu RT."),
            ("resmi", 200, "Mohon maaf atas keterlambatan jawaban kami. Imunisasi MR di Posyandu Ketabang dilaksanakan "
                           "setiap Selasa minggu kedua, pukul 08.00–11.00. Bawa buku KIA dan pastikan anak dalam "
                           "keadaan sehat. Bila terlewat, imunisasi bisa dilakukan di Puskesmas Ketabang setiap hari "
                           "kerja."),
        ],
        "rating": (1, 3, "Jawabannya membantu tapi datang terlambat, jadwalnya sudah lewat."), "votes": 4,
    },
    {
        "category": "kesehatan", "service": "ambulans-112", "kecamatan": "Rungkut", "kelurahan": "Kalirungkut",
        "days_ago": 40, "title": "Ambulans 112 datang lebih dari 30 menit",
        "body": "Tadi malam tetangga saya sesak napas. Kami menelepon 112 pukul 21.10 dan ambulans baru datang "
                "pukul 21.45. Apakah memang selama itu waktu tunggunya?",
        "replies": [
            ("resmi", 18, "Kami turut prihatin dan sudah memeriksa catatan Command Center 112. Malam itu tiga "
                          "ambulans di wilayah timur sedang bertugas, sehingga unit dari Gubeng yang diberangkatkan. "
                          "Target kami adalah 15 menit; kami sedang menambah satu pos ambulans di Rungkut mulai bulan "
                          "depan. Semoga tetangga Anda sudah pulih."),
            ("warga", 22, "Semoga pos di Rungkut segera terwujud."),
        ],
        "votes": 21, "answerer": 1,
    },
    {
        "category": "kesehatan", "service": "puskesmas", "kecamatan": "Wonokromo", "kelurahan": "Jagir",
        "days_ago": 1, "title": "Obat hipertensi sering kosong di Puskesmas Jagir",
        "body": "Sudah dua bulan ini amlodipin untuk ibu saya sering kosong di apotek puskesmas, sehingga harus "
                "membeli sendiri di luar. Mohon penjelasan dan solusinya.",
        "replies": [("warga", 2, "Di puskesmas kami juga pernah kosong seminggu.")],
        "votes": 6, "assign_to": "asn-kes",
    },
    {
        "category": "kesehatan", "service": "puskesmas", "kecamatan": "Tegalsari", "kelurahan": "Kedungdoro",
        "hours_ago": 3, "title": "Cara mendaftar cek kesehatan gratis untuk lansia",
        "body": "Bapak saya berusia 68 tahun. Bagaimana cara mendaftar pemeriksaan kesehatan gratis, dan apakah "
                "harus datang ke puskesmas sesuai KTP?",
        "replies": [], "votes": 2,
    },
    {
        "category": "pendidikan", "service": "ppdb", "kecamatan": "Gubeng", "kelurahan": "Airlangga",
        "days_ago": 110, "title": "PPDB SMP jalur zonasi: bagaimana jarak rumah dihitung?",
        "body": "Rumah kami 1,2 km dari SMPN 1 menurut Google Maps, tetapi di sistem PPDB tertulis 1,6 km. "
                "Jarak mana yang dipakai untuk seleksi zonasi?",
        "replies": [
            ("warga", 4, "Kami juga mengalami selisih jarak seperti ini tahun lalu."),
            ("resmi", 22, "Jarak dihitung dalam garis lurus dari titik koordinat rumah sesuai Kartu Keluarga ke "
                          "titik koordinat sekolah, bukan jarak tempuh jalan. Bila titik rumah di sistem keliru, "
                          "ajukan perbaikan koordinat di menu **Verifikasi Data** sebelum masa pendaftaran ditutup; "
                          "operator sekolah akan memeriksanya dalam 1 hari kerja."),
            ("penanya", 30, "Ternyata titik rumah kami salah, sudah diperbaiki. Terima kasih."),
        ],
        "accept": 1, "rating": (1, 5, "Sangat jelas dan masalah kami selesai."), "votes": 31,
    },
    {
        "category": "pendidikan", "service": "ppdb", "kecamatan": "Semampir", "kelurahan": "Wonokusumo",
        "days_ago": 104, "title": "Kuota jalur afirmasi PPDB untuk keluarga MBR",
        "body": "Keluarga kami terdaftar sebagai MBR. Berapa kuota jalur afirmasi di SD negeri dan dokumen apa "
                "yang perlu disiapkan?",
        "replies": [
            ("resmi", 10, "Kuota jalur afirmasi minimal 15% dari daya tampung setiap sekolah. Status MBR dicek "
                          "otomatis dari data Dinas Sosial berdasarkan NIK, jadi tidak perlu mengunggah surat "
                          "keterangan. Siapkan Kartu Keluarga dan akta kelahiran anak."),
        ],
        "rating": (0, 4, None), "votes": 12,
    },
    {
        "category": "pendidikan", "service": "beasiswa-pemuda-tangguh", "kecamatan": "Kenjeran", "kelurahan": "Bulak Banteng",
        "days_ago": 20, "title": "Kapan pencairan Beasiswa Pemuda Tangguh semester ini?",
        "body": "Saya penerima beasiswa Pemuda Tangguh. Semester lalu dana cair pada bulan Maret, semester ini "
                "belum ada kabar. Apakah ada perubahan jadwal?",
        "replies": [
            ("warga", 5, "Saya juga belum menerima."),
            ("warga", 50, "Ikut menunggu jawaban resmi."),
        ],
        "votes": 18,
    },
    {
        "category": "kependudukan", "service": "ktp-el", "kecamatan": "Sawahan", "kelurahan": "Putat Jaya",
        "days_ago": 88, "title": "Blanko KTP-el kosong di kecamatan, berapa lama harus menunggu?",
        "body": "Saya sudah perekaman KTP-el sebulan lalu, tetapi kata petugas kecamatan blanko sedang kosong. "
                "Apakah ada perkiraan kapan bisa dicetak?",
        "replies": [
            ("resmi", 7, "Blanko KTP-el sudah kami terima kembali dari Kemendagri pekan ini dan didistribusikan ke "
                         "semua kecamatan. Sambil menunggu, Anda bisa memakai **Identitas Kependudukan Digital (IKD)** "
                         "yang sah untuk layanan publik. Cetak KTP-el dapat diambil di kecamatan mulai Senin depan."),
            ("penanya", 200, "KTP-el saya sudah jadi. Terima kasih."),
        ],
        "accept": 0, "rating": (0, 4, "Terima kasih, infonya tepat."), "votes": 16,
    },
    {
        "category": "kependudukan", "service": "kartu-keluarga", "kecamatan": "Mulyorejo", "kelurahan": "Kalisari",
        "days_ago": 55, "title": "Mengurus perubahan Kartu Keluarga secara online",
        "body": "Saya baru menikah dan ingin pindah KK. Apakah bisa diurus sepenuhnya online tanpa ke kelurahan?",
        "replies": [
            ("resmi", 5, "Bisa. Ajukan melalui layanan Klampid New Generation: unggah buku nikah, KK lama kedua "
                         "belah pihak, dan surat pindah bila beda kota. KK baru dikirim dalam bentuk PDF ber-TTE yang "
                         "bisa dicetak sendiri di kertas HVS."),
        ],
        "accept": 0, "rating": (0, 5, "Tidak perlu ke kelurahan sama sekali, mantap."), "votes": 25,
    },
    {
        "category": "kependudukan", "service": "akta-kelahiran", "kecamatan": "Wiyung", "kelurahan": "Babatan",
        "days_ago": 12, "title": "Akta kelahiran anak belum terbit setelah dua minggu",
        "body": "Pengajuan akta kelahiran anak kami lewat Klampid sudah dua minggu berstatus *diproses*. Apakah "
                "ada dokumen yang kurang?",
        "replies": [
            ("resmi", 30, "Kami sudah memeriksa pengajuan Anda: surat keterangan lahir dari bidan belum terbaca jelas. "
                          "Silakan unggah ulang hasil pindaian yang lebih terang; setelah itu akta terbit paling lama "
                          "3 hari kerja."),
        ],
        "votes": 3,
    },
    {
        "category": "transportasi", "service": "suroboyo-bus", "kecamatan": "Lakarsantri", "kelurahan": "Lidah Kulon",
        "days_ago": 70, "title": "Usulan rute baru Suroboyo Bus ke Surabaya Barat", "long": True,
        "body": "Warga Lidah Kulon dan sekitarnya harus naik ojek dulu ke terminal untuk naik Suroboyo Bus. "
                "Bagaimana kalau ada rute baru dari Lakarsantri lewat Jalan Raya Menganti ke pusat kota?",
        "replies": [
            ("warga", 2, "Setuju sekali, anak saya sekolah di pusat kota dan ongkos ojek mahal."),
            ("resmi", 28, "Terima kasih atas usulannya. Koridor Surabaya Barat sedang kami kaji bersama feeder "
                          "Wirawiri. Kami akan menghitung jumlah penumpang potensial di sepanjang Jalan Raya Menganti "
                          "bulan ini; silakan tambahkan titik halte yang menurut Anda paling dibutuhkan di utas ini."),
        ],
        "votes": 48,
    },
    {
        "category": "transportasi", "service": "suroboyo-bus", "kecamatan": "Genteng", "kelurahan": "Embong Kaliasin",
        "days_ago": 45, "title": "Bayar Suroboyo Bus dengan botol plastik masih berlaku?",
        "body": "Apakah pembayaran dengan botol plastik masih bisa, atau sekarang hanya pakai QRIS dan kartu?",
        "replies": [
            ("resmi", 4, "Masih berlaku. Tukarkan botol plastik di titik penukaran (misalnya Terminal Purabaya dan "
                         "Halte Balai Kota) untuk mendapat poin, lalu poin dipakai sebagai tiket. Pembayaran langsung "
                         "juga bisa dengan QRIS atau kartu uang elektronik."),
        ],
        "accept": 0, "rating": (0, 5, None), "votes": 11,
    },
    {
        "category": "transportasi", "service": "parkir", "kecamatan": "Genteng", "kelurahan": "Genteng",
        "days_ago": 33, "title": "Juru parkir tanpa karcis di sekitar Jalan Tunjungan",
        "body": "Malam minggu kemarin saya ditarik Rp10.000 untuk parkir motor tanpa karcis. Bukankah tarif resmi "
                "hanya Rp2.000?",
        "replies": [
            ("resmi", 12, "Tarif parkir tepi jalan umum untuk sepeda motor adalah Rp2.000 dan juru parkir resmi "
                          "wajib memberi karcis serta memakai rompi berlogo Dishub. Kami sudah menertibkan titik "
                          "tersebut bersama Satpol PP. Bila terulang, laporkan lokasi dan waktunya di sini."),
        ],
        "close": True, "votes": 37,
    },
    {
        "category": "lingkungan", "service": "sampah", "kecamatan": "Mulyorejo", "kelurahan": "Kalijudan",
        "days_ago": 27, "title": "Sampah di TPS Kalijudan tidak diangkut tiga hari",
        "body": "TPS di Kalijudan sudah penuh dan bau sejak Jumat. Truk pengangkut belum datang sampai hari ini.",
        "replies": [
            ("warga", 1, "Betul, sudah meluber ke jalan."),
            ("resmi", 40, "Mohon maaf, satu truk kompaktor wilayah timur sedang diperbaiki. Sampah di TPS Kalijudan "
                          "sudah diangkut pagi ini dan jadwal kembali normal setiap hari pukul 05.00."),
            ("penanya", 44, "Sudah bersih, terima kasih."),
        ],
        "accept": 1, "rating": (1, 3, "Akhirnya diangkut, tapi terlalu lama."), "votes": 19,
    },
    {
        "category": "lingkungan", "service": "taman-kota", "kecamatan": "Rungkut", "kelurahan": "Wonorejo",
        "days_ago": 15, "title": "Jam buka Kebun Bibit Wonorejo saat akhir pekan",
        "body": "Apakah Kebun Bibit Wonorejo buka hari Minggu, dan apakah boleh membawa sepeda?",
        "replies": [
            ("resmi", 8, "Kebun Bibit Wonorejo buka setiap hari pukul 06.00–18.00, termasuk Minggu. Sepeda boleh "
                         "dibawa tetapi dituntun di area pembibitan."),
        ],
        "votes": 5,
    },
    {
        "category": "sosial", "service": "permakanan", "kecamatan": "Simokerto", "kelurahan": "Tambakrejo",
        "days_ago": 58, "title": "Syarat mendaftar program permakanan untuk lansia",
        "body": "Nenek saya tinggal sendiri dan sudah sulit memasak. Bagaimana cara mendaftarkan beliau ke program "
                "permakanan?",
        "replies": [
            ("resmi", 9, "Daftarkan melalui kelurahan atau pendamping PKH setempat. Syaratnya: KTP Surabaya, usia "
                         "di atas 60 tahun, dan terdata di DTKS atau hasil asesmen petugas. Petugas akan berkunjung "
                         "untuk asesmen dalam 5 hari kerja."),
        ],
        "rating": (0, 5, "Petugas sudah datang, terima kasih banyak."), "votes": 13,
    },
    {
        "category": "sosial", "service": "bansos", "kecamatan": "Pabean Cantian", "kelurahan": "Nyamplungan",
        "days_ago": 6, "title": "Bantuan sosial tidak tepat sasaran di RT kami",
        "body": "Ada warga yang mampu tetapi menerima bansos, sementara tetangga yang benar-benar membutuhkan tidak. "
                "Ke mana kami bisa mengusulkan perbaikan data?",
        "replies": [("warga", 6, "Di tempat kami ada musyawarah kelurahan untuk usulan DTKS, mungkin bisa ditanyakan.")],
        "votes": 22,
    },
]

LONG_REPLIES = [
    "Mohon halte di depan pasar Lidah Kulon.",
    "Kalau bisa sampai kampus UNESA Lidah Wetan, banyak mahasiswa yang butuh.",
    "Jam operasionalnya juga perlu sampai malam, karyawan pulang jam 21.00.",
    "Setuju dengan usulan halte di pertigaan Menganti.",
    "Feeder Wirawiri sudah lewat Wiyung, tinggal disambungkan saja.",
    "Anak-anak sekolah di sini berangkat jam 06.00, semoga bus sudah jalan jam segitu.",
    "Trotoar ke halte juga perlu diperbaiki supaya aman untuk pejalan kaki.",
    "Saya siap jadi penumpang tetap kalau rute ini dibuka.",
    "Bagaimana dengan akses untuk pengguna kursi roda?",
    "Kalau rute baru dibuka, tolong informasinya lewat aplikasi GoBis juga.",
]

SPAM = "Jual obat pelangsing ampuh, pesan lewat tautan di profil sekarang juga!"


def _when(spec, now, rng, copy):
    if "hours_ago" in spec:
        return now - timedelta(hours=spec["hours_ago"] + copy)
    opened = now - timedelta(days=spec["days_ago"] + 3 * copy)
    # Office hours in WIB (UTC+7): residents write from 09.00 to 16.00.
    return opened.replace(hour=2 + rng.randint(0, 7), minute=rng.randint(0, 59), second=0, microsecond=0)


def seed_forum(context):
    """Add the demo forum unless it exists (categories, threads, answers, ratings, votes, one open flag)."""
    if db.session.scalar(select(func.count(Category.id))):
        return
    rng = context.rng
    now = utcnow()
    admin, moderator = context.users["admin"], context.users["moderator"]
    residents = [context.users["warga"], *context.citizens]
    # The demo's story starts months ago; accounts must be older than their posts.
    for person in [*residents, *(profile.user for profile in context.asn.values() if profile.user)]:
        person.created_at = min(person.created_at, now - timedelta(days=400))

    categories = {}
    for position, (slug, name, unit_slug, description) in enumerate(CATEGORIES):
        categories[slug] = services.create_category(
            admin, name=name, slug=slug, description=description, unit=context.units[unit_slug], position=position)
        context.count("forum_kategori")

    first_long_post = None
    for copy in range(context.scale):
        for index, spec in enumerate(THREADS):
            thread, posts = _seed_thread(context, spec, categories, residents, now, rng, copy, index)
            if spec.get("long") and first_long_post is None:
                first_long_post = posts[-1]
                _seed_long_discussion(context, thread, residents, rng, now)
    if first_long_post is not None:
        _seed_flagged_spam(first_long_post.thread, residents, moderator, now)
    db.session.flush()


def _seed_thread(context, spec, categories, residents, now, rng, copy, index):
    category = categories[spec["category"]]
    opened = _when(spec, now, rng, copy)
    author = residents[(index * 7 + copy * 3) % len(residents)]
    title = spec["title"] if copy == 0 else f"{spec['title']} ({copy + 1})"
    thread = services.open_thread(
        author, category, title=title, body=spec["body"], service=context.services.get(spec.get("service")),
        kecamatan=spec.get("kecamatan"), kelurahan=spec.get("kelurahan"), now=opened, notify=False,
    )
    context.count("forum_utas")
    answerer = context.asn[ANSWERERS[spec["category"]][spec.get("answerer", 0)]].user
    posts = []
    others = [person for person in residents if person.id != author.id]
    for who, hours, text in spec["replies"]:
        at = opened + timedelta(hours=hours)
        if at >= now:
            break
        if who == "resmi":
            post = services.reply(answerer, thread, text, official=True, now=at, notify=False)
        else:
            writer = author if who == "penanya" else rng.choice(others)
            post = services.reply(writer, thread, text, now=at, notify=False)
        posts.append(post)
        context.count("forum_balasan")
    opening = thread.posts[0] if thread.posts else None
    later = opened + timedelta(hours=(spec["replies"][-1][1] if spec["replies"] else 0) + 1)
    later = min(later, now)
    if "rating" in spec and len(posts) > spec["rating"][0]:
        which, stars, comment = spec["rating"]
        services.rate_answer(author, posts[which], stars, comment, now=later)
    if "accept" in spec and len(posts) > spec["accept"]:
        services.accept_answer(author, posts[spec["accept"]], now=later)
    if spec.get("close"):
        services.close_thread(context.users["moderator"], thread, "Sudah ditindaklanjuti.", now=later)
    if spec.get("assign_to"):
        atasan = context.asn["atasan-kes"].user
        services.assign_thread(atasan, thread, asn=context.asn[spec["assign_to"]],
                               now=min(opened + timedelta(hours=2), now), notify=False)
    for voter in rng.sample(others, min(len(others), spec.get("votes", 0))):
        services.toggle_vote(voter, opening, want=True, now=later)
    return thread, posts


def _seed_long_discussion(context, thread, residents, rng, now):
    """A popular thread, long enough to page through (30 replies per --scale)."""
    start = thread.last_activity_at
    count = 30 * context.scale
    step = (now - timedelta(hours=1) - start) / (count + 1)
    for i in range(count):
        writer = rng.choice([person for person in residents if person.id != thread.author_id])
        text = LONG_REPLIES[i % len(LONG_REPLIES)]
        if i % 9 == 4:
            text = f"@{thread.author.handle} {text}"
        services.reply(writer, thread, text, now=start + step * (i + 1), notify=False)
        context.count("forum_balasan")


def _seed_flagged_spam(thread, residents, moderator, now):
    """One spam reply waiting in the moderation queue."""
    spammer = residents[-1]
    post = services.reply(spammer, thread, SPAM, now=now - timedelta(minutes=50), notify=False)
    reporter = next(person for person in residents if person.id != spammer.id)
    services.flag_post(reporter, post, "spam", "Iklan obat, bukan soal bus.", now=now - timedelta(minutes=40))
