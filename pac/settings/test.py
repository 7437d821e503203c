"""Settings for pytest: fast hashing, mail kept in memory, tasks eager unless a test runs a worker."""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import LOGGING_FILTERS, env

_CLIP_ROOT = tempfile.mkdtemp(prefix="pac-test-clips-")
atexit.register(shutil.rmtree, _CLIP_ROOT, ignore_errors=True)

DEBUG = False
SECRET_KEY = "test-secret-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Document jobs run to the end on commit, so a test reads the result at once (the tests of the
# background thread of the embedded default turn this on)
PAC_DOCUMENT_JOBS_IN_THREAD = False
# Tests use their own cache so rate limits from one test never leak into the next
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions and the signed-in user from the database, so the query counts the tests assert include
# them whatever the cache; tests/pac/test_signed_in.py turns the cached ones on.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PAC_CACHE_SIGNED_IN_USER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # FFmpeg reads and writes files on disk: clips go to a directory of this test run's own
    "clips": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": _CLIP_ROOT}},
}
PAC_CLIP_UPLOAD_DIR = _CLIP_ROOT + "/uploads"
WHITENOISE_AUTOREFRESH = True
# The REDIS_URL the environment gives is kept for the tests that run a real worker.
PAC_TEST_REDIS_URL = env("REDIS_URL", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOGGING_FILTERS,
    "loggers": {"django.request": {"filters": ["permission_refusal_one_line"]}},
}
