from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """Meetings, goals, 30-day reports, PLC attendance and reminders."""

    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from . import annotations, documents, my_work, permissions, receivers  # noqa: F401  (registers rules, panels, navigation, documents, links, receivers)
