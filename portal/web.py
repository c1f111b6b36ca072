"""Template helpers shared by every page: dates in WIB, permissions, safe redirects."""

from datetime import timezone
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import parse_pattern
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from portal import permissions
from portal.organisation.nip import format_nip


def safe_next_url(target, fallback="main.home"):
    """Return target if it stays on this site, else the fallback page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(fallback)


def site_context(app):
    """A request context on PUBLIC_BASE_URL, so jobs outside a request can build absolute links."""
    return app.test_request_context("/", base_url=app.config["PUBLIC_BASE_URL"])


MAX_JSON_DEPTH = 32  # no body of our API nests more than a few levels; a deeper one is an attack


def _refuse(message):
    error = BadRequest()
    error.portal_message = message  # shown by portal/errors.py
    raise error


def _json_strings(body):
    """Yield every key and string in a parsed JSON body, refusing one nested beyond MAX_JSON_DEPTH.

    Walked with a stack, not recursion: a body nested 100,000 deep must not exhaust Python's stack.
    """
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            _refuse(_("Data JSON terlalu dalam bertingkat (paling banyak %(n)s tingkat).", n=MAX_JSON_DEPTH))
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value.keys()
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:
        # The JSON decoder recurses per level; RecursionError is not a ValueError, so silent=True lets it pass.
        _refuse(_("Data JSON terlalu dalam bertingkat (paling banyak %(n)s tingkat).", n=MAX_JSON_DEPTH))


def refuse_nul_bytes():
    """Refuse input with NUL characters: PostgreSQL cannot store them, and no person types one.

    The path (and so every URL parameter), query and form keys and values, upload file names and
    every string of a JSON body are checked; a JSON body nested too deep is refused as well.
    """
    values = [request.path, *request.args.keys(), *request.args.values(), *request.form.keys(),
              *request.form.values(), *(upload.filename or "" for upload in request.files.values())]
    if request.is_json:
        body = _json_body()
        if body is not None:
            values.extend(_json_strings(body))
    if any("\x00" in value for value in values):
        _refuse(_("Isian mengandung karakter yang tidak diizinkan (NUL). Hapus karakter itu lalu kirim lagi."))


WIB = ZoneInfo("Asia/Jakarta")


@lru_cache(maxsize=32)
def _pattern(fmt):
    return parse_pattern(fmt)


def wib(value, fmt="d MMM yyyy, HH.mm"):
    """Format a UTC datetime in Asia/Jakarta time, with the WIB suffix.

    Babel's pattern applied directly, in the request's locale: what flask_babel.format_datetime
    gives, without its per-call lookups of the time zone, locale and format (a list page calls
    this dozens of times).
    """
    if value is None:
        return ""
    if value.tzinfo is None:  # stored times are UTC (portal/db.py), as flask_babel assumed
        value = value.replace(tzinfo=timezone.utc)
    return f"{_pattern(fmt).apply(value.astimezone(WIB), get_locale())} WIB"


def add_nav_item(app, endpoint, label, visible=None, order=50):
    """Add a link to the main navigation; visible(user) decides who sees it."""
    app.extensions.setdefault("portal_nav", []).append((order, endpoint, label, visible))


def nav_items():
    """List the (endpoint, label) pairs the current visitor sees in the main navigation."""
    items = sorted(current_app.extensions.get("portal_nav", []), key=lambda item: item[0])
    return [(endpoint, label) for _order, endpoint, label, visible in items if visible is None or visible(current_user)]


def register(app):
    from portal.notifications.services import unread_for_bell

    add_nav_item(app, "main.home", _l("Beranda"), order=0)
    add_nav_item(app, "main.directory", _l("Layanan"), order=80)
    app.before_request(refuse_nul_bytes)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(permissions.template_globals())
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["unread_notifications"] = unread_for_bell
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.filters["nip"] = format_nip

    @app.context_processor
    def inject_site():
        return {
            "site_name": current_app.config["SITE_NAME"],
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
