from django.apps import AppConfig


class FundingConfig(AppConfig):
    """Coach stipends, substitute reimbursement and durable goods: the rules per program year."""

    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from . import my_work, permissions  # noqa: F401
