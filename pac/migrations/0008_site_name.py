"""The site is called "PAC": allauth's sign-up and password-reset emails say "Hello from PAC!"."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.PAC_BASE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"name": "PAC", "domain": domain})


class Migration(migrations.Migration):
    dependencies = [
        ("pac", "0007_profile_contact_details"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
