"""Read the development record: SQL aggregates over response events, and the record's own rows.

Response tracking is read from portal.responses (Assignment, ResponseEvent) at query time, with
a fixed number of SQL statements whatever the number of events. The definitions:

- assigned: distinct items given to the ASN by name (Assignment.asn_id) with assigned_at in the
  period. A reassignment ends the old row but the item stays "assigned" for the ASN who held it.
- answered: distinct items the ASN answered officially (any ResponseEvent) with answered_at in
  the period.
- time to first response: working_seconds of the ASN's events that were the item's first official
  answer (is_first), by answered_at in the period. Working time follows DOMAIN §4 (Monday–Friday
  minus holidays and cuti bersama, WIB), computed once when the event was recorded.
- median and p90: linear interpolation between closest ranks (PostgreSQL's percentile_cont,
  Excel's PERCENTILE.INC): for n sorted values x1…xn and fraction p, h = (n − 1)·p,
  value = x[⌊h⌋+1] + (h − ⌊h⌋)·(x[⌊h⌋+2] − x[⌊h⌋+1]). Computed with ROW_NUMBER/COUNT windows,
  which both SQLite and PostgreSQL have; p is a fraction num/den so the SQL stays integer and the
  division by den happens once, in Python, exactly.
- within the deadline: of the first answers in the period that had a deadline, the share with
  deadline_met.
- rating: mean and count of citizens' ratings on the ASN's answers in the period (by answered_at:
  a rating given later still counts for the answer's period), leaving out ratings a moderator
  excluded after the ASN contested them (rating_excluded).
- overdue now: the ASN's open assignments (not ended, not answered) past their deadline at `now`.

`period_stats` computes the figures from the events (the reference); the pages read them from the
rows kept per ASN and period (`kept_response_stats`, KeptResponseStats, refreshed after every
change by portal/pembinaan/stats.py), so a page costs the same with ten events or ten thousand.
"Overdue now" depends on the clock and is always read live (`overdue_counts`, one indexed query).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import String, and_, case, cast, false, func, literal, select, true, union_all
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.extensions import db
from portal.organisation.models import AsnProfile, Unit
from portal.organisation.queries import list_unit_asn
from portal.pagination import Page
from portal.pembinaan.models import (
    ALL_PERIODS_KEPT,
    DevelopmentGoal,
    Evaluation,
    KeptResponseStats,
    PeerFeedback,
    PembinaanSetting,
    PeriodSummary,
    RatingContest,
    Training,
    WorkTarget,
)
from portal.pembinaan.periods import period_containing, quarters_up_to
from portal.pembinaan.predicate import JP_PLACES, JP_TARGET_PER_YEAR, jp_shortfall
from portal.responses.models import Assignment, ResponseEvent
from portal.workdays.calendar import wib_date

# (numerator, denominator) of each percentile the record shows.
MEDIAN = (1, 2)
P90 = (9, 10)
TREND_QUARTERS = 6
EVENTS_PER_PAGE = 20


@dataclass
class ResponseStats:
    """One ASN's response figures for one period (see the module docstring for definitions)."""

    events: int = 0  # response events in the period, first answers or not (the record lists them)
    assigned: int = 0
    answered: int = 0
    first_responses: int = 0
    median_first_seconds: float | None = None
    p90_first_seconds: float | None = None
    with_deadline: int = 0
    deadline_met: int = 0
    rating_count: int = 0
    rating_sum: int = 0
    overdue_now: int = 0

    @property
    def deadline_share(self):
        return self.deadline_met / self.with_deadline if self.with_deadline else None

    @property
    def rating_mean(self):
        return self.rating_sum / self.rating_count if self.rating_count else None


def _asn_filter(column, asn_ids):
    if asn_ids is None:
        return column.is_not(None)
    return column.in_(asn_ids)


def _per_period(columns, column, periods, *where):
    """Rows of `columns` with a "bucket" column naming each period they fall in.

    One SELECT per period joined by UNION ALL, so overlapping periods (a year and its quarters)
    each get their rows; the statement count stays one whatever the number of rows.
    """
    parts = []
    for period in periods:
        start, end = period.bounds()
        parts.append(select(*columns, literal(period.label, String).label("bucket"))
                     .where(*where, column >= start, column < end))
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()


def _int(value):
    return int(value or 0)


def _jp(value):
    # Exact: Numeric sums come back as Decimal (PostgreSQL) or a two-decimal REAL (SQLite).
    return Decimal(str(value or 0)).quantize(JP_PLACES)


def response_stats(asn_ids, periods, now=None):
    """Return {(asn_id, period label): ResponseStats} computed from the events, overdue now included, in 4 queries."""
    periods = list(periods)
    if not periods or asn_ids is not None and not asn_ids:
        return {}
    stats = period_stats(asn_ids, periods)
    for asn_id, count in overdue_counts(asn_ids, now).items():
        for period in periods:
            stats.setdefault((asn_id, period.label), ResponseStats()).overdue_now = count
    return stats


def period_stats(asn_ids, periods):
    """Return {(asn_id, period label): ResponseStats} from the events and assignments (None: all ASNs), in 3 queries.

    The reference computation: the kept rows are what it returned. Pairs without any event or
    assignment are left out; "overdue now" stays 0 (it is not a figure of the period).
    """
    periods = list(periods)
    stats = {}
    if isinstance(asn_ids, list | tuple | set):
        asn_ids = list(asn_ids)
        if not asn_ids:
            return stats
    if not periods:
        return stats

    def get(asn_id, label):
        return stats.setdefault((asn_id, label), ResponseStats())

    # Assigned: distinct items per ASN and period (an item reassigned back counts once).
    a = Assignment
    assigned_rows = _per_period(
        (a.asn_id.label("asn_id"), a.source, a.item_type, a.item_id), a.assigned_at, periods,
        _asn_filter(a.asn_id, asn_ids),
    )
    items = select(assigned_rows.c.asn_id, assigned_rows.c.bucket).group_by(
        assigned_rows.c.asn_id, assigned_rows.c.bucket, assigned_rows.c.source, assigned_rows.c.item_type,
        assigned_rows.c.item_id,
    ).subquery()
    for asn_id, label, count in db.session.execute(
        select(items.c.asn_id, items.c.bucket, func.count()).group_by(items.c.asn_id, items.c.bucket)
    ):
        get(asn_id, label).assigned = count

    # Answered, deadlines and ratings: one pass over the events.
    e = ResponseEvent
    events = _per_period(
        (e.id, e.asn_id,
         (e.source + literal(":") + e.item_type + literal(":") + cast(e.item_id, String)).label("item_key"),
         e.is_first, e.deadline_met, e.rating, e.rating_excluded, e.working_seconds),
        e.answered_at, periods, _asn_filter(e.asn_id, asn_ids),
    )
    counted_rating = and_(events.c.rating.is_not(None), events.c.rating_excluded.is_(false()))
    first = events.c.is_first.is_(true())
    rows = db.session.execute(
        select(
            events.c.asn_id, events.c.bucket,
            func.count(),
            func.count(func.distinct(events.c.item_key)),
            func.sum(case((first, 1), else_=0)),
            func.sum(case((and_(first, events.c.deadline_met.is_not(None)), 1), else_=0)),
            func.sum(case((and_(first, events.c.deadline_met.is_(true())), 1), else_=0)),
            func.sum(case((counted_rating, 1), else_=0)),
            func.sum(case((counted_rating, events.c.rating), else_=0)),
        ).group_by(events.c.asn_id, events.c.bucket)
    )
    for asn_id, label, count, answered, firsts, with_deadline, met, rating_count, rating_sum in rows:
        row = get(asn_id, label)
        row.events, row.answered, row.first_responses = _int(count), _int(answered), _int(firsts)
        row.with_deadline, row.deadline_met = _int(with_deadline), _int(met)
        row.rating_count, row.rating_sum = _int(rating_count), _int(rating_sum)

    # Median and p90 of the first-response working time, by window ranking.
    firsts = select(events.c.id, events.c.asn_id, events.c.bucket, events.c.working_seconds).where(first).subquery()
    partition = (firsts.c.asn_id, firsts.c.bucket)
    ranked = select(
        firsts.c.asn_id, firsts.c.bucket, firsts.c.working_seconds.label("x"),
        func.row_number().over(partition_by=partition, order_by=(firsts.c.working_seconds, firsts.c.id)).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()

    def interpolated(num, den):
        # Weighted sum of the two neighbouring ranks; divided by den in Python.
        floor_h = ((ranked.c.n - 1) * num) // den
        remainder = ((ranked.c.n - 1) * num) % den
        return func.sum(case(
            (ranked.c.rn == floor_h + 1, ranked.c.x * (den - remainder)),
            (ranked.c.rn == floor_h + 2, ranked.c.x * remainder),
            else_=0,
        ))

    for asn_id, label, median_weighted, p90_weighted in db.session.execute(
        select(ranked.c.asn_id, ranked.c.bucket, interpolated(*MEDIAN), interpolated(*P90))
        .group_by(ranked.c.asn_id, ranked.c.bucket)
    ):
        row = get(asn_id, label)
        row.median_first_seconds = _int(median_weighted) / MEDIAN[1]
        row.p90_first_seconds = _int(p90_weighted) / P90[1]
    return stats


KEPT_FIELDS = ("events", "assigned", "answered", "first_responses", "with_deadline", "deadline_met", "rating_count",
               "rating_sum", "median_first_seconds", "p90_first_seconds")


def kept_response_stats(asn_ids, periods):
    """Return {(asn_id, period label): ResponseStats} for every ASN and period, from the kept rows (one query).

    A period without a row has nothing if the rebuild covered the ASN (their ALL_PERIODS_KEPT
    row); otherwise it was never computed (data loaded before the first rebuild, a new ASN since
    the last) and is computed live, and not stored: a page that reads never writes. "Overdue
    now" is left at 0 for the caller to fill from `overdue_counts`.
    """
    asn_ids, periods = list(asn_ids), list(periods)
    if not asn_ids or not periods:
        return {}
    k = KeptResponseStats
    rows = db.session.execute(
        select(k.asn_id, k.period, *(getattr(k, name) for name in KEPT_FIELDS))
        .where(k.asn_id.in_(asn_ids), k.period.in_([*(p.label for p in periods), ALL_PERIODS_KEPT]))
    )
    stats, covered = {}, set()
    for asn_id, label, *values in rows:
        if label == ALL_PERIODS_KEPT:
            covered.add(asn_id)
        else:
            stats[(asn_id, label)] = ResponseStats(**dict(zip(KEPT_FIELDS, values, strict=True)))
    missing = [(asn_id, p) for asn_id in asn_ids for p in periods
               if (asn_id, p.label) not in stats and asn_id not in covered]
    if missing:
        live = period_stats({asn_id for asn_id, _p in missing}, {p.label: p for _a, p in missing}.values())
        for asn_id, p in missing:
            stats[(asn_id, p.label)] = live.get((asn_id, p.label)) or ResponseStats()
    for asn_id in covered:
        for p in periods:
            stats.setdefault((asn_id, p.label), ResponseStats())
    return stats


def overdue_counts(asn_ids, now=None):
    """Return {asn_id: number of open assignments past their deadline now}."""
    a = Assignment
    rows = db.session.execute(
        select(a.asn_id, func.count()).where(
            _asn_filter(a.asn_id, asn_ids), a.ended_at.is_(None), a.answered_at.is_(None),
            a.deadline_at.is_not(None), a.deadline_at < (now or utcnow()),
        ).group_by(a.asn_id)
    )
    return dict(rows.all())


def list_overdue_assignments(asn_ids, now=None, limit=50):
    """List open assignments past their deadline for these ASNs, oldest deadline first."""
    a = Assignment
    return db.session.scalars(
        select(a).options(selectinload(a.asn)).where(
            _asn_filter(a.asn_id, asn_ids), a.ended_at.is_(None), a.answered_at.is_(None),
            a.deadline_at.is_not(None), a.deadline_at < (now or utcnow()),
        ).order_by(a.deadline_at).limit(limit)
    ).all()


def stats_for(asn_id, period, now=None):
    """Return one ASN's ResponseStats for one period (kept figures, overdue now live)."""
    stats = kept_response_stats([asn_id], [period])[(asn_id, period.label)]
    stats.overdue_now = overdue_counts([asn_id], now).get(asn_id, 0)
    return stats


# ---------------------------------------------------------------- JP hours


def jp_totals(asn_ids, year):
    """Return {asn_id: JP total of the trainings that ended in the year} (PP 11/2017 Pasal 203)."""
    rows = db.session.execute(
        select(Training.asn_id, func.sum(Training.jp)).where(
            _asn_filter(Training.asn_id, asn_ids), Training.ends_on.between(date(year, 1, 1), date(year, 12, 31))
        ).group_by(Training.asn_id)
    )
    return {asn_id: _jp(total) for asn_id, total in rows}


def jp_by_month(trainings, year, today=None):
    """Return the cumulative JP at the end of each month of the year (None for months still ahead)."""
    per_month = [Decimal(0)] * 12
    for training in trainings:
        if training.ends_on.year == year:
            per_month[training.ends_on.month - 1] += training.jp
    running, cumulative = Decimal(0), []
    for month, value in enumerate(per_month, 1):
        running += value
        ahead = today is not None and (year, month) > (today.year, today.month)
        cumulative.append(None if ahead else running)
    return cumulative


# ---------------------------------------------------------------- evaluations


def latest_evaluations(asn_ids, until):
    """Return {asn_id: the latest Evaluation whose period ended by `until`} (one windowed query)."""
    ranked = select(
        Evaluation.id,
        func.row_number().over(
            partition_by=Evaluation.asn_id, order_by=(Evaluation.period_end.desc(), Evaluation.id.desc())
        ).label("rn"),
    ).where(_asn_filter(Evaluation.asn_id, asn_ids), Evaluation.period_end <= until).subquery()
    rows = db.session.scalars(select(Evaluation).join(ranked, ranked.c.id == Evaluation.id).where(ranked.c.rn == 1))
    return {evaluation.asn_id: evaluation for evaluation in rows}


# ---------------------------------------------------------------- people


def get_asn_or_404(asn_id):
    """Return the ASN profile or abort with 404."""
    return db.get_or_404(AsnProfile, asn_id)


def get_or_404(model, row_id):
    """Return a record row by id or abort with 404."""
    return db.get_or_404(model, row_id)


def list_team(profile, whole_chain=False):
    """List the ASN's direct subordinates, or everyone below in the chain, by name."""
    if not whole_chain:
        return db.session.scalars(
            select(AsnProfile).where(AsnProfile.supervisor_id == profile.id).order_by(AsnProfile.name, AsnProfile.id)
        ).all()
    # A recursive CTE walks the chain in one query; UNION (not UNION ALL) stops at a cycle in bad data.
    tree = select(AsnProfile.id).where(AsnProfile.supervisor_id == profile.id).cte("team", recursive=True)
    tree = tree.union(select(AsnProfile.id).join(tree, AsnProfile.supervisor_id == tree.c.id))
    return db.session.scalars(
        select(AsnProfile).where(AsnProfile.id.in_(select(tree.c.id)), AsnProfile.id != profile.id)
        .order_by(AsnProfile.name, AsnProfile.id)
    ).all()


def list_asn(unit_id=None):
    """List every ASN profile (optionally of one unit), by unit and name, with the supervisor loaded."""
    query = select(AsnProfile).options(selectinload(AsnProfile.supervisor)).join(Unit, AsnProfile.unit_id == Unit.id)
    if unit_id:
        query = query.where(AsnProfile.unit_id == unit_id)
    return db.session.scalars(query.order_by(Unit.name, AsnProfile.name, AsnProfile.id)).all()


def list_unit_colleagues(profile):
    """List the other ASN of the same unit (for peer feedback), by name."""
    return [colleague for colleague in list_unit_asn(profile.unit_id) if colleague.id != profile.id]


# ---------------------------------------------------------------- team and HR figures


@dataclass
class Figures:
    """The key figures of one ASN for one period, as the team page, HR overview, CSV and summary show them."""

    profile: AsnProfile
    stats: ResponseStats
    jp_total: Decimal
    predicate: str | None

    @property
    def jp_below_target(self):
        return self.jp_total < JP_TARGET_PER_YEAR


SORT_KEYS = {
    "nama": lambda f: (f.profile.name or "").lower(),
    "ditugaskan": lambda f: f.stats.assigned,
    "dijawab": lambda f: f.stats.answered,
    "median": lambda f: f.stats.median_first_seconds,
    "p90": lambda f: f.stats.p90_first_seconds,
    "tepat_waktu": lambda f: f.stats.deadline_share,
    "nilai": lambda f: f.stats.rating_mean,
    "jumlah_nilai": lambda f: f.stats.rating_count,
    "terlambat": lambda f: f.stats.overdue_now,
    "jp": lambda f: f.jp_total,
}


def figures_for(profiles, period, now=None):
    """Return a Figures per profile for the period, with a constant number of queries."""
    ids = [p.id for p in profiles]
    if not ids:
        return []
    stats = kept_response_stats(ids, [period])
    overdue = overdue_counts(ids, now)
    jp = jp_totals(ids, period.year)
    evaluations = latest_evaluations(ids, period.end)
    result = []
    for profile in profiles:
        row = stats[(profile.id, period.label)]
        row.overdue_now = overdue.get(profile.id, 0)
        evaluation = evaluations.get(profile.id)
        result.append(Figures(profile, row, jp.get(profile.id, Decimal(0)),
                              evaluation.predicate if evaluation else None))
    return result


def sort_figures(figures, key, descending=False):
    """Sort figures by a SORT_KEYS column; empty values (no data) always go last."""
    getter = SORT_KEYS[key]
    present = [f for f in figures if getter(f) is not None]
    missing = [f for f in figures if getter(f) is None]
    present.sort(key=lambda f: (getter(f), (f.profile.name or "").lower()), reverse=descending)
    return present + missing


# ---------------------------------------------------------------- the record page


@dataclass
class TrendPoint:
    period: object
    stats: ResponseStats


@dataclass
class Record:
    """Everything the record page of one ASN shows for one period."""

    profile: AsnProfile
    period: object
    stats: ResponseStats
    trend: list
    trainings: list
    jp_year_total: Decimal
    jp_cumulative: list
    targets: list
    evaluations: list
    peer_feedback: list
    goals: list
    events: object  # a Flask-SQLAlchemy Pagination of ResponseEvent
    contests: dict = field(default_factory=dict)

    @property
    def jp_shortfall(self):
        return jp_shortfall(self.jp_year_total)

    @property
    def jp_target(self):
        return JP_TARGET_PER_YEAR

    @property
    def evaluation_predicates(self):
        return {e.period: e.predicate for e in self.evaluations}


def load_record(profile, period, page=1, now=None):
    """Load the record page's data with a fixed number of queries, whatever the number of events."""
    now = now or utcnow()
    today = wib_date(now)
    # The trend ends with the period's last quarter, or this quarter if the period is still running.
    quarters = quarters_up_to(period_containing(min(period.end, today), "quarter"), TREND_QUARTERS)
    periods = [period, *[q for q in quarters if q.label != period.label]]
    stats = kept_response_stats([profile.id], periods)
    overdue = overdue_counts([profile.id], now).get(profile.id, 0)
    for row in stats.values():
        row.overdue_now = overdue

    def stats_of(p):
        return stats[(profile.id, p.label)]

    trainings = db.session.scalars(
        select(Training).where(Training.asn_id == profile.id).order_by(Training.ends_on.desc(), Training.id.desc())
    ).all()
    targets = db.session.scalars(
        select(WorkTarget).options(selectinload(WorkTarget.indicators), selectinload(WorkTarget.updates))
        .where(WorkTarget.asn_id == profile.id, WorkTarget.period_end >= period.start,
               WorkTarget.period_start <= period.end)
        .order_by(WorkTarget.period_start.desc(), WorkTarget.id)
    ).all()
    evaluations = db.session.scalars(
        select(Evaluation).where(Evaluation.asn_id == profile.id).order_by(Evaluation.period_end.desc(), Evaluation.id.desc())
    ).all()
    peer_feedback = db.session.scalars(
        select(PeerFeedback).where(PeerFeedback.asn_id == profile.id).order_by(PeerFeedback.created_at.desc())
    ).all()
    goals = db.session.scalars(
        select(DevelopmentGoal).where(DevelopmentGoal.asn_id == profile.id)
        .order_by(DevelopmentGoal.status == "selesai", DevelopmentGoal.due_on, DevelopmentGoal.id)
    ).all()
    start, end = period.bounds()
    # The list's length is the kept event count: no count(*) over the ASN's events on each view.
    events = Page(items=db.session.scalars(
        select(ResponseEvent).where(
            ResponseEvent.asn_id == profile.id, ResponseEvent.answered_at >= start, ResponseEvent.answered_at < end
        ).order_by(ResponseEvent.answered_at.desc(), ResponseEvent.id.desc())
        .limit(EVENTS_PER_PAGE).offset((page - 1) * EVENTS_PER_PAGE)
    ).all(), page=page, per_page=EVENTS_PER_PAGE, total=stats_of(period).events)
    contests = latest_contests([event.id for event in events.items])
    return Record(
        profile=profile, period=period, stats=stats_of(period),
        trend=[TrendPoint(q, stats_of(q)) for q in quarters],
        trainings=trainings,
        jp_year_total=sum((t.jp for t in trainings if t.ends_on.year == period.year), Decimal(0)),
        jp_cumulative=jp_by_month(trainings, period.year, today), targets=targets, evaluations=evaluations,
        peer_feedback=peer_feedback, goals=goals, events=events, contests=contests,
    )


def latest_contests(event_ids):
    """Return {event_id: the newest RatingContest} for these events (one query)."""
    if not event_ids:
        return {}
    rows = db.session.scalars(
        select(RatingContest).where(RatingContest.event_id.in_(event_ids)).order_by(RatingContest.id)
    )
    return {contest.event_id: contest for contest in rows}


def list_contests(status="menunggu"):
    """List rating contests with the given status (oldest first), events and ASN loaded."""
    query = select(RatingContest).options(selectinload(RatingContest.event), selectinload(RatingContest.asn))
    if status:
        query = query.where(RatingContest.status == status)
    return db.session.scalars(query.order_by(RatingContest.created_at, RatingContest.id)).all()


def get_setting(key, default):
    """Return a stored setting's value, or the default."""
    value = db.session.scalar(select(PembinaanSetting.value).where(PembinaanSetting.key == key))
    return default if value is None else value


def list_summaries(period_label):
    """List the stored summaries of a period, by ASN id."""
    return db.session.scalars(
        select(PeriodSummary).where(PeriodSummary.period == period_label).order_by(PeriodSummary.asn_id)
    ).all()
