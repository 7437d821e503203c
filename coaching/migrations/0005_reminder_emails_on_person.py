"""The reminder-email choice moves to the person (pac.Person.reminder_emails), where the profile
page edits it with the person's other details; each person's digest choice is kept."""

from django.db import migrations


def copy_choices(apps, schema_editor):
    NotificationPreference = apps.get_model("coaching", "NotificationPreference")
    Person = apps.get_model("pac", "Person")
    digest = NotificationPreference.objects.filter(delivery="digest").values("person_id")
    Person.objects.filter(pk__in=digest).update(reminder_emails="digest")


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0004_reminder_schedule"),
        ("pac", "0007_profile_contact_details"),
    ]

    operations = [
        migrations.RunPython(copy_choices, migrations.RunPython.noop),
        migrations.DeleteModel(name="NotificationPreference"),
    ]
