"""Django settings for Skydd, read from the environment (see README "Miljövariabler").

Defaults are safe for one developer machine (`make run`): SQLite under var/, Celery tasks run
in-process, e-mail to the console. With DEBUG off the process refuses to start on a missing
or default secret.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from skydd.env import envbool, envhostports, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

# The development key is public (it is in this file); it is refused unless DEBUG is on.
DEV_SECRET_KEY = "dev-only-insecure-skydd-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = envstr("SECRET_KEY", DEV_SECRET_KEY)
# A separate key for the keyed hash (HMAC) of personnummer, so that rotating SECRET_KEY
# (sessions, signing) does not make every stored personnummer unsearchable.
DEV_PERSONNUMMER_HMAC_KEY = "dev-only-insecure-personnummer-hmac-key-0123456789abcdef"
PERSONNUMMER_HMAC_KEY = envstr("PERSONNUMMER_HMAC_KEY", DEV_PERSONNUMMER_HMAC_KEY)
if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY saknas eller är standardvärdet: sätt en slumpad nyckel på minst 50 "
            "tecken (eller DEBUG=1 på en utvecklardator)."
        )
    if PERSONNUMMER_HMAC_KEY == DEV_PERSONNUMMER_HMAC_KEY or len(PERSONNUMMER_HMAC_KEY) < 32:
        raise ImproperlyConfigured(
            "PERSONNUMMER_HMAC_KEY saknas eller är standardvärdet: sätt en slumpad nyckel på "
            "minst 32 tecken."
        )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Trigram (GIN) indexes for the name search; inert on SQLite.
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "guardian",
    "simple_history",
    "skydd",
    "accounts",
    "cases",
    "riskassessment",
    "alarms",
    "stats.apps.StatisticsConfig",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skydd.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "skydd.middleware.SessionLimitsMiddleware",
    "skydd.middleware.RequireTwoFactorMiddleware",
    "skydd.middleware.NoStoreMiddleware",
    "skydd.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes asks to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skydd.urls"
WSGI_APPLICATION = "skydd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skydd.context_processors.site",
            ],
            # {% url %} with a literal name and no arguments kept once known (fixed_urls).
            "builtins": ["skydd.templatetags.fixed_urls"],
            # {% translate "literal" %} kept per language once translated (fixed_i18n).
            "libraries": {"i18n": "skydd.templatetags.fixed_i18n"},
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'skydd.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent logins on SQLite: wait for the write lock instead of "database is locked",
    # and take it at BEGIN so a read-then-write transaction cannot fail half-way (a failed
    # login must still be counted toward the lockout).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": envint("SQLITE_TIMEOUT_SECONDS", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if IS_POSTGRES and envbool("DATABASE_PREPARED_STATEMENTS", True):
    # Prepared statements only where the code asks for them (cases/roundtrip.py: the list
    # pages' row statements, whose plan does not depend on their values). Django's cursors
    # bind on the client and never prepare; Django's default, None, would refuse even an
    # explicit prepare, and psycopg's own, 5, would prepare whatever runs five times.
    # Off (0) for a pooler that cannot carry them (PgBouncer before 1.21, or without
    # max_prepared_statements): the same statements then go unprepared, still together.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31
# PostgreSQL with two roles (README "Databasroller"): `manage.py migrate` runs as the owner
# (DATABASE_URL of the migrate step) and, when DATABASE_APP_ROLE is set, grants that role
# what the application needs – full DML on the tables, but only SELECT and INSERT on the
# access log. The web, worker and beat processes connect as DATABASE_APP_ROLE.
DATABASE_APP_ROLE = envstr("DATABASE_APP_ROLE", "")
# The statistics pages' figures may be read from a streaming replica (README "Operations"):
# aggregates over months tolerate a replica seconds behind, and they are the heaviest reads.
# Who may see which figures is still decided on the primary (skydd/dbrouting.py). Unset: one
# database, and every query goes to "default".
STATISTICS_DATABASE_URL = envstr("STATISTICS_DATABASE_URL", "")
STATISTICS_DATABASE = "statistics" if STATISTICS_DATABASE_URL else "default"
if STATISTICS_DATABASE_URL:
    DATABASES["statistics"] = dj_database_url.parse(
        STATISTICS_DATABASE_URL, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0)
    )
    # Tests (and `migrate`) never treat the replica as a database of its own.
    DATABASES["statistics"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["skydd.dbrouting.StatisticsReplicaRouter"]

REDIS_URL = envstr("REDIS_URL", "")
REDIS_SOCKET_TIMEOUT = envint("REDIS_SOCKET_TIMEOUT", 2)
# Redis with Sentinel (skydd/redisconf.py): the Sentinels' host:port list and the name they
# know the master by; REDIS_URL then gives only the database number and the password.
REDIS_SENTINELS = envhostports("REDIS_SENTINELS", 26379)
REDIS_SENTINEL_MASTER = envstr("REDIS_SENTINEL_MASTER", "skydd")
if REDIS_SENTINELS and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_SENTINELS kräver REDIS_URL (databasnummer och lösenord).")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            }
            | ({"pool_class": "skydd.redisconf.SentinelPool"} if REDIS_SENTINELS else {}),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

# Guardian: no anonymous user object, no monkey-patched helpers on our user model.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# Sessions: 15 minutes idle, 12 hours absolute (skydd.middleware.SessionLimitsMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=envint("SESSION_IDLE_MINUTES", 15))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=envint("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# `__Host-` cookies require Secure, so they are used whenever cookies are secure (production).
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-skydd_session" if SECURE_COOKIES else "skydd_session"
CSRF_COOKIE_NAME = "__Host-skydd_csrf" if SECURE_COOKIES else "skydd_csrf"
LANGUAGE_COOKIE_NAME = "__Host-skydd_lang" if SECURE_COOKIES else "skydd_lang"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/scheduler$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Lockout keyed on the account only: a police station behind one NAT address must not be
# locked out because one person mistyped. Unknown e-mail addresses are counted the same
# way, so the lockout does not reveal whether an account exists.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_HTTP_RESPONSE_CODE = 429
# The lock lifts a fixed cool-off after it started; retrying while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# A browser that completed both login steps for an account is not subject to that
# account's lockout (it has its own limit): anyone can lock a named account for new
# browsers, but not for its owner's usual browser (accounts/throttle.py).
AXES_WHITELIST_CALLABLE = "accounts.throttle.axes_known_browser"
KNOWN_DEVICE_COOKIE_NAME = "__Host-skydd_known" if SECURE_COOKIES else "skydd_known"
KNOWN_DEVICE_MAX_AGE = envint("KNOWN_BROWSER_DAYS", 90) * 24 * 3600
# Per client address (across accounts): after this many failures within the cool-off,
# every further attempt waits 1, 2, 4 … seconds after the last failure, at most the maximum.
LOGIN_IP_SLOWDOWN_AFTER = envint("LOGIN_IP_SLOWDOWN_AFTER", 20)
LOGIN_IP_MAX_DELAY_SECONDS = envint("LOGIN_IP_MAX_DELAY_SECONDS", 60)
# The link an administrator has a user sent (invitation or reset): single use, 24 hours.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_LINK_HOURS", 24) * 3600
AXES_ENABLE_ADMIN = True
# axes.W006 warns that user-agent rotation bypasses an IP-keyed limit; our limit is keyed on the
# account on purpose (see above), so rotating anything but the e-mail address gains nothing.
# models.W040: SQLite (make run) ignores the access log index's INCLUDE columns – they only
# spare PostgreSQL reading the log's pages for the unit's report.
# templates.W003: the library "i18n" is skydd.templatetags.fixed_i18n on purpose (TEMPLATES
# above), shadowing Django's module of that name; tests/test_fixed_i18n.py fails if any other
# tag library name is used twice.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040", "templates.W003"]

OTP_TOTP_ISSUER = "Skydd"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

_EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": (
            {
                "host": envstr("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25),
                "username": envstr("EMAIL_HOST_USER", ""),
                "password": envstr("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", False),
                "timeout": envint("EMAIL_TIMEOUT", 10),
            }
            if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Skydd <noreply@skydd.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: JSON only; short socket timeouts so that a dead or silent Redis never hangs a
# caller. Without REDIS_URL (the embedded `make run` default) tasks run in-process.
if REDIS_SENTINELS:
    from skydd.redisconf import sentinel_broker_url

    CELERY_BROKER_URL = sentinel_broker_url(REDIS_URL, REDIS_SENTINELS)
else:
    CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "max_retries": 1,
}
if REDIS_SENTINELS:
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "master_name": REDIS_SENTINEL_MASTER,
        "sentinel_kwargs": {
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
# One queue per kind of work, so that a worker pool can be sized for each (README
# "Operations"; docker-compose.yml runs one pool per queue): account e-mails (a password
# link, a lockout notice) never wait behind the morning's digest sweep, and neither waits
# behind the nightly retention purge. A task not listed goes to "default".
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "accounts.tasks.send_account_email": {"queue": "mail"},
    "notifications.tasks.sweep_notifications": {"queue": "notifications"},
    "cases.tasks.purge_expired_cases": {"queue": "maintenance"},
    "accounts.tasks.clear_expired_sessions": {"queue": "maintenance"},
}
CELERY_QUEUES_CONSUMED = ("default", "mail", "notifications", "maintenance")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request errors log the URL and method only; bodies (POST data) never reach a log.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every fetch attempt at INFO; only problems are of interest.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Reminders (notifications/): the local time of the daily digest, and how old the last
# successful sweep may be before /healthz/scheduler answers 503.
NOTIFICATIONS_DIGEST_TIME = envstr("NOTIFICATIONS_DIGEST_TIME", "06:30")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", NOTIFICATIONS_DIGEST_TIME):
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_TIME ska vara HH:MM, t.ex. 06:30.")
NOTIFICATIONS_SWEEP_MAX_AGE_MINUTES = envint("NOTIFICATIONS_SWEEP_MAX_AGE_MINUTES", 15)

SKYDD_DEMO = envbool("SKYDD_DEMO", DEBUG)
ADMIN_URL_PREFIX = envstr("ADMIN_URL_PREFIX", "admin").strip("/")

# Kontaktförbud: the longest period one decision may cover, in days, per ban type
# (cases.models.ContactBan.BanType). Lagen (1988:688) om kontaktförbud, 4 §, as we read it:
# a ban is limited to at most one year (also the extended and the specially extended ban, and
# since 2018 a ban with electronic monitoring); a ban concerning a shared home (1 a §) at
# most two months. An extension is registered as a new period. Days, not months, so that a
# full calendar year (366 days in a leap year) and two calendar months (up to 62 days) pass.
# NOT verified against the amendments in force from 2025-07-01 (prop. 2024/25:123): check the
# current wording of the law before relying on these numbers; they are configuration for
# exactly that reason. The form refuses a longer period with a Swedish message.
CONTACT_BAN_MAX_DAYS = {
    "ordinary": 366,
    "shared_home": 62,
    "extended": 366,
    "specially_extended": 366,
}

# Larmutrustning (alarms/): a loan's review date defaults to this many months after its start
# (Brå 2015:7: loans last about three months); a risk assessment older than this many days
# cannot be the basis of a lending decision (a written reason is then required).
ALARM_LOAN_REVIEW_MONTHS = envint("ALARM_LOAN_REVIEW_MONTHS", 3)
ALARM_ASSESSMENT_MAX_AGE_DAYS = envint("ALARM_ASSESSMENT_MAX_AGE_DAYS", 180)
