from django.db import migrations

TITLE = "Confidentiality acknowledgement"

BODY = """Peer Assistance and Coaching (PAC), {program_year}

I, {name}, take part in the Massachusetts Department of Early Education and Care's Peer Assistance and Coaching program as a {role}. Coaching works when everyone can speak openly, and I will see and hear things about children, families, colleagues and programs that are not mine to share. The program asks every participant to maintain confidentiality.

I agree that:

1. I will keep confidential what I learn about children and families in any classroom or program I take part in, visit or discuss, including their names, behavior, health, family circumstances and records.
2. I will keep confidential what my coach, my Program/Instructional Leader or supervisor and other participants share with me in meetings, observations, Professional Learning Communities and trainings, unless they agree otherwise.
3. I will record, photograph or share video of children and colleagues only as the program allows, with the permissions it requires, and only on the platforms it provides.
4. I will keep program documents (observation notes, plans, reports) secure and share them only with the people in my pair, my Program/Instructional Leader or supervisor and EEC staff.
5. Where I believe a child may be at risk of harm, I will follow the law and my program's policies on reporting, which come before this acknowledgement.

This acknowledgement continues after the program year ends."""


def seed(apps, schema_editor):
    ConfidentialityText = apps.get_model("pairings", "ConfidentialityText")
    if not ConfidentialityText.objects.exists():
        ConfidentialityText.objects.create(version=1, title=TITLE, body=BODY, is_active=True)


class Migration(migrations.Migration):
    dependencies = [("pairings", "0002_confidentiality_acknowledgement_and_confirmation_requirement")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
