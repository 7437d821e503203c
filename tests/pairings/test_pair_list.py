"""Staff's list of pairs on django-filter and django-tables2: filter, sort, page, download as CSV
(staff only), bad input, and a query budget that does not grow with the pairs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application
from pac.models import Person, Program, Region
from pairings import services
from pairings.models import Kind, Pair
from tests.factories import PersonFactory, UserFactory
from tests.lists import csv_rows, listed, with_query
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db


def _pair(year, staff, coach_name, mentee_name, *, region=1, confirm=True, kind=Kind.CT_MENTEE):
    coach_role, mentee_role = ("ct", "mentee") if kind == Kind.CT_MENTEE else ("ca", "ma")
    coach = accepted(coach_role, year, region_number=region)
    mentee = accepted(mentee_role, year, region_number=region)
    for application, name in ((coach, coach_name), (mentee, mentee_name)):
        first, last = name.split()
        Person.objects.filter(pk=application.applicant_id).update(first_name=first, last_name=last)
    return services.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff, confirm=confirm)


@pytest.fixture
def pairs(program_year, staff_user):
    return {
        "a": _pair(program_year, staff_user, "Ada Zorn", "Mia Bell", region=1),
        "b": _pair(program_year, staff_user, "Ben Adler", "Noa Cruz", region=2, confirm=False),
        "c": _pair(program_year, staff_user, "Cal Moss", "Oli Dunn", region=2, kind=Kind.CA_MA),
    }


@pytest.fixture
def url(program_year):
    return f"{reverse('pairings:list')}?year={program_year.pk}"


def test_filters_narrow_the_list(client, staff_user, pairs, url):
    client.force_login(staff_user)
    assert set(listed(client.get(with_query(url, status="active")))) == {pairs["a"], pairs["c"]}
    assert listed(client.get(with_query(url, kind="ca_ma"))) == [pairs["c"]]
    assert set(listed(client.get(with_query(url, region=2)))) == {pairs["b"], pairs["c"]}
    assert listed(client.get(with_query(url, q="noa"))) == [pairs["b"]]
    assert listed(client.get(with_query(url, q="zorn", status="proposed"))) == []


def test_columns_sort_both_ways(client, staff_user, pairs, url):
    client.force_login(staff_user)
    assert listed(client.get(with_query(url, sort="coach"))) == [pairs["b"], pairs["c"], pairs["a"]]
    assert listed(client.get(with_query(url, sort="-coach"))) == [pairs["a"], pairs["c"], pairs["b"]]
    assert listed(client.get(with_query(url, sort="mentee"))) == [pairs["a"], pairs["b"], pairs["c"]]


@pytest.mark.parametrize("query", ["sort=bogus", "page=abc", "page=999999", "status=x", "kind=1", "region=abc"])
def test_bad_input_shows_the_list(client, staff_user, pairs, url, query):
    client.force_login(staff_user)
    response = client.get(f"{url}&{query}")
    assert len(listed(response)) == 3
    page = response.content.decode()
    assert ("the first page is shown" in page) if query.startswith("page") else True
    assert ("Not understood" in page) if query.split("=")[0] in ("status", "kind", "region") else True


def test_the_csv_has_the_filtered_rows(client, staff_user, pairs, url):
    client.force_login(staff_user)
    assert "Download CSV" in client.get(url).content.decode()
    rows = csv_rows(client.get(with_query(url, status="active", sort="coach", _export="csv")))
    assert rows[0] == ["Coach", "Mentee", "Leader", "Region", "Kind", "Status", "Started"]
    assert [r[:2] for r in rows[1:]] == [["Cal Moss", "Oli Dunn"], ["Ada Zorn", "Mia Bell"]]
    assert rows[1][4] == "Consultant Administrator – Mentee Administrator" and rows[1][5] == "Active"


@pytest.mark.parametrize("who", ["coach", "reviewer", "nobody"])
def test_only_staff_may_download(client, pairs, url, reviewer, who):
    client.force_login({"coach": pairs["a"].coach.user, "reviewer": reviewer, "nobody": UserFactory()}[who])
    assert client.get(with_query(url, _export="csv")).status_code == 403


def bulk_pairs(year, n: int) -> None:
    """n active CT–Mentee pairs over the six regions, made in bulk."""
    start = Person.objects.count()
    creator = UserFactory()
    programs = [
        Program.objects.create(
            name=f"PL {start}-{r.number}", program_type="center", license_number=f"PL-{start}-{r.number}", region=r
        )
        for r in Region.objects.order_by("number")
    ]
    people = Person.objects.bulk_create(
        [
            Person(first_name="P", last_name=f"{start + i}", email=f"pl{start + i}@ex.org", program=programs[i % 6])
            for i in range(2 * n)
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-PL-{start + i:06d}",
                program_year=year,
                role="ct" if i % 2 == 0 else "mentee",
                applicant=person,
                created_by=creator,
                program=person.program,
                stage="accepted",
            )
            for i, person in enumerate(people)
        ]
    )
    leader = PersonFactory()
    Pair.objects.bulk_create(
        [
            Pair(
                program_year=year,
                kind=Kind.CT_MENTEE,
                coach=applications[2 * i].applicant,
                mentee=applications[2 * i + 1].applicant,
                coach_application=applications[2 * i],
                mentee_application=applications[2 * i + 1],
                leader=leader,
                status="active",
                coach_slot=1,
                coach_capacity=2,
            )
            for i in range(n)
        ]
    )


def test_pages_of_fifty(client, staff_user, program_year, url):
    bulk_pairs(program_year, 60)
    client.force_login(staff_user)
    assert len(listed(client.get(url))) == 50
    assert len(listed(client.get(with_query(url, page=2)))) == 10


@pytest.mark.parametrize("query", ["", "sort=-mentee", "status=active&region=3&q=p", "sort=leader&_export=csv"])
def test_the_list_and_its_csv_make_the_same_number_of_queries_at_any_size(
    client, staff_user, program_year, url, query, django_assert_max_num_queries
):
    bulk_pairs(program_year, 10)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as small:
        assert client.get(f"{url}&{query}").status_code == 200
    bulk_pairs(program_year, 490)
    with django_assert_max_num_queries(20) as large:
        assert client.get(f"{url}&{query}").status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
