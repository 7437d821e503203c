"""Reference figures for growth charts (DOMAIN.md §2, §4) and a starting coach-feedback survey.
Both are data that staff can correct or extend in the admin."""

import datetime

from django.db import migrations

# (label, source, value, note, order)
EFFECT_SIZES = [
    ("Coaching meta-analysis: instruction", "Kraft, Blazar and Hogan 2018", "0.49",
     "Effect on instruction; smaller at scale. d_z is not directly comparable with trial effect sizes.", 1),
    ("Early-childhood PD meta-analysis: process quality", "Egert, Fukkink and Eckhardt 2018", "0.68",
     "Effect on classroom process quality. d_z is not directly comparable with trial effect sizes.", 2),
]
# (label, domain, value, valid_from, valid_until, order) — 45 CFR 1304.11(c), Pre-K CLASS
HEAD_START = [
    ("Head Start competitive threshold", "ES", "5", None, None, 10),
    ("Head Start competitive threshold", "CO", "5", None, None, 11),
    ("Head Start competitive threshold", "IS", "2.3", None, datetime.date(2027, 7, 31), 12),
    ("Head Start competitive threshold", "IS", "2.5", datetime.date(2027, 8, 1), None, 13),
    ("Head Start quality threshold", "ES", "6", None, None, 20),
    ("Head Start quality threshold", "CO", "6", None, None, 21),
    ("Head Start quality threshold", "IS", "3", None, None, 22),
]
HS_SOURCE = "45 CFR 1304.11(c) (2020 rule; IS rise delayed to Aug 1, 2027 by the Nov 2024 rule)"

SURVEY_NAME = "Coach feedback"
QUESTIONS = [
    ("agreement", "The coach is well prepared for our meetings.", ""),
    ("agreement", "The coach's feedback is specific and useful in my (or my team's) daily work.", ""),
    ("agreement", "The coach helps set goals that matter and follows up on them.", ""),
    ("agreement", "The coach communicates respectfully and is easy to reach.", ""),
    ("choice", "How often does the coach meet with the mentee?", "More than monthly\nAbout monthly\nLess than monthly\nI don't know"),
    ("text", "What has the coach done that made the biggest difference?", ""),
    ("text", "What could the coach do differently?", ""),
]


def seed(apps, schema_editor):
    ReferenceFigure = apps.get_model("evaluation", "ReferenceFigure")
    Instrument = apps.get_model("evaluation", "Instrument")
    Survey = apps.get_model("evaluation", "Survey")
    Question = apps.get_model("evaluation", "Question")
    if not ReferenceFigure.objects.exists():
        for label, source, value, note, order in EFFECT_SIZES:
            ReferenceFigure.objects.create(kind="effect", label=label, source=source, value=value, note=note,
                                           order=order)
        pre_k_tools = list(Instrument.objects.filter(code__in=["pre_k", "k3"]))
        for label, domain, value, valid_from, valid_until, order in HEAD_START:
            figure = ReferenceFigure.objects.create(
                kind="score", label=label, source=HS_SOURCE, value=value, domain_code=domain,
                valid_from=valid_from, valid_until=valid_until, order=order,
            )
            figure.instruments.set(pre_k_tools)
    if not Survey.objects.filter(name=SURVEY_NAME).exists():
        survey = Survey.objects.create(
            name=SURVEY_NAME,
            introduction="Your answers help EEC support PAC coaches. Free-text answers are read only by EEC staff.",
        )
        for order, (kind, text, choices) in enumerate(QUESTIONS, start=1):
            Question.objects.create(survey=survey, order=order, kind=kind, text=text, choices=choices,
                                    required=kind != "text")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0004_schedules_references_surveys_reviews")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
