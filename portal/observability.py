"""Operations: one structured log line per request, and /healthz."""

import ipaddress
import json
import logging
import sys
import time
import uuid

from flask import current_app, g, jsonify, request
from flask_login import current_user
from sqlalchemy import text

from portal.extensions import csrf, db, limiter
from portal.search.health import search_index_health

request_log = logging.getLogger("portal.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: easy to grep, easy to ship to a log store."""

    RESERVED = set(vars(logging.makeLogRecord({})))

    def format(self, record):
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(app):
    root = logging.getLogger("portal")
    if not any(getattr(h, "portal_json", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.portal_json = True
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def register(app):
    from portal.http_cache import forget_login_leftovers, set_cache_headers  # here: http_cache imports this module

    configure_logging(app)

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]

    @app.after_request
    def log_request(response):
        if current_app.config["LOG_REQUESTS"] and "request_started" in g:
            request_log.info(
                "request",
                extra={
                    "request_id": g.request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                    **_who(),
                },
            )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Own scripts and styles only: there is no CDN and no inline script.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        if current_app.config["PORTAL_ENV"] == "production" and current_app.config.get("HSTS_MAX_AGE"):
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={int(current_app.config['HSTS_MAX_AGE'])}; includeSubDomains")
        if is_personal_page():
            # Personal data must not stay in a shared proxy cache or in the browser's history cache.
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        else:
            set_cache_headers(response)
        forget_login_leftovers()
        return response

    @app.get("/healthz")
    @csrf.exempt
    @limiter.exempt
    def healthz():
        checks = {"database": _database_health(), "search": search_index_health(app.config["SEARCH_INDEX_DIR"])}
        healthy = all(check["status"] == "ok" for check in checks.values())
        return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503


# Submitting and following a report: the resident may have sent it anonymously (DOMAIN.md §6).
REPORT_ENDPOINTS = {
    "feedback.submit", "feedback.submitted", "feedback.track_lookup", "feedback.track", "feedback.detail",
    "feedback.rate", "feedback.confirm", "feedback.reopen", "api.create_feedback", "api.get_feedback",
}


def keep_request_anonymous():
    """Mark this request as one about an anonymous report: its log line names no account and no IP."""
    g.anonymous_report = True


def truncated_ip(address):
    """Keep only the network part of an address (IPv4 /24, IPv6 /48): enough to spot abuse, not a person."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _who():
    # UU 27/2022 and DOMAIN.md §6: an anonymous report stores no identity, so the request log must
    # not tie an account or an IP address to the report it created or to the follow-up with its
    # private key. Other submission and tracking requests keep only a truncated address.
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    if g.get("anonymous_report"):
        return {"user_id": None, "ip": None}
    if request.endpoint in REPORT_ENDPOINTS:
        return {"user_id": user_id, "ip": truncated_ip(request.remote_addr)}
    return {"user_id": user_id, "ip": request.remote_addr}


# Pages holding one person's data (UU 27/2022 PDP): the development record, feedback handling,
# the account, notifications and every "my …" list. Whole blueprints, or single endpoints.
PERSONAL_BLUEPRINTS = {"accounts", "admin", "forum_admin", "jobs", "notifications", "pembinaan", "workdays"}
PERSONAL_ENDPOINTS = {
    "feedback.manage", "feedback.inbox", "feedback.mine", "feedback.attachment", "feedback.submitted",
    "feedback.track", "konsultasi.mine", "konsultasi.manage", "konsultasi.attendance", "konsultasi.console",
    "forum.moderation", "forum.needs_response", "api.get_feedback",
}


def is_personal_page():
    """Tell whether this response is a personal page that no cache may keep."""
    # Anonymous visitors too: a tracking page opened with its private key shows the resident's answer.
    return request.blueprint in PERSONAL_BLUEPRINTS or request.endpoint in PERSONAL_ENDPOINTS


def _database_health():
    try:
        db.session.execute(text("SELECT 1"))
        return {"status": "ok", "dialect": db.engine.dialect.name}
    except Exception as exc:  # any failure to reach the database means unhealthy
        db.session.rollback()
        return {"status": "error", "detail": type(exc).__name__}
