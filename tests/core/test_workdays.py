"""Working-day arithmetic (DOMAIN.md §4): Mon–Fri minus holidays, WIB, end-of-day deadlines."""

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.workdays.calendar import (
    WIB,
    add_calendar_days,
    add_working_days,
    working_days_between,
    working_seconds_between,
)
from portal.workdays.models import Holiday


def wib(*args):
    return datetime(*args, tzinfo=WIB).astimezone(timezone.utc)


def end_of(day):
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=WIB).astimezone(timezone.utc)


@pytest.fixture
def holidays(db):
    # Around Idul Fitri 2026 (SKB 3 Menteri): holidays and cuti bersama, 16–24 March.
    for day, name, kind in [
        (date(2026, 3, 19), "Hari Suci Nyepi", "libur_nasional"),
        (date(2026, 3, 20), "Idul Fitri 1447 H", "libur_nasional"),
        (date(2026, 3, 23), "Cuti bersama Idul Fitri", "cuti_bersama"),
        (date(2026, 3, 24), "Cuti bersama Idul Fitri", "cuti_bersama"),
        (date(2026, 8, 17), "Hari Kemerdekaan", "libur_nasional"),
    ]:
        db.session.add(Holiday(day=day, name=name, kind=kind))
    db.session.commit()


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (wib(2026, 11, 2, 9, 0), 3, date(2026, 11, 5)),  # Monday + 3 → Thursday
        (wib(2026, 11, 5, 9, 0), 3, date(2026, 11, 10)),  # Thursday + 3 skips the weekend → Tuesday
        (wib(2026, 11, 7, 10, 0), 1, date(2026, 11, 9)),  # sent on Saturday → Monday
        (wib(2026, 11, 6, 23, 30), 1, date(2026, 11, 9)),  # Friday late evening WIB (16:30 UTC) → Monday
        (wib(2026, 11, 2, 6, 0), 5, date(2026, 11, 9)),  # a working week
        (wib(2026, 11, 2, 6, 0), 2, date(2026, 11, 4)),  # forum: 2 working days
    ],
)
def test_add_working_days_skips_weekends(db, start, days, deadline):
    assert add_working_days(start, days) == end_of(deadline)


def test_add_working_days_skips_holidays_and_cuti_bersama(holidays):
    # Wednesday 18 March + 3 working days: 19, 20 off, 21–22 weekend, 23–24 cuti bersama → 25, 26, 27.
    assert add_working_days(wib(2026, 3, 18, 10, 0), 3) == end_of(date(2026, 3, 27))
    # Friday 14 August + 1: the 17th (Monday) is Independence Day → Tuesday 18.
    assert add_working_days(wib(2026, 8, 14, 10, 0), 1) == end_of(date(2026, 8, 18))


def test_date_in_wib_not_utc_decides_the_start_day(db):
    # 2026-11-02 20:00 UTC is already Tuesday 3 November 03:00 WIB.
    start = datetime(2026, 11, 2, 20, 0, tzinfo=timezone.utc)
    assert add_working_days(start, 1) == end_of(date(2026, 11, 4))


def test_calendar_day_deadline_moves_off_a_day_off(holidays):
    # 60 calendar days after 17 June 2026 is Sunday 16 August; the 17th is a holiday → the 18th.
    assert add_calendar_days(wib(2026, 6, 17, 9, 0), 60) == end_of(date(2026, 8, 18))
    # A working day stays as it is.
    assert add_calendar_days(wib(2026, 6, 1, 9, 0), 3) == end_of(date(2026, 6, 4))


def test_working_time_excludes_weekends_and_holidays(holidays):
    friday_noon, monday_noon = wib(2026, 11, 6, 12, 0), wib(2026, 11, 9, 12, 0)
    assert working_seconds_between(friday_noon, monday_noon) == 24 * 3600  # Fri 12–24 + Mon 0–12
    assert working_days_between(wib(2026, 3, 18, 12, 0), wib(2026, 3, 25, 12, 0)) == 1.0
    assert working_seconds_between(monday_noon, friday_noon) == 0
    start = wib(2026, 11, 10, 8, 0)
    assert working_seconds_between(start, start + timedelta(hours=3)) == 3 * 3600
