from django.apps import AppConfig


class PairingsConfig(AppConfig):
    """CT–Mentee and CA–MA pairs and the matching that proposes them."""

    name = "pairings"
    verbose_name = "Pairings"

    def ready(self) -> None:
        from . import my_work, permissions  # noqa: F401  (registers rules, panels and navigation)
