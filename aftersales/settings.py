"""Settings, read from the environment.

With nothing set, the app runs on one machine with no services: SQLite in var/ and
Celery's file-system broker. Set DATABASE_URL and REDIS_URL (or CELERY_BROKER_URL) to
run on PostgreSQL and Redis.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
)
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# The fallback key only ever serves DEBUG runs (make run); without DEBUG the app refuses
# to start unless SECRET_KEY is set, so a deployment can never run on the repository's key.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is not set. Set it in the environment (DEBUG=0 needs a real key).")
    SECRET_KEY = "insecure-local-only-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # pg_trgm search index (OpClass); harmless on SQLite
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "health_check",
    "staff",
    "tickets",
    "dispatch",
    "spares",
    "quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aftersales.hardening.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 answer
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "staff.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'aftersales.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer and
    # IMMEDIATE transactions take the write lock up front instead of failing midway.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection cut by the server (failover, pg_terminate_backend, idle
    # timeout) is tested before each request reuses it and replaced, instead of one 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Fewer queries per request (issue 12): a role's permissions and names in one query, cached
# (staff/backends.py, in AUTHENTICATION_BACKENDS below); sessions read from the cache, written through to the database.
PERMISSION_CACHE_SECONDS = env.int("PERMISSION_CACHE_SECONDS", default=300)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (django-axes, in the database): failures per account and, separately,
# per client address before a cool-down (staff/throttle.py).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_COOLDOWN_SECONDS = env.int("LOGIN_COOLDOWN_SECONDS", default=300)
# Behind a reverse proxy: the META key of the header it sets to the client address
# (e.g. HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR). Unset: the peer address; no header is trusted.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "staff.backends.RoleBackend",  # ModelBackend with the role permissions cached (issue 12)
]
AXES_HANDLER = "staff.throttle.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 1  # see AccountAndAddressHandler.get_failures: the real limits are above
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_COOLDOWN_SECONDS)
AXES_RESET_ON_SUCCESS = False  # a valid sign-in must not wipe guesses at other accounts
AXES_CLIENT_IP_CALLABLE = "staff.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "staff.throttle.locked_out"
AXES_USERNAME_CALLABLE = "staff.throttle.username_of"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Cache (login throttling) --------------------------------------------------------
# Local memory by default; a shared cache in production. The login throttle degrades to
# "no throttle" rather than failing logins if the cache is unreachable.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="service-center@localhost")
# Base of the links in notification emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
# The worker and beat ride out broker outages of any length and catch up on their own
# (the sweep raises whatever fell due meanwhile). Web requests enqueue nothing, so no
# request ever waits on these retries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
SLA_SWEEP_SECONDS = env.float("SLA_SWEEP_SECONDS", default=60.0)
HOLIDAY_COUNTRY = env.str("HOLIDAY_COUNTRY", default="CN")  # statutory holidays loaded yearly
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {"task": "tickets.tasks.sla_sweep", "schedule": SLA_SWEEP_SECONDS},
    "rma-sweep": {"task": "spares.tasks.rma_sweep", "schedule": SLA_SWEEP_SECONDS},
    "auto-close-unreachable": {
        "task": "tickets.tasks.auto_close_completed_tickets",
        "schedule": 15 * 60.0,
    },
    "complaint-reply-sweep": {"task": "quality.tasks.complaint_sweep", "schedule": SLA_SWEEP_SECONDS},
    "qa-monthly-sample": {
        "task": "quality.tasks.draw_last_month_qa_sample",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
    # Yearly, early December: next year's holidays and make-up days are published by then.
    "load-statutory-holidays": {
        "task": "tickets.tasks.load_statutory_holidays",
        "schedule": crontab(minute=30, hour=3, day_of_month=1, month_of_year=12),
        "kwargs": {"country": HOLIDAY_COUNTRY},
    },
}
# Reports (issue 11): the daily rollup behind the trends; recent and changed days every
# few minutes, the repair-warranty window nightly.
CELERY_IMPORTS = ["quality.reports.tasks"]
CELERY_BEAT_SCHEDULE["report-rollup"] = {
    "task": "quality.reports.tasks.refresh_report_rollup",
    "schedule": env.float("REPORT_ROLLUP_SECONDS", default=600.0),
}
CELERY_BEAT_SCHEDULE["report-rollup-window"] = {
    "task": "quality.reports.tasks.refresh_report_rollup_window", "schedule": 24 * 3600.0,
}

# --- Business rules -----------------------------------------------------------------
# Days after completion before a ticket whose customer cannot be reached is closed.
AUTO_CLOSE_DAYS = env.int("AUTO_CLOSE_DAYS", default=3)
# Days after completion during which the same fault reopens the ticket (repair warranty).
REPAIR_WARRANTY_DAYS = env.int("REPAIR_WARRANTY_DAYS", default=90)
# A completed ticket closes as "customer unreachable" only after this many failed
# callback attempts, each on a different working day (issue 7 item 4).
CALLBACK_UNREACHABLE_ATTEMPTS = env.int("CALLBACK_UNREACHABLE_ATTEMPTS", default=2)
# Public survey links: valid for this many days; page requests per minute per address.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=7)
SURVEY_RATE_PER_MINUTE = env.int("SURVEY_RATE_PER_MINUTE", default=20)
# Complaint first-reply targets in working minutes (SPEC §8: 1 working day; major 4 h).
COMPLAINT_REPLY_MINUTES = {"general": env.int("COMPLAINT_REPLY_MINUTES_GENERAL", default=540),
                           "major": env.int("COMPLAINT_REPLY_MINUTES_MAJOR", default=240)}
# Times reported afterwards (field jobs, arrival/start/completion entered late) may be at
# most this many days in the past; later than BACKDATE_NOTE_MINUTES they are marked as
# back-dated on the timeline.
BACKDATE_LIMIT_DAYS = env.int("BACKDATE_LIMIT_DAYS", default=7)
BACKDATE_NOTE_MINUTES = env.int("BACKDATE_NOTE_MINUTES", default=15)

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.hardening.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["aftersales.api.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.api.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "After-sales service center API",
    "DESCRIPTION": "Tickets, customers, units and their lifecycle. Role checks match the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "aftersales.schema.postprocess",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",  # served locally: the app must work offline
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share field names (status, outcome, kind...): name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tickets.choices.Status",
        "HoldReasonEnum": "tickets.choices.HoldReason",
        "CloseReasonEnum": "tickets.choices.CloseReason",
        "CloseActionReasonEnum": "tickets.choices.CLOSE_ACTION_REASONS",
        "OutcomeEnum": "tickets.choices.Outcome",
        "RepairOutcomeEnum": "tickets.choices.REPAIR_OUTCOMES",
        "EventKindEnum": "tickets.choices.EventKind",
        "ClockKindEnum": "tickets.models.ClockKind",
        "ClockOutcomeEnum": "tickets.models.ClockOutcome",
        "ChannelEnum": "tickets.choices.Channel",
        "CallbackResultEnum": "quality.choices.CallbackResult",
        "CallbackChannelEnum": "quality.choices.CallbackChannel",
        "ComplaintCategoryEnum": "quality.choices.ComplaintCategory",
        "ComplaintStatusEnum": "quality.choices.ComplaintStatus",
        "TicketCategoryEnum": "tickets.choices.Category",
        "PartCategoryEnum": "spares.models.PartCategory",
        "RmaStatusEnum": "spares.models.RmaStatus",
        "QuoteStatusEnum": "spares.models.QuoteStatus",
        "ReservationStatusEnum": "spares.models.ReservationStatus",
        "MoveKindEnum": "spares.models.MoveKind",
        "WarehouseKindEnum": "spares.models.WarehouseKind",
        "QuoteLineKindEnum": "spares.models.QuoteLineKind",
        "MilestoneKindEnum": "spares.models.MilestoneKind",
    },
}

# --- Production hardening -------------------------------------------------------------
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own origin, no
# inline script, no inline handlers, no eval; images also as data:/blob: (signature pad,
# photo previews). Violations are reported to CSP_REPORT_URI when set.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = env.str("CSP_REPORT_URI")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
