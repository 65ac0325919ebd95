"""Ura settings: one module, driven by the environment.

URA_ENV picks the mode: ``development`` (default, what ``make run`` uses), ``test``
(the suite) or ``production`` (secrets required, hardened, two-factor required).
Every other knob is an environment variable documented in docs/deploy.md.
"""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Templates, static files and catalogues ship inside the package, so that a plain
# `pip install` carries them.
URA_DIR = BASE_DIR / "ura"
VAR_DIR = Path(os.environ.get("URA_VAR_DIR", BASE_DIR / "var"))

URA_ENV = os.environ.get("URA_ENV", "development")
if URA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("URA_ENV must be development, test or production")
PRODUCTION = URA_ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _development_secret_key() -> str:
    # Outside production a key is made once per checkout and kept under var/, so it is
    # never in the repository and sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    try:
        SECRET_KEY = os.environ["URA_SECRET_KEY"]
    except KeyError as exc:
        raise ImproperlyConfigured("URA_SECRET_KEY must be set in production") from exc
elif URA_ENV == "test":
    SECRET_KEY = "test-only-" + "x" * 60  # noqa: S105 - never used outside the suite
else:
    SECRET_KEY = os.environ.get("URA_SECRET_KEY") or _development_secret_key()


def _development_data_keys() -> str:
    # As the secret key: made once per checkout, kept under var/, never committed.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "data_keys"
    if not path.exists():
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        path.write_text(f"dev1:{key}")
        path.chmod(0o600)
    return path.read_text().strip()


# Keys that encrypt notes, narratives and documents at rest (ura.core.crypto).
if PRODUCTION:
    try:
        URA_DATA_KEYS = os.environ["URA_DATA_KEYS"]
    except KeyError as exc:
        raise ImproperlyConfigured("URA_DATA_KEYS must be set in production") from exc
elif URA_ENV == "test":
    URA_DATA_KEYS = os.environ.get("URA_DATA_KEYS") or (
        "test1:" + base64.b64encode(b"t" * 32).decode()
    )
else:
    URA_DATA_KEYS = os.environ.get("URA_DATA_KEYS") or _development_data_keys()

# A case with no recorded contact for longer than this shows on the supervisor's page.
URA_NO_CONTACT_DAYS = int(os.environ.get("URA_NO_CONTACT_DAYS", "30"))

# Open statistics (/open/, no login): cells resting on fewer people or records than
# this are hidden; values are cached this long (0 in tests: every test its own data).
URA_OPEN_THRESHOLD = max(2, int(os.environ.get("URA_OPEN_THRESHOLD", "5")))
URA_OPEN_CACHE_SECONDS = int(
    os.environ.get("URA_OPEN_CACHE_SECONDS", "0" if URA_ENV == "test" else "900")
)

# Documents uploaded to cases: the largest accepted, and where their encrypted
# files are kept (ura.cases.documents). Back this folder up with the database.
URA_DOCUMENT_MAX_MB = int(os.environ.get("URA_DOCUMENT_MAX_MB", "10"))
URA_DOCUMENT_DIR = Path(os.environ.get("URA_DOCUMENT_DIR", VAR_DIR / "documents"))
# An upload up to that size stays in memory until it is encrypted: the plain file
# is never written to the temporary folder.
FILE_UPLOAD_MAX_MEMORY_SIZE = (URA_DOCUMENT_MAX_MB + 1) * 1024 * 1024

DEBUG = env_bool("URA_DEBUG", URA_ENV == "development")
ALLOWED_HOSTS = env_list(
    "URA_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("URA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ura.accounts.apps.UraAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "ura.core",
    "ura.places",
    "ura.accounts",
    "ura.audit",
    "ura.access",
    "ura.people",
    "ura.cases",
    "ura.conferences",
    "ura.justice",
    "ura.directory",
    "ura.referrals",
    "ura.services",
    "ura.visiting",
    "ura.indicators",
    "ura.statistics",
    "ura.workspace",
    "ura.demo",
    "ura.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ura.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ura.accounts.middleware.SessionLimitsMiddleware",
    "ura.accounts.middleware.UserLanguageMiddleware",
    "ura.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ura.core.middleware.NoStoreMiddleware",
    # Last, so that a locked-out sign-in is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [URA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ura.core.context_processors.ura",
                "ura.access.context_processors.access",
            ],
        },
    },
]

# --- Database ---
# SQLite file under var/ by default; PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ura.sqlite3'}")
# Connections are kept a minute between requests; the suite closes them at once, so
# that PostgreSQL test databases can be dropped at the end.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=0 if URA_ENV == "test" else 60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default random_page_cost of 4 prices an index look-up as a seek
    # on a spinning disk; on SSD or a database in memory (every deployment we
    # plan) it then hashes the whole person table for a supervisor's 3,000 people
    # (235 ms against 52 ms; docs/benchmarks.md). Set per session, so Ura behaves as
    # measured without a change on the server; 4 restores PostgreSQL's default.
    page_cost = float(os.environ.get("URA_PG_RANDOM_PAGE_COST", "1.1"))
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        f"{options.get('options', '')} -c random_page_cost={page_cost:g}".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, sign-in, sessions ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout per (user name, address) pair, lifted by itself after 15 minutes, so that an
# attacker elsewhere cannot lock a real user out for good.
AXES_FAILURE_LIMIT = int(os.environ.get("URA_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("URA_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ura.accounts.views.locked_out"
AXES_VERBOSE = False
# Reverse proxies in front of Ura: the client address is read through them
# (ura.core.client_ip) for lockouts and the audit log alike.
URA_PROXY_COUNT = int(os.environ.get("URA_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "ura.core.client_ip.client_ip"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
URA_SESSION_IDLE_SECONDS = 30 * 60
URA_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = URA_SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # sliding idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor sign-in (TOTP) for every role that sees names; on by default in production.
URA_REQUIRE_2FA = env_bool("URA_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = os.environ.get("URA_OTP_ISSUER", "Ura")
OTP_TOTP_TOLERANCE = 1

URA_API_TOKEN_DAYS = int(os.environ.get("URA_API_TOKEN_DAYS", "90"))
# The duplicate matcher's threshold (0..1); empty keeps the matcher's tuned default.
URA_MATCH_THRESHOLD = os.environ.get("URA_MATCH_THRESHOLD", "")
# Whether completing an assessment waits for the supervisor's approval.
URA_APPROVE_ASSESSMENTS = env_bool("URA_APPROVE_ASSESSMENTS", False)

# Pre-trial detention of children: the legal limit in days (set it to the
# deployment's own law) and how many days before it the alert shows.
URA_PRETRIAL_DETENTION_LIMIT_DAYS = int(
    os.environ.get("URA_PRETRIAL_DETENTION_LIMIT_DAYS", "90")
)
URA_DETENTION_ALERT_DAYS = int(os.environ.get("URA_DETENTION_ALERT_DAYS", "14"))

# --- Languages ---
LANGUAGE_CODE = os.environ.get("URA_DEFAULT_LANGUAGE", "en")
LANGUAGES = [
    ("en", "English"),
    ("sq", "Shqip"),
    ("sr", "Српски"),
    ("sr-latn", "Srpski (latinica)"),
]
LOCALE_PATHS = [URA_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Date-time formats Django's own locales lack (Albanian): ura/formats/<lang>/.
FORMAT_MODULE_PATH = ["ura.formats"]
TIME_ZONE = os.environ.get("URA_TIME_ZONE", "Europe/Belgrade")
URA_COUNTRY = os.environ.get("URA_COUNTRY", "kosovo")

# --- Static files ---
STATIC_URL = "/static/"
STATICFILES_DIRS = [URA_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("URA_STATIC_ROOT", VAR_DIR / "static"))

# --- Security headers ---
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ADMIN_PATH = os.environ.get("URA_ADMIN_PATH", "admin/")

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("URA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if URA_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if URA_ENV == "test":
    # Argon2 is the real hasher; the suite hashes hundreds of passwords, so it uses a
    # fast one (a test checks that production keeps Argon2 first).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Logging: no personal data, ever. Request lines carry the path (ids only).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("URA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "ura.core.errors.csrf_failure"
