"""Page numbers and the page arithmetic every paged list shares, shaped like Flask-SQLAlchemy's Pagination.

Every paged page reads `?page=` through `page_arg`: a missing or unreadable number is the first
page, and 0, a negative number or one beyond `MAX_PAGE` is a 404 that says how far lists go.
Deep pages are refused because OFFSET makes the database read and drop every earlier row: one
anonymous request for page 40,006 of /masukan cost 2.1 s of CPU. The `pagination` macro in
templates/_macros reads exactly the attributes of `Paginated`.
"""

import math
import re
from dataclasses import dataclass, field

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload
from werkzeug.exceptions import NotFound

from portal.extensions import db

MAX_PAGE = 50  # as search: nobody reads 50 pages of a list; deeper pages only cost the server


class Paginated:
    """Mixin for a page of results with `page`, `per_page` and `total` attributes."""

    page_limit = None  # the last page that may be asked for, if lists stop early

    @property
    def pages(self):
        pages = max(1, math.ceil(self.total / self.per_page))
        return min(pages, self.page_limit) if self.page_limit else pages

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self):
        return self.page + 1 if self.has_next else None


@dataclass
class Page(Paginated):
    """One page of a database list, never beyond MAX_PAGE."""

    items: list = field(default_factory=list)
    page: int = 1
    per_page: int = 20
    total: int = 0
    more: bool = False  # more rows than MAX_PAGE pages hold: `total` stops there
    page_limit = MAX_PAGE  # not a field: deeper pages are refused

    def __iter__(self):
        return iter(self.items)


class PageOutOfRange(ValueError):
    """The page number is 0, negative or beyond the last page a list may show; str(error) says so."""


def parse_page(raw, limit=MAX_PAGE):
    """Read a ?page= value: 1 when missing or unreadable, else 1 … limit or raise PageOutOfRange."""
    text = str(raw).strip() if raw is not None else ""
    if not re.fullmatch(r"[+-]?[0-9]+", text, flags=re.ASCII):
        return 1  # an unreadable value ("abc", "²", "1.5") is the first page, as links never carry one
    if len(text.lstrip("+-0")) > 12 or int(text) > limit:
        raise PageOutOfRange(_("Daftar ini hanya dapat dibuka sampai halaman %(n)s. Persempit daftar dengan "
                               "saringan atau pencarian.", n=limit))
    if int(text) < 1:
        raise PageOutOfRange(_("Nomor halaman dimulai dari 1."))
    return int(text)


def page_arg(name="page", limit=MAX_PAGE):
    """Return the request's page number, or abort with 404 and the reason."""
    try:
        return parse_page(request.args.get(name), limit)
    except PageOutOfRange as error:
        refusal = NotFound()
        refusal.portal_message = str(error)  # shown by portal/errors.py
        raise refusal from None


def paginate(query, *, per_page, page=None, error_out=False):
    """Run one page of a select (the request's ?page= unless given) and return a Page.

    The total is counted only as far as the last page a list may show (MAX_PAGE pages), so the
    count costs the same on a table of a thousand rows and of a million; `Page.more` says when
    there are more rows than that. error_out=True answers 404 for an empty page after the first,
    as Flask-SQLAlchemy does.
    """
    page = page_arg() if page is None else page
    cap = MAX_PAGE * per_page + 1
    total = count_up_to(query, cap)
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).unique().scalars().all()
    if error_out and page > 1 and not items:
        raise NotFound()
    return Page(items=items, page=page, per_page=per_page, total=min(total, cap - 1), more=total >= cap)


def count_up_to(query, cap):
    """Count a select's rows, but stop at `cap`: reads at most `cap` index entries however big the table."""
    rows = query.options(lazyload("*")).order_by(None).limit(cap).subquery()
    return db.session.scalar(select(func.count()).select_from(rows))
