"""Search on 100,000 documents (issue 6): reindex speed, query latency, API under load, freshness.

    .venv/bin/python bench/search_bench.py [--docs 100000] [--backend whoosh|postgres|both]
        [--workers 2] [--concurrency 4] [--seconds 15] [--queries 200] [--keep]

For each backend it:
  1. seeds the *content tables* (forum threads with replies, public and private feedback with
     official answers, consultations with sections and questions) by bulk INSERTs that bypass the
     ORM, so no outbox rows are written; the index is then built from the database by the real
     reindex code path. SQLite for Whoosh alone, a scratch PostgreSQL database otherwise;
  2. times the full reindex (docs/s);
  3. times one- and two-word queries, with and without filters, through the search service (the
     same call the page and the API make), then the variants that explain the numbers: a new
     searcher per query, facets off, the index left in many small segments, scoring every match;
  4. starts gunicorn (several workers, 127.0.0.1, free port), warms it up, and loads
     /api/v1/search from a small threaded client for a bounded time;
  5. commits new forum posts through the forum service in this process and polls the API until
     each is found (commit → searchable), while the workers' drainers do their job;
  6. stops everything it started, drops the scratch database, prints a table and writes the raw
     numbers to bench/results/.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# ---------------------------------------------------------------- a corpus that looks like the portal

_FUNCTION = ("yang dan di ke dari ini itu dengan untuk pada adalah atau juga dalam akan tidak sudah saya kami "
                  "sangat karena agar bisa ada mohon tersebut oleh belum masih lagi apa bagaimana kapan")
FUNCTION_WORDS = _FUNCTION.split()
_TOPICS = (
    "puskesmas rumah sakit dokter bidan perawat obat imunisasi vaksin bpjs antrean loket pendaftaran ktp kk akta "
    "kelahiran sekolah guru ppdb zonasi seragam beasiswa jalan lubang aspal drainase banjir genangan sampah truk tps "
    "pohon taman lampu pju parkir angkot bus halte trotoar pasar pedagang retribusi izin pdam air listrik posyandu "
    "balita lansia kelurahan kecamatan ambulans pemadam kebakaran satpol pengamen bansos sembako kartu lurah camat"
)
TOPIC_WORDS = _TOPICS.split()
_INFLECTED = (
    "keluhan mengeluhkan dikeluhkan pelayanan melayani dilayani layanan tanggapan menanggapi ditanggapi perbaikan "
    "diperbaiki memperbaiki pembangunan dibangun membangun pembersihan dibersihkan membersihkan kebersihan penanganan "
    "ditangani menangani pendaftaran mendaftar didaftarkan pengaduan mengadu diadukan pemeriksaan diperiksa memeriksa "
    "pengobatan berobat pengangkutan diangkut mengangkut kemacetan macet kerusakan rusak merusak pemadaman padam "
    "penertiban ditertibkan menertibkan petugas bertugas penugasan pembayaran dibayar membayar pungutan dipungut "
    "penjelasan dijelaskan menjelaskan jadwal terjadwal penjadwalan pemeliharaan dipelihara memelihara"
)
INFLECTED = _INFLECTED.split()


def tail_words():
    """Root words from Sastrawi's dictionary: the long tail of a real vocabulary."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    words = [w.strip() for w in StemmerFactory().get_words() if w.strip().isalpha() and 3 < len(w.strip()) < 12]
    random.Random(7).shuffle(words)
    return words[:12000]


class Corpus:
    """Zipf-distributed Indonesian-looking text: function words most frequent, then topics, then a long tail."""

    def __init__(self, seed=42):
        self.rng = random.Random(seed)
        self.vocabulary = FUNCTION_WORDS + TOPIC_WORDS + INFLECTED + tail_words()
        weights = [1.0 / (rank + 3) ** 1.05 for rank in range(len(self.vocabulary))]
        total = sum(weights)
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)

    def words(self, count):
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self, low, high):
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def title(self):
        words = self.rng.sample(TOPIC_WORDS, 2) + [self.rng.choice(INFLECTED)] + self.words(self.rng.randint(1, 4))
        self.rng.shuffle(words)
        return " ".join(words).capitalize()

    def paragraph(self, low, high):
        count = self.rng.randint(low, high)
        sentences, used = [], 0
        while used < count:
            n = min(count - used, self.rng.randint(6, 16))
            sentences.append(self.sentence(n, n))
            used += n
        return " ".join(sentences)


def html(text):
    return f"<p>{text}</p>"


# ---------------------------------------------------------------- seeding the content tables


def seed(engine, docs, corpus):
    """Bulk-insert content for `docs` public documents; return row counts per table."""
    from sqlalchemy import insert

    from forum.models import Category, Post, Thread
    from konsultasi.models import Consultation, Question, Section
    from portal.accounts.models import User, UserRole
    from portal.feedback.models import Feedback, FeedbackAnswer
    from portal.organisation.models import AsnProfile, Service, Unit

    rng = corpus.rng
    now = datetime.now(UTC)
    counts = {}
    n_threads, n_feedback = int(docs * 0.60), int(docs * 0.35)
    n_consultations = docs - n_threads - n_feedback

    def put(conn, model, rows, chunk=5000):
        for start in range(0, len(rows), chunk):
            conn.execute(insert(model.__table__), rows[start:start + chunk])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    with engine.begin() as conn:
        units = [{"id": i, "slug": f"dinas-{i}", "name": f"Dinas Uji {i}", "description": "", "created_at": now}
                 for i in range(1, 31)]
        put(conn, Unit, units)
        put(conn, Service, [{"id": i, "unit_id": (i - 1) % 30 + 1, "slug": f"layanan-{i}", "name": f"Layanan {i}",
                             "description": "", "created_at": now} for i in range(1, 91)])
        put(conn, Category, [{"id": i, "slug": f"kategori-{i}", "name": f"Kategori {i}", "description": "",
                              "unit_id": i, "position": i, "created_at": now} for i in range(1, 31)])
        put(conn, User, [{"id": i, "email": f"warga{i}@bench.id", "name": f"Warga {i}", "password_hash": "x",
                          "email_verified_at": now, "created_at": now - timedelta(days=90),
                          "email_notifications": False, "session_version": 1} for i in range(1, 1001)])
        put(conn, UserRole, [{"user_id": i, "role": "warga"} for i in range(1, 1001)])
        put(conn, AsnProfile, [{"id": i, "nip": f"19800101200501{i:04d}", "name": f"ASN {i}", "jabatan": "Analis",
                                "unit_id": i, "created_at": now} for i in range(1, 31)])

    started = now - timedelta(days=720)
    post_id = 0
    with engine.begin() as conn:
        for start in range(1, n_threads + 1, 5000):
            threads, posts = [], []
            for thread_id in range(start, min(start + 5000, n_threads + 1)):
                created = started + timedelta(minutes=thread_id * 10)
                replies = rng.choice((0, 0, 1, 1, 2, 3))
                threads.append({
                    "id": thread_id, "category_id": rng.randint(1, 30), "author_id": rng.randint(1, 1000),
                    "title": corpus.title(), "status": rng.choice(("terbuka", "dijawab", "selesai")),
                    "created_at": created, "last_activity_at": created, "reply_count": replies,
                    "post_count": replies + 1, "has_official_answer": False, "is_locked": False, "is_pinned": False,
                    "kelurahan": rng.choice((None, "Ketabang", "Gubeng", "Darmo", "Wonokromo")),
                })
                for number in range(1, replies + 2):
                    post_id += 1
                    text = corpus.paragraph(25, 90)
                    posts.append({"id": post_id, "thread_id": thread_id, "number": number,
                                  "author_id": rng.randint(1, 1000), "body_md": text, "body_html": html(text),
                                  "is_official": False, "vote_count": 0, "edit_count": 0, "created_at": created})
            put(conn, Thread, threads)
            put(conn, Post, posts)

        feedback, answers = [], []
        private = n_feedback // 10
        for feedback_id in range(1, n_feedback + private + 1):
            text = corpus.paragraph(30, 80)
            created = started + timedelta(minutes=feedback_id * 17)
            feedback.append({
                "id": feedback_id, "tracking_number": f"SBY-B-{feedback_id:07d}", "secret_hash": "0" * 64,
                "type": rng.choice(("keluhan", "saran", "apresiasi")), "title": corpus.title(), "body_md": text,
                "body_html": html(text), "unit_id": rng.randint(1, 30), "is_public": feedback_id <= n_feedback,
                "contact_name": "Nama Rahasia", "contact_email": "rahasia@bench.id", "confidential": False,
                "status": rng.choice(("diterima", "diverifikasi", "diproses", "ditindaklanjuti", "selesai")),
                "created_at": created, "verify_deadline_at": created + timedelta(days=3), "reopen_count": 0,
            })
            if rng.random() < 0.5:
                answer = corpus.paragraph(20, 50)
                answers.append({"feedback_id": feedback_id, "asn_id": rng.randint(1, 30), "body_md": answer,
                                "body_html": html(answer), "created_at": created + timedelta(days=2)})
        put(conn, Feedback, feedback)
        put(conn, FeedbackAnswer, answers)

        consultations, sections, questions = [], [], []
        for consultation_id in range(1, n_consultations + 1):
            when = started + timedelta(hours=consultation_id * 3)
            description = corpus.paragraph(30, 60)
            consultations.append({
                "id": consultation_id, "title": corpus.title(), "topic": "lainnya", "unit_id": rng.randint(1, 30),
                "description_md": description, "description_html": html(description), "format": "daring",
                "starts_at": when, "ends_at": when + timedelta(hours=2), "capacity": 100, "registered_count": 0,
                "phase": rng.choice(("diumumkan", "berlangsung", "ditutup")), "created_at": when,
                "updated_at": when,
            })
            for position in range(3):
                body = corpus.paragraph(40, 90)
                sections.append({"consultation_id": consultation_id, "position": position,
                                 "heading": f"Pasal {position + 1}", "body_md": body, "body_html": html(body),
                                 "comment_count": 0})
            for _ in range(2):
                questions.append({"consultation_id": consultation_id, "author_id": rng.randint(1, 1000),
                                  "is_anonymous": False, "body": corpus.sentence(8, 20),
                                  "status": rng.choice(("menunggu", "disetujui", "dijawab")), "vote_count": 0,
                                  "created_at": when})
        put(conn, Consultation, consultations)
        put(conn, Section, sections)
        put(conn, Question, questions)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("users", "units", "services", "forum_categories", "forum_threads", "forum_posts",
                          "feedback", "feedback_answers", "konsultasi_consultations", "konsultasi_sections",
                          "konsultasi_questions", "asn_profiles"):
                # Table names from the fixed list above, never from input.
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
            conn.exec_driver_sql("ANALYZE")
    return counts


# ---------------------------------------------------------------- measuring


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(seconds):
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1)}


def query_mix(rng, count, units):
    """(class, query, filters) tuples: one- and two-word topic queries, half of them with filters."""
    from portal.search.backends import Filters

    mix = []
    for n in range(count):
        two = n % 2 == 1
        words = rng.sample(TOPIC_WORDS + INFLECTED[:30], 2 if two else 1)
        filtered = (n // 2) % 2 == 1
        filters = Filters()
        if filtered:
            filters = rng.choice([Filters(type="thread"), Filters(type="feedback"), Filters(unit=rng.choice(units)),
                                  Filters(type="thread", unit=rng.choice(units))])
        mix.append((f"{'2' if two else '1'} kata{' + saringan' if filtered else ''}", " ".join(words), filters))
    return mix


def time_service(app, mix, before_each=None, facets=True, warmup=True):
    from portal.search.service import search

    per_class = {}
    with app.test_request_context():
        for _label, text, filters in (mix if warmup else []):  # warm caches (stems, searcher, bitsets)
            search(text, filters=filters)
        for label, text, filters in mix:
            if before_each:
                before_each()
            started = time.perf_counter()
            search(text, filters=filters, facets=facets)
            per_class.setdefault(label, []).append(time.perf_counter() - started)
    everything = [s for values in per_class.values() for s in values]
    return {"all": summary(everything), **{label: summary(values) for label, values in sorted(per_class.items())}}


def plain_whoosh(app, mix):
    """For comparison: the usual Whoosh way on the same index — BM25 over title^2 + body with
    search_page (a top-N collector), then facet counts with groupedby over every match."""
    from whoosh import sorting
    from whoosh.query import And, Or, Term

    from portal.search.drainer import get_backend
    from portal.search.query import parse_query

    searcher = get_backend(app)._searcher()
    top, with_facets = [], []
    with app.test_request_context():
        for _label, text, filters in mix:
            parsed = parse_query(text)
            clauses = [Or([Term("title", stem, boost=2.0), Term("body", stem)]) for stem in parsed.terms]
            query = And(clauses + [Term(name, value) for name, value in filters.items()])
            started = time.perf_counter()
            page = searcher.search_page(query, 1, pagelen=10)
            [hit.fields() for hit in page]
            top.append(time.perf_counter() - started)
            searcher.search(query, limit=None, scored=False, maptype=sorting.Count,
                            groupedby={name: sorting.FieldFacet(name) for name in ("type", "unit", "status")})
            with_facets.append(time.perf_counter() - started)
    return {"top10": summary(top), "top10_and_facets": summary(with_facets)}


def fragment_index(app, commits):
    """Whoosh only: commit `commits` one-document updates without merging, like a busy drainer."""
    from portal.search.backends.whoosh_backend import document_fields
    from portal.search.drainer import get_backend, get_state, session_factory

    backend = get_backend(app)
    registry = get_state(app).registry
    with session_factory(app)() as session:
        docs = registry.build(session, [f"thread:{i}" for i in range(1, commits + 1)])
    ix = backend._open(backend.current_generation())
    for doc in docs.values():
        writer = ix.writer(timeout=30)
        writer.update_document(**document_fields(doc))
        writer.commit(merge=False)
    return len(ix._segments())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, timeout=30, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def start_gunicorn(port, workers, env, log):
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
               "--graceful-timeout", "5", "portal:create_app()"]
    with open(log, "w") as output:  # its own process group: stopping it stops its workers and nothing else
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{Path(log).read_text()[-4000:]}")
        try:
            if fetch(port, "/healthz", timeout=5)[0] in (200, 503):
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer within 90 s")


def stop(process):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def api_path(text, filters):
    params = {"q": text, **{k: v for k, v in filters.items() if k in ("type", "unit")}}
    return "/api/v1/search?" + urllib.parse.urlencode(params)


def load(port, mix, seconds, concurrency):
    """Query the API from `concurrency` threads for `seconds`; return latencies per class, errors, total."""
    per_class, errors = {}, []
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def worker(seed):
        rng = random.Random(seed)
        mine, bad = {}, 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < end:
            label, text, filters = rng.choice(mix)
            started = time.perf_counter()
            try:
                status, _body = fetch(port, api_path(text, filters), conn=conn)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if status != 200:
                bad += 1
                continue
            mine.setdefault(label, []).append(time.perf_counter() - started)
        conn.close()
        with lock:
            for label, values in mine.items():
                per_class.setdefault(label, []).extend(values)
            errors.append(bad)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - started
    everything = [s for values in per_class.values() for s in values]
    return {"all": summary(everything), "requests_per_s": round(len(everything) / elapsed, 1),
            "errors": sum(errors), **{label: summary(v) for label, v in sorted(per_class.items())}}


def freshness(app, port, samples):
    """Commit a forum post here; poll the API until a worker's drainer has made it searchable."""
    from forum import services as forum_services
    from forum.models import Category
    from portal.accounts.models import User
    from portal.extensions import db

    delays = []
    with app.test_request_context():
        author, category = db.session.get(User, 1), db.session.get(Category, 1)
        for n in range(samples):
            marker = "segar" + "".join(random.choices(string.ascii_lowercase, k=6)) + str(n)
            forum_services.open_thread(author, category, title=f"Uji kesegaran {marker}",
                                       body=f"Kata unik {marker} untuk benchmark.", notify=False)
            db.session.commit()
            committed = time.perf_counter()
            found = False
            while time.perf_counter() - committed < 15:
                status, body = fetch(port, f"/api/v1/search?q={marker}")
                if status == 200 and json.loads(body)["total"] >= 1:
                    found = True
                    break
                time.sleep(0.01)
            delays.append(time.perf_counter() - committed if found else float("inf"))
            time.sleep(random.uniform(0.1, 0.6))  # land anywhere in the drainers' poll cycle
    finite = [d for d in delays if d != float("inf")]
    result = summary(finite)
    result["not_found"] = len(delays) - len(finite)
    return result


# ---------------------------------------------------------------- one backend, start to end


def make_app(instance, database_url, index_dir, backend, **extra):
    from portal import create_app

    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    config = {"SECRET_KEY": "bench", "DATABASE_URL": database_url, "SEARCH_INDEX_DIR": str(index_dir),
              "SEARCH_BACKEND": backend, "SEARCH_SYNC": False, "JOBS_IMMEDIATE": False, "LOG_REQUESTS": False,
              "RATELIMIT_ENABLED": False, "MAIL_SUPPRESS_SEND": True, "PORTAL_ENV": "development"}
    config.update(extra)
    return create_app(config)


def run_backend(backend, database_url, workspace, args, seeded):
    from portal.search.drainer import get_backend, rebuild_index

    report = {"backend": backend}
    instance = workspace / f"instance-{backend}"
    instance.mkdir(exist_ok=True)
    index_dir = workspace / f"index-{backend}"
    app = make_app(instance, database_url, index_dir, backend)
    with app.app_context():
        started = time.perf_counter()
        count = rebuild_index(app, procs=args.procs)
        elapsed = time.perf_counter() - started
    report["reindex"] = {"documents": count, "seconds": round(elapsed, 1), "docs_per_s": round(count / elapsed)}
    print(f"  reindex: {count} dokumen dalam {elapsed:.1f} s = {count / elapsed:.0f} dok/s", flush=True)

    rng = random.Random(11)
    mix = query_mix(rng, args.queries, [f"dinas-{i}" for i in range(1, 31)])
    with app.app_context():
        engine = get_backend(app)
        if backend == "whoosh":
            engine._bits.clear()
            engine.forget_searcher()
        # First pass: every word met for the first time (cold caches, a worker just started);
        # second pass: the same queries again (the steady state of a worker).
        report["service_cold"] = time_service(app, mix, warmup=False)
        report["service"] = time_service(app, mix)
        print(f"  layanan, pertama kali: {report['service_cold']['all']}", flush=True)
        print(f"  layanan: {report['service']['all']}", flush=True)
        report["service_no_facets"] = time_service(app, mix, facets=False)["all"]
        if backend == "whoosh":
            report["service_new_searcher_each_query"] = time_service(app, mix[:40], before_each=engine.forget_searcher)["all"]
            report["plain_whoosh"] = plain_whoosh(app, mix)
        for key, value in report.items():
            if key.startswith(("service_no", "service_new", "plain_")):
                print(f"  {key}: {value}", flush=True)

    (instance / "config.py").write_text("RATELIMIT_ENABLED = False\nLOG_REQUESTS = False\nSECRET_KEY = 'bench'\n")
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(instance), DATABASE_URL=database_url, PYTHONPATH=str(ROOT),
               SEARCH_INDEX_DIR=str(index_dir), SEARCH_BACKEND=backend, PORTAL_ENV="development")
    port = free_port()
    process = None
    try:
        process = start_gunicorn(port, args.workers, env, workspace / f"gunicorn-{backend}.log")
        for _label, text, filters in mix[: 20 * args.workers]:  # every worker opens its searcher
            fetch(port, api_path(text, filters))
        report["api"] = load(port, mix, args.seconds, args.concurrency)
        print(f"  API ({args.workers} worker, {args.concurrency} klien): {report['api']['all']}, "
              f"{report['api']['requests_per_s']} req/s, {report['api']['errors']} galat", flush=True)
        report["freshness"] = freshness(app, port, args.freshness)
        print(f"  commit → dapat dicari: {report['freshness']}", flush=True)
    finally:
        stop(process)
    if backend == "whoosh":
        with app.app_context():
            engine = get_backend(app)
            segments = fragment_index(app, 200)
            engine.forget_searcher()
            report["service_with_many_segments"] = {"segments": segments, **time_service(app, mix)["all"]}
            started = time.perf_counter()
            engine.maintain()
            report["merge_small_segments_s"] = round(time.perf_counter() - started, 2)
            engine.forget_searcher()
            report["service_after_merge"] = {"segments": len(engine._open(engine.current_generation())._segments()),
                                             **time_service(app, mix)["all"]}
        for key in ("service_with_many_segments", "merge_small_segments_s", "service_after_merge"):
            print(f"  {key}: {report[key]}", flush=True)
    report["seeded"] = seeded
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()
    return report


def create_database(name):
    from sqlalchemy import create_engine, text

    from portal.config import database_uri

    admin = create_engine(database_uri(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name):
    from sqlalchemy import create_engine, text

    from portal.config import database_uri

    admin = create_engine(database_uri(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare_database(database_url, instance, docs):
    from portal.extensions import db

    app = make_app(instance, database_url, instance / "unused-index", "whoosh")
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = seed(db.engine, docs, Corpus())
        seconds = time.perf_counter() - started
        db.engine.dispose()
    print(f"  benih: {counts} dalam {seconds:.1f} s (INSERT massal langsung ke tabel konten, tanpa ORM)", flush=True)
    return {"rows": counts, "seconds": round(seconds, 1), "method": "bulk INSERT into the content tables"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backend", choices=("whoosh", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads loading the API")
    parser.add_argument("--seconds", type=float, default=15, help="API load duration per backend")
    parser.add_argument("--queries", type=int, default=200, help="queries per service measurement")
    parser.add_argument("--freshness", type=int, default=10, help="commit → searchable samples")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1),
                        help="Whoosh reindex writer processes (as `flask search reindex --procs`)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and database")
    args = parser.parse_args()
    if not 100 <= args.docs <= 1_000_000 or not 1 <= args.workers <= 16 or not 0 < args.seconds <= 300:
        parser.error("docs 100–1,000,000, workers 1–16, seconds up to 300")

    backends = ["whoosh", "postgres"] if args.backend == "both" else [args.backend]
    workspace = Path(tempfile.mkdtemp(prefix="search-bench-"))
    scratch = None
    reports = []
    try:
        if "postgres" in backends:
            scratch = f"search_bench_{os.getpid()}"
            try:
                database_url = create_database(scratch)
            except Exception as error:  # no PostgreSQL here: measure Whoosh alone
                if backends == ["postgres"]:
                    raise SystemExit(f"PostgreSQL tidak tersedia di {ADMIN_URL}: {error}") from None
                print(f"PostgreSQL tidak tersedia ({type(error).__name__}); hanya Whoosh.")
                backends, scratch = ["whoosh"], None
                database_url = f"sqlite:///{workspace / 'portal.db'}"
        else:
            database_url = f"sqlite:///{workspace / 'portal.db'}"
        print(f"basis data: {database_url.split('@')[-1]}; {args.docs} dokumen; backend: {', '.join(backends)}",
              flush=True)
        seeded = prepare_database(database_url, workspace, args.docs)
        for backend in backends:
            print(f"== {backend}", flush=True)
            reports.append(run_backend(backend, database_url, workspace, args, seeded))
    finally:
        if not args.keep:
            if scratch:
                drop_database(scratch)
            shutil.rmtree(workspace, ignore_errors=True)
        else:
            print(f"disimpan: {workspace} {scratch or ''}")

    print_table(reports, args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"search_bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"args": vars(args), "reports": reports}, indent=2))
    print(f"\nangka mentah: {out.relative_to(ROOT)}")


def print_table(reports, args):
    targets = {"whoosh": 100, "postgres": 50}
    print(f"\n{'':34}" + "".join(f"{r['backend']:>22}" for r in reports))
    rows = [("reindex dok/s (target ≥ 500)", lambda r: r["reindex"]["docs_per_s"]),
            ("layanan pertama kali p50/p95 ms", lambda r: f"{r['service_cold']['all']['median_ms']}/{r['service_cold']['all']['p95_ms']}")]
    for label in sorted(reports[0]["service"]):
        if label != "all":
            rows.append((f"layanan {label} p50/p95 ms", lambda r, k=label: f"{r['service'][k]['median_ms']}/{r['service'][k]['p95_ms']}"))
    rows.append(("layanan semua p50/p95 ms", lambda r: f"{r['service']['all']['median_ms']}/{r['service']['all']['p95_ms']}"))
    rows.append(("API semua p50/p95 ms", lambda r: f"{r['api']['all']['median_ms']}/{r['api']['all']['p95_ms']}"))
    rows.append(("API req/s", lambda r: r["api"]["requests_per_s"]))
    rows.append(("commit→cari p50/maks ms", lambda r: f"{r['freshness'].get('median_ms')}/{r['freshness'].get('max_ms')}"))
    for label, value in rows:
        print(f"{label:34}" + "".join(f"{value(r)!s:>22}" for r in reports))
    for r in reports:
        p95 = r["service"]["all"]["p95_ms"]
        print(f"{r['backend']}: p95 layanan {p95} ms (target ≤ {targets[r['backend']]} ms): "
              f"{'tercapai' if p95 <= targets[r['backend']] else 'BELUM'}; API p95 {r['api']['all']['p95_ms']} ms "
              f"dengan {args.workers} worker dan {args.concurrency} klien serentak")


if __name__ == "__main__":
    main()
