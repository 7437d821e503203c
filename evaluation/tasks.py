"""Celery tasks for observations (none yet); surveys and reviews keep theirs in their packages."""
