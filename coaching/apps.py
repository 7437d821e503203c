from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """Meetings, goals, 30-day reports, PLC attendance and reminders."""

    name = "coaching"
    verbose_name = "Coaching"
