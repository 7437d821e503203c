"""The cohort evaluation report: a document job for staff and evaluators, its PDF's content (and
what it must not hold: names), and a build whose query count does not grow with the cohort."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.documents import KIND, cohort_report_pdf
from evaluation.models import Instrument
from evaluation.selectors import CohortFilter
from pac.documents.models import DocumentJob
from pac.models import Region
from pac.roles import StaffRole
from pac.services import role_revoke
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record
from tests.evaluation.test_scale import bulk_observed_pairs

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def observed_pairs(year, staff, n: int, *, region: int = 1) -> list:
    observer = certified_observer()
    pairs = []
    for i in range(n):
        pair = active_pair(year, staff, region=region)
        record(pair, "pre", 3, observer=observer)
        record(pair, "post", 5 if i % 2 else 4, observer=observer)
        pairs.append(pair)
    return pairs


def request_report(client, query: dict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('evaluation:cohort_report')}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
        )
    return response


def test_staff_request_the_report_for_the_page_filters_and_download_it(
    client, staff_user, program_year, django_capture_on_commit_callbacks
):
    pairs = observed_pairs(program_year, staff_user, 6)
    client.force_login(staff_user)
    response = request_report(
        client, {"year": program_year.pk, "instrument": "pre_k"}, django_capture_on_commit_callbacks
    )
    job = DocumentJob.objects.get(kind=KIND)
    assert response.status_code == 302
    assert response.url == reverse("documents:job", kwargs={"job_id": job.pk})
    assert job.status == DocumentJob.Status.DONE
    assert job.params == {"year": str(program_year.pk), "instrument": "pre_k"}
    assert job.requested_by == staff_user

    page = client.get(response.url)
    assert b"Your document is ready" in page.content
    download = client.get(reverse("documents:download", kwargs={"job_id": job.pk}))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    text = pdf_text(content)
    assert f"Cohort evaluation report: {program_year}" in text
    assert "Pre-K" in text
    assert "6 of 6 pairs in scope have both a pre and a post" in text
    assert "Emotional Support" in text and "Negative Climate" in text
    assert "Appendix: each pair's change" in text
    assert "Page 1 of" in text and "Generated" in text
    # Instructional Support: every dimension from 3 to 4 or 5 (a mean change of +1.50 over six pairs)
    assert "+1.50" in text
    # de-identified: pseudonyms, never a name
    for pair in pairs:
        assert pair.mentee.last_name not in text
        assert pair.coach.last_name not in text
    assert "PAIR-" in text


def test_small_cohort_says_it_is_too_small_and_gives_no_effect_sizes(staff_user, program_year):
    observed_pairs(program_year, staff_user, 2)
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    text = pdf_text(cohort_report_pdf(cohort))
    assert "Small sample" in text
    assert "too few to say anything about change" in text
    assert "Fewer than 5 pairs have both time points" in text


def test_region_filter_keeps_other_regions_out(staff_user, program_year):
    observed_pairs(program_year, staff_user, 2, region=1)
    observed_pairs(program_year, staff_user, 3, region=2)
    cohort = CohortFilter(
        program_year=program_year,
        instrument=Instrument.objects.get(code="pre_k"),
        region=Region.objects.get(number=2),
    )
    text = pdf_text(cohort_report_pdf(cohort))
    assert "3 of 3 pairs in scope" in text
    assert "By region" not in text  # one region only


def test_by_region_table_when_unfiltered(staff_user, program_year):
    observed_pairs(program_year, staff_user, 2, region=1)
    observed_pairs(program_year, staff_user, 3, region=2)
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    text = pdf_text(cohort_report_pdf(cohort))
    assert "By region" in text
    assert "Region 1:" in text and "Region 2:" in text
    assert "+1.50 (2)*" in text and "+1.33 (3)*" in text


def test_long_tables_repeat_their_header_on_every_page(program_year):
    bulk_observed_pairs(program_year, 120)
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    reader = pypdf.PdfReader(io.BytesIO(cohort_report_pdf(cohort)))
    assert len(reader.pages) >= 4
    appendix_pages = [p.extract_text() for p in reader.pages if "PAIR-" in p.extract_text()]
    assert len(appendix_pages) >= 2
    for text in appendix_pages:
        assert "Pair Region Program type Role" in text
    total = len(reader.pages)
    assert f"Page {total} of {total}" in reader.pages[-1].extract_text()


def test_the_pdf_is_tagged_and_embeds_its_font(program_year):
    bulk_observed_pairs(program_year, 6)
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    reader = pypdf.PdfReader(io.BytesIO(cohort_report_pdf(cohort)))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[str(font["/BaseFont"])] = descendant["/FontDescriptor"].get_object()
    assert any("PAC-Sans" in name for name in fonts)
    assert all("/FontFile2" in descriptor or "/FontFile3" in descriptor for descriptor in fonts.values())
    assert reader.metadata.title.startswith("Cohort evaluation report")


@pytest.mark.parametrize("who, expected", [("staff", 302), ("evaluator", 302), ("mentee", 403), ("plain", 403)])
def test_who_may_request_the_report(client, who, expected, staff_user, evaluator, mentee, plain_user, program_year):
    user = {"staff": staff_user, "evaluator": evaluator, "mentee": mentee, "plain": plain_user}[who]
    client.force_login(user)
    response = client.post(f"{reverse('evaluation:cohort_report')}?year={program_year.pk}")
    assert response.status_code == expected
    assert DocumentJob.objects.filter(requested_by=user).exists() == (expected == 302)


def test_get_is_not_allowed_and_anonymous_is_sent_to_sign_in(client, staff_user, program_year):
    assert client.post(reverse("evaluation:cohort_report")).status_code == 302
    assert "/accounts/login/" in client.post(reverse("evaluation:cohort_report")).url
    client.force_login(staff_user)
    assert client.get(reverse("evaluation:cohort_report")).status_code == 405


def test_a_hand_edited_filter_is_ignored_and_named(
    client, staff_user, program_year, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('evaluation:cohort_report')}?year={program_year.pk}&region=99", follow=True)
    assert response.status_code == 200
    assert b"were not valid and were ignored" in response.content
    job = DocumentJob.objects.get()
    assert "region" not in job.params
    assert job.status == DocumentJob.Status.DONE


def test_an_evaluator_who_loses_the_role_cannot_download_the_report(
    client, evaluator, program_year, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    request_report(client, {"year": program_year.pk}, django_capture_on_commit_callbacks)
    job = DocumentJob.objects.get()
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 200
    role_revoke(user=evaluator, role=StaffRole.EVALUATOR)
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 403


def test_the_analytics_page_offers_the_report_for_its_filters(client, staff_user, program_year):
    client.force_login(staff_user)
    response = client.get(
        reverse("evaluation:cohort"), {"year": program_year.pk, "instrument": "pre_k", "kind": "ct_mentee"}
    )
    assert b"Create the cohort report (PDF)" in response.content
    assert (
        f'action="{reverse("evaluation:cohort_report")}?year={program_year.pk}&amp;instrument=pre_k&amp;kind=ct_mentee"'.encode()
        in response.content
    )


def test_building_the_report_takes_the_same_queries_for_10_and_40_pairs(program_year):
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    counts = []
    for n in (10, 30):
        bulk_observed_pairs(program_year, n, seed=n)
        with CaptureQueriesContext(connection) as queries:
            cohort_report_pdf(cohort)
        counts.append(len(queries))
    assert counts[0] == counts[1]
