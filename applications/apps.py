from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Applications for the four roles, recommendations, MOUs and tiered review."""

    name = "applications"
    verbose_name = "Applications and review"
