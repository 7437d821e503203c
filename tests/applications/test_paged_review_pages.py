"""The pages that grow with the year, a page at a time (issue 14): Tier 2 progress (counts by
aggregation, overdue worked out by the database, filters kept in the page links, the reminder
reaching every overdue review whatever page is shown), the Reviews page (a reviewer's own reviews,
the open work first) and the Tier 3 interviews page (slots to come, or past). Query counts do not
grow with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from applications import selectors
from applications.models import Application, ReviewAssignment, Rubric, Score, Stage
from pac.models import OutboundEmail, Person, Program, Region
from pac.roles import StaffRole
from pac.services import role_grant
from tests.applications.factories import InterviewSlotFactory, committee_with_members
from tests.factories import ProgramYearFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATE = TODAY - datetime.timedelta(days=3)
SOON = TODAY + datetime.timedelta(days=5)


def _applications(program_year, n: int, created_by, stage=Stage.IN_REVIEW) -> list[Application]:
    start = Application.objects.count()
    region = Region.objects.order_by("number").first()
    program = Program.objects.create(
        name=f"Paged program {start}",
        program_type="center",
        license_number=f"PAGED-{start}",
        city="Salem",
        region=region,
    )
    people = Person.objects.bulk_create(
        [
            Person(first_name="Paged", last_name=f"Applicant {start + i}", email=f"paged{start + i}@example.org")
            for i in range(n)
        ]
    )
    return Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-PAGED-{start + i:05d}",
                program_year=program_year,
                role="ct",
                applicant=person,
                created_by=created_by,
                program=program,
                stage=stage,
            )
            for i, person in enumerate(people)
        ]
    )


def _assign(
    applications, reviewer, *, status="assigned", due_on=SOON, committee=None, tier=2
) -> list[ReviewAssignment]:
    rubric = Rubric.objects.get(role="ct", tier=tier)
    return ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application=a,
                reviewer=reviewer,
                tier=tier,
                rubric=rubric,
                status=status,
                due_on=due_on,
                committee=committee,
                submitted_at=timezone.now() if status == "submitted" else None,
            )
            for a in applications
        ]
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _progress(client, year, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": year.pk, **params}.items())
    return client.get(reverse("applications:progress") + "?" + query).content.decode()


def _text(page: str) -> str:
    """What the page says, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" .", ".")


def _rows(page: str) -> list[str]:
    """The application references listed in the page's table, in order."""
    return re.findall(r">(PAC-PAGED-\d+)</a>", page)


@pytest.fixture
def committee(program_year):
    committee, members = committee_with_members(program_year, 3)
    for member in members:
        role_grant(user=member, role=StaffRole.REVIEWER)
    return committee, members


# --- Tier 2 progress -------------------------------------------------------------------------------


def test_progress_counts_come_from_the_database_and_match_the_rows(client, staff_user, program_year, committee):
    _, (first, second, third) = committee
    apps = _applications(program_year, 12, staff_user)
    _assign(apps[:4], first, due_on=LATE)  # overdue
    _assign(apps[4:6], first, status="in_progress", due_on=LATE)  # overdue
    _assign(apps[6:8], second, due_on=SOON)  # due, not late
    _assign(apps[8:9], second, due_on=None)  # due, no date: never overdue
    _assign(apps[9:11], third, status="submitted", due_on=LATE)  # late but done: not overdue
    _assign(apps[11:], third, status="recused", due_on=LATE)
    _assign(apps[11:], second, status="withdrawn", due_on=LATE)  # not counted anywhere
    counts = selectors.review_progress_counts(program_year)
    assert (counts["due"], counts["done"], counts["overdue"], counts["total"]) == (9, 2, 6, 12)
    assert counts["unassigned"] == 1  # the last one: recused and withdrawn reviewers only
    loads = {load["reviewer_id"]: load for load in counts["loads"]}
    assert (loads[first.pk]["open"], loads[first.pk]["overdue"]) == (6, 6)
    assert (loads[second.pk]["open"], loads[second.pk]["overdue"], loads[second.pk]["recused"]) == (3, 0, 0)
    assert (loads[third.pk]["done"], loads[third.pk]["recused"]) == (2, 1)
    # the annotation agrees with the model's rule, row by row
    rows = list(selectors.review_progress(program_year))
    assert len(rows) == 12
    assert all(row.overdue == row.is_overdue() for row in rows)
    # the page says so, overdue first
    client.force_login(staff_user)
    page = _progress(client, program_year)
    assert "9 reviews due · 2 done" in page and "6 overdue" in page
    assert _rows(page)[:6] == sorted(a.reference for a in apps[:6])


def test_an_application_in_review_without_reviewers_is_counted(program_year, staff_user, committee):
    _, members = committee
    apps = _applications(program_year, 3, staff_user)
    _assign(apps[:1], members[0])
    _assign(apps[1:2], members[0], status="recused")  # recused only: no active reviewer
    assert selectors.review_progress_counts(program_year)["unassigned"] == 2


def test_progress_lists_fifty_assignments_a_page_and_says_where(client, staff_user, program_year, committee):
    _, members = committee
    apps = _applications(program_year, 120, staff_user)
    _assign(apps, members[0])
    client.force_login(staff_user)
    first = _progress(client, program_year)
    assert len(_rows(first)) == 50
    assert "Showing 1–50 of 120 assignments." in _text(first)
    third = _progress(client, program_year, page=3)
    assert len(_rows(third)) == 20 and "Showing 101–120 of 120 assignments." in _text(third)
    seen = _rows(first) + _rows(_progress(client, program_year, page=2)) + _rows(third)
    assert sorted(seen) == sorted(a.reference for a in apps)  # no row twice, none missed
    assert "There is no page 9" in _progress(client, program_year, page=9)


def test_progress_filters_and_keeps_them_in_the_page_links(client, staff_user, program_year, committee):
    panel, members = committee
    other_committee, _ = committee_with_members(program_year, 3, name="Region 2 committee")
    apps = _applications(program_year, 130, staff_user)
    late = _assign(apps[:60], members[0], due_on=LATE, committee=panel)
    _assign(apps[60:90], members[1], committee=other_committee)
    _assign(apps[90:110], members[2], status="submitted", committee=panel)
    _assign(apps[110:], members[2], status="in_progress", committee=panel, tier=3)
    client.force_login(staff_user)
    overdue = _progress(client, program_year, overdue="true")
    assert "Showing 1–50 of 60 assignments." in _text(overdue)
    assert sorted(_rows(overdue) + _rows(_progress(client, program_year, overdue="true", page=2))) == sorted(
        a.application.reference for a in late
    )
    # the next page's link keeps the filter and the year
    link = re.search(r'href="([^"]*page=2[^"]*)"', overdue).group(1).replace("&amp;", "&")
    assert "overdue=true" in link and f"year={program_year.pk}" in link
    assert "60 assignments" in _text(client.get(reverse("applications:progress") + link).content.decode())
    theirs = _progress(client, program_year, committee=other_committee.pk)
    assert "30 assignments." in _text(theirs) and "Showing" not in theirs and len(_rows(theirs)) == 30
    assert len(_rows(_progress(client, program_year, status="submitted"))) == 20
    assert len(_rows(_progress(client, program_year, tier=3))) == 20
    assert len(_rows(_progress(client, program_year, overdue="false", committee=panel.pk))) == 40
    assert _rows(_progress(client, program_year, q=apps[5].reference)) == [apps[5].reference]
    # a value the form does not take is named and not applied
    stale = _progress(client, program_year, committee="999999")
    assert "Not understood, so not applied: Committee" in stale and "of 130 assignments" in _text(stale)
    # only overdue rows can be chosen for a reminder
    assert 'name="assignment"' not in _progress(client, program_year, status="submitted")
    assert _progress(client, program_year, overdue="true").count('name="assignment"') == 50


def test_remind_with_none_chosen_reaches_every_overdue_review_of_the_year_on_any_page(
    client, staff_user, program_year, committee
):
    _, members = committee
    apps = _applications(program_year, 75, staff_user)
    late = _assign(apps[:60], members[0], due_on=LATE)  # more than a page
    on_time = _assign(apps[60:70], members[1], due_on=SOON)
    done = _assign(apps[70:], members[2], status="submitted", due_on=LATE)
    other_year = ProgramYearFactory(name="2027–28")
    elsewhere = _assign(_applications(other_year, 2, staff_user), members[0], due_on=LATE)
    client.force_login(staff_user)
    url = reverse("applications:progress") + f"?year={program_year.pk}&status=submitted&page=2"
    response = client.post(url, {})
    assert response.status_code == 302 and response["Location"] == url  # back to the same page and filters
    assert _messages(response) == ["Reminded 60 late reviews."]
    reminded = set(ReviewAssignment.objects.filter(last_reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {a.pk for a in late}
    assert not reminded & {a.pk for a in on_time + done + elsewhere}


def test_remind_the_chosen_reminds_exactly_the_chosen_overdue_ones(client, staff_user, program_year, committee):
    _, members = committee
    apps = _applications(program_year, 8, staff_user)
    late = _assign(apps[:5], members[0], due_on=LATE)
    on_time = _assign(apps[5:], members[1], due_on=SOON)
    client.force_login(staff_user)
    chosen = [late[0].pk, late[3].pk, on_time[0].pk, "x", 10**12]  # one not late, junk and a stranger ignored
    response = client.post(reverse("applications:progress") + f"?year={program_year.pk}", {"assignment": chosen})
    assert _messages(response) == ["Reminded 2 late reviews."]
    assert set(ReviewAssignment.objects.filter(last_reminded_at__isnull=False).values_list("pk", flat=True)) == {
        late[0].pk,
        late[3].pk,
    }


def test_the_reminder_emails_say_what_is_late(client, staff_user, program_year, committee):
    _, members = committee
    apps = _applications(program_year, 2, staff_user)
    _assign(apps, members[0], due_on=LATE)
    client.force_login(staff_user)
    client.post(reverse("applications:progress") + f"?year={program_year.pk}", {})
    emails = [e for e in OutboundEmail.objects.all() if "overdue" in e.subject]
    assert len(emails) == 2 and all(e.to == [members[0].email] for e in emails)
    assert {a.reference for a in apps} == {re.search(r"PAC-PAGED-\d+", e.subject).group() for e in emails}


def test_progress_queries_do_not_grow_with_pages_or_filters(
    client, staff_user, program_year, committee, django_assert_max_num_queries
):
    panel, members = committee
    client.force_login(staff_user)
    urls = [
        reverse("applications:progress") + f"?year={program_year.pk}",
        reverse("applications:progress") + f"?year={program_year.pk}&overdue=true&committee={panel.pk}&page=2",
    ]

    def add(n):
        apps = _applications(program_year, n, staff_user)
        _assign(apps[: n // 2], members[0], due_on=LATE, committee=panel)
        _assign(apps[n // 2 :], members[1], status="submitted", committee=panel)

    add(120)
    small = []
    for url in urls:
        with django_assert_max_num_queries(15) as counted:
            assert client.get(url).status_code == 200
        small.append(len(counted.captured_queries))
    add(400)
    for url, before in zip(urls, small, strict=True):
        with django_assert_max_num_queries(15) as counted:
            assert client.get(url).status_code == 200
        assert len(counted.captured_queries) == before


def test_a_reviewer_cannot_open_the_progress_page_or_remind(client, program_year, committee, staff_user):
    _, members = committee
    apps = _applications(program_year, 1, staff_user)
    _assign(apps, members[1], due_on=LATE)
    client.force_login(members[0])
    assert client.get(reverse("applications:progress")).status_code == 403
    assert client.post(reverse("applications:progress"), {}).status_code == 403
    assert not ReviewAssignment.objects.filter(last_reminded_at__isnull=False).exists()


# --- the Reviews page ------------------------------------------------------------------------------


def _reviews(client, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("applications:reviews") + ("?" + query if query else "")).content.decode()


def test_a_reviewer_sees_only_their_own_reviews_the_open_ones_first(client, program_year, committee, staff_user):
    _, (me, other, _) = committee
    apps = _applications(program_year, 70, staff_user)
    mine_done = _assign(apps[:60], me, status="submitted")
    mine_open = _assign(apps[60:63], me, due_on=LATE) + _assign(apps[63:64], me, status="in_progress", due_on=SOON)
    _assign(apps[64:65], me, status="recused")
    _assign(apps[65:66], me, status="withdrawn")
    theirs = _assign(apps[66:], other)
    client.force_login(me)
    first = _reviews(client)
    assert "Showing 1–50 of 65 reviews." in _text(first)
    listed = _rows(first)
    assert listed[:4] == [a.application.reference for a in mine_open]  # the open work first, soonest due
    assert first.count("(overdue)") == 3
    second = _reviews(client, page=2)
    assert "4 reviews to do</a> on the first page" in second and "To do" not in second
    everything = listed + _rows(second)
    # the recused one is listed without a link; the withdrawn one and the others' are not there
    assert sorted(everything) == sorted(a.reference for a in apps[:64])
    assert not {a.application.reference for a in theirs} & set(everything)
    assert apps[64].reference in second and "conflict of interest" in second
    assert {a.application.reference for a in mine_done} <= set(everything)


def test_the_reviews_page_counts_each_section(client, program_year, committee, staff_user):
    _, (me, _, _) = committee
    apps = _applications(program_year, 5, staff_user)
    _assign(apps[:2], me)
    _assign(apps[2:4], me, status="submitted")
    _assign(apps[4:], me, status="recused")
    client.force_login(me)
    page = _reviews(client)
    assert re.search(r"To do <span[^>]*>2</span>", page)
    assert re.search(r"Submitted <span[^>]*>2</span>", page)
    assert re.search(r"Recused <span[^>]*>1</span>", page)
    assert "Showing" not in page  # one page: no pages to show


def test_the_reviews_page_counts_scores_of_open_reviews(client, program_year, committee, staff_user):
    _, (me, _, _) = committee
    apps = _applications(program_year, 2, staff_user)
    opened = _assign(apps[:1], me, status="in_progress")[0]
    ReviewAssignment.objects.filter(pk=opened.pk).update(conflict_declared_at=timezone.now())
    criteria = list(opened.rubric.criteria.all())
    Score.objects.bulk_create(
        [Score(assignment=opened, criterion=criteria[0], value=3), Score(assignment=opened, criterion=criteria[1])]
    )
    _assign(apps[1:], me)
    client.force_login(me)
    page = _reviews(client)
    assert f"1 of {len(criteria)} scored" in page and "Declare conflicts first" in page


def test_a_bad_page_number_shows_the_first_page_with_a_note(client, program_year, committee, staff_user):
    _, (me, _, _) = committee
    _assign(_applications(program_year, 3, staff_user), me)
    client.force_login(me)
    for asked, note in [("x", "not understood"), ("0", "no page 0"), ("7", "no page 7"), ("9" * 40, "no page")]:
        page = _reviews(client, page=asked)
        assert note in page and len(_rows(page)) == 3


def test_the_reviews_page_queries_do_not_grow_with_pages(
    client, program_year, committee, staff_user, django_assert_max_num_queries
):
    _, (me, _, _) = committee
    client.force_login(me)

    def add(n):
        apps = _applications(program_year, n, staff_user)
        _assign(apps[:5], me, status="in_progress")
        _assign(apps[5:], me, status="submitted")

    add(60)
    counts = []
    for params in ({}, {"page": 2}):
        with django_assert_max_num_queries(12) as counted:
            _reviews(client, **params)
        counts.append(len(counted.captured_queries))
    add(400)
    for params, before in zip(({}, {"page": 2}), counts, strict=True):
        with django_assert_max_num_queries(12) as counted:
            _reviews(client, **params)
        assert len(counted.captured_queries) == before


# --- Tier 3 interviews -----------------------------------------------------------------------------


def _interviews(client, year, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": year.pk, **params}.items())
    return client.get(reverse("applications:interviews") + "?" + query).content.decode()


def test_interviews_show_the_slots_to_come_and_the_past_ones_apart(client, staff_user, program_year, committee):
    _, members = committee
    now = timezone.now()
    past = [
        InterviewSlotFactory(program_year=program_year, starts_at=now - datetime.timedelta(days=d), panel=members)
        for d in range(1, 56)
    ]
    coming = [
        InterviewSlotFactory(program_year=program_year, starts_at=now + datetime.timedelta(days=d), panel=members)
        for d in range(1, 4)
    ]
    waiting = _applications(program_year, 2, staff_user, stage=Stage.INTERVIEW)
    client.force_login(staff_user)
    upcoming = _interviews(client, program_year)
    assert "Upcoming slots (3)" in upcoming
    assert upcoming.count('name="slot"') == 3  # each open slot to come can be given to someone waiting
    assert upcoming.count(f'value="{waiting[0].reference}"') == 3
    assert "when=past" in upcoming
    before = _interviews(client, program_year, when="past")
    assert "Past slots (55)" in before and "Showing 1–50 of 55 slots." in _text(before)
    assert 'name="slot"' not in before and "Not used" in before  # a past slot cannot be given any more
    later = _interviews(client, program_year, when="past", page=2)
    assert "Showing 51–55 of 55 slots." in _text(later)
    assert f"book-{past[0].pk}" not in before and f"book-{coming[0].pk}" in upcoming


def test_the_interviews_page_queries_do_not_grow(
    client, staff_user, program_year, committee, django_assert_max_num_queries
):
    _, members = committee
    client.force_login(staff_user)
    now = timezone.now()

    def add(n):
        for d in range(n):
            InterviewSlotFactory(
                program_year=program_year, starts_at=now + datetime.timedelta(hours=d + 1), panel=members
            )
            InterviewSlotFactory(
                program_year=program_year, starts_at=now - datetime.timedelta(hours=d + 1), panel=members
            )
        _applications(program_year, n, staff_user, stage=Stage.INTERVIEW)

    add(3)
    counts = []
    for params in ({}, {"when": "past"}):
        with django_assert_max_num_queries(15) as counted:
            _interviews(client, program_year, **params)
        counts.append(len(counted.captured_queries))
    add(60)
    for params, before in zip(({}, {"when": "past"}), counts, strict=True):
        with django_assert_max_num_queries(15) as counted:
            _interviews(client, program_year, **params)
        assert len(counted.captured_queries) == before
