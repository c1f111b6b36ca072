"""Keep each ASN's response figures per period, as feedback keeps the SKM day totals (issue 14).

The record, the team page and the HR overview read KeptResponseStats rows (queries.kept_response_stats)
instead of aggregating every response event on each view. The rows stay in step this way:

- A session listener notes, at each flush, which ASN and month a response event or an
  assignment touched: a new answer, a rating, a rating excluded after a contest, an edited event,
  a new assignment. At the commit it records one job (`pembinaan.refresh_stats`) in the same
  transaction, so a rolled-back change asks for nothing. After the commit a worker recomputes
  those ASNs' month, quarter, half and year with queries.period_stats, the reference, and keeps
  the result (zeros included). Ending an assignment changes no kept figure: only "overdue now",
  which is read live.
- `rebuild_response_stats` recomputes every period of every year with data: daily in a worker,
  and `flask pembinaan rebuild-stats` after a bulk import that went around the ORM.

Two refreshes of one ASN may run at once (several workers). Each computes without a lock, then
keeps its rows under a short lock (the ASN's row on PostgreSQL; the database's write lock, taken
by the DELETE, on SQLite), replacing only rows computed before it started. The row left is the
one whose computation started last, and that one saw every commit made before it started; a
commit made later has its own refresh, which starts later still.
"""

from collections import defaultdict
from datetime import date

from flask import has_app_context
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.extensions import db
from portal.jobs.queue import job_handler, record_job
from portal.organisation.models import AsnProfile
from portal.pembinaan.models import ALL_PERIODS_KEPT, KeptResponseStats
from portal.pembinaan.periods import KINDS, period_containing
from portal.pembinaan.queries import KEPT_FIELDS, ResponseStats, period_stats
from portal.responses.models import Assignment, ResponseEvent
from portal.workdays.calendar import wib_date

REFRESH_JOB = "pembinaan.refresh_stats"
_CHANGED = "pembinaan_stats_changed"  # session.info: {(asn_id, "YYYY-MM")} touched in this transaction

# For each watched model: the column that places a row in a period, and the columns the figures
# read. A change to any other column (a title, a URL, ended_at, answered_at of an assignment)
# leaves the kept figures as they are.
WATCHED = {
    ResponseEvent: ("answered_at", ("asn_id", "answered_at", "source", "item_type", "item_id", "is_first",
                                    "working_seconds", "deadline_met", "rating", "rating_excluded")),
    Assignment: ("assigned_at", ("asn_id", "assigned_at", "source", "item_type", "item_id")),
}


def _month(moment):
    day = wib_date(moment)
    return f"{day.year:04d}-{day.month:02d}"


def _note_changes(session, _flush_context, _instances):
    changed, dirty, stored = set(), session.dirty, defaultdict(list)

    def note(asn_id, moment):
        if asn_id is not None:
            # A new row without its moment gets the column default (utcnow) at this flush.
            changed.add((asn_id, _month(moment or utcnow())))

    for obj in (*session.new, *dirty, *session.deleted):
        watched = WATCHED.get(type(obj))
        if watched is None:
            continue
        moment_key, columns = watched
        if obj in dirty:
            changes = {c for c in columns if inspect(obj).attrs[c].load_history().has_changes()}
            if not changes:
                continue
            if changes & {"asn_id", moment_key}:
                stored[type(obj)].append(obj.id)  # moved to another ASN or month: the old one changes too
        note(obj.asn_id, getattr(obj, moment_key))
    # The ASN and month a moved row had, read from the database: an attribute set without being
    # loaded first keeps no old value in its history.
    for model, ids in stored.items():
        moment = getattr(model, WATCHED[model][0])
        for asn_id, old_moment in session.execute(select(model.asn_id, moment).where(model.id.in_(ids))):
            note(asn_id, old_moment)
    if changed:
        session.info.setdefault(_CHANGED, set()).update(changed)


def _record_refresh(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    session.flush()  # the commit flushes after this hook: note what that flush writes now
    changed = session.info.pop(_CHANGED, None)
    # Only the app's own session records jobs; a change made elsewhere waits for the daily rebuild.
    if not changed or not has_app_context() or session is not db.session():
        return
    record_job(REFRESH_JOB, {"changes": sorted([asn_id, month] for asn_id, month in changed)})


def _forget_changes(session):
    if not session.in_nested_transaction():
        session.info.pop(_CHANGED, None)


def listen_to_sessions():
    """Watch every session's flushes and commits for changed events and assignments (once per process)."""
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)
        event.listen(Session, "before_commit", _record_refresh)
        event.listen(Session, "after_rollback", _forget_changes)


def periods_of_month(month):
    """Return the month, quarter, half and year that contain a "YYYY-MM" month."""
    day = date(int(month[:4]), int(month[5:7]), 1)
    return [period_containing(day, kind) for kind in KINDS]


def periods_of_year(year):
    """Return every period of a year: 12 months, 4 quarters, 2 halves and the year."""
    periods = {}
    for month in range(1, 13):
        for period in periods_of_month(f"{year:04d}-{month:02d}"):
            periods.setdefault(period.label, period)
    return list(periods.values())


@job_handler(REFRESH_JOB)
def run_refresh(job):
    """Refresh the kept figures of the ASNs and months a committed change touched."""
    months = defaultdict(set)
    for asn_id, month in job.payload["changes"]:
        months[asn_id].add(month)
    for asn_id, touched in sorted(months.items()):
        periods = {p.label: p for month in sorted(touched) for p in periods_of_month(month)}
        refresh_response_stats(asn_id, periods.values())


def refresh_response_stats(asn_id, periods):
    """Recompute one ASN's figures for these periods from the events and keep them; return the rows written."""
    periods = list(periods)
    started = utcnow()
    fresh = period_stats([asn_id], periods)
    # The write phase, short: lock the ASN (FOR NO KEY UPDATE: new events of the ASN may still be inserted).
    locked = db.session.scalar(select(AsnProfile.id).where(AsnProfile.id == asn_id).with_for_update(key_share=True))
    if locked is None:
        return 0  # the ASN was removed meanwhile; their kept rows went with them
    figures = {(asn_id, p.label): fresh.get((asn_id, p.label)) or ResponseStats() for p in periods}
    return _keep(figures, started, asn_ids=[asn_id])


def _keep(figures, started, asn_ids=None):
    """Write {(asn_id, label): ResponseStats}, replacing only rows computed before `started`. Flushes."""
    k = KeptResponseStats
    labels = sorted({label for _asn_id, label in figures})
    scope = [k.period.in_(labels)] if asn_ids is None else [k.period.in_(labels), k.asn_id.in_(asn_ids)]
    # The DELETE goes first: on SQLite it takes the write lock, so no other refresh writes in between.
    db.session.execute(delete(k).where(*scope, k.computed_at < started))
    newer = {(asn_id, label) for asn_id, label in db.session.execute(select(k.asn_id, k.period).where(*scope))}
    rows = [{"asn_id": asn_id, "period": label, "computed_at": started,
             **{name: getattr(stats, name) for name in KEPT_FIELDS}}
            for (asn_id, label), stats in figures.items() if (asn_id, label) not in newer]
    if rows:
        db.session.execute(insert(k), rows)
    return len(rows)


def _years_with_data(today):
    moments = [
        *db.session.execute(select(func.min(ResponseEvent.answered_at), func.max(ResponseEvent.answered_at))).one(),
        *db.session.execute(select(func.min(Assignment.assigned_at), func.max(Assignment.assigned_at))
                            .where(Assignment.asn_id.is_not(None))).one(),
    ]
    years = [wib_date(moment).year for moment in moments if moment is not None]
    return range(min(years), max(*years, today.year) + 1) if years else range(0)


def rebuild_response_stats(now=None):
    """Recompute every kept figure from the events; return the rows written. Commits once per year.

    Every ASN with an event or an assignment gets a row for each period from their first year
    on (zeros where nothing happened); then every ASN gets its ALL_PERIODS_KEPT row, so a
    period without a row reads as empty instead of live. A commit per year holds SQLite's write
    lock for one year's rows at a time.
    """
    started = utcnow()
    years = _years_with_data(wib_date(now or started))
    k = KeptResponseStats
    # Periods of years without data keep nothing.
    kept_labels = [ALL_PERIODS_KEPT, *(p.label for year in years for p in periods_of_year(year))]
    db.session.execute(delete(k).where(k.computed_at < started, k.period.not_in(kept_labels)))
    db.session.commit()
    written, active = 0, set()
    for year in years:
        periods, year_started = periods_of_year(year), utcnow()
        fresh = period_stats(None, periods)
        active.update(asn_id for asn_id, _label in fresh)
        written += _keep({(asn_id, p.label): fresh.get((asn_id, p.label)) or ResponseStats()
                          for asn_id in active for p in periods}, year_started)
        db.session.commit()
    everyone = db.session.scalars(select(AsnProfile.id)).all()
    _keep({(asn_id, ALL_PERIODS_KEPT): ResponseStats() for asn_id in everyone}, started)
    db.session.commit()
    return written
