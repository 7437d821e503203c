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
# the suggestion page's steps: one form and one URL each, POST only
SUGGESTION_STEPS = [
    "pairings:suggest_lock",
    "pairings:suggest_pair_by_hand",
    "pairings:suggest_unlock",
    "pairings:suggest_waive",
    "pairings:suggest_confirm",
]


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
    for step in SUGGESTION_STEPS:
        data = {"pair": active_pair.pk, "proposed": [active_pair.pk], "reason": "x"}
        assert client.post(reverse(step), data).status_code == 403, step


@pytest.mark.parametrize("step", SUGGESTION_STEPS)
def test_the_suggestion_steps_answer_only_a_post(client, staff_user, step):
    client.force_login(staff_user)
    assert client.get(reverse(step)).status_code == 405
    client.logout()
    response = client.post(reverse(step), {})
    assert response.status_code == 302 and "/accounts/login/" in response.url


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


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_lock_then_confirm_from_the_suggestion_page(client, staff_user, program_year):
    coach = _accepted(program_year, "ct")
    mentees = [_accepted(program_year, "mentee") for _ in range(2)]
    client.force_login(staff_user)
    url = reverse("pairings:suggest") + f"?year={program_year.pk}&kind=ct_mentee"
    page = client.get(url).content.decode()
    assert mentees[0].applicant.full_name in page and coach.applicant.full_name in page
    for step in SUGGESTION_STEPS:
        assert f'action="{reverse(step)}"' in page or step in ("pairings:suggest_unlock", "pairings:suggest_waive")
    response = client.post(
        reverse("pairings:suggest_lock"),
        {"mentee": mentees[1].pk, "coach": coach.pk, "kind": "ct_mentee", "year": program_year.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert any(m.startswith(f"Locked {coach.applicant.full_name} with") for m in _messages(response))
    locked = Pair.objects.get(status=Pair.Status.PROPOSED)
    assert locked.mentee == mentees[1].applicant
    page = client.get(url).content.decode()
    assert "Locked pairs" in page and f'action="{reverse("pairings:suggest_unlock")}"' in page
    response = client.post(
        reverse("pairings:suggest_confirm"),
        {
            "proposed": [locked.pk],
            "kind": "ct_mentee",
            "year": program_year.pk,
            "suggested": [f"{mentees[0].pk}:{coach.pk}"],
        },
        follow=True,
    )
    assert Pair.objects.filter(status=Pair.Status.ACTIVE).count() == 2
    assert "2 pairs confirmed; the coaches, mentees and leaders have been emailed." in _messages(response)


def test_staff_unlock_a_locked_pair_and_a_second_click_is_a_message(client, staff_user, program_year):
    pair = services.pair_propose(
        coach_application=_accepted(program_year, "ct"),
        mentee_application=_accepted(program_year, "mentee"),
        actor=staff_user,
    )
    client.force_login(staff_user)
    data = {"pair": pair.pk, "kind": "ct_mentee", "year": program_year.pk}
    response = client.post(reverse("pairings:suggest_unlock"), data, follow=True)
    assert _messages(response) == ["Unlocked."]
    pair.refresh_from_db()
    assert pair.status == Pair.Status.DISCARDED
    response = client.post(reverse("pairings:suggest_unlock"), data, follow=True)
    assert response.status_code == 200
    assert _messages(response) == ["Only a proposed pair can be discarded; end an active pair instead."]


def test_staff_pair_by_hand_across_regions_needs_a_reason(client, staff_user, program_year):
    coach = _accepted(program_year, "ct", region=2)
    mentee = _accepted(program_year, "mentee", region=1)
    client.force_login(staff_user)
    data = {"mentee": mentee.pk, "coach": coach.pk, "kind": "ct_mentee", "year": program_year.pk}
    response = client.post(reverse("pairings:suggest_pair_by_hand"), data, follow=True)
    assert "work in different regions" in _messages(response)[0]
    assert not Pair.objects.exists()
    response = client.post(
        reverse("pairings:suggest_pair_by_hand"), {**data, "relax_reason": "Only Spanish speaker"}, follow=True
    )
    pair = Pair.objects.get()
    assert pair.status == Pair.Status.PROPOSED and pair.region_relaxed_reason == "Only Spanish speaker"
    # a second click is refused in words, and nothing more is made
    response = client.post(
        reverse("pairings:suggest_pair_by_hand"), {**data, "relax_reason": "Only Spanish speaker"}, follow=True
    )
    assert "already has a pair this year" in _messages(response)[0]
    assert Pair.objects.count() == 1


def test_staff_let_a_mentee_cross_regions(client, staff_user, program_year):
    mentee = _accepted(program_year, "mentee")
    client.force_login(staff_user)
    data = {"mentee_person": mentee.applicant_id, "kind": "ct_mentee", "year": program_year.pk}
    response = client.post(reverse("pairings:suggest_waive"), {**data, "reason": "  "}, follow=True)
    assert _messages(response) == ["Give the reason this mentee may be paired outside their region."]
    response = client.post(reverse("pairings:suggest_waive"), {**data, "reason": "No coach nearby"}, follow=True)
    assert _messages(response) == [f"{mentee.applicant.full_name} may now be matched with a coach from another region."]
    assert mentee.applicant.region_waivers.get().reason == "No coach nearby"


def test_the_ca_ma_steps_use_the_ca_ma_pool(client, staff_user, program_year):
    ca, ma = _accepted(program_year, "ca"), _accepted(program_year, "ma")
    client.force_login(staff_user)
    data = {"mentee": ma.pk, "coach": ca.pk, "year": program_year.pk}
    response = client.post(reverse("pairings:suggest_lock"), data, follow=True)
    assert _messages(response) == ["Choose an accepted mentee and coach from this year's pool."]  # CT–Mentee page
    response = client.post(reverse("pairings:suggest_lock"), {**data, "kind": "ca_ma"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("kind=ca_ma")
    assert Pair.objects.get().kind == "ca_ma"


@pytest.mark.parametrize(
    "step,data,message",
    [
        ("suggest_lock", {"mentee": "x", "coach": ""}, "Choose an accepted mentee and coach from this year's pool."),
        ("suggest_lock", {}, "Choose an accepted mentee and coach from this year's pool."),
        (
            "suggest_lock",
            {"mentee": "99999999999999999999", "coach": "2147483648"},
            "Choose an accepted mentee and coach from this year's pool.",
        ),
        ("suggest_pair_by_hand", {"mentee": "-1", "coach": "0"}, "Choose an accepted mentee and coach"),
        ("suggest_pair_by_hand", {"relax_reason": "x" * 301}, "Keep the reason to 300 characters."),
        ("suggest_unlock", {"pair": "abc"}, "That pair is not one of this year's locked pairs; reload the page."),
        ("suggest_unlock", {"pair": "123456789"}, "That pair is not one of this year's locked pairs"),
        ("suggest_waive", {"mentee_person": "0", "reason": "x"}, "Choose an accepted mentee from this year's pool."),
        ("suggest_waive", {"mentee_person": "", "reason": ""}, "Choose an accepted mentee"),
        ("suggest_confirm", {}, "Select at least one pair to confirm."),
        ("suggest_confirm", {"suggested": ["a:b", "1"]}, "A ticked suggested pair is not one the page offered"),
        ("suggest_confirm", {"suggested": ["1:99999999999999999999"]}, "A ticked suggested pair is not one"),
        ("suggest_confirm", {"proposed": ["x", "99999999999999999999"]}, "A ticked locked pair is not one"),
        ("suggest_confirm", {"suggested": ["12345:67890"]}, "A chosen pair is no longer in the pool"),
    ],
)
def test_bad_input_on_the_suggestion_steps_is_a_message_not_an_error(
    client, staff_user, program_year, step, data, message
):
    client.force_login(staff_user)
    response = client.post(reverse(f"pairings:{step}"), {**data, "year": program_year.pk}, follow=True)
    assert response.status_code == 200, data
    assert response.redirect_chain[0][0].startswith(reverse("pairings:suggest"))
    assert any(m.startswith(message) for m in _messages(response)), _messages(response)
    assert not Pair.objects.exists()


def test_nul_bytes_in_a_step_are_refused_at_the_edge(client, staff_user, program_year):
    client.force_login(staff_user)
    response = client.post(
        reverse("pairings:suggest_waive"), {"mentee_person": "1", "reason": "a\x00b", "year": program_year.pk}
    )
    assert response.status_code in (302, 400)
    assert not Pair.objects.exists()


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
