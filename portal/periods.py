"""Reporting periods, read one way everywhere: a year, a half, a quarter or a month, in WIB.

The IKM pages, the API and the development record all parse `?periode=` here. Years are bounded
(MIN_YEAR … MAX_YEAR): year 0 has no calendar date and 9999-Q4 has no next quarter, and no
report of this portal covers either.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.db import utcnow
from portal.workdays.calendar import wib_date, wib_day_bounds

KINDS = ("month", "quarter", "half", "year")
MIN_YEAR = 2000
MAX_YEAR = 2100


class InvalidPeriod(ValueError):
    """The text is not YYYY, YYYY-Sn, YYYY-Qn or YYYY-MM in range; str(error) is the Indonesian message."""


@dataclass(frozen=True)
class Period:
    """A calendar period; start and end are WIB dates, end inclusive."""

    label: str
    kind: str
    start: date
    end: date

    def bounds(self):
        """Return [start, end) as aware UTC datetimes covering the WIB dates of the period."""
        return wib_day_bounds(self.start, self.end)

    def contains(self, day):
        return self.start <= day <= self.end

    def previous(self):
        """Return the period of the same kind just before this one."""
        day = date.fromordinal(self.start.toordinal() - 1)
        return period_containing(day, self.kind)

    def next(self):
        """Return the period of the same kind just after this one."""
        return period_containing(date.fromordinal(self.end.toordinal() + 1), self.kind)

    @property
    def year(self):
        return self.start.year

    def __str__(self):
        return self.label


def _month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def period_containing(day, kind="quarter"):
    """Return the period of the given kind that contains a date."""
    year = day.year
    if kind == "year":
        return Period(str(year), kind, date(year, 1, 1), date(year, 12, 31))
    if kind == "half":
        half = 1 if day.month <= 6 else 2
        first = 6 * half - 5
        return Period(f"{year}-S{half}", kind, date(year, first, 1), _month_end(year, first + 5))
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = 3 * quarter - 2
        return Period(f"{year}-Q{quarter}", kind, date(year, first, 1), _month_end(year, first + 2))
    if kind == "month":
        return Period(f"{year}-{day.month:02d}", kind, date(year, day.month, 1), _month_end(year, day.month))
    raise ValueError(kind)


# [0-9], not \d: \d also matches other scripts' digits ("٢٠٢٦"), which nobody means as a year.
_FORMS = {
    "year": (r"([0-9]{4})", lambda m: 1),
    "half": (r"([0-9]{4})-S([12])", lambda m: 6 * int(m[2]) - 5),
    "quarter": (r"([0-9]{4})-Q([1-4])", lambda m: 3 * int(m[2]) - 2),
    "month": (r"([0-9]{4})-(0[1-9]|1[0-2])", lambda m: int(m[2])),
}


def _format_message(kinds):
    if "half" in kinds:
        return _("Periode harus berbentuk TTTT, TTTT-Sn, TTTT-Qn, atau TTTT-BB, "
                 "misalnya 2026, 2026-S1, 2026-Q3, atau 2026-07.")
    return _("Periode harus berbentuk TTTT, TTTT-BB, atau TTTT-Qn, misalnya 2026, 2026-07, atau 2026-Q3.")


def parse_period(text, kinds=KINDS):
    """Read '2026', '2026-S1', '2026-Q3' or '2026-07' (of the kinds allowed) into a Period, or raise InvalidPeriod."""
    text = (text or "").strip().upper()
    for kind in kinds:
        pattern, first_month = _FORMS[kind]
        if match := re.fullmatch(pattern, text):
            year = int(match[1])
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise InvalidPeriod(_("Tahun periode harus antara %(first)s dan %(last)s, misalnya 2026.",
                                      first=MIN_YEAR, last=MAX_YEAR))
            return period_containing(date(year, first_month(match), 1), kind)
    raise InvalidPeriod(_format_message(kinds))


def current_period(kind="quarter", now=None):
    """Return the period of the given kind containing today's WIB date."""
    return period_containing(wib_date(now or utcnow()), kind)


def quarters_up_to(period, count):
    """List the `count` quarters ending with the one that holds the period's last day, oldest first."""
    quarter = period_containing(period.end, "quarter")
    quarters = [quarter]
    for _i in range(count - 1):
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))
