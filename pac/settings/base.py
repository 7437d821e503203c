"""Settings shared by every environment.

Anything that differs between machines is read from the environment through the
single ``env`` object. ``local`` supplies the embedded defaults (SQLite, eager
tasks, console email); ``production`` supplies none and fails loudly instead.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env (never committed) fills in variables not set in the shell.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",  # the site's name, "PAC", in allauth's emails (set by pac migration)
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "template_partials",
    "csp",
    "rules",
    "simple_history",
    "import_export",
    # PAC, in dependency order: a later app may import an earlier one, never the reverse
    "pac.apps.PacConfig",
    "applications",
    "pairings",
    "coaching",
    "evaluation",
    "evidence",
    "funding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pac.links.RequestBaseURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "pac.middleware.AuthenticationMiddleware",  # Django's, reading the user through pac.signed_in
    # Before any view, and before the sign-in redirect copies the address into ?next=
    "pac.middleware.RefuseControlCharactersMiddleware",
    "pac.middleware.LoginRequiredMiddleware",  # Django's, asking the view before the user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pac.csp.PacCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pac.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "pac.urls"
WSGI_APPLICATION = "pac.wsgi.application"

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
                "csp.context_processors.nonce",
                "pac.context_processors.navigation",
                "pac.context_processors.eec_contact",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SITE_ID = 1
AUTH_USER_MODEL = "pac.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "pac:my_work"

# --- django-allauth: email is the login; verified email; rate-limited login; TOTP for staff
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "pac.adapters.AccountAdapter"
# Sign-up asks for the name and contact details too (pac.forms.SignupForm)
ACCOUNT_SIGNUP_FORM_CLASS = "pac.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PAC] "
# Five failed logins per account in five minutes, ten per minute per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PAC (EEC)"
# Accept the previous or next 30-second code too (clock drift, RFC 6238 section 6); a used code is refused.
MFA_TOTP_TOLERANCE = 1
# Members of these groups (and superusers) must enrol in two-factor authentication
# before they reach any page other than the enrolment pages themselves.
PAC_MFA_REQUIRED_GROUPS = env.list("PAC_MFA_REQUIRED_GROUPS", default=["EEC staff"])

# --- caches: rate limits and used-TOTP-codes live here, so production uses Redis. While Redis
# cannot be reached the cache falls back to a database table (pac.cache): sign-in, sign-up and
# password reset keep working, with their rate limits and the used-code check.
REDIS_URL = env("REDIS_URL", default="")


def redis_caches(redis_url: str) -> dict:
    return {
        "default": {
            "BACKEND": "pac.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"FALLBACK": "fallback"},
        },
        "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pac_cache_fallback"},
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- the signed-in session, paid once (docs/performance.md): with Redis, which every process shares,
# a request behind a session reads the session and the user (their groups, two-factor enrolment and
# model permissions) from the cache; writes still go to the database, and the cache falls back to it
# while Redis is down. Without Redis (one process's memory) both are read from the database.
SESSION_ENGINE = "pac.signed_in" if REDIS_URL else "django.contrib.sessions.backends.db"  # signed_in: cached_db
PAC_CACHE_SIGNED_IN_USER = bool(REDIS_URL)

# --- Celery: Redis broker; with no REDIS_URL tasks run eagerly in the web process
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: fail fast, the outbox sweep retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "socket_timeout": 2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed into django-celery-beat's tables when beat starts; staff edit them in the admin after.
CELERY_BEAT_SCHEDULE = {
    "outbox-retry-unsent": {"task": "pac.tasks.email_retry_unsent", "schedule": 300.0},
    "documents-sweep": {"task": "pac.tasks.documents_sweep_task", "schedule": 900.0},
    # 30-day report drafts as their periods start (pages only read them; confirming a pair opens its first)
    "coaching-reports-open": {"task": "coaching.tasks.reports_open_task", "schedule": 3600.0},
    # clip videos past the retention rule, abandoned uploads' staging files, stuck transcodes
    "evidence-sweep": {"task": "evidence.tasks.evidence_sweep_task", "schedule": 3600.0},
    # The coaching reminder sweep and digest are created by a data migration instead
    # (coaching 0004), so the send time staff set in the admin survives a restart of beat.
}
CELERY_TIMEZONE = "America/New_York"

# --- email: every message goes through the outbox table and a Celery task
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PAC <pac-noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PAC_EMAIL_MAX_ATTEMPTS = 8

# --- document jobs (large PDFs and ZIPs rendered by Celery): how long a finished file is kept,
# and how long a job may run before the sweep decides its worker died
PAC_DOCUMENT_TTL_HOURS = env.int("PAC_DOCUMENT_TTL_HOURS", default=72)
PAC_DOCUMENT_STALE_MINUTES = env.int("PAC_DOCUMENT_STALE_MINUTES", default=30)
# With no worker (eager Celery, the embedded default) document jobs run in a background thread of
# the web process, never inside the request that asks for them.
PAC_DOCUMENT_JOBS_IN_THREAD = env.bool("PAC_DOCUMENT_JOBS_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are confidential: they are never served from MEDIA_URL, only through
# views that check permission. MEDIA_ROOT is outside the static tree.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # classroom video clips and their posters (evidence/): local disk, or S3-compatible object storage
    "clips": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
}
if env("PAC_CLIP_STORAGE", default="") == "s3":  # django-storages, configured from the environment
    STORAGES["clips"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("PAC_CLIP_S3_BUCKET"),
            "endpoint_url": env("PAC_CLIP_S3_ENDPOINT", default=None),
            "region_name": env("PAC_CLIP_S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- video evidence (evidence/): limits, where resumable uploads are staged, how files are served
PAC_CLIP_MAX_BYTES = env.int("PAC_CLIP_MAX_BYTES", default=2 * 1024**3)
PAC_CLIP_MAX_SECONDS = env.int("PAC_CLIP_MAX_SECONDS", default=60 * 60)
PAC_CLIP_CHUNK_BYTES = env.int("PAC_CLIP_CHUNK_BYTES", default=8 * 1024**2)
PAC_CLIP_RETENTION_DAYS = env.int("PAC_CLIP_RETENTION_DAYS", default=180)
# always local disk: chunks are appended to a staging file until the upload is complete
PAC_CLIP_UPLOAD_DIR = str(env.path("PAC_CLIP_UPLOAD_DIR", default=str(Path(str(MEDIA_ROOT)) / "clip-uploads")))
# "django" streams ranges from the view; "x-accel" hands the file to nginx; "signed-url" redirects
# to a short-lived object-storage URL (evidence/streaming.py)
PAC_CLIP_DELIVERY = env("PAC_CLIP_DELIVERY", default="signed-url" if env("PAC_CLIP_STORAGE", default="") else "django")
PAC_CLIP_ACCEL_PREFIX = env("PAC_CLIP_ACCEL_PREFIX", default="/protected-media/")
PAC_CLIP_URL_SECONDS = env.int("PAC_CLIP_URL_SECONDS", default=300)
PAC_CLIP_TRANSCODE_TIMEOUT = env.int("PAC_CLIP_TRANSCODE_TIMEOUT", default=3 * 60 * 60)
PAC_FFMPEG = env("PAC_FFMPEG", default="")  # a system ffmpeg (the Dockerfile's); else imageio-ffmpeg's own

# Django's, with the <select> and <input> widget templates drawn in Python (pac/form_renderer.py)
FORM_RENDERER = "pac.form_renderer.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Staff lists (pac/tables.py): Bootstrap 5, with a caption, aria-sort and a scrollable region
DJANGO_TABLES2_TEMPLATE = "lists/table.html"
FILTERS_EMPTY_CHOICE_LABEL = "Any"

# django-import-export: staff export admin list views as CSV only
from import_export.formats.base_formats import CSV  # noqa: E402

EXPORT_FORMATS = [CSV]
IMPORT_FORMATS = []
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SIMPLE_HISTORY_REVERT_DISABLED = True

# Content-Security-Policy: everything is served from this site; no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A refusal (403) is logged as one line with its reason, not a traceback (pac.log).
LOGGING_FILTERS = {"permission_refusal_one_line": {"()": "pac.log.PermissionRefusalOneLine"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": LOGGING_FILTERS,
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (with DEBUG) would print every record a second time: the
        # root handler above writes Django's records once. The runserver access log
        # (django.server) keeps its own handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["permission_refusal_one_line"]},
        "django.db.backends": {"level": "INFO"},
        "celery.app.trace": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},  # "no hostname" for the in-memory broker of eager mode
        "weasyprint.progress": {"level": "WARNING"},  # a line per page laid out otherwise
        "fontTools": {"level": "WARNING"},  # font subsetting chatter
    },
}

# Links in emails are built on this address. Left empty (local settings only; production requires
# it), a link follows the address the request that sent the email came in on (pac.links).
PAC_BASE_URL = env("PAC_BASE_URL", default="")
# How people reach EEC's PAC staff: shown wherever a page or an email says "contact EEC staff".
PAC_CONTACT_EMAIL = env("PAC_CONTACT_EMAIL", default="pac-staff@localhost")
PAC_CONTACT_PHONE = env("PAC_CONTACT_PHONE", default="(617) 555-0100")
# Recommendation and MOU links expire after this many days (a re-send issues a new link).
PAC_LINK_EXPIRY_DAYS = env.int("PAC_LINK_EXPIRY_DAYS", default=21)
# Set when PAC runs behind a reverse proxy that sets X-Forwarded-For (MOU signatures record the client address).
PAC_TRUST_X_FORWARDED_FOR = env.bool("PAC_TRUST_X_FORWARDED_FOR", default=False)
# Tier 2 reviews are due this many days after assignment.
PAC_REVIEW_DUE_DAYS = env.int("PAC_REVIEW_DUE_DAYS", default=14)
# Key for the stable pseudonymous ids in evaluators' de-identified exports. Set it once and keep it
# (changing it changes every id); when empty it is derived from SECRET_KEY.
PAC_PSEUDONYM_KEY = env("PAC_PSEUDONYM_KEY", default="")

PAC_DEMO_PASSWORD = "pac-demo-2026"  # noqa: S105  (demo data only; printed by seed_demo)
