"""Tier 2 applications no review committee covers: staff's pipeline warns with a link to set one up
(the admin's add page, prefilled), the application's page says why no reviewer can be added, and
no page shows "None"."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from applications import selectors
from applications.models import Application, Committee, CommitteeMember, Stage
from pac.models import Program, Region
from tests.applications.factories import ApplicationFactory, committee_with_members, open_window
from tests.factories import ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db


def _in_review(program_year, role="ct", region_number=1, **kwargs) -> Application:
    region = Region.objects.get(number=region_number)
    application = ApplicationFactory(program_year=program_year, role=role, stage=Stage.IN_REVIEW, **kwargs)
    Program.objects.filter(pk=application.program_id).update(region=region)
    return application


def _pipeline(client, year) -> str:
    response = client.get(reverse("applications:pipeline") + f"?year={year.pk}")
    assert response.status_code == 200
    return response.content.decode()


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _setup_links(html: str) -> list[dict]:
    add = reverse("admin:applications_committee_add")
    links = re.findall(rf'href="({re.escape(add)}\?[^"]*)"', html)
    return [{k: v[0] for k, v in parse_qs(urlparse(link.replace("&amp;", "&")).query).items()} for link in links]


def test_the_pipeline_warns_for_each_region_and_role_in_tier2_with_no_committee(client, staff_user):
    year = ProgramYearFactory(name="2031–32")
    _in_review(year, "ct", 1)
    _in_review(year, "ct", 1)
    _in_review(year, "mentee", 2)
    ApplicationFactory(program_year=year, stage=Stage.SUBMITTED)  # not in Tier 2: no warning for it
    client.force_login(staff_user)
    html = _pipeline(client, year)
    text = " ".join(_visible_text(html).split())
    assert "No review committee covers these Tier 2 applications" in text
    assert "2 Consultant Teacher applications in Region 1" in text
    assert "1 Mentee application in Region 2" in text
    assert not re.search(r"\bNone\b", text)
    region1, region2 = Region.objects.get(number=1), Region.objects.get(number=2)
    links = _setup_links(html)
    assert {"program_year": str(year.pk), "region": str(region1.pk), "role": "ct"} in [
        {k: v for k, v in link.items() if k != "name"} for link in links
    ]
    assert any(link.get("region") == str(region2.pk) and link.get("role") == "mentee" for link in links)
    assert all(link.get("name") for link in links)  # the new committee is named for what it covers


def test_the_warning_goes_once_a_committee_covers_them(client, staff_user):
    year = ProgramYearFactory(name="2031–32")
    _in_review(year, "ct", 1)
    _in_review(year, "mentee", 2)
    client.force_login(staff_user)
    # a committee for another year, an inactive one, one with no members, one for another role/region
    committee_with_members(ProgramYearFactory(name="2030–31"), 3)
    inactive, _ = committee_with_members(year, 3)
    Committee.objects.filter(pk=inactive.pk).update(is_active=False)
    Committee.objects.create(program_year=year, name="Empty")
    other, _ = committee_with_members(year, 3)
    Committee.objects.filter(pk=other.pk).update(role="ca", region=Region.objects.get(number=1))
    text = " ".join(_visible_text(_pipeline(client, year)).split())
    assert "1 Consultant Teacher application in Region 1" in text and "1 Mentee application in Region 2" in text
    # a committee for Region 1 (every role) covers the CT there; the Mentee in Region 2 still warns
    regional, _ = committee_with_members(year, 3)
    Committee.objects.filter(pk=regional.pk).update(region=Region.objects.get(number=1))
    text = " ".join(_visible_text(_pipeline(client, year)).split())
    assert "Consultant Teacher application" not in text and "1 Mentee application in Region 2" in text
    # a year-wide committee for Mentees covers the rest
    mentees, _ = committee_with_members(year, 3)
    Committee.objects.filter(pk=mentees.pk).update(role="mentee")
    html = _pipeline(client, year)
    assert "No review committee covers" not in html and not _setup_links(html)


def test_a_year_with_no_committee_at_all_says_so(client, staff_user):
    year = ProgramYearFactory(name="2031–32")
    _in_review(year, "ca", 3)
    client.force_login(staff_user)
    text = " ".join(_visible_text(_pipeline(client, year)).split())
    assert "2031–32 has no review committee yet" in text


def test_the_coverage_check_makes_the_same_number_of_queries_at_any_size(
    client, staff_user, django_assert_max_num_queries
):
    year = ProgramYearFactory(name="2031–32")
    client.force_login(staff_user)
    url = reverse("applications:pipeline") + f"?year={year.pk}"

    def add(n):
        for i in range(n):
            _in_review(year, ["ct", "mentee", "ca", "ma"][i % 4], 1 + i % 6)

    add(3)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    add(25)
    with django_assert_max_num_queries(20) as large:
        html = client.get(url).content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(_setup_links(html)) > 6  # every uncovered region and role has its own link


def test_selector_agrees_with_the_committee_model(program_year):
    """The database check and Committee.covers give the same answer."""
    covered = _in_review(program_year, "ct", 1)
    uncovered = _in_review(program_year, "mentee", 2)
    committee, _ = committee_with_members(program_year, 3)
    Committee.objects.filter(pk=committee.pk).update(role="ct")
    committee.refresh_from_db()
    assert committee.covers(covered) and not committee.covers(uncovered)
    rows = selectors.tier2_without_committee()
    assert [(r.program_year, r.region.number, r.role, r.count) for r in rows] == [(program_year, 2, "mentee", 1)]


def test_the_application_page_says_why_no_reviewer_can_be_added_and_shows_no_none(client, staff_user):
    year = ProgramYearFactory(name="2031–32")
    application = _in_review(year, "ct", 1, qris_level=None, years_supervising=None)
    client.force_login(staff_user)
    html = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    text = " ".join(_visible_text(html).split())
    assert "No review committee covers this application" in text
    assert "rank None" not in text and not re.search(r"\bNone\b", text)
    assert 'name="reviewer"' not in html  # no empty select to choose from
    assert _setup_links(html)[0]["role"] == "ct"


def test_a_committee_member_can_be_added_when_one_covers_it(client, staff_user):
    year = ProgramYearFactory(name="2031–32")
    application = _in_review(year, "ct", 1)
    committee = Committee.objects.create(program_year=year, name="Tier 2")
    member = UserFactory(email="rev@example.org")
    CommitteeMember.objects.create(committee=committee, user=member)
    client.force_login(staff_user)
    html = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    assert 'name="reviewer"' in html and f'value="{member.pk}"' in html
    assert "No review committee covers" not in html


def test_an_application_with_an_unsigned_ip_and_no_scores_shows_no_none(client, staff_user):
    """Signed through a link with no recorded address, in review with no submitted reviews yet."""
    from applications import services

    year = ProgramYearFactory(name="2031–32", **open_window())
    committee, members = committee_with_members(year, 3)
    application = ApplicationFactory(program_year=year)
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Dana Director", signer_email="d@example.org"
    )
    services.mou_sign(mou=mou, signature_name="Dana Director", confirmed=True, ip=None)
    Application.objects.filter(pk=application.pk).update(stage=Stage.IN_REVIEW)
    client.force_login(staff_user)
    html = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    text = " ".join(_visible_text(html).split())
    assert not re.search(r"\bNone\b", text), re.findall(r".{60}\bNone\b.{30}", text)
    assert "No submitted reviews yet" in text
