"""Configuration: defaults < instance/config.py < environment variables < test_config."""

import os
import secrets
from pathlib import Path

# Environment variables read on top of the instance file. MAIL_* are picked up by prefix.
ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "SEARCH_INDEX_DIR",
    "SEARCH_BACKEND",
    "RATELIMIT_STORAGE_URI",
    "PORTAL_ENV",
    "PUBLIC_BASE_URL",
    "PROXY_FIX",
    "TRUSTED_HOSTS",
    "JOBS_QUEUE_URL",
)
BOOL_KEYS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_SUPPRESS_SEND", "MAIL_DEBUG"}
INT_KEYS = {"MAIL_PORT", "PROXY_FIX"}
LIST_KEYS = {"TRUSTED_HOSTS"}  # comma-separated in the environment


class DefaultConfig:
    PORTAL_ENV = "development"
    DATABASE_URL = None  # None: SQLite file in the instance folder
    SECRET_KEY = None  # None: generated once into instance/secret_key
    SEARCH_BACKEND = "whoosh"
    SEARCH_INDEX_DIR = None  # None: instance/search-index
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    # Per client, over the tracking pages, the resident's actions there and the API's feedback status
    # (tracking numbers are a counter: a limit makes guessing them pointless).
    TRACK_RATE_LIMIT = "30 per minute; 300 per day"
    # Per client, over the feedback form and POST /api/v1/feedback (each may carry a photo of several MB).
    FEEDBACK_SUBMIT_RATE_LIMIT = "10 per hour"
    # Login throttling (no lockout): after `after` failed passwords, further attempts of that
    # scope are refused for `first_seconds`, doubling with each later failure up to `max_seconds`.
    # The (account, IP) pair is throttled hard; the account alone only loosely and briefly, so
    # an attacker elsewhere cannot keep the owner out; the IP alone loosely (shared NAT).
    LOGIN_THROTTLE = {
        "pair": {"after": 5, "first_seconds": 60, "max_seconds": 3600},
        "account": {"after": 20, "first_seconds": 30, "max_seconds": 300},
        "ip": {"after": 100, "first_seconds": 60, "max_seconds": 600},
    }
    LOGIN_THROTTLE_FORGET_HOURS = 24  # failures are forgotten after this long without a new one
    # Number of reverse proxies in front of the portal whose X-Forwarded-* headers are trusted
    # (werkzeug ProxyFix); 0 = none, the socket address is the client.
    PROXY_FIX = 0
    # Host names the portal answers to; None = any. Other Host headers get 400 (Flask 3.1).
    TRUSTED_HOSTS = None
    EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3  # verification links live three days
    RESET_TOKEN_MAX_AGE = 60 * 60  # reset links live one hour
    MAIL_SERVER = None  # None: mail is not sent but written to MAIL_OUTBOX_DIR
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Portal Partisipasi Publik <noreply@portal.surabaya.go.id>"
    MAIL_OUTBOX_DIR = None  # None: instance/outbox
    UPLOAD_DIR = None  # None: instance/uploads
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Public pages seen without a session may be kept this long by a reverse proxy (portal/http_cache.py).
    PUBLIC_CACHE_SECONDS = 60
    LOG_REQUESTS = True
    # Strict-Transport-Security in production: browsers use HTTPS only for this long (seconds).
    HSTS_MAX_AGE = 31536000
    SITE_NAME = "Portal Partisipasi Publik Kota Surabaya"
    # Where residents reach the portal: every link in a mail and every private link is built on
    # it, never on the request's Host header (portal.links.public_url).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def load_config(app, test_config=None):
    """Fill app.config from every layer, lowest precedence first."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(_from_environment(os.environ))
    if test_config:
        app.config.update(test_config)
    _derive_paths(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if app.config["PORTAL_ENV"] == "production":
        # Behind TLS in production: cookies must never travel over plain HTTP.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _from_environment(environ):
    values = {}
    for key, raw in environ.items():
        if key not in ENV_KEYS and not key.startswith("MAIL_"):
            continue
        if key in BOOL_KEYS:
            values[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif key in INT_KEYS:
            values[key] = int(raw)
        elif key in LIST_KEYS:
            values[key] = [part.strip() for part in raw.split(",") if part.strip()] or None
        else:
            values[key] = raw
    return values


def _derive_paths(app):
    instance = Path(app.instance_path)
    config = app.config
    config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        config["DATABASE_URL"] or f"sqlite:///{instance / 'portal.db'}"
    )
    config["SEARCH_INDEX_DIR"] = config["SEARCH_INDEX_DIR"] or str(instance / "search-index")
    config["MAIL_OUTBOX_DIR"] = config["MAIL_OUTBOX_DIR"] or str(instance / "outbox")
    config["UPLOAD_DIR"] = config["UPLOAD_DIR"] or str(instance / "uploads")
    if not config["MAIL_SERVER"]:
        config["MAIL_SUPPRESS_SEND"] = True


def database_uri(url):
    """Use psycopg 3 for PostgreSQL URLs given in the usual libpq form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance):
    # Generated once and kept out of git (instance/ is ignored), so sessions survive restarts.
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
