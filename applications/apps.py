from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Applications for the four roles, recommendations, MOUs and tiered review."""

    name = "applications"
    verbose_name = "Applications and review"

    def ready(self) -> None:
        # registers rules, My work panels and navigation, the document jobs and calendar feed sources
        # and keeps the standings current (signals)
        from . import calendar, documents, my_work, permissions, signals  # noqa: F401
