from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """Meetings, goals, 30-day reports, PLC attendance and reminders."""

    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        # registers rules, panels, navigation, documents, links and calendar feed sources
        from . import annotations, calendar, documents, my_work, permissions  # noqa: F401
