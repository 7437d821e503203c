"""The staff admin for applications and reviews: search, filters, history, CSV export.

The admin never moves an application through the workflow: stages, screening overrides,
assignments, recommendations and MOUs are read-only here. Letters appear only on the
review packet pages; a signed MOU template is never edited in place.
"""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportActionMixin
from simple_history.admin import SimpleHistoryAdmin

from applications.models import (
    MOU,
    Application,
    ApplicationEvent,
    Committee,
    CommitteeMember,
    Criterion,
    InterviewSlot,
    MOUTemplate,
    Recommendation,
    ReviewAssignment,
    Rubric,
    Score,
    ScreeningCheck,
)
from pac.models import Program
from tests.factories import PersonFactory, ProgramFactory, ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db

LETTER = "Ms Rivera is the most thoughtful colleague I have coached with: XYZZY-LETTER."
MODELS = [
    Application,
    ApplicationEvent,
    Recommendation,
    MOUTemplate,
    MOU,
    ScreeningCheck,
    Committee,
    CommitteeMember,
    Rubric,
    Criterion,
    ReviewAssignment,
    Score,
    InterviewSlot,
]
READ_ONLY = [ApplicationEvent, Recommendation, MOU, ScreeningCheck, ReviewAssignment, Score]


def url_for(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_application(user, *, role="ct", stage=Application.Stage.SUBMITTED, **kwargs) -> Application:
    person = PersonFactory(program=ProgramFactory())
    return Application.objects.create(
        program_year=ProgramYearFactory(),
        role=role,
        applicant=person,
        created_by=user,
        program=person.program,
        stage=stage,
        statement="I coach colleagues.",
        submitted_at=timezone.now() if stage != Application.Stage.DRAFT else None,
        **kwargs,
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def data(staff_user):
    """One application with every component, review and interview record."""
    app = make_application(staff_user)
    event = ApplicationEvent.objects.create(
        application=app, from_stage="draft", to_stage="submitted", actor=staff_user, note="Submitted by applicant"
    )
    recommendation = Recommendation.objects.create(
        application=app,
        name="Dana Recommender",
        email="dana@example.org",
        relationship="colleague",
        status=Recommendation.Status.RECEIVED,
        letter_text=LETTER,
        token_hash="f" * 64,
        received_at=timezone.now(),
    )
    template = MOUTemplate.objects.get(role="ct", version=1)
    mou = MOU.objects.create(
        application=app,
        template=template,
        status=MOU.Status.SIGNED,
        signer_name="Lee Leader",
        signer_email="lee@example.org",
        signed_text="I agree.",
        signed_at=timezone.now(),
    )
    check = ScreeningCheck.objects.create(
        application=app, rule="degree", category="qualification", passed=True, message="Has a degree"
    )
    committee = Committee.objects.create(program_year=app.program_year, name="Central committee")
    reviewer = UserFactory(email="reviewer@example.org")
    member = CommitteeMember.objects.create(committee=committee, user=reviewer)
    rubric = Rubric.objects.get(role="ct", tier=2)
    criterion = rubric.criteria.first()
    assignment = ReviewAssignment.objects.create(application=app, reviewer=reviewer, rubric=rubric, committee=committee)
    score = Score.objects.create(assignment=assignment, criterion=criterion, value=4, comment="Clear")
    slot = InterviewSlot.objects.create(
        program_year=app.program_year, starts_at=timezone.now() + datetime.timedelta(days=7), location="Worcester"
    )
    slot.panel.set([reviewer, staff_user])
    return {
        Application: app,
        ApplicationEvent: event,
        Recommendation: recommendation,
        MOUTemplate: template,
        MOU: mou,
        ScreeningCheck: check,
        Committee: committee,
        CommitteeMember: member,
        Rubric: rubric,
        Criterion: criterion,
        ReviewAssignment: assignment,
        Score: score,
        InterviewSlot: slot,
    }


def form_data(response) -> dict:
    """What the browser would post back for an admin change form, as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                if part is not None:
                    data[f"{name}_{index}"] = str(part)
        elif isinstance(field, forms.NullBooleanField):
            data[name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


# --- registration --------------------------------------------------------------------------------


def test_every_model_is_registered_with_history_export_search_and_no_delete():
    request = RequestFactory().get("/admin/")
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, SimpleHistoryAdmin), model
        assert isinstance(model_admin, ExportActionMixin), model
        assert model_admin.search_fields, model
        assert model_admin.has_delete_permission(request) is False, model


def test_token_hashes_and_letters_are_never_exported():
    request = RequestFactory().get("/admin/")
    for model, hidden in ((Recommendation, {"token_hash", "letter_text", "letter_file"}), (MOU, {"token_hash"})):
        model_admin = admin.site._registry[model]
        for resource_class in model_admin.get_export_resource_classes(request):
            names = {field.column_name for field in resource_class().get_export_fields()}
            assert names and not names & hidden, (model, names & hidden)


# --- every page opens ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_staff_open_every_changelist_and_search_it(staff_client, data, model):
    url = url_for(model, "changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    for term in ("a", data[Application].reference):
        assert staff_client.get(url, {"q": term}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_staff_open_every_change_and_history_page(staff_client, data, model):
    obj = data[model]
    assert staff_client.get(url_for(model, "change", obj.pk)).status_code == 200
    assert staff_client.get(url_for(model, "history", obj.pk)).status_code == 200


def test_application_search_finds_by_applicant_and_program(staff_client, staff_user):
    app = make_application(staff_user)
    other = make_application(staff_user)
    Program.objects.filter(pk=app.program_id).update(name="Harbor Head Start")
    app.program.refresh_from_db()
    # a last name no generated name contains (a generated "Le" would also find "Lee" and "Leonard")
    type(app.applicant).objects.filter(pk=app.applicant_id).update(last_name="Quillfeather")
    app.applicant.refresh_from_db()
    url = url_for(Application, "changelist")
    for term in (app.reference, app.applicant.last_name, app.applicant.email, app.program.name):
        results = list(staff_client.get(url, {"q": term}).context["cl"].result_list)
        assert app in results and other not in results, term


def test_application_list_filters(staff_client, staff_user):
    app = make_application(staff_user, role="mentee")
    make_application(staff_user, role="ct")
    url = url_for(Application, "changelist")
    params = {
        "role__exact": "mentee",
        "program_year__id__exact": app.program_year_id,
        "stage__exact": app.stage,
        "program__region__id__exact": app.program.region_id,
    }
    response = staff_client.get(url, params)
    assert list(response.context["cl"].result_list) == [app]


def test_application_changelist_makes_a_constant_number_of_queries(
    staff_client, staff_user, django_assert_max_num_queries
):
    url = url_for(Application, "changelist")
    for _ in range(2):
        make_application(staff_user)
    staff_client.get(url)  # warm up caches (content types, sessions)
    with django_assert_max_num_queries(40) as few:
        assert staff_client.get(url).status_code == 200
    for _ in range(8):
        make_application(staff_user)
    with django_assert_max_num_queries(40) as many:
        response = staff_client.get(url)
    assert response.context["cl"].result_count == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_application_list_and_page_link_to_the_staff_page(staff_client, data):
    app = data[Application]
    staff_url = reverse("applications:staff_detail", args=[app.reference])
    assert staff_url in staff_client.get(url_for(Application, "changelist")).content.decode()
    assert staff_url in staff_client.get(url_for(Application, "change", app.pk)).content.decode()


# --- read-only, no add, no delete ----------------------------------------------------------------


@pytest.mark.parametrize("model", [Application, *READ_ONLY], ids=lambda m: m._meta.model_name)
def test_workflow_records_cannot_be_added_in_the_admin(staff_client, model):
    assert staff_client.get(url_for(model, "add")).status_code == 403


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_nothing_can_be_deleted_in_the_admin(staff_client, data, model):
    obj = data[model]
    url = url_for(model, "delete", obj.pk)
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_no_changelist_offers_bulk_delete(staff_client, data):
    for model in MODELS:
        response = staff_client.get(url_for(model, "changelist"))
        assert "delete_selected" not in response.content.decode(), model


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.model_name)
def test_workflow_records_are_view_only(staff_client, data, model):
    response = staff_client.get(url_for(model, "change", data[model].pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_a_signed_mou_cannot_be_changed_in_the_admin(staff_client, data):
    mou = data[MOU]
    staff_client.post(url_for(MOU, "change", mou.pk), {"signer_name": "Someone Else", "status": "declined"})
    mou.refresh_from_db()
    assert (mou.signer_name, mou.status) == ("Lee Leader", MOU.Status.SIGNED)


def test_token_hashes_are_not_shown(staff_client, data):
    for model in (Recommendation, MOU):
        obj = data[model]
        model_admin = admin.site._registry[model]
        request = RequestFactory().get("/")
        request.user = data[Application].created_by
        assert "token_hash" not in model_admin.get_fields(request, obj)
    html = staff_client.get(url_for(Recommendation, "change", data[Recommendation].pk)).content.decode()
    assert "f" * 64 not in html


def test_stage_and_workflow_fields_cannot_be_changed_in_the_admin(staff_client, staff_user, data):
    app = data[Application]
    url = url_for(Application, "change", app.pk)
    form = form_data(staff_client.get(url))
    for workflow_field in ("stage", "submitted_at", "reference", "applicant", "created_by", "decided_by"):
        assert workflow_field not in form
    form.update(
        statement="Corrected: I coach colleagues in two programs.",
        stage="accepted",
        decided_at="2026-05-01 10:00:00",
        reference="PAC-HACKED",
    )
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    before = app.stage, app.reference, app.decided_at
    app.refresh_from_db()
    assert (app.stage, app.reference, app.decided_at) == before
    assert app.statement.startswith("Corrected")
    assert app.history.latest().history_user == staff_user
    assert not ApplicationEvent.objects.filter(application=app, to_stage="accepted").exists()


# --- letters -------------------------------------------------------------------------------------


def test_letters_are_not_shown_on_the_application_page(staff_client, data):
    html = staff_client.get(url_for(Application, "change", data[Application].pk)).content.decode()
    assert "Dana Recommender" in html  # the recommendation inline is there
    assert "Lee Leader" in html  # and the MOU inline
    assert "XYZZY-LETTER" not in html


def test_letters_are_not_shown_on_the_recommendation_pages(staff_client, data):
    recommendation = data[Recommendation]
    # a second version, so the history page lists what changed
    recommendation.letter_text = LETTER + " (edited XYZZY-SECOND)"
    recommendation.save()
    pages = [
        url_for(Recommendation, "changelist"),
        url_for(Recommendation, "change", recommendation.pk),
        url_for(Recommendation, "history", recommendation.pk),
    ]
    for url in pages:
        html = staff_client.get(url).content.decode()
        assert "XYZZY" not in html, url


# --- MOU templates -------------------------------------------------------------------------------


def template_form(template: MOUTemplate, **changes) -> dict:
    data = {"title": template.title, "body": template.body, "is_active": "on" if template.is_active else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_signed_template_saves_a_new_version(staff_client, staff_user, data):
    old = data[MOUTemplate]
    old_title, old_body = old.title, old.body
    response = staff_client.post(
        url_for(MOUTemplate, "change", old.pk), template_form(old, body=old_body + "\n9. Keep a log."), follow=True
    )
    assert response.status_code == 200
    old.refresh_from_db()
    assert (old.title, old.body, old.version, old.is_active) == (old_title, old_body, 1, False)
    new = MOUTemplate.objects.get(role="ct", version=2)
    assert new.pk != old.pk and new.is_active and new.body.endswith("9. Keep a log.") and new.title == old_title
    # the signed MOU still points at the version it signed
    assert MOU.objects.get(pk=data[MOU].pk).template_id == old.pk
    assert any("version 2" in str(m) for m in response.context["messages"])
    assert new.history.latest().history_user == staff_user


def test_editing_a_signed_template_twice_counts_versions_per_role(staff_client, data):
    old = data[MOUTemplate]
    staff_client.post(url_for(MOUTemplate, "change", old.pk), template_form(old, title="Revised title"))
    # v1 is signed; v2 is not yet, so it is edited in place
    v2 = MOUTemplate.objects.get(role="ct", version=2)
    staff_client.post(url_for(MOUTemplate, "change", v2.pk), template_form(v2, title="Revised again"))
    assert MOUTemplate.objects.filter(role="ct").count() == 2
    v2.refresh_from_db()
    assert v2.title == "Revised again"


def test_editing_an_unsigned_template_edits_it_in_place(staff_client):
    template = MOUTemplate.objects.get(role="mentee", version=1)
    response = staff_client.post(
        url_for(MOUTemplate, "change", template.pk), template_form(template, title="PAC MOU (mentee)")
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.version, template.is_active) == ("PAC MOU (mentee)", 1, True)
    assert MOUTemplate.objects.filter(role="mentee").count() == 1


def test_changing_only_whether_a_signed_template_is_active_keeps_it(staff_client, data):
    template = data[MOUTemplate]
    body = template.body
    # what a browser sends: CRLF line endings, no trailing newline
    posted = template_form(template, body=body.strip().replace("\n", "\r\n"), is_active="")
    assert staff_client.post(url_for(MOUTemplate, "change", template.pk), posted).status_code == 302
    template.refresh_from_db()
    assert (template.is_active, template.body, template.version) == (False, body, 1)
    assert MOUTemplate.objects.filter(role="ct").count() == 1


def test_a_new_template_gets_the_next_version_for_its_role(staff_client):
    response = staff_client.post(
        url_for(MOUTemplate, "add"),
        {"role": "ca", "title": "Supervisor MOU", "body": "I, {signer_name}...", "is_active": "on"},
    )
    assert response.status_code == 302
    assert MOUTemplate.objects.filter(role="ca").order_by("-version").first().title == "Supervisor MOU"
    assert MOUTemplate.objects.get(role="ca", title="Supervisor MOU").version == 2


# --- committees, rubrics, interviews -------------------------------------------------------------


def test_committee_members_are_chosen_by_autocomplete(staff_client, data):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "applications", "model_name": "committeemember", "field_name": "user", "term": "reviewer@"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(data[CommitteeMember].user)]


def test_committee_list_filters(staff_client, data):
    committee = data[Committee]
    other_year = ProgramYearFactory(
        name="2027–28",
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2028, 8, 31),
        applications_open_on=datetime.date(2027, 3, 1),
        applications_close_on=datetime.date(2027, 6, 30),
    )
    other = Committee.objects.create(program_year=other_year, name="Western committee", role="mentee")
    url = url_for(Committee, "changelist")
    by_year = staff_client.get(url, {"program_year__id__exact": committee.program_year_id}).context["cl"]
    assert list(by_year.result_list) == [committee]
    by_role = staff_client.get(url, {"role__exact": "mentee"}).context["cl"]
    assert list(by_role.result_list) == [other]


def test_rubric_page_shows_its_criteria(staff_client, data):
    rubric = data[Rubric]
    html = staff_client.get(url_for(Rubric, "change", rubric.pk)).content.decode()
    for criterion in rubric.criteria.all():
        assert criterion.name in html


def test_interview_slot_panel_is_editable_but_not_its_booking(staff_client, staff_user, data):
    slot = data[InterviewSlot]
    app = data[Application]
    url = url_for(InterviewSlot, "change", slot.pk)
    form = form_data(staff_client.get(url))
    assert "application" not in form
    form.update(location="Springfield office", application=str(app.pk), panel=[str(staff_user.pk)])
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    slot.refresh_from_db()
    assert slot.location == "Springfield office"
    assert list(slot.panel.all()) == [staff_user]
    assert slot.application_id is None
