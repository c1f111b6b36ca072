"""Cache-Control on pages: a public page seen by a visitor without a session may be kept by a proxy."""

from flask import current_app, request, session
from flask_login import current_user

from portal.observability import is_personal_page

# A 404 at a public address is as public as a 200, and keeping it spares the app crawlers
# repeating dead links; errors that depend on the visitor (403, 429) or the server (5xx) never.
CACHEABLE_STATUSES = {200, 404}


def is_publicly_cacheable(response):
    """Tell whether a shared cache may keep this response and serve it to every visitor."""
    config = current_app.config
    has_identity = (
        request.cookies.get(config["SESSION_COOKIE_NAME"]) is not None
        or request.cookies.get(config.get("REMEMBER_COOKIE_NAME", "remember_token")) is not None
        or request.authorization is not None
        or current_user.is_authenticated
        # A CSRF token, a flash or a tracking secret written during this request: a session cookie
        # goes out with the response, and the page may hold something for this visitor only.
        or session.modified
        or bool(session)
    )
    return (
        request.method in ("GET", "HEAD")
        and response.status_code in CACHEABLE_STATUSES
        # HTML pages only: the JSON API, /healthz and live feeds are read by programs wanting fresh data.
        and response.mimetype == "text/html"
        and "Cache-Control" not in response.headers  # the view decided itself
        and "Set-Cookie" not in response.headers
        and not has_identity
        and not is_personal_page()
    )


# What Flask-Login leaves in a visitor's session: with "basic" session protection it marks any
# non-empty session of a visitor not fresh (`_fresh`), on every request, e.g. after signing out or
# after a flash was shown, so that browser would never again get a cacheable page.
LOGIN_LEFTOVERS = {"_fresh", "_id"}


def forget_login_leftovers():
    """Drop a visitor's session that holds nothing but Flask-Login's marks (its cookie is deleted)."""
    # The cheap check first: reading current_user after the commit would load the account again.
    if session and session.keys() <= LOGIN_LEFTOVERS and not current_user.is_authenticated:
        session.clear()


def set_cache_headers(response):
    """Mark a public page cacheable by proxies for PUBLIC_CACHE_SECONDS, anything else private."""
    if is_publicly_cacheable(response):
        seconds = int(current_app.config["PUBLIC_CACHE_SECONDS"])
        response.headers["Cache-Control"] = f"public, max-age={seconds}"
        # The language cookie changes the page: a proxy keeps one copy per Cookie header.
        response.vary.add("Cookie")
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private"
    return response
