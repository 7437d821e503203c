"""The daily survey reminder sweep (09:00), as a django-celery-beat row staff can edit in the admin
(Periodic tasks). Created once; later edits are never overwritten."""

from django.db import migrations

NAME = "PAC survey reminders (daily)"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="9", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="America/New_York")
    PeriodicTask.objects.create(name=NAME, task="evaluation.surveys.tasks.survey_reminders_sweep_task",
                                crontab=crontab, enabled=True,
                                description="Reminds people who have not answered an open survey round.")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0006_coach_review_schedule")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
