"""One settings module, configured from the environment (12-factor).

Every setting a deployment may change is read from an environment variable and listed in the
README. Three environments are known: ``development`` (the default when run from a checkout:
a local secret key is made and kept under ``var/``), ``test`` and ``production`` (which refuses
to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parents[1]
PROJECT_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(os.environ.get("ETABLERA_VAR_DIR", PROJECT_DIR / "var"))

# Under pytest the default is "test", so a bare `pytest` gets the test settings too.
ENVIRONMENT = os.environ.get("ETABLERA_ENV") or (
    "test" if "pytest" in sys.modules else "development"
)
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"ETABLERA_ENV must be development, test or production, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def _local_secret_key() -> str:
    """Make, once, and keep a secret key for a development checkout."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A production server refuses to start without one: "
            "set SECRET_KEY to a long random string (see README, Configuration)."
        )
    SECRET_KEY = _local_secret_key()

DEBUG = _env_bool("ETABLERA_DEBUG", False)

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names the server answers.")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

# Key for the encryption of personal data (identity numbers) and the keyed hash used to find
# them. Production must set it; development derives one from the local secret key.
ETABLERA_DATA_KEY = os.environ.get("ETABLERA_DATA_KEY", "")
if not ETABLERA_DATA_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "ETABLERA_DATA_KEY is not set. It encrypts personal identity numbers: "
            "generate one with `etablera generate_data_key` and keep it safe."
        )
    ETABLERA_DATA_KEY = "dev-" + SECRET_KEY

# Key of the access log's MAC chain (accounts.access_log). Kept apart from the database and from
# the data key, so that whoever can write the database cannot rewrite the log and its chain.
ETABLERA_AUDIT_KEY = os.environ.get("ETABLERA_AUDIT_KEY", "")
if not ETABLERA_AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "ETABLERA_AUDIT_KEY is not set. It keys the chain of the access log: generate one "
            "with `etablera generate_data_key` and keep it apart from the database."
        )
    ETABLERA_AUDIT_KEY = "dev-audit-" + SECRET_KEY
# Where anchors of the access log's chain are appended (accounts.anchors): a directory outside
# the database's reach. ETABLERA_AUDIT_SYSLOG (a socket path such as /dev/log, or host:port)
# sends each anchor to the system log as well.
ETABLERA_AUDIT_ANCHOR_DIR = Path(
    os.environ.get("ETABLERA_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors")
)
ETABLERA_AUDIT_SYSLOG = os.environ.get("ETABLERA_AUDIT_SYSLOG", "")
# Log review (accounts.review): who receives `etablera audit review --email`, what counts as
# office hours (whole hours, local time, weekdays) and as many participants in one day.
ETABLERA_REVIEW_RECIPIENTS = _env_list("ETABLERA_REVIEW_RECIPIENTS", "")
ETABLERA_OFFICE_HOURS = os.environ.get("ETABLERA_OFFICE_HOURS", "7-18")
_hours = ETABLERA_OFFICE_HOURS.partition("-")
if not (_hours[0].isdigit() and _hours[2].isdigit() and 0 <= int(_hours[0]) < int(_hours[2]) <= 24):
    raise ImproperlyConfigured(
        "ETABLERA_OFFICE_HOURS must be two whole hours such as 7-18, "
        f"not {ETABLERA_OFFICE_HOURS!r}."
    )
ETABLERA_REVIEW_MANY_PARTICIPANTS = _env_int("ETABLERA_REVIEW_MANY_PARTICIPANTS", 30)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "etablera.web",
    "etablera.accounts",
    "etablera.organisation",
    "etablera.mandates",
    "etablera.documents",
    "etablera.goals",
    "etablera.followup",
    "etablera.register",
    "etablera.statistics",
    "etablera.audits",
    "etablera.governance",
    "etablera.jobs",
    "etablera.operations",
    "etablera.kolada",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "etablera.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "etablera.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "etablera.accounts.twofactor.TwoFactorMiddleware",
    "etablera.statistics.middleware.DisclosureRefusalMiddleware",
]

ROOT_URLCONF = "etablera.urls"
WSGI_APPLICATION = "etablera.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etablera.web.context_processors.site",
            ],
        },
    },
]


def _database() -> dict:
    default_url = f"sqlite:///{VAR_DIR / 'etablera.sqlite3'}"
    url = os.environ.get("DATABASE_URL", default_url)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds on a bad URL
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Etablera understands ({exc}). "
            "Use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name."
        ) from exc
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers go on while an import writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine not in {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL names an engine Etablera does not support ({engine}): "
            "use SQLite or PostgreSQL."
        )
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    # Hashing is not what tests are about; the fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Two-factor sign-in (accounts.twofactor): required for roles that see personal data and for
# administrators. The test settings leave it to the tests that are about it.
ETABLERA_2FA_REQUIRED = _env_bool("ETABLERA_2FA_REQUIRED", ENVIRONMENT != "test")
OTP_TOTP_ISSUER = os.environ.get("ETABLERA_2FA_ISSUER", "Etablera")
# Users of personal data are signed out after this many minutes without a request.
ETABLERA_IDLE_TIMEOUT_MINUTES = _env_int("ETABLERA_IDLE_TIMEOUT_MINUTES", 30)

# Single sign-on with the municipality's identity provider (accounts.sso, OpenID Connect). On
# when OIDC_RP_CLIENT_ID is set; the endpoints are the provider's (see its discovery document).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
ETABLERA_OIDC_USERNAME_CLAIM = os.environ.get("ETABLERA_OIDC_USERNAME_CLAIM", "preferred_username")
ETABLERA_OIDC_CREATE_USERS = _env_bool("ETABLERA_OIDC_CREATE_USERS", True)
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not os.environ.get(name)
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so single sign-on needs {', '.join(_missing)} too."
        )
    AUTHENTICATION_BACKENDS.append("etablera.accounts.sso.MunicipalityOIDCBackend")
LOGIN_REDIRECT_URL_FAILURE = "/konto/logga-in/?sso=fel"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock a user name, and separately a client address, after repeated failures
# (accounts.lockout). The address is REMOTE_ADDR, or the one header a trusted proxy sets.
AXES_FAILURE_LIMIT = _env_int("ETABLERA_LOGIN_FAILURE_LIMIT", 5)
ETABLERA_LOGIN_ADDRESS_FAILURE_LIMIT = _env_int("ETABLERA_LOGIN_ADDRESS_FAILURE_LIMIT", 50)
ETABLERA_CLIENT_IP_HEADER = os.environ.get("ETABLERA_CLIENT_IP_HEADER", "")
ETABLERA_TRUSTED_PROXIES = _env_list("ETABLERA_TRUSTED_PROXIES", "127.0.0.1,::1")
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "etablera.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "etablera.accounts.lockout.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("svenska")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ETABLERA_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("ETABLERA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ETABLERA_MAX_UPLOAD_MB = _env_int("ETABLERA_MAX_UPLOAD_MB", 50)
# What an import file may unpack to and hold (register/importing/table.py, ImportLimits).
ETABLERA_IMPORT_MAX_UNPACKED_MB = _env_int("ETABLERA_IMPORT_MAX_UNPACKED_MB", 512)
ETABLERA_IMPORT_MAX_RATIO = _env_int("ETABLERA_IMPORT_MAX_RATIO", 200)
ETABLERA_IMPORT_MAX_SHARED_STRINGS = _env_int("ETABLERA_IMPORT_MAX_SHARED_STRINGS", 2_000_000)
ETABLERA_IMPORT_MAX_CELLS = _env_int("ETABLERA_IMPORT_MAX_CELLS", 30_000_000)
ETABLERA_IMPORT_MAX_COLUMNS = _env_int("ETABLERA_IMPORT_MAX_COLUMNS", 702)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "etablera@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Disclosure control (statistics.disclosure, ADR 0007): counts are perturbed by at most
# NOISE_MAX (cell-key perturbation) and hidden below the threshold; a share is shown only where
# the group has SHARE_MIN_GROUP people and SHARE_MIN_EACH with and without; a median only where
# it has MEDIAN_MIN_GROUP. STATISTICS_KEY keys the records' perturbation keys: set it once to a
# long random string and never change it (production derives none).
ETABLERA_SUPPRESSION_THRESHOLD = _env_int("ETABLERA_SUPPRESSION_THRESHOLD", 5)
ETABLERA_SHARE_MIN_GROUP = _env_int("ETABLERA_SHARE_MIN_GROUP", 20)
ETABLERA_SHARE_MIN_EACH = _env_int("ETABLERA_SHARE_MIN_EACH", 5)
ETABLERA_NOISE_MAX = _env_int("ETABLERA_NOISE_MAX", 2)
ETABLERA_MEDIAN_MIN_GROUP = _env_int("ETABLERA_MEDIAN_MIN_GROUP", 20)
ETABLERA_STATISTICS_KEY = os.environ.get("ETABLERA_STATISTICS_KEY", "") or (
    "" if PRODUCTION else "statistics-" + ETABLERA_DATA_KEY
)
#: How many of a KPI computation's independent queries run at once, each on its own database
#: connection (1: one after another). Default: the number of CPU cores, at most four.
ETABLERA_KPI_WORKERS = _env_int("ETABLERA_KPI_WORKERS", min(4, os.cpu_count() or 1))
# How often a running worker keeps this month's release of every dashboard users can open
# (statistics.ahead), so no month's first view computes it; 0 switches it off.
ETABLERA_KEEP_FIGURES_MINUTES = _env_int("ETABLERA_KEEP_FIGURES_MINUTES", 10)
# How long computed register KPIs are remembered (seconds; 0 turns the cache off).
ETABLERA_KPI_CACHE_SECONDS = _env_int(
    "ETABLERA_KPI_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 600
)
#: How long the governance check's findings are remembered (0: not at all). A change to what
#: the check reads forgets them at once in this process (and in all, with a shared cache).
ETABLERA_GOVERNANCE_CACHE_SECONDS = _env_int(
    "ETABLERA_GOVERNANCE_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 300
)
#: How long the start page's Kolada comparison is remembered (0: not at all); a change to a
#: Kolada value, KPI, indicator or the comparison group forgets it at once.
ETABLERA_KOLADA_CACHE_SECONDS = _env_int(
    "ETABLERA_KOLADA_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 300
)
# The address people reach Etablera at, for links in e-mails (reminders).
ETABLERA_BASE_URL = os.environ.get("ETABLERA_BASE_URL", "http://127.0.0.1:8000")
ETABLERA_KOLADA_URL = os.environ.get("ETABLERA_KOLADA_URL", "https://api.kolada.se/v3")

# Background jobs (etablera.jobs, ADR 6): django-tasks with its database backend. The worker is
# `etablera worker`; `etablera serve` and `etablera demo` start one beside the server unless
# ETABLERA_EMBEDDED_WORKER is off (run workers as their own processes in production).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ETABLERA_EMBEDDED_WORKER = _env_bool("ETABLERA_EMBEDDED_WORKER", True)
#: Uploads to the web import larger than this (KiB) are imported by a background job.
ETABLERA_BACKGROUND_IMPORT_KB = _env_int("ETABLERA_BACKGROUND_IMPORT_KB", 512)
#: Where uploads wait for their job (must be shared with the workers' machines).
ETABLERA_JOB_FILES_DIR = Path(os.environ.get("ETABLERA_JOB_FILES_DIR", VAR_DIR / "jobs"))
#: A running job whose worker has not reported for this long (seconds) is taken as abandoned.
ETABLERA_JOB_STALE_SECONDS = _env_int("ETABLERA_JOB_STALE_SECONDS", 3600)

# Retention (etablera retention): direct identifiers are removed this many years after a
# participant's last enrolment ended (docs/operations.md gives the reasoning).
ETABLERA_RETENTION_YEARS = _env_int("ETABLERA_RETENTION_YEARS", 5)

REST_FRAMEWORK = {
    # The token class first: an anonymous call then gets 401 with its WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "etablera.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["etablera.accounts.api_permissions.PolicyPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["etablera.web.api_params.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "etablera.web.api_params.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "etablera.web.api.exception_handler",
}
# The most rows one API response holds (``?limit`` above it answers 400).
ETABLERA_API_MAX_PAGE_SIZE = _env_int("ETABLERA_API_MAX_PAGE_SIZE", 500)
# API tokens expire this many days after they were made (each user makes their own).
ETABLERA_API_TOKEN_DAYS = _env_int("ETABLERA_API_TOKEN_DAYS", 90)
# The register's owner (the controller's contact for the register), told by e-mail whenever a
# role that sees personal data is granted or withdrawn.
ETABLERA_REGISTER_OWNER_EMAIL = os.environ.get("ETABLERA_REGISTER_OWNER_EMAIL", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Etablera API",
    "DESCRIPTION": (
        "Styrning, samordning och uppföljning av integrations- och arbetsmarknadsinsatser. "
        "Every endpoint is governed by the same access policy as the web interface."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two fields named "gender" with different choices: Kolada's T/K/M for indicator values and
    # a participant's registered gender.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorGenderEnum": "etablera.goals.models.Gender",
        "ParticipantGenderEnum": "etablera.register.models.Gender",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain of the municipality's domain to HTTPS for good: a
        # decision for the domain's owner, not a default of one application.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ETABLERA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
if ETABLERA_AUDIT_SYSLOG:
    # Anchors of the access log also go to the system log (see accounts.anchors).
    _syslog_address: str | tuple[str, int] = ETABLERA_AUDIT_SYSLOG
    if ":" in ETABLERA_AUDIT_SYSLOG and not ETABLERA_AUDIT_SYSLOG.startswith("/"):
        _syslog_host, _sep, _syslog_port = ETABLERA_AUDIT_SYSLOG.rpartition(":")
        if not _syslog_port.isdigit():
            raise ImproperlyConfigured(
                "ETABLERA_AUDIT_SYSLOG must be a socket path or host:port, "
                f"not {ETABLERA_AUDIT_SYSLOG!r}."
            )
        _syslog_address = (_syslog_host, int(_syslog_port))
    _logging_handlers: dict = LOGGING["handlers"]  # type: ignore[assignment]
    _logging_loggers: dict = LOGGING["loggers"]  # type: ignore[assignment]
    _logging_handlers["syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": _syslog_address,
        "formatter": "plain",
    }
    _logging_loggers["etablera.audit"] = {"handlers": ["console", "syslog"], "propagate": False}
