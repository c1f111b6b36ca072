"""Cost per page at city scale: callgrind instructions and CPU per request at 10k and 1M rows (issue 14).

    .venv/bin/python bench/city_scale.py [--sizes 10k,1M] [--pages thread,ikm,…] [--no-wrk] [--quick]
                                         [--postgres postgresql://postgres@127.0.0.1:5432/portal_bench]
                                         [--db sqlite|postgres|both]

For each size, bench/bulk_seed.py seeds (or reuses from bench/results/city_scale/) a database with
about that many rows in each big table. Then, per database and size:

1. Instructions: one `valgrind --tool=callgrind` run of this script in child mode drives the
   portal in-process with Flask's test client. Each page is warmed up, then its requests are
   bracketed by calls to os.getppid(), whose C function (os_getppid) is named in --dump-before,
   so each dump file holds exactly one page's requests. The bare page (bench/bare_app.py,
   rendering about 22 KB) is measured in the same run, so "ratio to bare" compares like with like.
2. CPU: gunicorn with one worker serves the portal, another the bare app; `wrk -t1 -c4 -d5s`
   loads each page; the worker's CPU time (utime+stime from /proc/<pid>/stat) before and after,
   divided by the requests wrk counted, gives CPU ms per request.

Anonymous pages are requested without cookies (a first visit, as wrk does); the record page of
the ASN with 10,000 own events is requested signed in as that ASN (login form, CSRF off in the
bench's instance config only). Loopback only; every loop is bounded by a count or wrk's -d.
Prints one table per database and writes the raw numbers to bench/results/city_scale-<db>-<date>.json.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from forum_pages import free_port, stop  # noqa: E402  (bench/ is on the path only now)

BARE_BYTES = 22 * 1024  # the bare page renders about this much HTML (issue 14's "22 KB Jinja page")
PAGES = ["thread", "category", "category_last", "home", "search", "tracking", "masukan", "masukan_last",
         "konsultasi", "ikm", "record", "bare"]


# ---------------------------------------------------------------- child: runs under valgrind

def page_paths(targets):
    """Every page's path before the last pages are found (they need the list's first page)."""
    return {
        "thread": f"/forum/t/{targets['thread_id']}",
        "category": f"/forum/k/{targets['category_slug']}",
        "category_last": f"/forum/k/{targets['category_slug']}",
        "home": "/",
        "search": "/cari?q=" + targets["search_query"].replace(" ", "+"),
        "tracking": f"/lacak/{targets['tracking_number']}",
        "masukan": "/masukan",
        "masukan_last": "/masukan",
        "konsultasi": f"/konsultasi/{targets['consultation_id']}",
        "ikm": "/ikm",
        "record": f"/pembinaan/asn/{targets['record_asn_id']}",
    }


def last_page(get, path):
    """The last page a list offers: "Halaman 1 dari N" on its first page, else its highest ?page= link."""
    body = get(path).get_data(as_text=True)
    stated = re.search(r"Halaman \d+ dari (\d+)", body)
    links = [int(n) for n in re.findall(r"[?&;]page=(\d+)", body)]
    page = int(stated.group(1)) if stated else max(links, default=1)
    return f"{path}?page={page}" if page > 1 else path


def bare_items(client):
    """How many list items make the bare page about BARE_BYTES long."""
    one = len(client.get("/bare?items=1").data)
    per_item = (len(client.get("/bare?items=21").data) - one) / 20
    return max(1, round((BARE_BYTES - one) / per_item) + 1)


def sign_in(app, email, password):
    client = app.test_client()
    response = client.post("/akun/masuk", data={"email": email, "password": password})
    if response.status_code not in (302, 303):
        raise SystemExit(f"login as {email} answered {response.status_code}")
    return client


def resolve_paths(app, bare, targets, pages):
    """Return {page: (client, path)} with the last pages found and the bare page's size chosen."""
    anonymous = app.test_client(use_cookies=False)
    paths = page_paths(targets)
    resolved = {}
    for page in pages:
        if page == "bare":
            client = bare.test_client()
            resolved[page] = (client, f"/bare?items={bare_items(client)}")
        elif page == "record":
            resolved[page] = (sign_in(app, targets["login_email"], targets["login_password"]), paths[page])
        elif page.endswith("_last"):
            resolved[page] = (anonymous, last_page(anonymous.get, paths[page]))
        else:
            resolved[page] = (anonymous, paths[page])
    return resolved


def count_statements(engine, get, path):
    from sqlalchemy import event

    statements = []

    def before(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", before)
    try:
        response = get(path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return response, len(statements)


def child(folder, pages, warm, requests, out):
    """Drive each page in-process; os.getppid() brackets each page's measured requests for callgrind."""
    folder = Path(folder).resolve()
    targets = json.loads((folder / "targets.json").read_text())
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    from bare_app import app as bare

    from portal import create_app
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine
    resolved = resolve_paths(app, bare, targets, pages)
    rows = []
    for page in pages:
        client, path = resolved[page]
        response, queries = count_statements(engine, client.get, path)
        if response.status_code != 200:
            raise SystemExit(f"{page} {path} answered {response.status_code}")
        for _ in range(warm - 1):
            client.get(path)
        os.getppid()  # dump: everything since the last page (warm-ups, setup)
        for _ in range(requests):
            client.get(path)
        os.getppid()  # dump: exactly this page's measured requests
        rows.append({"page": page, "path": path, "bytes": len(response.data), "queries": queries,
                     "set_cookie": bool(response.headers.getlist("Set-Cookie"))})
    Path(out).write_text(json.dumps(rows))


# ---------------------------------------------------------------- parent: callgrind

def callgrind(folder, pages, warm, requests, database_url):
    """Run the child under callgrind; return its rows with instructions per request (millions)."""
    work = Path(tempfile.mkdtemp(prefix="city-callgrind-"))
    try:
        out = work / "rows.json"
        command = ["valgrind", "--tool=callgrind", "--dump-before=os_getppid", "--dump-instr=no",
                   f"--callgrind-out-file={work}/cg.out", sys.executable, __file__, "--child", str(folder),
                   "--pages", ",".join(pages), "--warm", str(warm), "--requests", str(requests), "--out", str(out)]
        env = clean_env(folder, database_url)
        env["PYTHONHASHSEED"] = "0"  # the same dict and set orders in every run
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0 or not out.exists():
            raise SystemExit(f"callgrind child failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        rows = json.loads(out.read_text())
        dumps = sorted((path for path in work.glob("cg.out.*") if path.suffix[1:].isdigit()),
                       key=lambda path: int(path.suffix[1:]))
        totals = [dump_total(path) for path in dumps]
        if len(totals) < 2 * len(rows):
            raise SystemExit(f"expected {2 * len(rows)} callgrind dumps, found {len(totals)}")
        for index, row in enumerate(rows):
            row["m_instr"] = totals[2 * index + 1] / requests / 1e6
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def dump_total(path):
    with open(path) as dump:
        for line in dump:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise SystemExit(f"no total in {path}")


def clean_env(folder, database_url):
    # The instance config holds every setting; environment variables would override it.
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_DIR", "SEARCH_BACKEND", "PORTAL_ENV")}
    env.update(PORTAL_INSTANCE_PATH=str(Path(folder) / "instance"), PYTHONPATH=str(ROOT))
    return env


# ---------------------------------------------------------------- parent: wrk and gunicorn

def start_gunicorn(spec, port, env, log, chdir=None):
    command = [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
               "--graceful-timeout", "5", *(["--chdir", str(chdir)] if chdir else []), spec]
    with open(log, "w") as output:
        # Its own process group: stopping it stops its worker too and nothing else.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {spec} exited:\n{Path(log).read_text()[-3000:]}")
        try:
            status, _headers, _body = http("GET", port, "/")
            if status == 200 and worker_pid(process.pid):
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn {spec} did not answer within 60 s")


def worker_pid(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else None


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def http(method, port, path, body=None, headers=None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def login_cookie(port, email, password):
    from urllib.parse import urlencode

    status, headers, _body = http("POST", port, "/akun/masuk", urlencode({"email": email, "password": password}),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    if status not in (302, 303):
        raise SystemExit(f"login over HTTP answered {status}")
    return "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")


def wrk(port, path, pid, seconds, cookie=None):
    """Load one path with wrk; return requests, req/s and the worker's CPU ms per request."""
    command = ["wrk", "-t1", "-c4", f"-d{seconds}s", *(["-H", f"Cookie: {cookie}"] if cookie else []),
               f"http://127.0.0.1:{port}{path}"]
    subprocess.run([*command[:3], "-d1s", *command[4:]], capture_output=True, timeout=60, check=True)  # warm-up
    before = cpu_seconds(pid)
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    used = cpu_seconds(pid) - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"requests": requests, "non_2xx": int(bad.group(1)) if bad else 0, "req_per_s": rate,
            "cpu_ms": 1000 * used / requests if requests else None}


def cpu_per_request(folder, rows, targets, database_url, seconds):
    """Serve the portal and the bare app with one gunicorn worker each and load every page with wrk."""
    env = clean_env(folder, database_url)
    logs = Path(tempfile.mkdtemp(prefix="city-wrk-"))
    processes = []
    try:
        portal_port, bare_port = free_port(), free_port()
        portal = start_gunicorn("portal:create_app()", portal_port, env, logs / "portal.log")
        processes.append(portal)
        bare = start_gunicorn("bare_app:app", bare_port, env, logs / "bare.log", chdir=BENCH)
        processes.append(bare)
        cookie = None
        for row in rows:
            if row["page"] == "bare":
                port, pid = bare_port, worker_pid(bare.pid)
            else:
                port, pid = portal_port, worker_pid(portal.pid)
            if row["page"] == "record" and cookie is None:
                cookie = login_cookie(portal_port, targets["login_email"], targets["login_password"])
            row["wrk"] = wrk(port, row["path"], pid, seconds, cookie if row["page"] == "record" else None)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(logs, ignore_errors=True)


# ---------------------------------------------------------------- report

def print_table(db_name, results, sizes):
    bare = {size: next((r["m_instr"] for r in results[size]["rows"] if r["page"] == "bare"), None) for size in sizes}
    small, big = sizes[0], sizes[-1]
    print(f"\n{db_name}: instructions per request (M, callgrind) and worker CPU per request (ms, wrk -t1 -c4)")
    head = f"{'page':<15}" + "".join(f"{size + ' M instr':>13}" for size in sizes)
    if len(sizes) > 1:
        head += f"{'ratio ' + big + '/' + small:>14}"
    head += f"{'ratio to bare':>14}" + "".join(f"{'CPU ms ' + size:>12}" for size in sizes) + f"{'queries':>9}{'bytes':>8}{'cookie':>8}"
    print(head)
    print("-" * len(head))
    by_page = {size: {r["page"]: r for r in results[size]["rows"]} for size in sizes}
    for page in [r["page"] for r in results[small]["rows"]]:
        rows = [by_page[size].get(page) for size in sizes]
        line = f"{page:<15}" + "".join(f"{r['m_instr']:>13.1f}" if r else f"{'-':>13}" for r in rows)
        if len(sizes) > 1:
            line += f"{rows[-1]['m_instr'] / rows[0]['m_instr']:>14.2f}" if rows[0] and rows[-1] else f"{'-':>14}"
        ratio = rows[-1]["m_instr"] / bare[big] if rows[-1] and bare[big] else None
        line += f"{ratio:>14.2f}" if ratio else f"{'-':>14}"
        for r in rows:
            cpu = (r or {}).get("wrk", {}).get("cpu_ms")
            line += f"{cpu:>12.2f}" if cpu is not None else f"{'-':>12}"
        if rows[-1]:
            line += f"{rows[-1]['queries']:>9}{rows[-1]['bytes']:>8}{'yes' if rows[-1]['set_cookie'] else 'no':>8}"
        print(line)
    for size in sizes:
        bare_row = by_page[size].get("bare")
        if bare_row:
            print(f"bare page ({size} run): {bare_row['path']}, {bare_row['bytes']:,} bytes of HTML")
        print(f"paths ({size}): " + ", ".join(f"{r['page']}={r['path']}" for r in results[size]["rows"]
                                              if r["page"].endswith("_last")))
    print(f"ratio to bare: the {big} figure over the bare page in the same callgrind run; queries, bytes and "
          f"cookie (Set-Cookie sent to a visitor without cookies) at {big}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,1M", help="comma-separated: 1k, 10k, 100k, 1M")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of: " + ",".join(PAGES))
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (databases <name>_<size>)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default=None,
                        help="which databases (default: both with --postgres, else sqlite)")
    parser.add_argument("--no-wrk", action="store_true", help="callgrind only, no CPU per request")
    parser.add_argument("--quick", action="store_true", help="1 warm-up and 1 measured request per page, wrk 2 s")
    parser.add_argument("--warm", type=int, default=None, help="warm-up requests per page (default 3)")
    parser.add_argument("--requests", type=int, default=None, help="measured requests per page (default 3)")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per page (default 5)")
    parser.add_argument("--force-seed", action="store_true", help="seed again even when the cache is current")
    parser.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = [page for page in args.pages.split(",") if page]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    warm = args.warm or (1 if args.quick else 3)
    requests = args.requests or (1 if args.quick else 3)
    seconds = args.seconds or (2 if args.quick else 5)
    if not (1 <= warm <= 20 and 1 <= requests <= 50 and 1 <= seconds <= 60):
        parser.error("warm 1–20, requests 1–50, seconds 1–60")
    if args.child:
        child(args.child, pages, warm, requests, args.out)
        return

    from bulk_seed import SIZES, ensure_seeded

    sizes = [size for size in args.sizes.split(",") if size]
    if not sizes or set(sizes) - set(SIZES):
        parser.error(f"sizes among: {', '.join(SIZES)}")
    if "bare" not in pages:
        pages.append("bare")  # every ratio needs it
    for tool in ("valgrind", *(() if args.no_wrk else ("wrk",))):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install -y {tool})")
    which = args.db or ("both" if args.postgres else "sqlite")
    if which != "sqlite" and not args.postgres:
        parser.error("--db postgres needs --postgres URL")
    databases = [("sqlite", None)] if which != "postgres" else []
    databases += [("postgres", args.postgres)] if which != "sqlite" else []
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for db_name, url in databases:
        results = {}
        for size in sizes:
            started = time.perf_counter()
            folder, targets, database_url = ensure_seeded(size, url, args.force_seed)
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            rows = callgrind(folder, pages, warm, requests, database_url)
            measured = time.perf_counter() - started
            print(f"{db_name} {size}: callgrind {measured:.0f} s ({warm} warm-up + {requests} measured requests per page)")
            if not args.no_wrk:
                started = time.perf_counter()
                cpu_per_request(folder, rows, targets, database_url, seconds)
                print(f"{db_name} {size}: wrk {time.perf_counter() - started:.0f} s")
            results[size] = {"rows": rows, "targets": targets, "seed_or_cache_seconds": seeded}
        print_table(db_name, results, sizes)
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"city_scale-{db_name}-{stamp}.json"
        out.write_text(json.dumps({"args": vars(args), "warm": warm, "requests": requests, "results": results},
                                  indent=2, default=str))
        print(f"raw results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
