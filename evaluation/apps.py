from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """CLASS observations, growth analytics, surveys and coach reviews."""

    name = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        import importlib

        # registers rules, My work panels, navigation, tasks, annotations and calendar sources of each part
        for module in (
            "permissions",
            "my_work",
            "tasks",
            "documents",
            "pair_report",
            "annotations",
            "calendar",
            "second_year",  # carries waiting decisions into a program year when staff create it
        ):
            importlib.import_module(f"{self.name}.{module}")
        for part in ("surveys", "interviews"):
            for module in ("permissions", "my_work", "tasks"):
                try:
                    importlib.import_module(f"{self.name}.{part}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{self.name}.{part}.{module}":
                        raise
