from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """CLASS observations, growth analytics, surveys and coach reviews."""

    name = "evaluation"
    verbose_name = "Evaluation"
