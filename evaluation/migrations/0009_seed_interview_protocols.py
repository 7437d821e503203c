"""The first version of each formative interview protocol, so a new installation can schedule
interviews at once; staff edit them in the admin (a used version is kept and a new one made)."""

from django.db import migrations

FREQUENCY = "At least weekly\nEvery two weeks\nMonthly\nLess than monthly"

PROTOCOLS = {
    "coach": (
        "Formative interview with a coach",
        "This interview is part of the PAC formative evaluation. Your answers are read by EEC staff and the year's "
        "Advisory Panel with your six-month review; evaluators receive the closed answers without your name.",
        [
            ("choice", "How often do you meet with your Mentee(s)?", FREQUENCY, ""),
            (
                "choice",
                "How well is the professional development plan guiding your coaching?",
                "Very well\nWell\nSomewhat\nNot yet",
                "",
            ),
            (
                "choice",
                "How well does the Program/Instructional Leader support the coaching?",
                "Very well\nWell\nSomewhat\nNot at all",
                "",
            ),
            ("open", "What progress toward the goals are you most proud of?", "", "Ask for an example."),
            ("open", "What is getting in the way, and what support would help?", "", ""),
        ],
    ),
    "mentee": (
        "Formative interview with a Mentee or Mentee Administrator",
        "This interview is part of the PAC formative evaluation. Your answers are read by EEC staff and the year's "
        "Advisory Panel with your coach's six-month review; evaluators receive the closed answers without your name.",
        [
            ("choice", "How often do you meet with your coach?", FREQUENCY, ""),
            (
                "choice",
                "How useful are the coaching meetings to your practice?",
                "Very useful\nUseful\nSomewhat useful\nNot useful",
                "",
            ),
            (
                "choice",
                "Are you making progress toward the goals in your plan?",
                "Yes, clearly\nSome progress\nNot yet\nWe have not set goals",
                "",
            ),
            (
                "open",
                "What has changed in your classroom or program since the coaching began?",
                "",
                "Listen for changes in interactions with children or staff.",
            ),
            ("open", "What would make the coaching more helpful?", "", ""),
        ],
    ),
}


def seed(apps, schema_editor):
    InterviewProtocol = apps.get_model("evaluation", "InterviewProtocol")
    InterviewQuestion = apps.get_model("evaluation", "InterviewQuestion")
    for audience, (name, introduction, questions) in PROTOCOLS.items():
        if InterviewProtocol.objects.filter(audience=audience).exists():
            continue
        protocol = InterviewProtocol.objects.create(
            audience=audience, version=1, name=name, introduction=introduction, is_active=True
        )
        for order, (kind, text, choices, guidance) in enumerate(questions, start=1):
            InterviewQuestion.objects.create(
                protocol=protocol, order=order, kind=kind, text=text, choices=choices, guidance=guidance
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0008_formative_interviews")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
