"""The CLASS instruments, domains and dimensions (DOMAIN.md §1). Codes for Infant and Toddler are
common usage, not confirmed as official [U]; staff can correct names in the admin."""

from django.db import migrations

PRE_K = [("ES", "Emotional Support", [("PC", "Positive Climate", False), ("NC", "Negative Climate", True),
                                      ("TS", "Teacher Sensitivity", False),
                                      ("RSP", "Regard for Student Perspectives", False)]),
         ("CO", "Classroom Organization", [("BM", "Behavior Management", False), ("PD", "Productivity", False),
                                           ("ILF", "Instructional Learning Formats", False)]),
         ("IS", "Instructional Support", [("CD", "Concept Development", False), ("QF", "Quality of Feedback", False),
                                          ("LM", "Language Modeling", False)])]
INSTRUMENTS = [
    ("infant", "CLASS Infant", "Birth to 18 months", 15, 10,
     [("RC", "Responsive Caregiving", [("RC", "Relational Climate", False), ("TS", "Teacher Sensitivity", False),
                                       ("FE", "Facilitated Exploration", False),
                                       ("ELS", "Early Language Support", False)])]),
    ("toddler", "CLASS Toddler", "15 to 36 months", None, None,
     [("EBS", "Emotional and Behavioral Support", [("PC", "Positive Climate", False), ("NC", "Negative Climate", True),
                                                   ("TS", "Teacher Sensitivity", False),
                                                   ("RCP", "Regard for Child Perspectives", False),
                                                   ("BG", "Behavior Guidance", False)]),
      ("ESL", "Engaged Support for Learning", [("FLD", "Facilitation of Learning and Development", False),
                                               ("QF", "Quality of Feedback", False),
                                               ("LM", "Language Modeling", False)])]),
    ("pre_k", "CLASS Pre-K", "3 to 5 years", 20, 15, PRE_K),
    ("k3", "CLASS K–3", "Kindergarten to grade 3", 20, 15, PRE_K),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("evaluation", "Instrument")
    Domain = apps.get_model("evaluation", "Domain")
    Dimension = apps.get_model("evaluation", "Dimension")
    for code, name, ages, minutes, minimum, domains in INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=code, defaults={"name": name, "ages": ages, "cycle_minutes": minutes, "min_cycle_minutes": minimum})
        if not created:
            continue
        for d_order, (d_code, d_name, dimensions) in enumerate(domains, start=1):
            domain = Domain.objects.create(instrument=instrument, code=d_code, name=d_name, order=d_order)
            for order, (code_, name_, reversed_) in enumerate(dimensions, start=1):
                Dimension.objects.create(domain=domain, code=code_, name=name_, reversed=reversed_, order=order)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
