"""The second year's pages: the review page shows what the decision did and lets staff revise it;
staff's second-year overview and its "carry out now"; the coach's and the leader's My work; who may
open what (role x page); the overview's query count at two sizes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from applications.models import Stage
from evaluation import coach_reviews
from evaluation.models import CoachReview, ReviewOutcome
from tests.applications.factories import MOUFactory
from tests.coaching.factories import active_pair
from tests.evaluation.test_second_year import TODAY, decide, make_next_year
from tests.factories import PersonFactory, UserFactory, panel_seat

pytestmark = pytest.mark.django_db

ROLES = ["coach", "leader", "mentee", "panel", "evaluator", "staff", "nobody"]
OK, DENIED = 200, "denied"


def coach_with_leader(year, staff_user, region: int = 1):
    pair = active_pair(
        year, staff_user, with_leader=True, region=region, started_on=TODAY() - datetime.timedelta(days=190)
    )
    leader = PersonFactory(with_account=True, program=pair.coach_application.program)
    MOUFactory(
        application=pair.coach_application,
        signed=True,
        signer_person=leader,
        signer_name=leader.full_name,
        signer_email=leader.email,
    )
    return pair, leader


@pytest.fixture
def world(program_year, staff_user, evaluator):
    pair, leader = coach_with_leader(program_year, staff_user)
    panel = UserFactory()
    panel_seat(program_year, user=panel)
    coach_reviews.reviews_open()
    review = CoachReview.objects.get()
    make_next_year(program_year)
    decide(review, staff_user, "continue")
    users = {
        "coach": pair.coach.user,
        "leader": leader.user,
        "mentee": pair.mentee.user,
        "panel": panel,
        "evaluator": evaluator,
        "staff": staff_user,
        "nobody": UserFactory(),
    }
    return {"pair": pair, "leader": leader, "review": review, "users": users}


# page -> roles that may open it
EXPECTED = {
    "second year": {"staff"},
    "review": {"panel", "staff"},
}


@pytest.mark.parametrize("role", ROLES)
def test_second_year_pages_by_role(client, world, role):
    client.force_login(world["users"][role])
    pages = {
        "second year": reverse("evaluation:second_year"),
        "review": reverse("evaluation:coach_review", args=[world["review"].pk]),
    }
    outcome = {}
    for name, url in pages.items():
        status = client.get(url).status_code
        assert status in (200, 403, 404), (name, status)
        outcome[name] = OK if status == 200 else DENIED
    assert outcome == {name: OK if role in allowed else DENIED for name, allowed in EXPECTED.items()}
    # only staff carry decisions out, or revise one
    carry = client.post(reverse("evaluation:second_year_carry_out"))
    assert (carry.status_code == 302) == (role == "staff"), carry.status_code
    revise = client.post(
        pages["review"], {"action": "decide", "decision": "discontinue", "note": "Revised by someone."}
    )
    assert (revise.status_code == 302) == (role == "staff")
    world["review"].refresh_from_db()
    assert world["review"].decision == ("discontinue" if role == "staff" else "continue")


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (reverse("evaluation:second_year"), reverse("evaluation:second_year_carry_out")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_review_page_shows_what_the_decision_did_and_staff_revise_it(client, world, staff_user):
    review = world["review"]
    url = reverse("evaluation:coach_review", args=[review.pk])
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    renewal = review.outcome.renewal
    assert "What the decision did" in page and "Carried into 2027–28; paired once the renewed MOU is signed." in page
    assert renewal.reference in page and f"Sent to {world['leader'].full_name} on" in page
    assert "Revise the decision" in page
    # a revision needs a note; what was typed is kept
    refused = client.post(url, {"action": "decide", "decision": "discontinue", "note": ""})
    assert refused.status_code == 400 and "why the decision is revised" in refused.content.decode()
    done = client.post(url, {"action": "decide", "decision": "discontinue", "note": "Missed meetings."}, follow=True)
    page = done.content.decode()
    assert "the coach&#x27;s role ends on August 31, 2027" in page
    assert "Role ends August 31, 2027; not in 2027–28&#x27;s pool." in page
    assert "Earlier decisions" in page and "Continue for a second year" in page
    renewal.refresh_from_db()
    assert renewal.stage == Stage.WITHDRAWN


def test_the_panel_sees_the_decision_but_not_what_it_did_nor_can_revise_it(client, world):
    """What the decision did names the renewed MOU's signer and their reasons: application data the
    panel does not see."""
    client.force_login(world["users"]["panel"])
    page = client.get(reverse("evaluation:coach_review", args=[world["review"].pk])).content.decode()
    assert "Continue for a second year" in page
    assert "What the decision did" not in page and "Revise the decision" not in page
    assert "Renewed MOU" not in page


def test_staff_carry_out_waiting_decisions_from_the_overview(client, program_year, staff_user):
    pair, _ = coach_with_leader(program_year, staff_user)
    coach_reviews.reviews_open()
    review = CoachReview.objects.get()
    decide(review, staff_user, "continue")
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:second_year")).content.decode()
    assert "The program year after 2026–27 is not created yet." in page
    assert "Waits for the next program year to be created in PAC." in page
    nothing = client.post(reverse("evaluation:second_year_carry_out"), {"year": program_year.pk}, follow=True)
    assert "Nothing to carry out" in nothing.content.decode()
    # the year is made without the signal (imported data): staff carry the decision out by hand
    from django.db.models.signals import post_save

    from evaluation.second_year import _program_year_created
    from pac.models import ProgramYear

    post_save.disconnect(_program_year_created, sender=ProgramYear, dispatch_uid="second_year_on_new_program_year")
    try:
        make_next_year(program_year)
    finally:
        post_save.connect(_program_year_created, sender=ProgramYear, dispatch_uid="second_year_on_new_program_year")
    assert ReviewOutcome.objects.get().status == ReviewOutcome.Status.WAITING
    done = client.post(reverse("evaluation:second_year_carry_out"), {"year": program_year.pk}, follow=True)
    assert "Carried 1 decision into the next program year." in done.content.decode()
    assert ReviewOutcome.objects.get().renewal.applicant == pair.coach


def test_my_work_for_the_coach_the_leader_and_staff(client, world):
    renewal = world["review"].outcome.renewal
    client.force_login(world["users"]["coach"])
    page = " ".join(client.get(reverse("pac:my_work")).content.decode().split())
    assert "Your second year" in page
    assert "you continue as a Consultant Teacher for a second year" in page
    assert f"waiting for {world['leader'].full_name}'s signature" in page
    detail = client.get(reverse("applications:detail", args=[renewal.reference])).content.decode()
    assert "Your second year." in detail and "no new application or letters are needed" in " ".join(detail.split())

    client.force_login(world["users"]["leader"])
    page = " ".join(client.get(reverse("pac:my_work")).content.decode().split())
    assert f"Sign the renewed MOU for {world['pair'].coach.full_name}</a>" in page
    assert "(second year as Consultant Teacher, 2027–28;" in page

    client.force_login(world["users"]["staff"])
    page = " ".join(client.get(reverse("pac:my_work")).content.decode().split())
    assert "1 renewed MOU waiting for the leader's signature" in page

    for role in ("mentee", "panel", "nobody"):
        client.force_login(world["users"][role])
        assert "Your second year" not in client.get(reverse("pac:my_work")).content.decode(), role


def test_my_work_tells_a_coach_who_does_not_continue_when_their_role_ends(client, world, staff_user):
    decide(world["review"], staff_user, "discontinue", note="Missed meetings.")
    client.force_login(world["users"]["coach"])
    page = " ".join(client.get(reverse("pac:my_work")).content.decode().split())
    assert "Your six-month review" in page
    assert "your role as Consultant Teacher ends on <strong>August 31, 2027</strong>" in page
    assert f"Your pair with {world['pair'].mentee.full_name} ends then, completed." in page


def _decided(year, staff_user, n: int, start_region: int):
    for i in range(n):
        coach_with_leader(year, staff_user, region=1 + (start_region + i) % 6)
    coach_reviews.reviews_open()
    for review in CoachReview.objects.filter(decision=""):
        decide(review, staff_user, "continue" if review.pk % 3 else "discontinue", note="Decided.")


def test_the_overview_makes_the_same_queries_for_few_and_many_decisions(
    client, program_year, staff_user, django_assert_max_num_queries
):
    make_next_year(program_year)
    client.force_login(staff_user)
    url = reverse("evaluation:second_year") + f"?year={program_year.pk}"
    _decided(program_year, staff_user, 2, 0)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    _decided(program_year, staff_user, 6, 2)
    with django_assert_max_num_queries(40) as large:
        page = client.get(url)
    assert len(page.context["rows"]) == 8
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_leader_opens_the_renewed_mou_from_their_list(client, world, role):
    mou = world["review"].outcome.renewal.mous.get()
    client.force_login(world["users"][role])
    status = client.get(reverse("applications:mou_sign_mine", args=[mou.pk])).status_code
    assert status == (200 if role == "leader" else 404)
