from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Video evidence: classroom clips, time-stamped feedback, video observations and the library."""

    name = "evidence"
    verbose_name = "Video evidence"

    def ready(self) -> None:
        # registers rules, My work panels, navigation, tasks and the links and facts earlier pages ask for
        from . import annotations, my_work, permissions, tasks  # noqa: F401
