"""Seed a portal database at city scale with bulk inserts and cache it under bench/results/ (issue 14).

    .venv/bin/python bench/bulk_seed.py --size 10k [--postgres URL] [--force]

The small base comes from the demo seeder (`seed_demo`: units, services, accounts, ASN, forum
categories and threads, feedback, consultations). On top of it, Core `insert()` executemany in
batches inside one transaction adds about SIZE rows to each big table: forum posts (threads of
ten posts spread over the categories, every third with an official answer), feedback (85 %
public), SKM responses (then the day totals are rebuilt with one INSERT … SELECT GROUP BY),
response events (the forum answers linked by answer_id, plus 10,000 owned by one ASN at every
size), the audit log and notifications. Then ANALYZE and a search reindex (at most
SEARCH_DOCS_PER_SOURCE documents per source, so at 1M the index is smaller than the data).

The result is kept in bench/results/city_scale/<db>-<size>/ with targets.json (the pages to
measure) and reused while SEED_VERSION and the demo seeders are unchanged. When only the schema
changed (an index, a kept column, a new table), the cached database is caught up in place and
the kept totals rebuilt, instead of seeding again. On PostgreSQL the data lives in the database
`<name>_<size>` next to the one in --postgres.
Prints what it did and how long each step took.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / "results" / "city_scale"
# Bump when the bulk rows change: cached databases of another version are seeded again.
SEED_VERSION = 1
DEMO_SEEDERS = [ROOT / "portal/demo.py", ROOT / "forum/demo.py", ROOT / "konsultasi/demo.py", ROOT / "portal/feedback/demo.py"]
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
BATCH = 20_000
# Whoosh indexes ~600 documents per CPU second: all 950,000 public documents of the 1M size would
# take about half an hour on two cores. Each source (threads, public feedback, consultations)
# indexes at most this many (the lowest ids, so every demo document is in); 10k is complete.
SEARCH_DOCS_PER_SOURCE = 50_000
POSTS_PER_THREAD = 10
RECORD_EVENTS = 10_000  # the "record of an ASN with 10,000 own events", the same at every size
RECORD_ASN_EMAIL = "asn.kesehatan@demo.surabaya.go.id"
DEMO_PASSWORD = "demo12345"  # noqa: S105 (seed-demo's documented password)
WIB = timedelta(hours=7)

TOPICS = [
    ("Jalan rusak", "Jalan berlubang di depan pasar membahayakan pengendara motor, mohon segera diperbaiki."),
    ("Antrean puskesmas", "Antrean di puskesmas sangat panjang sejak pagi, nomor antrean daring sering penuh."),
    ("Sampah menumpuk", "Sampah di TPS belum diangkut tiga hari, baunya sampai ke rumah warga."),
    ("Lampu penerangan jalan", "Lampu penerangan jalan umum mati sepanjang gang, rawan kejahatan pada malam hari."),
    ("Suroboyo Bus", "Jadwal Suroboyo Bus di halte dekat kampus tidak sesuai aplikasi, menunggu hampir satu jam."),
    ("KTP elektronik", "Blangko KTP elektronik kosong di kecamatan, sudah tiga minggu belum bisa dicetak."),
    ("Banjir", "Saluran air tersumbat sehingga banjir setiap hujan deras, air masuk ke rumah."),
    ("PPDB zonasi", "Titik koordinat rumah di sistem PPDB zonasi tidak sesuai, anak kami tidak masuk zona."),
]
REPLIES = [
    "Saya juga mengalami hal yang sama minggu lalu, semoga segera ditanggapi.",
    "Sudah saya laporkan lewat Command Center 112 tetapi belum ada tindak lanjut.",
    "Terima kasih infonya, di kelurahan kami kondisinya serupa.",
    "Mohon petugas meninjau langsung ke lokasi, fotonya sudah saya kirim.",
]
OFFICIAL = "Terima kasih atas laporannya. Petugas kami sudah menjadwalkan penanganan minggu ini."
ACTIONS = ["forum.post.hide", "feedback.verify", "feedback.assign", "pembinaan.record_view", "account.login",
           "forum.thread.move", "feedback.close", "konsultasi.register"]
KINDS = ["reply", "official_answer", "feedback", "konsultasi", "assignment", "mention"]


def html(text):
    return f"<p>{text}</p>"


# Totals the services keep in step with the rows (so pages never count them), each with the
# function that recomputes them in one statement. Bulk rows bypass the services: after the load
# every one that exists is rebuilt. A new kept total needs its rebuild function listed here.
KEPT_TOTALS = [
    ("portal.feedback.ikm", "rebuild_daily_totals"),  # SKM day totals
    ("forum.services", "rebuild_category_totals"),  # threads and last activity per category
    ("portal.pembinaan.stats", "rebuild_response_stats"),  # response statistics per ASN and period
]


def rebuild_kept_totals(db):
    """Call every rebuild function of KEPT_TOTALS that exists; return the names called."""
    import importlib

    called = []
    for module_name, function_name in KEPT_TOTALS:
        try:
            function = getattr(importlib.import_module(module_name), function_name, None)
        except ImportError:
            function = None
        if function is not None:
            function()
            db.session.commit()
            called.append(function_name)
    return called


def data_key(db_name):
    """A hash of what decides the rows: SEED_VERSION and the demo seeders (a change means seeding again)."""
    digest = hashlib.sha256(f"{db_name} {SEED_VERSION}".encode())
    for path in DEMO_SEEDERS:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def schema_key(engine):
    """A hash of the schema as create_all would build it (a change is caught up in place)."""
    from sqlalchemy.schema import CreateIndex, CreateTable

    from portal.extensions import db

    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        digest.update(str(CreateTable(table).compile(dialect=engine.dialect)).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=engine.dialect)).encode())
    return digest.hexdigest()[:16]


def catch_up_schema(db):
    """Bring a cached database to the models' schema: new tables, columns and indexes, changed indexes.

    The code is optimised while the benchmark is used: an index or a kept column added since the
    seed should not cost a new million-row seed. Returns what changed; raises when a new column
    cannot be added (NOT NULL without a server default), and the caller seeds again.
    """
    from sqlalchemy import inspect
    from sqlalchemy.schema import CreateColumn

    engine, changes = db.engine, []
    db.metadata.create_all(engine)  # missing tables, with their indexes
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    if not column.nullable and column.server_default is None:
                        raise RuntimeError(f"{table.name}.{column.name} is NOT NULL without a server default")
                    spec = CreateColumn(column).compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {spec}")
                    changes.append(f"column {table.name}.{column.name}")
            indexes = {index["name"]: index["column_names"] for index in inspector.get_indexes(table.name)}
            for index in table.indexes:
                wanted = [column.name for column in index.columns]
                if index.name in indexes and indexes[index.name] == wanted:
                    continue
                if index.name in indexes:
                    index.drop(conn)
                index.create(conn)
                changes.append(f"index {index.name}")
    return changes


def folder_for(db_name, size):
    return CACHE / f"{db_name}-{size}"


def config_for(folder, database_url):
    """The instance settings every process of the benchmark shares (seeding, callgrind, gunicorn)."""
    return {
        "DATABASE_URL": database_url, "SECRET_KEY": "bench-city-scale", "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"), "UPLOAD_DIR": str(folder / "uploads"), "PORTAL_ENV": "development",
        "RATELIMIT_ENABLED": False, "LOG_REQUESTS": False,
        # The benchmark signs in by posting the login form from a test client or http.client.
        "WTF_CSRF_ENABLED": False,
    }


def write_instance(folder, config):
    instance = folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("".join(f"{key} = {value!r}\n" for key, value in config.items()))
    return instance


def postgres_database(base_url, size):
    """The URL of the size's own database on the server in base_url (recreated by the seeder)."""
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    return url.set(database=f"{url.database}_{size.lower()}").render_as_string(hide_password=False)


def recreate_postgres(url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from portal.config import database_uri

    target = make_url(database_uri(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def ensure_seeded(size, postgres=None, force=False):
    """Return the cached folder for this size and database, seeding it first when missing or stale."""
    db_name = "postgres" if postgres else "sqlite"
    folder = folder_for(db_name, size)
    database_url = postgres_database(postgres, size) if postgres else f"sqlite:///{folder / 'bench.db'}"
    done = subprocess_run([sys.executable, __file__, "--size", size, *(["--postgres", postgres] if postgres else []),
                           *(["--force"] if force else [])])
    if done != 0:
        raise SystemExit(f"bulk_seed.py --size {size} failed")
    return folder, json.loads((folder / "targets.json").read_text()), database_url


def subprocess_run(command):
    import subprocess

    return subprocess.run(command, cwd=ROOT, check=False).returncode


def seed(size, postgres=None, force=False):
    rows = SIZES[size]
    db_name = "postgres" if postgres else "sqlite"
    folder = folder_for(db_name, size)
    database_url = postgres_database(postgres, size) if postgres else f"sqlite:///{folder / 'bench.db'}"
    config = config_for(folder, database_url)
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")

    from portal import create_app
    from portal.extensions import db

    targets_file = folder / "targets.json"
    cached = json.loads(targets_file.read_text()) if targets_file.exists() else {}
    app = create_app(dict(config))
    with app.app_context():
        key, schema = data_key(db_name), schema_key(db.engine)
        if not force and cached.get("key") == key:
            if cached.get("schema") == schema:
                print(f"{db_name} {size}: cached in {folder.relative_to(ROOT)}")
            elif refresh(db, cached, schema, targets_file):
                print(f"{db_name} {size}: cached in {folder.relative_to(ROOT)}, schema caught up: "
                      + (", ".join(cached["schema_changes"]) or "no table change"))
            else:
                cached = {}
            if cached:
                if cached.get("documents") is None:  # an earlier seed stopped before its search index
                    build_search_index(app, cached, targets_file)
                db.engine.dispose()
                return
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write_instance(folder, config)
    if postgres:
        recreate_postgres(database_url)
    app = create_app(dict(config))
    steps = {}
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        steps["schema"] = time.perf_counter() - started
        t = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
        if result.exit_code != 0:
            raise SystemExit(f"seed-demo failed:\n{result.output}")
        steps["seed-demo"] = time.perf_counter() - t
        targets = pick_targets(db)  # before the bulk rows: demo content, the same at every size
        t = time.perf_counter()
        counts = bulk_insert(db, rows)
        steps["bulk inserts"] = time.perf_counter() - t
        t = time.perf_counter()
        repaired = rebuild_kept_totals(db)
        steps["kept totals"] = time.perf_counter() - t
        t = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        steps["ANALYZE"] = time.perf_counter() - t
        targets.update(busiest_category(db))
        # Written before the search index, so an interrupted reindex resumes without seeding again.
        targets.update(key=key, schema=schema, size=size, rows=rows, counts=counts, documents=None,
                       seed_seconds=steps, kept_totals=repaired)
        targets_file.write_text(json.dumps(targets, indent=2, default=str))
        documents = build_search_index(app, targets, targets_file)
        db.engine.dispose()
    print(f"{db_name} {size}: seeded in {time.perf_counter() - started:.0f} s ("
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items()) + ")")
    print("  kept totals rebuilt: " + ", ".join(repaired))
    print("  rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()) + f"; {documents:,} search documents")


class CappedRegistry:
    """The search registry, with at most `cap` documents per source (the lowest ids: the demo's first)."""

    def __init__(self, registry, cap):
        self.registry, self.cap = registry, cap

    def __getattr__(self, name):
        return getattr(self.registry, name)

    def iter_documents(self, session, batch=1000):
        for source in self.registry:
            ids = sorted(source.all_ids(session))[:self.cap]
            for start in range(0, len(ids), batch):
                docs = source.build(session, ids[start:start + batch])
                yield [docs[i] for i in ids[start:start + batch] if i in docs]


def build_search_index(app, targets, targets_file):
    """Rebuild the search index (capped per source, see SEARCH_DOCS_PER_SOURCE); record it in targets.json."""
    from portal.search.drainer import get_state, session_factory

    started = time.perf_counter()
    state = get_state(app)
    registry = CappedRegistry(state.registry, SEARCH_DOCS_PER_SOURCE)
    documents = state.backend().rebuild(registry, session_factory(app), procs=2)
    targets["seed_seconds"]["search reindex"] = time.perf_counter() - started
    targets.update(documents=documents, search_docs_per_source=SEARCH_DOCS_PER_SOURCE)
    targets_file.write_text(json.dumps(targets, indent=2, default=str))
    return documents


def refresh(db, cached, schema, targets_file):
    """Catch a cached database up with the schema, rebuild the kept totals and ANALYZE; False if it cannot."""
    try:
        changes = catch_up_schema(db)
    except Exception as error:  # noqa: BLE001 (any failure: seed again from scratch)
        print(f"schema catch-up failed ({error}); seeding again")
        db.session.rollback()
        return False
    cached.update(schema=schema, schema_changes=changes, kept_totals=rebuild_kept_totals(db))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    targets_file.write_text(json.dumps(cached, indent=2, default=str))
    db.engine.dispose()
    return True


def bulk_insert(db, rows):
    """Add about `rows` rows to each big table in one transaction; return the rows per table."""
    from sqlalchemy import func, insert, select, text

    from forum.models import Category, Post, Thread
    from portal.accounts.models import User, UserRole
    from portal.audit import AuditEntry
    from portal.feedback.models import Feedback, FeedbackCounter, SkmResponse
    from portal.notifications.models import Notification
    from portal.organisation.models import AsnProfile, Service
    from portal.responses.models import ResponseEvent

    session = db.session
    citizens = session.scalars(select(User.id).join(UserRole).where(UserRole.role == "warga")
                               .group_by(User.id).having(func.count() == 1).order_by(User.id)).all()
    asn = session.execute(select(AsnProfile.id, AsnProfile.unit_id, AsnProfile.user_id).order_by(AsnProfile.id)).all()
    record_asn = session.execute(select(AsnProfile.id, AsnProfile.unit_id).join(User, AsnProfile.user_id == User.id)
                                 .where(User.email == RECORD_ASN_EMAIL)).one()
    others = [row for row in asn if row.id != record_asn.id and row.user_id] or asn
    by_unit = {}
    for row in others:
        by_unit.setdefault(row.unit_id, []).append(row)
    categories = session.execute(select(Category.id, Category.unit_id).order_by(Category.id)).all()
    services = session.execute(select(Service.id, Service.unit_id).order_by(Service.id)).all()
    counters = dict(session.execute(select(FeedbackCounter.year, FeedbackCounter.last)).all())
    all_users = session.scalars(select(User.id).order_by(User.id)).all()
    record_user = session.scalar(select(User.id).where(User.email == RECORD_ASN_EMAIL))
    session.commit()

    def next_id(model):
        return (session.scalar(select(func.max(model.id))) or 0) + 1

    first = {model: next_id(model) for model in (Thread, Post, Feedback, SkmResponse, ResponseEvent, AuditEntry,
                                                 Notification)}
    session.commit()
    rng = random.Random(14)
    now = datetime.now(UTC).replace(microsecond=0)
    # Bulk rows are older than the demo's, so the newest pages show the same demo content at every size.
    oldest = now - timedelta(days=730)
    span = int((now - timedelta(days=2) - oldest).total_seconds())

    def moment(n, total):
        return oldest + timedelta(seconds=span * n // max(total, 1))

    counts = {}
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # Only for the seed: no journal and no fsync; the app's WAL comes back on reconnect.
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # ends SQLAlchemy's autobegun transaction; the PRAGMAs stay on the connection
        with conn.begin():
            def load(model, generate):
                total, batch = 0, []
                for row in generate():
                    batch.append(row)
                    if len(batch) == BATCH:
                        conn.execute(insert(model.__table__), batch)
                        total += len(batch)
                        batch = []
                if batch:
                    conn.execute(insert(model.__table__), batch)
                    total += len(batch)
                counts[model.__tablename__] = total

            threads = max(1, rows // POSTS_PER_THREAD)
            forum_answers = []  # (thread id, post id, asn row, answered at, started at, title)

            def thread_rows():
                for k in range(threads):
                    category = categories[k % len(categories)]
                    topic, _body = TOPICS[k % len(TOPICS)]
                    created = moment(k, threads)
                    yield {
                        "id": first[Thread] + k, "category_id": category.id, "author_id": citizens[k % len(citizens)],
                        "pseudonym": None, "title": f"{topic} di RW {k % 17 + 1} (laporan {k + 1})",
                        "status": ("terbuka", "dijawab", "selesai")[k % 3], "is_locked": False, "is_pinned": False,
                        "created_at": created, "last_activity_at": created + timedelta(hours=POSTS_PER_THREAD),
                        "reply_count": POSTS_PER_THREAD - 1, "post_count": POSTS_PER_THREAD,
                        "has_official_answer": k % 3 == 0, "deadline_at": created + timedelta(days=2),
                    }

            def post_rows():
                for k in range(threads):
                    thread_id = first[Thread] + k
                    category = categories[k % len(categories)]
                    created = moment(k, threads)
                    topic, body = TOPICS[k % len(TOPICS)]
                    for number in range(1, POSTS_PER_THREAD + 1):
                        post_id = first[Post] + k * POSTS_PER_THREAD + number - 1
                        official = k % 3 == 0 and number == 2
                        author, official_asn = citizens[(k + number) % len(citizens)], None
                        text_ = body if number == 1 else REPLIES[(k + number) % len(REPLIES)]
                        when = created + timedelta(hours=number - 1)
                        if official:
                            choices = by_unit.get(category.unit_id) or others
                            official_asn = choices[k % len(choices)]
                            author, text_ = official_asn.user_id, OFFICIAL
                            forum_answers.append((thread_id, post_id, official_asn, when, created, topic))
                        yield {
                            "id": post_id, "thread_id": thread_id, "number": number, "author_id": author,
                            "pseudonym": None, "body_md": text_, "body_html": html(text_), "is_official": official,
                            "official_asn_id": official_asn.id if official_asn else None, "vote_count": number % 4,
                            "created_at": when, "edit_count": 0,
                        }

            load(Thread, thread_rows)
            load(Post, post_rows)

            def feedback_rows():
                last = dict(counters)
                for n in range(rows):
                    service = services[n % len(services)]
                    created = moment(n, rows)
                    year = (created + WIB).year
                    last[year] = last.get(year, 0) + 1
                    topic, body = TOPICS[n % len(TOPICS)]
                    status = ("selesai", "selesai", "ditindaklanjuti", "diproses", "diverifikasi", "diterima",
                              "ditolak")[n % 7]
                    answered = created + timedelta(days=3) if status in ("selesai", "ditindaklanjuti") else None
                    yield {
                        "id": first[Feedback] + n, "tracking_number": f"SBY-{year}-{last[year]:06d}",
                        "secret_hash": hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
                        "type": ("keluhan", "saran", "apresiasi")[n % 3], "title": f"{topic} (masukan {n + 1})",
                        "body_md": body, "body_html": html(body), "unit_id": service.unit_id, "service_id": service.id,
                        "kelurahan": None, "visit_date": None, "is_public": n % 20 >= 3, "submitter_id": None,
                        "confidential": False, "status": status, "created_at": created,
                        "verify_deadline_at": created + timedelta(days=1),
                        "verified_at": created + timedelta(hours=20) if status != "diterima" else None,
                        "answer_deadline_at": created + timedelta(days=5) if status != "diterima" else None,
                        "answered_at": answered, "closed_at": answered if status == "selesai" else None,
                        "rejected_reason": "Di luar kewenangan pemerintah kota." if status == "ditolak" else None,
                        "reopen_count": 0,
                    }
                counters.clear()
                counters.update(last)

            load(Feedback, feedback_rows)
            for year, value in counters.items():
                updated = conn.execute(FeedbackCounter.__table__.update().where(FeedbackCounter.year == year)
                                       .values(last=value)).rowcount
                if not updated:
                    conn.execute(insert(FeedbackCounter.__table__).values(year=year, last=value))

            def skm_rows():
                for n in range(rows):
                    service = services[(n * 7) % len(services)]
                    scores = {f"u{k}": (None if (n + k) % 29 == 0 else 1 + (n * k + rng.randrange(4)) % 4)
                              for k in range(1, 10)}
                    day = (moment(n, rows) + WIB).date()
                    yield {"id": first[SkmResponse] + n, "unit_id": service.unit_id, "service_id": service.id,
                           "submitted_on": day, "created_at": moment(n, rows), **scores,
                           "age": 18 + n % 60, "sex": "LP"[n % 2], "education": None, "occupation": None}

            load(SkmResponse, skm_rows)

            def event(n, asn_row, source, item_type, item_id, answer_id, title, url, started, answered):
                seconds = int((answered - started).total_seconds())
                rated = n % 3 == 0
                return {
                    "id": first[ResponseEvent] + n, "source": source, "item_type": item_type, "item_id": item_id,
                    "answer_id": answer_id, "title": title[:200], "url": url, "unit_id": asn_row.unit_id,
                    "asn_id": asn_row.id, "started_at": started, "answered_at": answered,
                    "response_seconds": seconds, "working_seconds": seconds * 5 // 7,
                    "deadline_at": started + timedelta(days=2), "deadline_met": seconds < 2 * 86400,
                    "is_first": n % 4 != 3, "rating": (n % 5) + 1 if rated else None,
                    "rating_comment": "Terima kasih, jelas." if rated else None,
                    "rated_at": answered + timedelta(days=1) if rated else None, "rating_excluded": n % 97 == 0,
                    "created_at": answered,
                }

            def event_rows():
                n = 0
                for thread_id, post_id, asn_row, answered, started, topic in forum_answers:
                    yield event(n, asn_row, "forum", "thread", thread_id, post_id, topic, f"/forum/t/{thread_id}",
                                started, answered)
                    n += 1
                # The rest answer feedback, so every table holds about `rows` rows besides the record's.
                feedback_total = max(0, rows - len(forum_answers))
                for m in range(feedback_total):
                    asn_row = others[m % len(others)]
                    started = moment(m, feedback_total)
                    yield event(n, asn_row, "feedback", "feedback", first[Feedback] + m % rows, None,
                                "Masukan warga", "/masukan", started, started + timedelta(seconds=3600 + m * 7919 % 400000))
                    n += 1
                # The record page's ASN: the same 10,000 events at every size.
                for m in range(RECORD_EVENTS):
                    started = moment(m, RECORD_EVENTS)
                    source = ("forum", "feedback", "konsultasi")[m % 3]
                    yield event(n, record_asn, source, "thread" if source == "forum" else source, m // 3 + 1, None,
                                f"Pertanyaan warga nomor {m}", "/forum/", started,
                                started + timedelta(seconds=600 + m * 7919 % (5 * 86400)))
                    n += 1

            load(ResponseEvent, event_rows)

            def audit_rows():
                for n in range(rows):
                    action = ACTIONS[n % len(ACTIONS)]
                    yield {"id": first[AuditEntry] + n, "created_at": moment(n, rows),
                           "actor_id": all_users[n % len(all_users)], "action": action,
                           "target_type": action.split(".")[0], "target_id": str(n % 5000 + 1),
                           "before": {"status": "diterima"} if n % 2 else None, "after": {"status": "diverifikasi"},
                           "reason": None}

            load(AuditEntry, audit_rows)

            def notification_rows():
                # The record ASN's bell: the same 300 (100 unread) at every size; the rest over everyone else.
                readers = [user for user in all_users if user != record_user]
                for n in range(rows):
                    mine = n < 300
                    created = moment(n, rows)
                    yield {"id": first[Notification] + n, "user_id": record_user if mine else readers[n % len(readers)],
                           "kind": KINDS[n % len(KINDS)], "message": f"Ada balasan baru di topik laporan {n + 1}",
                           "url": "/forum/", "created_at": created,
                           "read_at": None if (n % 3 == 0 if mine else n % 5 == 0) else created + timedelta(hours=2),
                           "in_bell": True, "digest": None, "digested_at": None}

            load(Notification, notification_rows)
            if engine.dialect.name == "postgresql":
                # Explicit ids leave the serial sequences behind: move them past the new rows.
                for model in first:
                    table = model.__tablename__
                    sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 (table names from the models)
                    conn.execute(text(sql))
    return counts


def pick_targets(db):
    """The pages to measure: demo content that is the same at every size, and the record ASN."""
    from sqlalchemy import func, select

    from forum.models import Thread
    from konsultasi.models import Consultation
    from portal.accounts.models import User
    from portal.feedback.models import Feedback, FeedbackStatusChange
    from portal.organisation.models import AsnProfile

    session = db.session
    # The demo's longest thread: demo rows keep their ids and content whatever the bulk size.
    thread_id, posts = session.execute(select(Thread.id, Thread.post_count)
                                       .order_by(Thread.post_count.desc(), Thread.id).limit(1)).one()
    tracking = session.execute(select(Feedback.tracking_number).join(FeedbackStatusChange)
                               .where(Feedback.is_public.is_(True)).group_by(Feedback.id, Feedback.tracking_number)
                               .order_by(func.count(FeedbackStatusChange.id).desc(), Feedback.id).limit(1)).scalar_one()
    consultation = session.scalar(select(Consultation.id).order_by(Consultation.id).limit(1))
    record_asn = session.scalar(select(AsnProfile.id).join(User, AsnProfile.user_id == User.id)
                                .where(User.email == RECORD_ASN_EMAIL))
    return {"thread_id": thread_id, "thread_posts": posts,
            "tracking_number": tracking, "consultation_id": consultation, "record_asn_id": record_asn,
            "login_email": RECORD_ASN_EMAIL, "login_password": DEMO_PASSWORD, "search_query": "jalan rusak"}


def busiest_category(db):
    from sqlalchemy import func, select

    from forum.models import Category, Thread

    slug, threads = db.session.execute(
        select(Category.slug, func.count(Thread.id)).join(Thread, Thread.category_id == Category.id)
        .group_by(Category.id, Category.slug).order_by(func.count(Thread.id).desc(), Category.id).limit(1)).one()
    return {"category_slug": slug, "category_threads": threads}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="10k")
    parser.add_argument("--postgres", metavar="URL", help="seed PostgreSQL: <URL's database>_<size> on that server")
    parser.add_argument("--force", action="store_true", help="seed again even when the cache is current")
    args = parser.parse_args()
    seed(args.size, args.postgres, args.force)


if __name__ == "__main__":
    main()
