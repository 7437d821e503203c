"""Seed the six EEC regions and the age groups programs serve (DOMAIN.md §3).

Staff correct these in the admin; the rows are data, not constants in code.
"""

from django.db import migrations

REGIONS = [
    (1, "Western", "Holyoke Community College (StrongStart PDC)", ""),
    (2, "Central", "UMass Donahue Institute (StrongStart PDC)", ""),
    (3, "Northeast", "The Community Group (StrongStart PDC)", ""),
    (4, "Metro", "", "Merged into neighbouring regions for Educator and Provider Support in 2012; "
                    "kept for licensing and PAC targets."),
    (5, "Southeast & Cape", "Child Development & Education (StrongStart PDC)", ""),
    (6, "Metro Boston", "UMass Boston (StrongStart PDC)", ""),
]

AGE_GROUPS = [
    ("infant", "Infants", "Birth to 15 months", 1),
    ("toddler", "Toddlers", "15 months to 2 years 9 months", 2),
    ("preschool", "Preschool", "2 years 9 months to kindergarten", 3),
    ("k3", "Kindergarten to grade 3", "Kindergarten through third grade", 4),
    ("school_age", "School age (out-of-school time)", "School-age children in after-school programs", 5),
]


def seed(apps, schema_editor):
    Region = apps.get_model("pac", "Region")
    AgeGroup = apps.get_model("pac", "AgeGroup")
    for number, name, organization, notes in REGIONS:
        Region.objects.update_or_create(
            number=number, defaults={"name": name, "support_organization": organization, "notes": notes}
        )
    for code, name, description, order in AGE_GROUPS:
        AgeGroup.objects.update_or_create(code=code, defaults={"name": name, "description": description, "order": order})


class Migration(migrations.Migration):
    dependencies = [("pac", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
