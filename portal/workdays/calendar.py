"""Deadline and elapsed-time arithmetic on working days, in Asia/Jakarta time."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.extensions import db
from portal.workdays.models import Holiday

WIB = ZoneInfo("Asia/Jakarta")
DAY_SECONDS = 24 * 60 * 60


def holidays_between(first, last):
    """Return the set of holiday dates from first to last inclusive (one query)."""
    return set(db.session.scalars(select(Holiday.day).where(Holiday.day.between(first, last))))


def is_working_day(day, holidays):
    """Say whether a date is Monday–Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def _end_of_day(day):
    # The last moment of that day in WIB, as aware UTC.
    return datetime.combine(day, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)


def add_working_days(start, days):
    """Return the deadline: the end (23:59:59 WIB) of the n-th working day after start's WIB date."""
    local_day = start.astimezone(WIB).date()
    # 3 calendar weeks per working week plus a margin covers the longest Lebaran leave.
    holidays = holidays_between(local_day, local_day + timedelta(days=days * 3 + 30))
    day, counted = local_day, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return _end_of_day(day)


def add_calendar_days(start, days):
    """Return the deadline n calendar days after start; a day off moves it to the next working day."""
    day = start.astimezone(WIB).date() + timedelta(days=days)
    holidays = holidays_between(day, day + timedelta(days=30))
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return _end_of_day(day)


def working_seconds_between(start, end, holidays=None):
    """Count the seconds between start and end that fall on working days (WIB).

    A job measuring many items passes `holidays` (a set covering start..end, see holidays_between)
    loaded once, instead of one holiday query per item.
    """
    if end <= start:
        return 0
    start_local, end_local = start.astimezone(WIB), end.astimezone(WIB)
    if holidays is None:
        holidays = holidays_between(start_local.date(), end_local.date())
    total = 0
    day = start_local.date()
    while day <= end_local.date():
        if is_working_day(day, holidays):
            day_start = datetime.combine(day, time(0), tzinfo=WIB)
            day_end = day_start + timedelta(days=1)
            total += (min(day_end, end_local) - max(day_start, start_local)).total_seconds()
        day += timedelta(days=1)
    return int(total)


def working_days_between(start, end, holidays=None):
    """Elapsed working time between two moments, in (fractional) working days."""
    return working_seconds_between(start, end, holidays) / DAY_SECONDS


def wib_date(moment):
    """Return the calendar date in WIB of an aware datetime."""
    return moment.astimezone(WIB).date()


__all__ = [
    "WIB", "add_calendar_days", "add_working_days", "holidays_between", "is_working_day",
    "working_days_between", "working_seconds_between", "wib_date",
]


def wib_day_bounds(first, last):
    """Return [start, end) in aware UTC covering WIB dates first..last inclusive."""
    start = datetime.combine(first, time(0), tzinfo=WIB).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=WIB).astimezone(UTC)
    return start, end
