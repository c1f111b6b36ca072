"""Reporting periods of the development record: the portal's one period parser (portal/periods.py)."""

from portal.periods import (  # noqa: F401  (re-exported for the development record's modules)
    KINDS,
    MAX_YEAR,
    MIN_YEAR,
    InvalidPeriod,
    Period,
    current_period,
    parse_period,
    period_containing,
    quarters_up_to,
)
