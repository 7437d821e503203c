"""Survey emails on Celery. Tasks take ids and read fresh state; each invitation is sent under its
row lock and every email has an outbox key, so a retry or a second run sends nothing twice.

``survey_reminders_sweep_task`` is meant for beat (once a day): staff add it as a periodic task in
the admin (django-celery-beat), next to the coaching reminder sweep.
"""

from celery import shared_task

from ..models import SurveyRound


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def round_invitations_send_task(round_id: int) -> int:
    from .services import invitations_send

    survey_round = SurveyRound.objects.filter(pk=round_id).select_related("survey", "coach").first()
    if survey_round is None:
        return 0
    return invitations_send(survey_round=survey_round)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def round_remind_task(round_id: int) -> int:
    from .services import reminders_send

    survey_round = SurveyRound.objects.filter(pk=round_id).select_related("survey", "coach").first()
    if survey_round is None:
        return 0
    return reminders_send(survey_round=survey_round)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def survey_reminders_sweep_task() -> int:
    from .services import reminders_sweep

    return reminders_sweep()
