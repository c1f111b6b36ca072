"""Follow every same-origin link a person can see, breadth first, from the home page.

Used by the crawl test (every role reaches its tasks, no link answers ≥ 400) and the privacy test
(no public page shows a resident's personal data). Only GET links are followed: buttons that
change state are POST forms, which a crawler must not press.
"""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException

# Links a crawler should not follow: they end the session or only change the display.
SKIPPED_PREFIXES = ("/static/",)
# Query keys that do not change what a page is about: its page number, where to go after login.
UNFILTERING = ("page", "next")


@dataclass
class Visit:
    url: str
    status: int
    endpoint: str | None  # the link's; a redirect may end on another (`landed_on`)
    landed_on: str | None
    content_type: str
    text: str
    found_on: str


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)

    @property
    def endpoints(self):
        return {visit.endpoint for visit in self.visits} | {visit.landed_on for visit in self.visits}

    def failures(self):
        return [f"{v.url} → {v.status} (linked from {v.found_on})" for v in self.visits if v.status >= 400]


def _endpoint(app, path):
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def crawl(app, client, *, start="/", max_pages=250, per_endpoint=3):
    """Visit pages reachable by links from `start` with the client's cookies.

    Each endpoint with the same filters (the query without its page number or `next`) is visited at most
    `per_endpoint` times — three threads stand for all threads, three pages of a list for all its
    pages — so the crawl stays bounded however much demo data there is, yet every tab is seen.
    """
    result = Crawl()
    seen = {start}
    visits_per_kind = {}
    queue = deque([(start, "(start)")])
    while queue and len(result.visits) < max_pages:
        url, found_on = queue.popleft()
        parts = urlsplit(url)
        endpoint = _endpoint(app, parts.path)
        filters = tuple(sorted(pair for pair in parse_qsl(parts.query) if pair[0] not in UNFILTERING))
        kind = (endpoint, filters)
        if visits_per_kind.get(kind, 0) >= per_endpoint:
            continue
        visits_per_kind[kind] = visits_per_kind.get(kind, 0) + 1
        response = client.get(url, follow_redirects=True)
        content_type = response.headers.get("Content-Type", "")
        body = response.get_data(as_text=True) if _is_text(content_type) else ""
        final_path = urlsplit(response.request.url).path
        result.visits.append(
            Visit(url, response.status_code, endpoint, _endpoint(app, final_path), content_type, body, found_on)
        )
        if "text/html" not in content_type:
            continue
        for link in BeautifulSoup(body, "html.parser").find_all("a", href=True):
            target = _same_origin(url, link["href"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
    return result


def _is_text(content_type):
    return content_type.startswith(("text/", "application/json", "application/problem+json"))


def _same_origin(base, href):
    absolute, _ = urldefrag(urljoin("http://localhost" + base, href))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
