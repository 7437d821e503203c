from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pac", "0010_document_job_params_hash"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="documentjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("requested_by", "kind", "params_hash"),
                name="document_job_one_open_per_document",
            ),
        ),
    ]
