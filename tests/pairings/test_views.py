"""Pairing pages: only staff pair; coaches, mentees and leaders see only their own pairs; the
pages' query counts do not grow with the pool."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application, Stage
from pac.models import Person, Program, Region
from pairings import services
from pairings.models import Pair
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.factories import PersonFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def _accepted(year, role, region=1, **kwargs):
    program = ProgramFactory(region=Region.objects.get(number=region))
    person = PersonFactory(with_account=True, program=program)
    return ApplicationFactory(
        program_year=year, role=role, stage=Stage.ACCEPTED, applicant=person, program=program, **kwargs
    )


@pytest.fixture
def active_pair(program_year, staff_user):
    coach = _accepted(program_year, "ct")
    mentee = _accepted(program_year, "mentee")
    leader = PersonFactory(with_account=True, program=mentee.program)
    MOUFactory(application=mentee, signed=True, signer_person=leader, signer_email=leader.email)
    return services.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff_user, confirm=True)


STAFF_PAGES = ["pairings:suggest", "pairings:targets", "pairings:list"]


@pytest.mark.parametrize("who", ["coach", "mentee", "leader", "other", "reviewer"])
def test_only_staff_open_the_pairing_pages(client, active_pair, reviewer, who):
    user = {
        "coach": active_pair.coach.user,
        "mentee": active_pair.mentee.user,
        "leader": active_pair.leader.user,
        "other": UserFactory(),
        "reviewer": reviewer,
    }[who]
    client.force_login(user)
    for page in STAFF_PAGES:
        assert client.get(reverse(page)).status_code == 403, page
    assert client.get(reverse("pairings:list") + "?_export=csv").status_code == 403
    response = client.post(reverse("pairings:suggest"), {"action": "unlock", "pair": active_pair.pk})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["coach", "mentee", "leader"])
def test_members_see_their_pair_and_not_anothers(client, program_year, staff_user, active_pair, who):
    other = services.pair_propose(
        coach_application=_accepted(program_year, "ct"),
        mentee_application=_accepted(program_year, "mentee"),
        actor=staff_user,
        confirm=True,
    )
    user = getattr(active_pair, who).user
    client.force_login(user)
    assert client.get(reverse("pairings:detail", args=[active_pair.pk])).status_code == 200
    assert client.get(reverse("pairings:detail", args=[other.pk])).status_code == 404
    mine = client.get(reverse("pairings:mine")).content.decode()
    assert active_pair.mentee.full_name in mine and other.mentee.full_name not in mine
    # and cannot end it
    response = client.post(reverse("pairings:detail", args=[active_pair.pk]), {"end_kind": "early", "reason": "x"})
    assert response.status_code == 403
    active_pair.refresh_from_db()
    assert active_pair.status == Pair.Status.ACTIVE


def test_staff_end_a_pair_early_with_a_reason(client, staff_user, active_pair):
    client.force_login(staff_user)
    url = reverse("pairings:detail", args=[active_pair.pk])
    client.post(url, {"end_kind": "early"})
    active_pair.refresh_from_db()
    assert active_pair.status == Pair.Status.ACTIVE  # refused: no reason
    client.post(url, {"end_kind": "early", "reason": "Mentee changed jobs"})
    active_pair.refresh_from_db()
    assert active_pair.status == Pair.Status.ENDED and active_pair.end_reason == "Mentee changed jobs"


def test_staff_lock_then_confirm_from_the_suggestion_page(client, staff_user, program_year):
    coach = _accepted(program_year, "ct")
    mentees = [_accepted(program_year, "mentee") for _ in range(2)]
    client.force_login(staff_user)
    url = reverse("pairings:suggest") + f"?year={program_year.pk}&kind=ct_mentee"
    page = client.get(url).content.decode()
    assert mentees[0].applicant.full_name in page and coach.applicant.full_name in page
    client.post(
        url,
        {"action": "lock", "mentee": mentees[1].pk, "coach": coach.pk, "kind": "ct_mentee", "year": program_year.pk},
    )
    locked = Pair.objects.get(status=Pair.Status.PROPOSED)
    assert locked.mentee == mentees[1].applicant
    page = client.get(url).content.decode()
    assert "Locked pairs" in page
    client.post(
        url,
        {
            "action": "confirm",
            "proposed": [locked.pk],
            "kind": "ct_mentee",
            "year": program_year.pk,
            "suggested": [f"{mentees[0].pk}:{coach.pk}"],
        },
    )
    assert Pair.objects.filter(status=Pair.Status.ACTIVE).count() == 2


def test_bad_input_on_the_suggestion_page_is_a_message_not_an_error(client, staff_user, program_year):
    client.force_login(staff_user)
    url = reverse("pairings:suggest")
    for data in (
        {"action": "lock", "mentee": "x", "coach": ""},
        {"action": "unknown"},
        {"action": "confirm", "suggested": ["a:b", "1"]},
        {"action": "waive", "mentee_person": "0"},
    ):
        response = client.post(url + f"?year={program_year.pk}", data)
        assert response.status_code in (302, 404), data


# --- query budgets -------------------------------------------------------------------------


def _bulk_accepted(year, n: int) -> None:
    """n accepted applications (a third coaches) spread over the six regions, made in bulk."""
    start = Application.objects.count()
    regions = list(Region.objects.order_by("number"))
    programs = [
        Program.objects.create(
            name=f"Bulk {start}-{r.number}",
            program_type="center",
            license_number=f"BK-{start}-{r.number}",
            city="Lowell",
            region=r,
        )
        for r in regions
    ]
    creator = UserFactory()
    people = Person.objects.bulk_create(
        [
            Person(first_name="P", last_name=str(start + i), email=f"p{start + i}@ex.org", program=programs[i % 6])
            for i in range(n)
        ]
    )
    Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-B-{start + i:05d}",
                program_year=year,
                role="ct" if i % 3 == 0 else "mentee",
                applicant=p,
                created_by=creator,
                program=p.program,
                program_type="center",
                stage=Stage.ACCEPTED,
            )
            for i, p in enumerate(people)
        ]
    )


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_pairing_pages_make_the_same_number_of_queries_for_10_and_500(
    client, staff_user, program_year, page, django_assert_max_num_queries
):
    _bulk_accepted(program_year, 10)
    client.force_login(staff_user)
    url = reverse(page) + f"?year={program_year.pk}"
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    _bulk_accepted(program_year, 490)
    with django_assert_max_num_queries(25) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
