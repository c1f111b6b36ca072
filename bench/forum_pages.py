"""Forum pages under concurrent load: req/s and p50/p99 of the category page and a big thread page,
next to a bare Flask route rendering a template of the same size, all behind gunicorn (issue 3).

    .venv/bin/python bench/forum_pages.py [--scale 1] [--workers 3] [--seconds 10] [--concurrency 8]

Builds a temporary instance (SQLite, schema by db.create_all, `flask seed-demo --scale N`), starts
gunicorn with several workers for the portal and for bench/bare_app.py on free 127.0.0.1 ports,
loads each page in turn with a small threaded HTTP client, prints a table, writes the raw numbers to
bench/results/, and stops everything it started. Anonymous visitors; loopback only; bounded in time.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env, timeout):
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, command))}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return time.perf_counter() - started


def fetch(port, path, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port, process, log, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited:\n{Path(log).read_text()[-4000:]}")
        try:
            if fetch(port, "/", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer within {deadline} s")


def start_gunicorn(app_spec, port, workers, env, log, chdir=None):
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--timeout", "60", "--graceful-timeout", "5"]
    if chdir:
        command += ["--chdir", str(chdir)]
    command.append(app_spec)
    # Its own process group, so stopping it stops its workers too and nothing else.
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    wait_until_up(port, process, log)
    return process


def stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def load(port, path, seconds, concurrency):
    """Send requests from `concurrency` threads for `seconds`; return latencies (s), errors, bytes."""
    latencies, errors, sizes = [], [], []
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def worker():
        mine, bad, size = [], 0, 0
        while time.perf_counter() < end:
            started = time.perf_counter()
            try:
                status, body = fetch(port, path)
            except OSError:
                bad += 1
                continue
            if status != 200:
                bad += 1
                continue
            mine.append(time.perf_counter() - started)
            size = len(body)
        with lock:
            latencies.extend(mine)
            errors.append(bad)
            sizes.append(size)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors), max(sizes), time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def pick_targets(database):
    """The busiest category, and the longest thread with its last page."""
    with sqlite3.connect(database) as conn:
        slug, threads = conn.execute(
            "SELECT c.slug, count(t.id) FROM forum_categories c JOIN forum_threads t ON t.category_id = c.id "
            "GROUP BY c.id ORDER BY count(t.id) DESC LIMIT 1").fetchone()
        thread_id, posts = conn.execute(
            "SELECT id, post_count FROM forum_threads ORDER BY post_count DESC LIMIT 1").fetchone()
    last = (posts - 1) // 20 + 1
    return slug, threads, thread_id, posts, last


def matching_items(port, target_bytes):
    """How many list items make the bare page as big as the forum page."""
    one = len(fetch(port, "/bare?items=1")[1])
    many = len(fetch(port, "/bare?items=21")[1])
    per_item = (many - one) / 20
    return max(1, round((target_bytes - one) / per_item) + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="seed-demo --scale (threads and replies grow with it)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    parser.add_argument("--seconds", type=float, default=10, help="load duration per page")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args()
    if not 1 <= args.scale <= 1000 or not 1 <= args.workers <= 32 or not 0 < args.seconds <= 300:
        parser.error("scale 1–1000, workers 1–32, seconds up to 300")

    tmp = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    instance = tmp / "instance"
    instance.mkdir()
    portal_port, bare_port = free_port(), free_port()
    database = tmp / "portal.db"
    # Seeders and mails build absolute links, which need a server name outside a request; it
    # matches the Host header the load generator sends.
    (instance / "config.py").write_text(f'SERVER_NAME = "127.0.0.1:{portal_port}"\nPORTAL_ENV = "development"\n')
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(instance), DATABASE_URL=f"sqlite:///{database}",
               PYTHONPATH=str(ROOT), PORTAL_ENV="development")
    processes = []
    try:
        create = ("from portal import create_app\nfrom portal.extensions import db\n"
                  "app = create_app()\nwith app.app_context():\n    db.create_all()\n")
        print(f"schema ........ {run([sys.executable, '-c', create], env, 120):.1f} s")
        seeded = run([str(BIN / "flask"), "--app", "portal", "seed-demo", "--scale", str(args.scale)], env, 1800)
        print(f"seed-demo ..... {seeded:.1f} s (--scale {args.scale})")
        slug, thread_total, thread_id, posts, last = pick_targets(database)

        processes.append(start_gunicorn("portal:create_app()", portal_port, args.workers, env, tmp / "portal.log"))
        processes.append(start_gunicorn("bare_app:app", bare_port, args.workers, env, tmp / "bare.log",
                                        chdir=ROOT / "bench"))
        thread_page_bytes = len(fetch(portal_port, f"/forum/t/{thread_id}")[1])
        items = matching_items(bare_port, thread_page_bytes)
        targets = [
            (f"kategori /forum/k/{slug} ({thread_total} utas)", portal_port, f"/forum/k/{slug}"),
            (f"utas hal. 1 ({posts} pesan)", portal_port, f"/forum/t/{thread_id}"),
            (f"utas hal. {last} (terakhir)", portal_port, f"/forum/t/{thread_id}?page={last}"),
            (f"Flask polos, template {items} butir", bare_port, f"/bare?items={items}"),
        ]
        rows = []
        for label, port, path in targets:
            status, body = fetch(port, path)
            if status != 200 or (port == portal_port and not re.search(rb"<h1>", body)):
                raise SystemExit(f"{path} answered {status}")
            load(port, path, min(2.0, args.seconds), args.concurrency)  # warm up every worker
            latencies, errors, size, elapsed = load(port, path, args.seconds, args.concurrency)
            rows.append({
                "page": label, "path": path, "bytes": size, "requests": len(latencies), "errors": errors,
                "req_per_s": len(latencies) / elapsed,
                "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
                "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
            })

        print(f"\ngunicorn --workers {args.workers}, {args.concurrency} concurrent clients, {args.seconds:g} s per page, "
              f"{os.cpu_count()} CPU(s) shared with the load generator\n")
        header = f"{'halaman':<44} {'bytes':>8} {'req':>7} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
        print(header)
        print("-" * len(header))
        for row in rows:
            print(f"{row['page']:<44} {row['bytes']:>8} {row['requests']:>7} {row['errors']:>4} "
                  f"{row['req_per_s']:>8.1f} {row['p50_ms'] or 0:>8.1f} {row['p99_ms'] or 0:>8.1f}")
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"forum_pages-{time.strftime('%Y%m%dT%H%M%S')}.json"
        out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
        print(f"\nraw results: {out.relative_to(ROOT)}")
    finally:
        for process in processes:
            stop(process)
        if args.keep:
            print(f"instance kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
