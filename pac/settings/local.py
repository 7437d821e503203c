"""The embedded default: runs with nothing installed (SQLite, eager tasks, console email).

Any variable set in the environment (DATABASE_URL, REDIS_URL, EMAIL_URL, ...) still wins,
since base.py reads them all; this module only supplies defaults for a laptop.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-only-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
