"""Seed the shared tag list: CLASS domains and dimensions (DOMAIN.md §1), the eight MA Core
Competency areas, the five QRIS categories, age groups, and supervision/leadership areas."""

from django.db import migrations

CLASS = [
    ("class-es", "Emotional Support (Pre-K–3)", [("pc", "Positive Climate"), ("nc", "Negative Climate"),
                                                 ("ts", "Teacher Sensitivity"), ("rsp", "Regard for Student Perspectives")]),
    ("class-co", "Classroom Organization (Pre-K–3)", [("bm", "Behavior Management"), ("pd", "Productivity"),
                                                      ("ilf", "Instructional Learning Formats")]),
    ("class-is", "Instructional Support (Pre-K–3)", [("cd", "Concept Development"), ("qf", "Quality of Feedback"),
                                                     ("lm", "Language Modeling")]),
    ("class-rc", "Responsive Caregiving (Infant)", [("rc", "Relational Climate"), ("fe", "Facilitated Exploration"),
                                                    ("els", "Early Language Support")]),
    ("class-ebs", "Emotional and Behavioral Support (Toddler)", [("rcp", "Regard for Child Perspectives"),
                                                                 ("bg", "Behavior Guidance")]),
    ("class-esl", "Engaged Support for Learning (Toddler)", [("fld", "Facilitation of Learning and Development")]),
]
COMPETENCIES = ["Growth and Development", "Guiding and Interacting", "Families and Communities",
                "Health, Safety and Nutrition", "Learning Environments and Curriculum",
                "Observation, Assessment and Documentation", "Program Planning and Development",
                "Professionalism and Leadership"]
QRIS = ["Curriculum and Learning", "Environments", "Workforce and Professional Qualifications",
        "Family and Community", "Leadership and Management"]
AGES = [("infants", "Infants"), ("toddlers", "Toddlers"), ("preschool", "Preschool"),
        ("k3", "Kindergarten to grade 3"), ("school-age", "School age")]
LEADERSHIP = [("reflective-supervision", "Reflective supervision"), ("observation-feedback", "Observation and feedback"),
              ("staff-pd-planning", "Staff professional development planning"),
              ("team-lesson-planning", "Team lesson planning"), ("data-for-improvement", "Using data for improvement")]


def seed(apps, schema_editor):
    Tag = apps.get_model("pac", "Tag")
    order = 0
    for code, name, dimensions in CLASS:
        order += 1
        domain, _ = Tag.objects.update_or_create(code=code, defaults={"kind": "class", "name": f"CLASS {name}", "order": order})
        for dim_code, dim_name in dimensions:
            order += 1
            Tag.objects.update_or_create(
                code=f"class-{dim_code}",
                defaults={"kind": "class", "name": f"CLASS {dim_name} ({dim_code.upper()})", "parent": domain, "order": order},
            )
    for i, name in enumerate(COMPETENCIES, start=1):
        Tag.objects.update_or_create(code=f"competency-{i}", defaults={"kind": "competency", "name": f"{i}. {name}", "order": i})
    for i, name in enumerate(QRIS, start=1):
        Tag.objects.update_or_create(code=f"qris-{i}", defaults={"kind": "qris", "name": name, "order": i})
    for i, (code, name) in enumerate(AGES, start=1):
        Tag.objects.update_or_create(code=f"age-{code}", defaults={"kind": "age", "name": name, "order": i})
    for i, (code, name) in enumerate(LEADERSHIP, start=1):
        Tag.objects.update_or_create(code=f"lead-{code}", defaults={"kind": "leadership", "name": name, "order": i})


class Migration(migrations.Migration):
    dependencies = [("pac", "0003_tag")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
