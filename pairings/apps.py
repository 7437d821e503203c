from django.apps import AppConfig


class PairingsConfig(AppConfig):
    """CT–Mentee and CA–MA pairs and the matching that proposes them."""

    name = "pairings"
    verbose_name = "Pairings"
