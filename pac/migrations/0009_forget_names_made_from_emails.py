"""Before sign-up asked for a name, an applicant's Person was named after their email's local part
("dana.newcomer", no last name). Those are not names: clear them, so the person is asked for their
name before anything more is sent in it, and pages show "Name not given" meanwhile."""

from django.db import migrations


def clear_email_names(apps, schema_editor):
    Person = apps.get_model("pac", "Person")
    rows = Person.objects.filter(last_name="", user__isnull=False).only("email", "first_name")
    # exactly the local part, as it was copied (email addresses are stored in lower case)
    ids = [p.pk for p in rows if p.first_name == p.email.split("@")[0]]
    Person.objects.filter(pk__in=ids).update(first_name="")


class Migration(migrations.Migration):
    dependencies = [("pac", "0008_site_name")]

    operations = [migrations.RunPython(clear_email_names, migrations.RunPython.noop)]
