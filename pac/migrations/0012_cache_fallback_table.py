"""The table the Redis cache falls back to while Redis cannot be reached (pac.cache)."""

from django.core.management import call_command
from django.db import migrations

TABLE = "pac_cache_fallback"  # pac.cache.FALLBACK_TABLE, settings' CACHES["fallback"]


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("pac", "0011_document_job_one_open_per_document"),
    ]

    operations = [migrations.RunPython(create, drop)]
