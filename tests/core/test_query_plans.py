"""Every query a page sends to a big table uses an index, on SQLite and on PostgreSQL (issue 14).

The big tables grow with the city (a million rows each within a few years). A query that reads
one of them without an index costs time in proportion to the table: the thread page once looked
up its response events by an unindexed `answer_id` and cost 16× more at a million rows. This
test opens every page as each role (the route sweep's world), records each SELECT, and asks the
database for its plan:

- SQLite: `EXPLAIN QUERY PLAN`; a step "SCAN <table>" without an index is a full scan. SQLite
  has no statistics here, so it assumes large tables and picks an index whenever one applies.
- PostgreSQL: `EXPLAIN (FORMAT JSON)` with sequential scans, bitmap scans and sorts turned off,
  so the planner takes an index whenever one exists even on these small tables; a "Seq Scan" or a
  "Sort" left on a big table means none does.
"""

import json
import re

import pytest
from sqlalchemy import event

from tests.access_world import ROLES, build_world
from tests.core.test_access_matrix import routes, url_for_rule

BIG_TABLES = {
    "forum_posts", "forum_threads", "feedback", "feedback_status_changes", "skm_responses",
    "response_events", "assignments", "audit_log", "notifications", "jobs",
}

# Columns with a handful of values: an index search on these alone still reads a large share of
# the table (every forum event, every public report), unless the query stops after a page (LIMIT).
FEW_VALUES = {"source", "item_type", "is_public", "status", "kind", "type", "digest", "is_first", "rating_excluded"}

# Queries that may read a whole big table: {table: (a fragment of the statement, …)}, each with its reason.
ALLOWED_SCANS = {
    # The moderators' inbox sorts every open item by its running deadline: open items are the
    # backlog (bounded by the work waiting), not the table, which is mostly closed items.
    "feedback": ("ORDER BY CASE WHEN (feedback.status = ",),
}


def reads_a_share(columns, statement, sorts):
    """An index search constrained only by columns of few values, with nothing to stop it early."""
    return bool(columns) and columns <= FEW_VALUES and not stops_early(statement, sorts)


def stops_early(statement, sorts):
    """A LIMIT bounds the rows read (a page, or a count that stops after the last page) unless
    the rows must first all be sorted or grouped."""
    text = " ".join(statement.upper().split())
    return " LIMIT " in text and " GROUP BY " not in text and not sorts


@pytest.fixture
def world(app, make_user, make_unit, make_asn):
    return build_world(app, make_user, make_unit, make_asn)


def record_selects(engine, into):
    def before_cursor_execute(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            into.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    return lambda: event.remove(engine, "before_cursor_execute", before_cursor_execute)


def sqlite_scans(connection, statement, parameters):
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    sorts = any("TEMP B-TREE" in row[-1] for row in rows)
    scans = set()
    for row in rows:
        detail = row[-1]
        words = detail.split()
        # "SCAN feedback" (a full scan) — but "SCAN feedback USING INDEX …" walks an index in order.
        if len(words) >= 2 and words[0] == "SCAN" and "USING" not in words and not stops_early(statement, sorts):
            scans.add(words[1])
        # "SEARCH response_events USING INDEX ix_… (source=?)": which columns narrow the search.
        match = re.match(r"SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \((.*)\)$", detail)
        if match and reads_a_share(set(re.findall(r"(\w+)[=<>]", match.group(2))), statement, sorts):
            scans.add(match.group(1))
    return scans


def postgres_scans(connection, statement, parameters):
    # On these small tables PostgreSQL would rather scan and sort; turned off, it takes the index
    # plan it would choose at a million rows, and a scan or sort left shows that no index serves.
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans = set()
    sorts = '"Sort"' in json.dumps(plan) or '"Aggregate", "Strategy": "Hashed"' in json.dumps(plan)

    def walk(node, relation=None):
        if node.get("Node Type") == "Seq Scan" and not stops_early(statement, sorts):
            scans.add(node["Relation Name"])
        condition = node.get("Index Cond")
        if condition and reads_a_share(set(re.findall(r"\((\w+) (?:=|<|>|IS)", condition)), statement, sorts):
            scans.add(node.get("Relation Name") or relation)
        for child in node.get("Plans", []):
            walk(child, node.get("Relation Name") or relation)

    walk(plan[0]["Plan"])
    return scans


def full_scans(engine, selects):
    """Return {(table, statement)} for each recorded SELECT that reads a big table in full."""
    explain = postgres_scans if engine.dialect.name == "postgresql" else sqlite_scans
    found = set()
    with engine.connect() as connection:
        for statement, parameters in selects:
            with connection.begin():
                flat = " ".join(statement.split())
                for table in explain(connection, statement, parameters) & BIG_TABLES:
                    if not any(allowed in flat for allowed in ALLOWED_SCANS.get(table, ())):
                        found.add((table, flat))
    return found


def filtered_lists(world):
    """The lists' filters, each of which must also be served by an index."""
    args = world.args
    return [
        f"/masukan?unit={args['unit_id']}", f"/masukan?layanan={args['service_id']}", "/masukan?jenis=keluhan",
        "/masukan?status=selesai", "/masukan?periode=2026-Q3", f"/masukan?unit={args['unit_id']}&jenis=saran&page=2",
        f"/forum/k/{args['category_slug']}?status=terbuka", f"/forum/k/{args['category_slug']}?page=2",
        "/cari?q=antrean", "/masukan/kotak?status=diproses", "/masukan/kotak?saya=1",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_big_tables_through_an_index(app, client, login, world, role, db):
    if world.people[role] is not None:
        login(world.people[role])
    selects = []
    stop = record_selects(db.engine, selects)
    try:
        for rule in routes(app, "GET"):
            url = url_for_rule(world, rule)
            client.get(url).close()
        for url in filtered_lists(world):
            client.get(url).close()
    finally:
        stop()
    assert selects, "the sweep sent no query"
    scans = full_scans(db.engine, selects)
    assert scans == set(), "\n".join(f"{table}: {statement}" for table, statement in sorted(scans))
