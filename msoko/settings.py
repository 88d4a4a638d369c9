"""Settings of the МСОКО portal, read only from environment variables.

With no variables set the portal runs as an embedded demo: SQLite in ./var, Celery tasks
executed in process. DATABASE_URL (postgres://…) and REDIS_URL (redis://…) switch to the
production topology: PostgreSQL and real Celery workers. Every variable is listed in
README.md; a bad value stops start-up (see msoko/env.py).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from msoko.env import env_bool, env_int, env_list, env_str, env_timezone, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-demo"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "МСОКО")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "msoko",
    "schools",
    "assessments",
    "roadmaps",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "msoko.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "msoko.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "msoko.urls"
WSGI_APPLICATION = "msoko.wsgi.application"

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
                "msoko.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite for the embedded default, PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "msoko.sqlite3"),
            # Imports write many rows in one transaction; wait for the lock, don't fail.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "msoko.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock the account (not the address) for 30 minutes after 5 failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Locking by account is what the department asked for; axes warns that an IP-less rule
# can be bypassed by rotating clients, which is exactly what an account lock prevents.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
# Off: with it, every year would print as «2 026». Large numbers are grouped by the
# portal's own filters (msoko/templatetags/portal.py).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: files are read into memory and checked by msoko/spreadsheets.py before parsing.
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 50, minimum=1)
# A file larger than this is checked (the dry run) by a worker, not inside the request.
UPLOAD_CHECK_INLINE_MB = env_int("UPLOAD_CHECK_INLINE_MB", 2, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Analytics (assessments/dynamics.py): a rise of the share of «2» by this many points or
# more is negative dynamics (ФИОКО); other indicators count a change of DYNAMICS_NOTABLE_PP.
DYNAMICS_NEGATIVE_RISE_PP = env_int("DYNAMICS_NEGATIVE_RISE_PP", 10, minimum=1)
DYNAMICS_NOTABLE_PP = env_int("DYNAMICS_NOTABLE_PP", 5, minimum=1)
# Below this many participants a figure carries a warning and is left out of rankings.
RANKING_MIN_PARTICIPANTS = env_int("RANKING_MIN_PARTICIPANTS", 10, minimum=0)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: in-process execution unless a Redis broker is configured.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Jobs report through their rows (the page polls the database), so no task keeps a result.
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged when its task ends and goes back to the queue when the worker
# process dies; a second delivery finds its job claimed and does nothing (msoko/jobs.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Time limits: at the soft one the job fails with a message for the user; the hard one kills
# the worker process (the recovery task then fails the job).
JOB_SOFT_TIME_LIMIT_MINUTES = env_int("JOB_SOFT_TIME_LIMIT_MINUTES", 30, minimum=1)
JOB_TIME_LIMIT_MINUTES = env_int("JOB_TIME_LIMIT_MINUTES", JOB_SOFT_TIME_LIMIT_MINUTES + 5)
if JOB_TIME_LIMIT_MINUTES <= JOB_SOFT_TIME_LIMIT_MINUTES:
    raise ImproperlyConfigured(
        f"JOB_TIME_LIMIT_MINUTES={JOB_TIME_LIMIT_MINUTES}: must be greater than "
        f"JOB_SOFT_TIME_LIMIT_MINUTES={JOB_SOFT_TIME_LIMIT_MINUTES}."
    )
CELERY_TASK_SOFT_TIME_LIMIT = JOB_SOFT_TIME_LIMIT_MINUTES * 60
CELERY_TASK_TIME_LIMIT = JOB_TIME_LIMIT_MINUTES * 60
# A running job refreshes its heartbeat this often; one silent for JOB_STALE_MINUTES has lost
# its worker. A queued job whose message may be lost is sent again after JOB_RESEND_MINUTES.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 30, minimum=1)
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 5, minimum=1)
if JOB_STALE_MINUTES * 60 < 3 * JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"JOB_STALE_MINUTES={JOB_STALE_MINUTES}: must cover at least three heartbeats "
        f"(JOB_HEARTBEAT_SECONDS={JOB_HEARTBEAT_SECONDS})."
    )
JOB_RESEND_MINUTES = env_int("JOB_RESEND_MINUTES", 5, minimum=1)
JOB_RECOVER_SECONDS = env_int("JOB_RECOVER_SECONDS", 60, minimum=10)
# Publishing fails within a few seconds when Redis is down, so a request never hangs on it:
# the job stays queued with a message and the recovery task sends it later.
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_SECONDS", 2, minimum=1)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis as long as it takes
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS * 5,
    # An unacknowledged message comes back only after this; it must outlast the longest task.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 600,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT_SECONDS * 5
# Queues, so that each can get its own workers (docker-compose.yml): imports of files, then
# PDFs and reports, then the rest. A task is routed by its name (the first pattern that
# matches), so a new `<app>.<thing>_import` (or `_check`) or `<app>.pdf_<thing>` task finds
# its queue.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "*_import": {"queue": "imports"},
    "*_check": {"queue": "imports"},
    "*.pdf_*": {"queue": "reports"},
    "reports.*": {"queue": "reports"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every morning, before the working day: overdue marks and reminders are sent once each.
    "roadmaps-reminders-daily": {
        "task": "roadmaps.reminders_daily",
        "schedule": crontab(hour=env_int("ROADMAP_REMINDER_HOUR", 7, minimum=0), minute=0),
    },
    # Jobs whose worker died are failed, queued jobs whose message was lost are sent again.
    "msoko-jobs-recover": {
        "task": "msoko.jobs_recover",
        "schedule": timedelta(seconds=JOB_RECOVER_SECONDS),
        "options": {"expires": JOB_RECOVER_SECONDS},
    },
}
ROADMAP_REMINDER_DAYS = env_int("ROADMAP_REMINDER_DAYS", 7, minimum=1)

# Mail: console output by default; set EMAIL_HOST for a real relay.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "msoko@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Security: strict when DEBUG is off (manage.py check --deploy passes).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every page they lay out at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
