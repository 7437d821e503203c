"""Settings for the page benchmark (`make benchmark`, tests/benchmarks/bench_pages.py): production's
shape (DEBUG off, persistent database connections, Redis cache, Celery not eager, the cached template
loader, WhiteNoise) on a local database the benchmark seeds, plus two bare views in its own URLconf.

Never used to serve PAC: the bare views live only in ``pac.benchmark_urls``."""

from .base import *  # noqa: F403
from .base import env, redis_caches

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="benchmark-only-not-a-secret")  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = redis_caches(REDIS_URL)
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
PAC_DOCUMENT_JOBS_IN_THREAD = False
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PAC_BASE_URL = "http://127.0.0.1"
ROOT_URLCONF = "pac.benchmark_urls"
# The static copies of the charts (files of the same bytes), written by the benchmark and served
# by WhiteNoise at the site's root, as any static file is served.
WHITENOISE_ROOT = env("PAC_BENCHMARK_FILES", default=None)
# The signed chart addresses the growth and analytics pages embed are read once, while the run is
# prepared, and must stay valid to its end (evaluation.chart_cache.signed_url).
PAC_CHART_ADDRESS_WINDOW = 4 * 60 * 60
