from django.db import migrations

SECTIONS = """actions: Actions taken | What you and the mentee did this period: meetings, observations, feedback, resources.
progress: Progress toward goals | Where each goal stands, with evidence.
next_steps: Next steps | What you agreed to do before the next report.
support: Support needed | Anything you need from EEC, the PLC or the program."""


def seed(apps, schema_editor):
    ReportTemplate = apps.get_model("coaching", "ReportTemplate")
    ReminderSettings = apps.get_model("coaching", "ReminderSettings")
    if not ReportTemplate.objects.exists():
        ReportTemplate.objects.create(name="PAC 30-day report", sections=SECTIONS)
    if not ReminderSettings.objects.exists():
        ReminderSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
