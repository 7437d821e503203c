"""Control characters are refused at the edge (issue 12, "Bad input never becomes a 500"): a NUL
byte in a path segment, a query string, a form field (urlencoded or multipart), an uploaded
file's name, a cookie or a JSON body answers 400 with PAC's own page and never reaches
PostgreSQL; tabs and line breaks in a textarea are still saved."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.forms import ApplicationForm
from applications.models import Application, Stage
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_client(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    client.force_login(application.applicant.user)
    client.raise_request_exception = False
    return client, application


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    client.raise_request_exception = False
    return client


def _refused(response):
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert "PAC could not accept that request" in page
    assert "Nothing was saved" in page
    return page


@pytest.mark.parametrize("name", ["edit", "resume", "audit_bundle", "detail", "staff_detail"])
@pytest.mark.parametrize("segment", ["x\x00y", "x\x01y", "x\ty", "x\x7fy"])
def test_control_characters_in_a_path_segment_are_refused(applicant_client, name, segment):
    client, _ = applicant_client
    response = client.get(reverse(f"applications:{name}", args=[segment]))
    _refused(response)


def test_percent_encoded_nul_in_the_address_is_refused(applicant_client):
    client, _ = applicant_client
    _refused(client.get("/applications/x%00y/edit/"))


def test_anonymous_gets_the_same_page_not_a_sign_in_redirect_carrying_the_nul(client):
    client.raise_request_exception = False
    page = _refused(client.get("/applications/x%00y/resume/"))
    assert "Sign in" in page  # the site's own layout, for someone signed out


@pytest.mark.parametrize("query", ["year=1%00", "q=a%01b", "x%00=1"])
def test_control_characters_in_the_query_string_are_refused(staff_client, query):
    _refused(staff_client.get(f"{reverse('applications:staff_list')}?{query}"))


def test_nul_in_a_posted_field_is_refused_before_any_view(staff_client, program_year):
    application = ApplicationFactory(program_year=program_year, stage=Stage.AWAITING_DECISION)
    response = staff_client.post(
        f"{reverse('applications:decisions')}?year={program_year.pk}",
        {"reference": [application.reference, "x\x00y"], "decision": "accepted"},
    )
    _refused(response)
    application.refresh_from_db()
    assert application.stage == Stage.AWAITING_DECISION


def test_nul_in_a_multipart_field_is_refused(applicant_client):
    client, application = applicant_client
    url = reverse("applications:edit", args=[application.reference])
    _refused(client.post(url, {"statement": "a\x00b", "resume_upload": SimpleUploadedFile("cv.pdf", b"%PDF-1.4")}))
    application.refresh_from_db()
    assert "\x00" not in application.statement


def test_nul_in_a_json_body_is_refused(applicant_client):
    client, application = applicant_client
    url = reverse("applications:edit", args=[application.reference])
    response = client.post(url, json.dumps({"statement": "a\u0000b"}), content_type="application/json")
    _refused(response)
    # JSON that is not JSON at all is left to the view (which reads no JSON, so no 500 either)
    assert client.post(url, "{not json", content_type="application/json").status_code != 500


def test_nul_in_a_cookie_is_refused_as_signed_out(client):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "abc\x00def0123456789"
    page = _refused(client.get(reverse("pac:home")))
    assert "Sign in" in page


def test_tabs_and_line_breaks_in_a_textarea_are_saved(applicant_client):
    client, application = applicant_client
    url = reverse("applications:edit", args=[application.reference])
    statement = "First line\r\n\tIndented second line\nThird"
    form = ApplicationForm(instance=application)
    data = {bf.name: bf.value() for bf in form if bf.value() not in (None, "") and bf.name != "resume_upload"}
    data.update(statement=statement)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    application.refresh_from_db()
    assert application.statement.replace("\r\n", "\n") == statement.replace("\r\n", "\n")


def test_ordinary_unicode_passes(applicant_client):
    client, application = applicant_client
    response = client.get(f"{reverse('applications:edit', args=[application.reference])}?n=Zoë%20Ångström%20✓")
    assert response.status_code == 200


def test_decisions_ignore_malformed_references_even_behind_the_edge(staff_client, program_year, settings):
    """The second layer: the decisions view reads its references through a form, so even without
    the middleware a NUL reference is a form error, not a DataError."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RefuseControlCharactersMiddleware")]
    application = ApplicationFactory(program_year=program_year, stage=Stage.AWAITING_DECISION)
    response = staff_client.post(
        f"{reverse('applications:decisions')}?year={program_year.pk}",
        {"reference": [application.reference, "x\x00y"], "decision": "accepted"},
    )
    assert response.status_code in (200, 302)
    assert Application.objects.get(pk=application.pk).stage == Stage.AWAITING_DECISION
