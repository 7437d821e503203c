"""Staff's application list on django-filter and django-tables2: filter, sort, page, download as
CSV (staff only), bad input, and a query budget that does not grow with the applications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Stage
from pac.models import Region
from tests.applications.factories import ApplicationFactory, committee_with_members
from tests.applications.test_views import _many_in_review
from tests.factories import PersonFactory, ProgramFactory, UserFactory
from tests.lists import csv_rows, listed, with_query

pytestmark = pytest.mark.django_db


def _application(year, first, last, *, region=1, **kwargs):
    program = ProgramFactory(region=Region.objects.get(number=region))
    person = PersonFactory(first_name=first, last_name=last, program=program, with_account=True)
    return ApplicationFactory(program_year=year, applicant=person, program=program, **kwargs)


@pytest.fixture
def three(program_year):
    return {
        "ana": _application(program_year, "Ana", "Zeller", region=1, role="ct", stage=Stage.IN_REVIEW),
        "bo": _application(program_year, "Bo", "Young", region=2, role="mentee", stage=Stage.ACCEPTED),
        "cy": _application(program_year, "Cy", "Adams", region=2, role="ct", stage=Stage.ACCEPTED),
    }


@pytest.fixture
def url(program_year):
    return f"{reverse('applications:staff_list')}?year={program_year.pk}"


def test_filters_narrow_the_list(client, staff_user, three, url):
    client.force_login(staff_user)
    assert set(listed(client.get(with_query(url, stage="accepted")))) == {three["bo"], three["cy"]}
    assert listed(client.get(with_query(url, stage="accepted", role="ct"))) == [three["cy"]]
    assert set(listed(client.get(with_query(url, region=2)))) == {three["bo"], three["cy"]}
    assert listed(client.get(with_query(url, q="zell"))) == [three["ana"]]
    assert listed(client.get(with_query(url, q="ana zeller"))) == [three["ana"]]
    assert listed(client.get(with_query(url, q=three["bo"].reference))) == [three["bo"]]


def test_columns_sort_both_ways(client, staff_user, three, url):
    client.force_login(staff_user)
    assert listed(client.get(with_query(url, sort="applicant"))) == [three["cy"], three["bo"], three["ana"]]
    assert listed(client.get(with_query(url, sort="-applicant"))) == [three["ana"], three["bo"], three["cy"]]
    page = client.get(with_query(url, sort="applicant")).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "sort=-applicant" in page  # the header's link sorts the other way next


@pytest.mark.parametrize(
    "query",
    ["sort=nope", "page=abc", "page=999999", "region=99", "stage=bogus", "role=<script>", "q=" + "A" * 3000],
)
def test_bad_input_shows_the_list_with_a_note(client, staff_user, three, url, query):
    client.force_login(staff_user)
    response = client.get(f"{url}&{query}")
    assert response.status_code == 200
    if query.startswith(("region", "stage", "role", "q=")):
        assert "Not understood, so not applied" in response.content.decode()
        assert len(listed(response)) == 3
    if query.startswith("page"):
        assert "the first page is shown" in response.content.decode()


def test_pages_of_fifty(client, staff_user, program_year, url):
    _, members = committee_with_members(program_year, 3)
    _many_in_review(program_year, 60, members)
    client.force_login(staff_user)
    assert len(listed(client.get(url))) == 50
    second = client.get(with_query(url, page=2))
    assert len(listed(second)) == 10
    assert 'aria-current="page"' in second.content.decode()


def test_the_csv_has_the_filtered_rows_in_order(client, staff_user, three, url):
    client.force_login(staff_user)
    page = client.get(with_query(url, stage="accepted")).content.decode()
    assert "Download CSV" in page and "_export=csv" in page
    rows = csv_rows(client.get(with_query(url, stage="accepted", sort="applicant", _export="csv")))
    assert rows[0] == ["Reference", "Applicant", "Role", "Region", "Stage", "Letters", "Tier 2 reviews"]
    assert [r[1] for r in rows[1:]] == ["Cy Adams", "Bo Young"]
    assert rows[1][0] == three["cy"].reference and rows[1][2] == "Consultant Teacher" and rows[1][4] == "Accepted"


@pytest.mark.parametrize("who", ["reviewer", "applicant", "nobody"])
def test_only_staff_may_download(client, three, url, reviewer, who):
    user = {"reviewer": reviewer, "applicant": three["ana"].applicant.user, "nobody": UserFactory()}[who]
    client.force_login(user)
    assert client.get(with_query(url, _export="csv")).status_code == 403


@pytest.mark.parametrize("query", ["", "sort=-applicant", "stage=in_review&region=3&q=bulk", "sort=region&_export=csv"])
def test_the_list_and_its_csv_make_the_same_number_of_queries_at_any_size(
    client, staff_user, program_year, url, query, django_assert_max_num_queries
):
    _, members = committee_with_members(program_year, 3)
    _many_in_review(program_year, 10, members)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as small:
        assert client.get(f"{url}&{query}").status_code == 200
    _many_in_review(program_year, 490, members)
    with django_assert_max_num_queries(20) as large:
        assert client.get(f"{url}&{query}").status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_letters_and_reviews_are_counted_per_application(client, staff_user, program_year):
    """The counts are subqueries per row (no join of letters × reviews): each counts only its own."""
    from applications.models import Recommendation, ReviewAssignment, Rubric
    from tests.applications.factories import RecommendationFactory

    busy = _application(program_year, "Busy", "Reviewed", role="ct", stage=Stage.IN_REVIEW)
    quiet = _application(program_year, "Quiet", "Waiting", role="ct", stage=Stage.SUBMITTED)
    RecommendationFactory.create_batch(2, application=busy, received=True)
    RecommendationFactory(application=busy)  # requested, not received
    rubric = Rubric.objects.get(role="ct", tier=2)
    _, members = committee_with_members(program_year, 4)
    for member, status, tier in zip(
        members, ["submitted", "submitted", "in_progress", "submitted"], [2, 2, 2, 3], strict=True
    ):
        ReviewAssignment.objects.create(application=busy, reviewer=member, tier=tier, rubric=rubric, status=status)
    assert Recommendation.objects.filter(application=busy).count() == 3
    client.force_login(staff_user)
    response = client.get(f"{reverse('applications:staff_list')}?year={program_year.pk}&_export=csv")
    rows = {row[0]: row for row in csv_rows(response)[1:]}
    assert rows[busy.reference][-2:] == ["2", "2"]
    assert rows[quiet.reference][-2:] == ["0", "0"]
