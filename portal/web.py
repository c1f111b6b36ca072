"""Template helpers shared by every page: dates in WIB, permissions, safe redirects."""

import json
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import format_datetime, get_locale
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


def refuse_nul_bytes():
    """Refuse input with NUL characters: PostgreSQL cannot store them, and no person types one."""
    values = [*request.args.values(), *request.form.values()]
    if request.is_json:
        body = request.get_json(silent=True)
        values.append(json.dumps(body) if body is not None else "")
    if any("\x00" in value or "\\u0000" in value for value in values):
        error = BadRequest()
        error.portal_message = _("Isian mengandung karakter yang tidak diizinkan (NUL). Hapus karakter itu lalu kirim lagi.")
        raise error


def wib(value, fmt="d MMM yyyy, HH.mm"):
    """Format a UTC datetime in Asia/Jakarta time, with the WIB suffix."""
    if value is None:
        return ""
    return f"{format_datetime(value, fmt)} WIB"


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
