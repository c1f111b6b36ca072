"""Template filters for the record's numbers, in Indonesian notation (decimal comma)."""

from decimal import Decimal

from portal.workdays.calendar import DAY_SECONDS


def _comma(text):
    return text.replace(".", ",")


def working_time(seconds):
    """Show working time: hours under one working day, else working days with one decimal."""
    if seconds is None:
        return "–"
    if seconds < DAY_SECONDS:
        return _comma(f"{seconds / 3600:.1f}") + " jam"
    return _comma(f"{seconds / DAY_SECONDS:.1f}") + " hari kerja"


def percent(share):
    """Show a 0–1 share as a whole percentage, or a dash when there is no data."""
    return "–" if share is None else f"{share * 100:.0f}%"


def decimal(value, places=2):
    """Show a number with a decimal comma, or a dash when there is no data."""
    return "–" if value is None else _comma(f"{value:.{places}f}")


def jp(value):
    """Show JP with a decimal comma and no needless zeros: 24, 1,5, 1,33."""
    if value is None:
        return "–"
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _comma(text)


def register_filters(app):
    """Make the filters available to every template (pages and mails)."""
    app.jinja_env.filters["working_time"] = working_time
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["jp"] = jp
