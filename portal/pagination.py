"""The page arithmetic every paged list shares, shaped like Flask-SQLAlchemy's Pagination.

The `pagination` macro in templates/_macros reads exactly these attributes.
"""

import math


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
