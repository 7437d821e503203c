"""The daily reminder sweep (07:00) and digest (17:00), as django-celery-beat rows staff can
edit in the admin (Periodic tasks). Created once; later edits are never overwritten."""

from django.db import migrations


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in (("PAC coaching reminders (daily)", "coaching.tasks.reminders_sweep_task", "7"),
                             ("PAC reminder digest (daily)", "coaching.tasks.digest_send_task", "17")):
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(minute="0", hour=hour, day_of_week="*", day_of_month="*",
                                                           month_of_year="*", timezone="America/New_York")
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, enabled=True,
                                    description="Send time editable here; see README (Coaching).")


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_training_and_attendance"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
