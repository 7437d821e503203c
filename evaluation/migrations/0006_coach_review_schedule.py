"""The daily task that opens six-month coach reviews (06:30), as a django-celery-beat row staff can
edit in the admin (Periodic tasks). Created once; later edits are never overwritten."""

from django.db import migrations

NAME = "PAC six-month coach reviews (daily)"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="6", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="America/New_York")
    PeriodicTask.objects.create(name=NAME, task="evaluation.tasks.coach_reviews_open_task", crontab=crontab,
                                enabled=True, description="Opens reviews six months after a coach's first pair started.")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_reference_figures_and_coach_survey"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
