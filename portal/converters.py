"""Ids from URLs, forms and query strings, read one way everywhere: ASCII digits within the database's integer.

`<int:…>` in every route is the bounded converter below, so `/forum/t/99999999999` is a 404 like
any unknown id instead of an integer overflow on PostgreSQL; values read from forms and query
strings go through `parse_id` or `parse_int`.
"""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id cannot exist, and asking for it overflows the query


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` limited to ASCII digits and to the database's integer range."""

    regex = r"[0-9]+"  # \d would also match other scripts' digits, which no link of ours contains

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def is_ascii_number(value):
    """Tell whether a text is made of ASCII digits only (str.isdigit also accepts '²' and '١')."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def parse_int(value, minimum=0, maximum=MAX_ID):
    """Read ASCII digits within [minimum, maximum] into an int, or return None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not is_ascii_number(text) or len(text) > 20:
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value):
    """Read a database id (1 … 2³¹−1) from a form or query value, or return None."""
    return parse_int(value, minimum=1)


def register(app):
    # Before any blueprint adds its rules: a rule picks its converter class when it is added.
    app.url_map.converters["int"] = BoundedIntConverter
