"""Production: every secret and address comes from the environment, with no defaults."""

from .base import *  # noqa: F403
from .base import env, redis_caches

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL")
CACHES = redis_caches(REDIS_URL)
SESSION_ENGINE = "pac.signed_in"  # Django's cached_db, reading the user with the session
PAC_CACHE_SIGNED_IN_USER = True
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_CONFIG = env.email_url("EMAIL_URL")
# Emailed links are built on this address (no request to follow when a worker sends a reminder).
PAC_BASE_URL = env("PAC_BASE_URL")
vars().update(EMAIL_CONFIG)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
