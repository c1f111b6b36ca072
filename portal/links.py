"""Absolute links for mail and private links: always on PUBLIC_BASE_URL, never the request's Host."""

from urllib.parse import quote, urlsplit

from flask import current_app


def public_url(endpoint, **values):
    """Build an absolute URL for endpoint on PUBLIC_BASE_URL, with or without a request."""
    # A forged Host header must never put a reset token into a link to another site.
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    values = dict(values)
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(anchor)}" if anchor else url


def public_path_url(path):
    """Turn a site-relative path ("/masukan/…") into an absolute URL on PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")
