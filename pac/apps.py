from django.apps import AppConfig


class PacConfig(AppConfig):
    """The shared directory: regions, programs, people, program years, roles."""

    name = "pac"
    verbose_name = "PAC directory"

    def ready(self) -> None:
        from . import beat, my_work, permissions, signals, signed_in  # noqa: F401  (registers rules, panels, signals)

        signed_in.connect()
