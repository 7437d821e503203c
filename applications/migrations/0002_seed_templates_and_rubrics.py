"""Default MOU templates and review rubrics, drawn from the program model. Staff edit them in the admin."""

from django.db import migrations

LEADER_MOU = """Memorandum of Understanding: Peer Assistance and Coaching (PAC), {program_year}

I, {signer_name} ({signer_title}), am the Program/Instructional Leader of {applicant_name} at {program_name} ({program_type}, {program_address}; current QRIS level: {qris_level}). I support {applicant_name}'s application to take part in PAC as a {role} (application {reference}).

As Program/Instructional Leader I agree to:
1. Attend the pre-service orientation training held before the project begins.
2. Work with the Consultant Teacher and the Mentee on support, time commitment and completion of the project's requirements.
3. Collaborate with the Mentee and the Consultant Teacher to refine the Mentee's professional development plan, including recommended training or courses and strategies for applying them in practice.
4. Take part in the cycle of evaluation and coaching: continuous mutual goal setting using observations and follow-up conferences.
5. Support participation in required observations, trainings and other meetings.
6. Attend the monthly regional Professional Learning Community when possible, and at least quarterly.
7. Provide the information needed to receive stipends for substitutes.
8. Maintain confidentiality.
"""

SUPERVISOR_MOU = """Memorandum of Understanding: Peer Assistance and Coaching (PAC), {program_year}

I, {signer_name} ({signer_title}), supervise {applicant_name} at {program_name} ({program_type}, {program_address}; current QRIS level: {qris_level}). I support {applicant_name}'s application to take part in PAC as a {role} (application {reference}).

Program profile and basic service delivery information, as stated in the application:
{program_profile}

As supervisor I agree to:
1. Allow time for pre-service orientation (1 day), ongoing training and the monthly regional Professional Learning Community.
2. Support monthly peer coaching meetings of 60 to 90 minutes, and the observations they involve.
3. Support the professional development plan that comes out of the coaching.
4. Maintain confidentiality.
"""

ANCHORS = ("Not evident in the application", "Limited evidence", "Some evidence; partly meets the expectation",
           "Clear evidence", "Strong, specific evidence; fully meets the expectation")

RUBRICS = {
    ("ct", 2): ("Consultant Teacher application review", [
        ("Coaching expertise", "Statement of expertise in coaching skills and adult learning.", "2.00"),
        ("Knowledge of standards", "Knowledge of the QRIS, MA Core Competencies and Early Learning Standards.", "1.50"),
        ("Experience and qualifications", "Years and breadth of direct-care experience; credentials.", "1.00"),
        ("Recommendations", "What the recommenders say about the applicant as a colleague and coach.", "1.00"),
        ("Program context and support", "Program quality (QRIS) and the leader's support for the role.", "1.00"),
    ]),
    ("mentee", 2): ("Mentee application review", [
        ("Clarity of areas of need", "Needs tied to the QRIS, Core Competencies and Early Learning Standards.", "2.00"),
        ("Commitment to growth", "Evidence in the IPDP and preferred ways of using peer coaching.", "1.50"),
        ("Readiness and support", "Program context and the leader's support for coaching.", "1.00"),
        ("Recommendation", "What the recommender says about the applicant.", "1.00"),
    ]),
    ("ca", 2): ("Consultant Administrator application review", [
        ("Supervisory coaching expertise", "Expertise in coaching and supervising educators.", "2.00"),
        ("Knowledge of standards", "Knowledge of the QRIS, MA Core Competencies and Early Learning Standards.", "1.50"),
        ("Experience and qualifications", "Years of supervision or coaching; Director qualification.", "1.00"),
        ("Recommendations", "What the recommenders say about the applicant as a leader and coach.", "1.00"),
        ("Program context", "Program quality (QRIS) and the supervisor's support.", "1.00"),
    ]),
    ("ma", 2): ("Mentee Administrator application review", [
        ("Clarity of areas of need", "Needs in coaching and supervision tied to raising the program's QRIS level.", "2.00"),
        ("Commitment to growth", "Commitment to refine coaching skills; preferred ways of using peer coaching.", "1.50"),
        ("Program context", "Program profile and service delivery; the supervisor's support.", "1.00"),
        ("Recommendation", "What the recommender says about the applicant.", "1.00"),
    ]),
}
INTERVIEW = [
    ("Reflection and communication", "Reflects on own practice and communicates clearly.", "1.00"),
    ("Fit with peer coaching", "Understands colleague-to-colleague coaching (coaching, not evaluation).", "1.50"),
    ("Availability and commitment", "Can commit to monthly meetings, training and the PLC for the year.", "1.00"),
]


def seed(apps, schema_editor):
    MOUTemplate = apps.get_model("applications", "MOUTemplate")
    Rubric = apps.get_model("applications", "Rubric")
    Criterion = apps.get_model("applications", "Criterion")
    for role, body in (("ct", LEADER_MOU), ("mentee", LEADER_MOU), ("ca", SUPERVISOR_MOU), ("ma", SUPERVISOR_MOU)):
        title = "PAC MOU: Program/Instructional Leader support" if body is LEADER_MOU else "PAC MOU: supervisor support"
        MOUTemplate.objects.get_or_create(role=role, version=1, defaults={"title": title, "body": body})
    labels = {"ct": "Consultant Teacher", "mentee": "Mentee", "ca": "Consultant Administrator", "ma": "Mentee Administrator"}
    for role, label in labels.items():
        specs = {2: RUBRICS[(role, 2)], 3: (f"{label} interview", INTERVIEW)}
        for tier, (name, criteria) in specs.items():
            rubric, created = Rubric.objects.get_or_create(role=role, tier=tier, defaults={"name": name})
            if not created:
                continue
            for order, (criterion, description, weight) in enumerate(criteria, start=1):
                Criterion.objects.create(
                    rubric=rubric, name=criterion, description=description, weight=weight, order=order,
                    anchor_1=ANCHORS[0], anchor_2=ANCHORS[1], anchor_3=ANCHORS[2], anchor_4=ANCHORS[3],
                    anchor_5=ANCHORS[4],
                )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
