"""The staff admin at scale (issue 14): every registered admin's changelist makes the same number of
queries whatever the number of program records, answers 200 (so does one change form of each), no
change form lists a growing table in a <select>, and history pages are paginated with the same
number of queries for 3 versions as for 60.

The data grows by "units" made with the usual factories and services: an application in Tier 2
review (recommendations, MOU, screening checks, events, assignments, scores), an active pair with a
meeting, a 30-day report, a goal, training, a named educator, an observation and its schedule, a
six-month review, a formative interview and a survey answered, plus the smaller records around them.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.helpers import AdminReadonlyField
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

from applications.models import Criterion, ReviewAssignment, Score
from coaching import services as coaching
from coaching.models import Goal, PlanEducator, Reminder, TrainingRecommendation
from evaluation.models import CoachReview, Invitation, Response, ReviewOutcome, Survey, SurveyRound
from evidence.models import CONSENT_TEXT, Clip, RetentionSettings
from funding.models import BudgetLine, FundingRules, StipendInstallment
from pac.calendar_models import CalendarFeed
from pac.documents.models import DocumentJob
from pac.models import AgeGroup, OutboundEmail, Region, Tag, User
from pairings.models import (
    Capacity,
    ConfidentialityAcknowledgement,
    ConfidentialityText,
    ConfirmationRequirement,
    RegionWaiver,
)
from tests.applications.factories import ApplicationFactory, InterviewSlotFactory, make_in_review
from tests.coaching.factories import active_pair, meeting
from tests.conftest import TOTP_SECRET
from tests.evaluation.factories import record, recorded_interview
from tests.factories import ParticipationFactory, RegionTargetFactory, UserFactory, panel_seat

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 5  # units of program records: every list's query count must be the same at both

# Tables that stay small whatever the size of the program (reference data, one row a year or a
# region): a change form may list them in a <select>. Any other table needs autocomplete or a raw id.
SMALL_TABLES = {
    "auth.group",
    "auth.permission",
    "pac.region",
    "pac.agegroup",
    "pac.programyear",
    "pac.tag",
    "applications.rubric",
    "applications.criterion",
    "applications.committee",
    "applications.moutemplate",
    "pairings.confidentialitytext",
    "coaching.reporttemplate",
    "evaluation.instrument",
    "evaluation.domain",
    "evaluation.survey",
    "evaluation.interviewprotocol",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
}

_counter = itertools.count()


def add_units(year, staff: User, n: int) -> None:
    """``n`` more units of program records (see the module's docstring)."""
    today = timezone.localdate()
    text = ConfidentialityText.objects.filter(is_active=True).first() or ConfidentialityText.objects.create(
        title="Confidentiality", body="I keep what I see confidential.", created_by=staff
    )
    for _ in range(n):
        i = next(_counter)
        application, _members = make_in_review(ApplicationFactory(program_year=year))
        for assignment in ReviewAssignment.objects.filter(application=application):
            criteria = Criterion.objects.filter(rubric__role=application.role)[:3]
            Score.objects.bulk_create([Score(assignment=assignment, criterion=c, value=3) for c in criteria])
        pair = active_pair(year, staff, started_on=today - datetime.timedelta(days=40), region=i % 6 + 1)
        coach, mentee = pair.coach, pair.mentee
        meeting(pair, today - datetime.timedelta(days=3))
        coaching.reports_ensure(pair=pair, today=today)
        educator = PlanEducator.objects.create(pair=pair, name=f"Educator {i}", classroom="Room 2", named_by=staff)
        goal = Goal.objects.create(
            pair=pair, area=Tag.objects.first(), title=f"Goal {i}", created_by=staff, plan_educator=educator
        )
        TrainingRecommendation.objects.create(pair=pair, goal=goal, title=f"Course {i}", recommended_by=staff)
        email = OutboundEmail.objects.create(to=[mentee.email], subject=f"Reminder {i}", body_text="Hello")
        Reminder.objects.create(
            key=f"unit-{i}", stage="due", recipient=coach, pair=pair, message="Report due", url="/", email=email
        )
        Capacity.objects.get_or_create(program_year=year, coach=coach, defaults={"capacity": 2})
        Clip.objects.create(  # a clip shared with EEC: the only kind staff's admin lists
            pair=pair,
            uploaded_by=staff,
            title=f"Clip {i}",
            recorded_on=today,
            setting="Room 2",
            age_group=AgeGroup.objects.first(),
            consent_text=CONSENT_TEXT,
            consent_confirmed_by=staff,
            consent_confirmed_at=timezone.now(),
            original_format="MP4",
            shared_with_eec_at=timezone.now(),
        )
        RetentionSettings.current()
        rules, _ = FundingRules.objects.get_or_create(program_year=year)
        StipendInstallment.objects.get_or_create(rules=rules, role="ct", number=i % 3 + 1, defaults={"amount": 500})
        BudgetLine.objects.get_or_create(
            program_year=year, region=Region.objects.get(number=i % 6 + 1), kind="goods", defaults={"amount": 1000}
        )
        RegionWaiver.objects.create(program_year=year, mentee=mentee, reason="Closer by bus", granted_by=staff)
        ConfidentialityAcknowledgement.objects.create(
            person=mentee,
            program_year=year,
            role="mentee",
            text=text,
            signed_text=text.body,
            signature_name=str(mentee),
            signed_by_user=mentee.user,
        )
        record(pair, "pre", 4)
        from evaluation import services as evaluation

        evaluation.schedule_save(
            actor=staff,
            pair=pair,
            time_point="post",
            window_opens=today,
            due_by=today + datetime.timedelta(days=30),
        )
        review = CoachReview.objects.create(program_year=year, coach=coach, role="ct", due_on=today)
        ReviewOutcome.objects.create(review=review, decision="continue", decided_at=timezone.now())
        recorded_interview(year, staff, interviewee=mentee)
        survey_round = SurveyRound.objects.create(
            survey=Survey.objects.first(), program_year=year, coach=coach, closes_on=today, sent_by=staff
        )
        invitation = Invitation.objects.create(
            round=survey_round,
            audience="mentee",
            person=mentee,
            name=str(mentee),
            email=mentee.email,
            token_hash=f"{i:064d}",
        )
        Response.objects.create(invitation=invitation, via="link")
        InterviewSlotFactory(program_year=year, panel=_members)
        panel_seat(year)
        ParticipationFactory(program_year=year)
        DocumentJob.objects.create(kind="coach_reports", params={"unit": i}, title=f"Reports {i}", requested_by=staff)
        CalendarFeed.objects.create(user=coach.user, token_hash=f"{i:064x}")
    # the reference rows of the few tables no unit adds to
    if not ClockedSchedule.objects.exists():
        ClockedSchedule.objects.create(clocked_time=timezone.now())
        IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
        SolarSchedule.objects.create(event="sunrise", latitude=42.3, longitude=-71.1)
        CrontabSchedule.objects.get_or_create(minute="0", hour="7")
        RegionTargetFactory(program_year=year, region=Region.objects.get(number=1))
        ConfirmationRequirement.objects.get_or_create(program_year=year)


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    client.force_login(user)
    return client


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def queries_of(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm: content types, permissions and sites are cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_every_changelist_makes_the_same_queries_at_two_sizes_and_every_change_form_opens(
    superuser_client, program_year, staff_user
):
    models = list(admin.site._registry)
    add_units(program_year, staff_user, SMALL)
    empty = sorted(m._meta.label for m in models if not m._default_manager.exists())
    assert not empty, f"add a row of these to add_units so their admin is measured: {empty}"
    small = {m: queries_of(superuser_client, changelist_url(m)) for m in models}

    add_units(program_year, staff_user, LARGE - SMALL)
    grew = []
    for model in models:
        count, sql = queries_of(superuser_client, changelist_url(model))
        assert count == small[model][0], (
            f"{model._meta.label}: {small[model][0]} queries for the smaller data, {count} for the larger:\n"
            + "\n".join(sql)
        )
        grew.append(model._meta.label)
    assert len(grew) == len(models)

    # one change form of each answers, and lists no growing table in a <select>
    for model in models:
        obj = model._default_manager.order_by("pk").first()
        opts = model._meta
        response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, (opts.label, response.status_code)
        for name, field in rendered_choice_fields(response):
            related = field.queryset.model._meta.label_lower
            assert related in SMALL_TABLES, (
                f"{opts.label}'s change form lists every {related} in the <select> {name}: "
                "use autocomplete_fields or raw_id_fields"
            )


def rendered_choice_fields(response):
    """(name, form field) of each model-choice widget the change form renders as a plain <select>."""
    context = response.context_data
    forms_shown = [context["adminform"]]
    for inline in context.get("inline_admin_formsets", []):
        forms_shown.extend(inline)
    for admin_form in forms_shown:
        for fieldset in admin_form:
            for line in fieldset:
                for admin_field in line:
                    if isinstance(admin_field, AdminReadonlyField):
                        continue
                    field = admin_field.field.field
                    if not isinstance(field, forms.ModelChoiceField):
                        continue
                    widget = getattr(field.widget, "widget", field.widget)  # inside the related-object links
                    picked = (
                        admin_widgets.AutocompleteSelect,
                        admin_widgets.AutocompleteSelectMultiple,
                        admin_widgets.ForeignKeyRawIdWidget,
                        admin_widgets.ManyToManyRawIdWidget,
                    )
                    if not isinstance(widget, (*picked, forms.HiddenInput)):
                        yield admin_field.field.name, field


def history_admins():
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "history_list_per_page"):
            continue
        try:
            get_history_manager_for_model(model)
        except NotHistoricalModelError:
            continue  # e.g. application events: the admin shows Django's own log for them
        yield model, model_admin


def test_history_pages_are_paginated_with_the_same_queries_for_3_and_60_versions(
    superuser_client, program_year, staff_user
):
    add_units(program_year, staff_user, 1)
    checked = []
    for model, model_admin in history_admins():
        obj = model._default_manager.order_by("pk").first()
        history = get_history_manager_for_model(model)
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        history.filter(**{opts.pk.attname: obj.pk}).delete()
        history.bulk_history_create([obj] * 3, update=True, default_user=staff_user)
        few, _ = queries_of(superuser_client, url)
        history.bulk_history_create([obj] * 57, update=True, default_user=staff_user)
        many, sql = queries_of(superuser_client, url)
        assert many == few, f"{opts.label}: {few} queries for 3 versions, {many} for 60:\n" + "\n".join(sql)
        response = superuser_client.get(url)
        assert len(response.context["page_obj"].object_list) == model_admin.history_list_per_page == 50
        assert response.context["page_obj"].paginator.count == 60
        checked.append(opts.label)
    assert {"applications.Application", "pairings.Pair", "coaching.Meeting", "pac.Program"} <= set(checked)


def test_history_deltas_are_those_simple_history_computes(superuser_client, staff_user):
    """The history page reads the versions' many-to-many rows in one query a field
    (pac.admin.ListAtScale) and lists the same changes simple-history's own diff does."""
    from django.test import RequestFactory
    from simple_history.admin import SimpleHistoryAdmin

    from pac.models import AgeGroup, Program
    from tests.factories import ProgramFactory

    program = ProgramFactory(city="Lowell")
    infants, preschool = AgeGroup.objects.order_by("order")[:2]
    for groups, city in (([infants], "Lowell"), ([infants, preschool], "Lowell"), ([preschool], "Lynn")):
        program.age_groups.set(groups)
        program.city = city
        program.save()  # a version each
    response = superuser_client.get(reverse("admin:pac_program_history", args=[program.pk]))
    assert response.status_code == 200
    ours = [(r.pk, getattr(r, "history_delta_changes", None)) for r in response.context["page_obj"]]
    assert any(changes for _, changes in ours)

    model_admin = admin.site._registry[Program]
    request = RequestFactory().get("/")
    request.user = staff_user
    records = list(model_admin.get_history_queryset(request, Program.history, "id", program.pk))
    SimpleHistoryAdmin.set_history_delta_changes(model_admin, request, records)
    assert ours == [(r.pk, getattr(r, "history_delta_changes", None)) for r in records]
    assert str(preschool) in response.content.decode()


def test_search_through_related_tables_finds_what_the_joins_found(superuser_client, program_year, staff_user):
    """Searching the reviewer's name or the application's reference on the score list (subqueries
    on the related tables, pac.admin.search_q) finds the same rows as Django's joined search."""
    add_units(program_year, staff_user, 2)
    score = Score.objects.select_related("assignment__application", "assignment__reviewer").first()
    model_admin = admin.site._registry[Score]
    for term in (score.assignment.application.reference, score.assignment.reviewer.email.split("@")[0], "zz-none"):
        ours, _ = model_admin.get_search_results(None, Score.objects.all(), term)
        django, _ = admin.ModelAdmin.get_search_results(model_admin, None, Score.objects.all(), term)
        assert set(ours.values_list("pk", flat=True)) == set(django.values_list("pk", flat=True)), term
    response = superuser_client.get(changelist_url(Score), {"q": score.assignment.application.reference})
    assert response.status_code == 200
    assert score in response.context_data["cl"].result_list
    assert PeriodicTask.objects.exists()
