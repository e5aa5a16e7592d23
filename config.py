"""Every setting of the application, read from the environment in this one place.

Nothing else in the project reads ``os.environ``. Each key carries a comment saying what
it is for; the README's configuration table is written from these.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None, instance_path: Path) -> str:
    """Return an SQLAlchemy URL for ``url``, defaulting to SQLite under instance/.

    A plain ``postgresql://`` (or ``postgres://``) URL is accepted as given and pointed at the
    installed psycopg 3 driver, so operators can paste what their provider hands them.
    """
    if not url:
        return f"sqlite:///{instance_path / 'civic.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    # Which of the classes below is used: development | production | testing.
    CIVIC_ENV = "development"
    # Signs sessions, CSRF tokens and the links in account mail. Required in production.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # SQLAlchemy URL of the database; empty means SQLite under instance/.
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {
        # Test each pooled connection before use so the app recovers by itself when the
        # database comes back after an outage.
        "pool_pre_ping": True,
        # A database error's message leaves out the statement's values: logged, they could carry what
        # someone wrote in confidence, or a hash, into the log.
        "hide_parameters": True,
    }
    # Public address of the site, used for links in mail sent outside a web request.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    # The address people write to about an accessibility problem, named on /accessibility; empty:
    # the page asks them to use the integrity authority's own contact details.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "")

    # Mail delivery (Flask-Mail). With no MAIL_SERVER in development, mail is printed to
    # the console by the `mail send` worker instead of being sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "civic@localhost")
    # Seconds to wait for the SMTP server before giving up on one attempt.
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "20"))
    # How often a message is tried before it is marked failed.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))

    # Rate-limit counters: memory:// for one process, redis://... when several run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # When that Redis is away, count in this process's memory and log a warning rather than
    # refusing sign-ins, sign-ups, the API and the feeds; /healthz says so.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Requests one client may make per minute to /api/ and /feeds/ (429 with Retry-After beyond).
    API_RATE_LIMIT = "600 per minute"
    # The write API (Authorization: Bearer): requests one token may make, and failed authentications one
    # client address may make, before 429 with Retry-After.
    WRITE_API_RATE_LIMIT = os.environ.get("WRITE_API_RATE_LIMIT", "120 per minute")
    WRITE_API_AUTH_FAILURE_RATE_LIMIT = os.environ.get("WRITE_API_AUTH_FAILURE_RATE_LIMIT", "20 per minute")
    # Hours a POST's Idempotency-Key and its answer are kept; `api purge-keys` removes older ones.
    API_IDEMPOTENCY_HOURS = int(os.environ.get("API_IDEMPOTENCY_HOURS", "24"))
    # Seconds a process counts read-API requests in memory before it adds them to the per-day usage
    # figures on /api (written after a response has gone out; 0 writes after every request).
    API_USAGE_FLUSH_SECONDS = float(os.environ.get("API_USAGE_FLUSH_SECONDS", "60"))
    # The largest screenshot an app's maker may upload to the showcase (/apps/submit).
    APP_SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024
    # Apps one account may submit or change (each sending decodes a screenshot), per the window given.
    APPS_SUBMIT_RATE_LIMIT = os.environ.get("APPS_SUBMIT_RATE_LIMIT", "10 per hour")
    # Attempts at the login form per client address.
    LOGIN_RATE_LIMIT = "10 per minute"
    # Failed logins for one account before it is locked for a growing while.
    LOGIN_FAILURES_BEFORE_LOCK = 5
    # Days an address the owner signed in from stays one that the account's lock does not shut out.
    SIGN_IN_TRUSTED_DAYS = int(os.environ.get("SIGN_IN_TRUSTED_DAYS", "30"))
    # Roles that must set up the second step of sign-in (an authenticator app) before anything else.
    TWO_FACTOR_REQUIRED_ROLES = ("staff", "moderator", "admin", "integrity_officer")
    # The name authenticator apps show beside the account.
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "civic")
    # Seconds after signing in (or confirming) during which sensitive actions ask for no password.
    RECENT_SIGN_IN_SECONDS = int(os.environ.get("RECENT_SIGN_IN_SECONDS", str(15 * 60)))

    # Anonymous visitors get shared copies of the home page, /cases, case pages and agency pages
    # for this many seconds, or until a change to them is committed (0 turns the copies off).
    # With several app processes, give them one Redis (CACHE_REDIS_URL) so a change clears
    # every process's copies at once; without it each process keeps its own.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_TYPE = ("NullCache" if PAGE_CACHE_SECONDS <= 0
                  else "RedisCache" if CACHE_REDIS_URL else "SimpleCache")
    CACHE_DEFAULT_TIMEOUT = max(PAGE_CACHE_SECONDS, 1)
    CACHE_KEY_PREFIX = "civic:pages:"
    CACHE_NO_NULL_WARNING = True

    # Languages: Traditional Chinese first, English second.
    LANGUAGES = ("zh_Hant_TW", "en")
    BABEL_DEFAULT_LOCALE = "zh_Hant_TW"
    BABEL_DEFAULT_TIMEZONE = "Asia/Taipei"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "civic" / "translations")

    # Forms and uploads: refuse request bodies over 1 MiB with a 413 page.
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_ENABLED = True
    # CSRF tokens last as long as the session, so a form left open does not expire.
    WTF_CSRF_TIME_LIMIT = None

    # Cookies: HttpOnly and SameSite=Lax everywhere, Secure in production.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "civic_session"
    # A signed-in session ends after this long without a visit.
    SESSION_IDLE_TIMEOUT = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # Validity of the links in account mail.
    VERIFY_TOKEN_MAX_AGE = int(timedelta(days=3).total_seconds())
    RESET_TOKEN_MAX_AGE = int(timedelta(hours=2).total_seconds())

    # The Government Procurement Act's very-large (巨額) procurement amounts, in NTD: the
    # values at which an integrity platform is expected. Checked on every application.
    CASE_THRESHOLDS_NTD = {
        "works": 200_000_000,
        "goods": 100_000_000,
        "services": 20_000_000,
    }
    # Days after the deadline before an unanswered item is reported to the supervising agency.
    FEEDBACK_ESCALATION_GRACE_DAYS = int(os.environ.get("FEEDBACK_ESCALATION_GRACE_DAYS", "7"))
    # Staff acknowledge (受理) a new item within this many working days.
    FEEDBACK_ACKNOWLEDGE_WORKING_DAYS = int(os.environ.get("FEEDBACK_ACKNOWLEDGE_WORKING_DAYS", "2"))
    # The author may follow up an answer within this many calendar days of it.
    FEEDBACK_FOLLOW_UP_DAYS = int(os.environ.get("FEEDBACK_FOLLOW_UP_DAYS", "30"))
    # The most working days past its deadline that an item's one extension may reach.
    FEEDBACK_EXTENSION_MAX_WORKING_DAYS = int(os.environ.get("FEEDBACK_EXTENSION_MAX_WORKING_DAYS", "10"))
    # Comments one person may post per hour.
    COMMENT_RATE_LIMIT = "20 per hour"
    # Days after a workshop before its attendees' personal data is deleted (`workshops purge`).
    WORKSHOP_RETENTION_DAYS = int(os.environ.get("WORKSHOP_RETENTION_DAYS", "180"))
    # Workshop sign-ups one client address may send per minute.
    WORKSHOP_SIGNUP_RATE_LIMIT = "30 per minute"
    # Cases per page on /cases.
    CASES_PER_PAGE = 20

    # Where `exports build` writes the bulk files (every export and the OC4IDS package, each also
    # gzipped) that the API then serves; the app and the builder must see the same folder.
    EXPORTS_DIR = os.environ.get("EXPORTS_DIR") or str(ROOT / "instance" / "exports")
    # Seconds the data must stay unchanged after a change before `exports build --if-stale` or
    # `--watch` rebuilds the files; until then the older files are served.
    EXPORTS_DEBOUNCE_SECONDS = float(os.environ.get("EXPORTS_DEBOUNCE_SECONDS", "60"))
    # The URL prefix of an nginx `internal` location aliasing EXPORTS_DIR: when set, the app answers
    # with X-Accel-Redirect and nginx sends the file. Empty: the app sends it.
    EXPORTS_ACCEL_REDIRECT = os.environ.get("EXPORTS_ACCEL_REDIRECT", "")

    # The community API over the government e-procurement system's announcements, which
    # `procurement sync` asks about every tender a case names: its base address, ending in /api.
    # Empty: sync is off; `procurement import FILE` still reads saved responses.
    PCC_API_URL = os.environ.get("PCC_API_URL", "")
    # Seconds to wait for one answer, and at least between two requests (the service allows 10 in
    # 10 s and 60 in 60 s from one address).
    PCC_API_TIMEOUT = float(os.environ.get("PCC_API_TIMEOUT", "20"))
    PCC_API_INTERVAL = float(os.environ.get("PCC_API_INTERVAL", "1"))
    # Tries after the first when the service answers 429 or 5xx or does not answer, waiting
    # PCC_API_BACKOFF seconds times 2, 4, 8, ... between them (or what its Retry-After asks).
    PCC_API_RETRIES = int(os.environ.get("PCC_API_RETRIES", "4"))
    PCC_API_BACKOFF = float(os.environ.get("PCC_API_BACKOFF", "2"))

    # LINE notices through the LINE Messaging API (LINE Notify closed on 2025-03-31). Without both the
    # channel secret and the access token, /account/line and /line/webhook answer 404 and nothing is sent
    # to LINE. Both come from the channel's page in the LINE Developers Console; never commit them.
    # The channel secret checks the X-Line-Signature of each webhook request.
    LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
    # The channel access token, sent as the bearer token of every request to the Messaging API.
    LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    # The Messaging API's address (tests point it at a stub on loopback).
    LINE_API_BASE_URL = os.environ.get("LINE_API_BASE_URL", "https://api.line.me").rstrip("/")
    # The official account's add-friend link (https://line.me/R/ti/p/@...), offered on /account/line.
    LINE_ADD_FRIEND_URL = os.environ.get("LINE_ADD_FRIEND_URL", "")
    # Seconds to wait for one answer of the Messaging API; tries of one message before it has failed.
    LINE_TIMEOUT = float(os.environ.get("LINE_TIMEOUT", "10"))
    LINE_MAX_ATTEMPTS = int(os.environ.get("LINE_MAX_ATTEMPTS", "8"))
    # Codes that did not work one LINE account may send before it has to wait; codes one person may ask for.
    LINE_CODE_RATE_LIMIT = "5 per 10 minutes"
    LINE_NEW_CODE_RATE_LIMIT = "10 per hour"

    # Send Strict-Transport-Security (only behind HTTPS, i.e. production).
    SECURITY_HSTS = False
    # Confidential reports: the Fernet keys that encrypt them at rest, kept outside the database,
    # newest first and separated by commas. To rotate: put a new key in front, run
    # `flask --app civic reports rotate-key`, then drop the old one. Required in production.
    REPORTS_KEY = os.environ.get("REPORTS_KEY", "")
    # The integrity authority's agency code (機關代碼): its integrity officers read every report.
    AUTHORITY_AGENCY_CODE = os.environ.get("AUTHORITY_AGENCY_CODE", "A15070000")
    # Days after a report is closed before `reports purge` deletes it, keeping only its count.
    REPORT_RETENTION_DAYS = int(os.environ.get("REPORT_RETENTION_DAYS", str(5 * 365)))
    # Failed status lookups (a wrong receipt or passphrase) one receipt may take per hour; and one client.
    REPORT_STATUS_RATE_LIMIT = "10 per hour"
    # Reports one client may file per hour.
    REPORT_RATE_LIMIT = "10 per hour"
    # A report's attachments: at most this many, each at most this many bytes.
    REPORT_ATTACHMENTS_MAX = 5
    REPORT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    # Days before personal data of closed records is purged (used by later commands).
    PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "365"))

    # Webhooks (`webhooks send`). Outside development a hook's address must be https and every
    # address its host resolves to public: no loopback, private, link-local, shared or reserved ones.
    # The two switches are for a developer's machine: the app refuses to start in production with either.
    WEBHOOKS_ALLOW_PRIVATE = _bool("WEBHOOKS_ALLOW_PRIVATE", False)
    WEBHOOKS_ALLOW_HTTP = _bool("WEBHOOKS_ALLOW_HTTP", False)
    # Seconds to wait for a receiver to accept the connection, and then for each read of its answer.
    WEBHOOKS_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOKS_CONNECT_TIMEOUT", "3"))
    WEBHOOKS_READ_TIMEOUT = float(os.environ.get("WEBHOOKS_READ_TIMEOUT", "5"))
    # Seconds one try may take in all, on the wall clock (resolving, connecting, sending, the whole
    # answer); at most 60, far below the 10 minutes after which a claimed delivery is taken over.
    WEBHOOKS_DEADLINE = float(os.environ.get("WEBHOOKS_DEADLINE", "10"))
    # Hooks one account may register, and test pings it may ask for, from one account.
    WEBHOOKS_CREATE_RATE_LIMIT = "10 per hour"
    WEBHOOKS_PING_RATE_LIMIT = "10 per hour"
    # Tries of one delivery (1, 2, 4, ... minutes apart) before it has failed for good.
    WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("WEBHOOKS_MAX_ATTEMPTS", "8"))
    # Deliveries failed for good in a row after which a hook is turned off and its owner mailed.
    WEBHOOKS_DISABLE_AFTER = int(os.environ.get("WEBHOOKS_DISABLE_AFTER", "5"))
    # Hooks one account may hold.
    WEBHOOKS_PER_ACCOUNT = int(os.environ.get("WEBHOOKS_PER_ACCOUNT", "10"))
    # Certificate authorities a receiver's certificate is checked against (a PEM file); empty: the
    # system's.
    WEBHOOKS_CA_CERTS = os.environ.get("WEBHOOKS_CA_CERTS", "")
    # How host names are resolved: None is the system's resolver; tests give a function
    # (host, port) -> list of IP address strings.
    WEBHOOKS_RESOLVER = None


class DevelopmentConfig(Config):
    CIVIC_ENV = "development"
    # A fixed key is acceptable only on a developer's machine; production refuses it.
    SECRET_KEY = Config.SECRET_KEY or "development-only-not-secret"
    # Print mail to the console when no server is configured.
    MAIL_CONSOLE = not Config.MAIL_SERVER
    # Without REPORTS_KEY, a key derived from the development SECRET_KEY, so reports filed on a
    # developer's machine stay readable across restarts. Production refuses to start without one.
    REPORTS_KEY = Config.REPORTS_KEY or "ZGV2ZWxvcG1lbnQtb25seS1yZXBvcnRzLWtleS0wMDA="
    # A receiver on the developer's own machine (http://127.0.0.1:...) may be tried out.
    WEBHOOKS_ALLOW_PRIVATE = True
    WEBHOOKS_ALLOW_HTTP = True


class TestingConfig(Config):
    CIVIC_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - the test configuration
    REPORTS_KEY = "dGVzdGluZy1vbmx5LXJlcG9ydHMta2V5LTAwMDAwMDA="
    MAIL_CONSOLE = False
    # Tests deliver to a real SMTP server on loopback; Flask-Mail would suppress it otherwise.
    MAIL_SUPPRESS_SEND = False
    MAIL_TIMEOUT = 5.0
    RATELIMIT_STORAGE_URI = "memory://"
    # Tests share one application across many rolled-back transactions; tests of the page
    # cache turn it on for themselves.
    CACHE_TYPE = "NullCache"
    # The suite signs staff and administrators in thousands of times, often twice in one 30-second
    # step where a code may be used only once; tests of the second step require it for themselves.
    TWO_FACTOR_REQUIRED_ROLES = ()
    # No bulk files are built or served; tests of them give a folder of their own.
    EXPORTS_DIR = None
    # Read-API usage counts are written after each request, so a test sees its own.
    API_USAGE_FLUSH_SECONDS = 0.0
    # Tests drive the write API thousands of times in a minute from one address (schemathesis without a
    # token, too); the tests of its limits set their own.
    WRITE_API_RATE_LIMIT = "100000 per minute"
    WRITE_API_AUTH_FAILURE_RATE_LIMIT = "100000 per minute"


class ProductionConfig(Config):
    CIVIC_ENV = "production"
    # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto, so rate limits key on
    # the client and links are https. Set PROXY_HOPS=0 when the app faces the internet itself.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "1"))
    MAIL_CONSOLE = False
    SESSION_COOKIE_SECURE = True
    SECURITY_HSTS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def environment_name() -> str:
    """Return the configured environment, ``development`` when unset."""
    return os.environ.get("CIVIC_ENV", "development").strip().lower() or "development"


def test_database_url() -> str | None:
    """Return the PostgreSQL URL the test suite should use as well, if any."""
    return os.environ.get("TEST_DATABASE_URL")


def test_redis_url() -> str:
    """The Redis the tests of Redis-backed features use (a database of its own)."""
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_requirements() -> dict[str, bool]:
    """Whether the test run must fail (not skip) without PostgreSQL, Chromium or Redis, as CI does."""
    return {
        "postgres": _bool("CIVIC_REQUIRE_POSTGRES", False),
        "browser": _bool("CIVIC_REQUIRE_BROWSER", False),
        "redis": _bool("CIVIC_REQUIRE_REDIS", False),
    }
