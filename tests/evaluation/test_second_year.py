"""The second year: what a six-month review's decision does (evaluation/second_year.py).

"Continue" carries the coach into the next program year without a new application (a renewal with
a renewed MOU their leader signs online, their capacity, their pairs continued or new ones through
the pool); "do not continue" ends their role at the year's end with notice. Carried out at once when
the next year exists, else when it is created; once either way; a revised decision undoes the
earlier one. Emails are read as their recipient would read them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from applications import services as applications
from applications.models import MOU, Application, Stage
from evaluation import coach_reviews, second_year
from evaluation.models import CoachReview, ReviewOutcome
from evaluation.tasks import coach_reviews_open_task
from pac.models import OutboundEmail, Participation
from pac.workflow import LinkError
from pairings import selectors as pairing_selectors
from pairings import services as pairings
from pairings.models import Capacity, Pair
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.coaching.factories import active_pair, refused
from tests.factories import PersonFactory, ProgramYearFactory, panel_seat
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def make_next_year(year, **kw):
    return ProgramYearFactory(
        name="2027–28",
        starts_on=year.starts_on.replace(year=year.starts_on.year + 1),
        ends_on=year.ends_on.replace(year=year.ends_on.year + 1),
        applications_open_on=TODAY() - datetime.timedelta(days=10),
        applications_close_on=TODAY() + datetime.timedelta(days=60),
        **kw,
    )


@pytest.fixture
def panel(program_year):
    return [panel_seat(program_year) for _ in range(3)]


@pytest.fixture
def coach_pair(program_year, staff_user):
    """A CT whose own MOU was signed by their leader (who has an account), with one active pair
    that started more than six months ago."""
    pair = active_pair(program_year, staff_user, with_leader=True, started_on=TODAY() - datetime.timedelta(days=190))
    leader = PersonFactory(
        with_account=True, first_name="Rosa", last_name="Delgado", program=pair.coach_application.program
    )
    MOUFactory(
        application=pair.coach_application,
        signed=True,
        signer_person=leader,
        signer_name="Rosa Delgado",
        signer_email=leader.email,
        signer_title="Center Director",
    )
    pairings.capacity_set(program_year=program_year, coach=pair.coach, capacity=3, actor=staff_user)
    return pair


@pytest.fixture
def review(coach_pair, panel):
    assert coach_reviews.reviews_open() == 1
    return CoachReview.objects.get()


def decide(review, staff_user, decision, note="Steady coaching; goals met."):
    coach_reviews.decision_record(review=review, actor=staff_user, decision=decision, note=note)
    review.refresh_from_db()
    return review.outcome


def emails_to(address: str) -> list[OutboundEmail]:
    """What the decision sent ``address`` (not the pair introductions or the review's announcement)."""
    setup = ("pair:", "coach-review-open:")
    return [e for e in OutboundEmail.objects.order_by("pk") if address in e.to and not (e.key or "").startswith(setup)]


def mou_token(address: str) -> str:
    for email in reversed(emails_to(address)):
        found = re.search(r"/applications/m/([^/\s]+)/", email.body_text)
        if found:
            return found.group(1)
    raise AssertionError(f"no MOU link emailed to {address}")


def pool_coaches(year) -> set[int]:
    return {c.person_id for c in pairing_selectors.pool(year, "ct_mentee").coaches}


def sign(token: str, name: str = "Rosa Delgado") -> MOU:
    return applications.mou_sign(
        mou=applications.mou_for_token(token),
        signature_name=name,
        confirmed=True,
        ip="203.0.113.9",
        leader_position="director",
        leader_pq_registry_id="PQ-777",
    )


# --- continue --------------------------------------------------------------------------------------


def test_continue_carries_the_coach_into_the_next_year_without_a_new_application(
    review, coach_pair, program_year, staff_user
):
    next_year = make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    coach, prior = coach_pair.coach, coach_pair.coach_application

    assert outcome.status == ReviewOutcome.Status.DONE and outcome.next_year == next_year
    renewal = outcome.renewal
    assert (renewal.program_year, renewal.role, renewal.stage, renewal.renewal_of) == (
        next_year,
        "ct",
        Stage.ACCEPTED,
        prior,
    )
    assert renewal.program == prior.program and renewal.statement == prior.statement
    assert renewal.events.get().note.startswith("Second year after the 2026–27 six-month review")
    assert Participation.objects.active().filter(person=coach, program_year=next_year, role="ct").exists()
    # capacity carried over; the renewed MOU went to last year's signer
    assert Capacity.objects.get(program_year=next_year, coach=coach).capacity == 3
    mou = renewal.mous.get()
    assert (mou.status, mou.signer_name, mou.signer_title) == (MOU.Status.REQUESTED, "Rosa Delgado", "Center Director")

    # the leader's email, as they read it
    (request,) = emails_to(mou.signer_email)
    assert request.subject == f"[PAC] Please sign the renewed PAC MOU for {coach.full_name}'s second year"
    assert (
        f"After a favourable six-month review, {coach.full_name} continues as a Consultant Teacher in Peer "
        "Assistance and Coaching (PAC) for a second year, 2027–28. No new application is needed"
    ) in request.body_text
    assert "signed it for 2026–27" in request.body_text
    # the coach's, as they read it
    (notice,) = emails_to(coach.email)
    assert notice.subject == "[PAC] You continue as a Consultant Teacher for a second year"
    body = " ".join(notice.body_text.split())
    assert "EEC staff have decided that you continue as a Consultant Teacher in Peer Assistance and Coaching" in body
    assert "for a second year, 2027–28. You do not need to apply again." in body
    assert f"Your second year is application {renewal.reference}, accepted." in body
    assert "We have asked Rosa Delgado, who signed your MOU for 2026–27, to sign a renewed MOU for 2027–28." in body

    # not offered for pairing until the renewed MOU is signed ...
    assert coach.pk not in pool_coaches(next_year)
    mentee = accepted("mentee", next_year, region_number=1)
    with refused("waits for the renewed MOU"):
        pairings.pair_propose(coach_application=renewal, mentee_application=mentee, actor=staff_user)
    # ... which the leader signs from the emailed link, with the usual typed signature and facts
    signed = sign(mou_token(mou.signer_email))
    assert (signed.status, signed.leader_pq_registry_id) == (MOU.Status.SIGNED, "PQ-777")
    assert Participation.objects.active().filter(person=mou.signer_person, program_year=next_year).exists()
    ready = emails_to(coach.email)[-1]
    assert ready.subject == "[PAC] Your renewed MOU for 2027–28 is signed"
    assert "Your second year is ready: EEC staff will pair you with Mentees for 2027–28" in " ".join(
        ready.body_text.split()
    )
    assert coach.pk in pool_coaches(next_year)
    pair = pairings.pair_propose(coach_application=renewal, mentee_application=mentee, actor=staff_user, confirm=True)
    assert (pair.status, pair.program_year, pair.coach) == (Pair.Status.ACTIVE, next_year, coach)
    progress = second_year.progress_of([review])[0]
    assert progress.state == "Paired again in 2027–28." and progress.capacity == 3


def test_carrying_out_twice_changes_nothing(review, coach_pair, program_year, staff_user):
    make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    counts = (Application.objects.count(), MOU.objects.count(), OutboundEmail.objects.count())
    assert second_year.decision_carry_out(review=review, actor=staff_user) == outcome
    assert second_year.outcomes_carry_out() == 0
    coach_reviews_open_task.delay().get()
    ProgramYearFactory(name="2040–41", starts_on=datetime.date(2040, 9, 1), ends_on=datetime.date(2041, 8, 31))
    assert (Application.objects.count(), MOU.objects.count(), OutboundEmail.objects.count()) == counts
    # the same decision recorded again (a new note) keeps what it did and tells nobody again
    decide(review, staff_user, "continue", note="Adding the panel's remarks.")
    assert (Application.objects.count(), MOU.objects.count(), OutboundEmail.objects.count()) == counts
    assert ReviewOutcome.objects.get().renewal == outcome.renewal


def test_without_a_next_year_the_decision_waits_and_is_carried_out_when_staff_create_it(
    review, coach_pair, program_year, staff_user
):
    outcome = decide(review, staff_user, "continue")
    assert outcome.status == ReviewOutcome.Status.WAITING and outcome.renewal is None
    assert not Application.objects.filter(renewal_of__isnull=False).exists()
    body = " ".join(emails_to(coach_pair.coach.email)[0].body_text.split())
    assert (
        "The next program year is not set up in PAC yet. When EEC sets it up, PAC carries you into it: it asks Rosa"
        in (body)
    )
    assert second_year.outcomes_carry_out() == 0  # still nothing to carry into

    next_year = make_next_year(program_year)  # staff create the year: the signal carries it out
    outcome.refresh_from_db()
    assert outcome.status == ReviewOutcome.Status.DONE and outcome.renewal.program_year == next_year
    assert outcome.renewal.mous.get().status == MOU.Status.REQUESTED
    ready = emails_to(coach_pair.coach.email)[-1]
    assert ready.subject == "[PAC] Your second year in PAC (2027–28) is set up"
    assert f"application {outcome.renewal.reference}, accepted" in " ".join(ready.body_text.split())
    assert second_year.outcomes_carry_out() == 0
    assert Application.objects.filter(renewal_of__isnull=False).count() == 1


def test_a_coach_already_accepted_next_year_keeps_that_application(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    own = accepted("ct", next_year, applicant=coach_pair.coach)
    outcome = decide(review, staff_user, "continue")
    assert outcome.renewal == own and not own.mous.exists()
    assert not Application.objects.filter(renewal_of__isnull=False).exists()


def test_an_application_in_progress_next_year_is_replaced_by_the_renewal(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    draft = ApplicationFactory(program_year=next_year, applicant=coach_pair.coach, role="ct")
    outcome = decide(review, staff_user, "continue")
    draft.refresh_from_db()
    assert draft.stage == Stage.WITHDRAWN and "Replaced by the second year" in draft.withdrawn_reason
    assert outcome.renewal.renewal_of == coach_pair.coach_application


def test_a_waived_mou_is_carried_over_as_waived(program_year, staff_user, panel):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - datetime.timedelta(days=190))
    MOUFactory(application=pair.coach_application, status=MOU.Status.WAIVED, waived_reason="Independent FCC educator.")
    coach_reviews.reviews_open()
    next_year = make_next_year(program_year)
    outcome = decide(CoachReview.objects.get(), staff_user, "continue")
    mou = outcome.renewal.mous.get()
    assert mou.status == MOU.Status.WAIVED and "Independent FCC educator." in mou.waived_reason
    assert pair.coach_id in pool_coaches(next_year)


def test_continued_pairs_are_locked_once_the_mou_is_signed_and_the_mentee_accepted_again(
    review, coach_pair, program_year, staff_user
):
    next_year = make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    accepted("mentee", next_year, applicant=coach_pair.mentee)
    assert second_year.outcomes_carry_out() == 0 and not Pair.objects.filter(program_year=next_year).exists()
    sign(mou_token(outcome.renewal.mous.get().signer_email))
    coach_reviews_open_task.delay().get()  # the daily sweep
    locked = Pair.objects.get(program_year=next_year)
    assert (locked.status, locked.continued_from, locked.coach) == (Pair.Status.PROPOSED, coach_pair, coach_pair.coach)
    pairings.pair_discard(pair=locked, actor=staff_user)
    second_year.outcomes_carry_out()
    assert Pair.objects.filter(program_year=next_year).count() == 1  # staff's discard is respected


def test_continue_again_after_a_revision_carries_the_pairs_on_the_new_renewal(
    review, coach_pair, program_year, staff_user
):
    next_year = make_next_year(program_year)
    first = decide(review, staff_user, "continue")
    accepted("mentee", next_year, applicant=coach_pair.mentee)
    sign(mou_token(first.renewal.mous.get().signer_email))
    second_year.outcomes_carry_out()
    assert Pair.objects.filter(program_year=next_year, status=Pair.Status.PROPOSED).count() == 1
    decide(review, staff_user, "discontinue", note="Meetings were missed in the spring.")
    assert not Pair.objects.filter(program_year=next_year, status=Pair.Status.PROPOSED).exists()
    again = decide(review, staff_user, "continue", note="The leader confirmed the meetings were held.")
    assert again.renewal != first.renewal
    sign(mou_token(again.renewal.mous.get().signer_email))
    second_year.outcomes_carry_out()
    locked = Pair.objects.get(program_year=next_year, status=Pair.Status.PROPOSED)
    assert (locked.continued_from, locked.coach_application) == (coach_pair, again.renewal)


# --- do not continue -------------------------------------------------------------------------------


def test_do_not_continue_gives_notice_and_ends_the_pairs_at_the_years_end(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    own = accepted("ct", next_year, applicant=coach_pair.coach)
    outcome = decide(review, staff_user, "discontinue", note="Reports were often late.")
    coach = coach_pair.coach
    assert outcome.status == ReviewOutcome.Status.DONE and outcome.role_ends_on == program_year.ends_on
    coach_pair.refresh_from_db()
    assert (coach_pair.status, coach_pair.end_scheduled_on) == (Pair.Status.ACTIVE, program_year.ends_on)
    own.refresh_from_db()
    assert own.stage == Stage.WITHDRAWN
    assert coach.pk not in pool_coaches(next_year)

    (to_coach,) = emails_to(coach.email)
    assert to_coach.subject == "[PAC] Your role in PAC ends on August 31, 2027"
    body = " ".join(to_coach.body_text.split())
    assert (
        "EEC staff have decided that you do not continue as a Consultant Teacher in Peer Assistance and Coaching "
        "(PAC) for a second year. Your role ends with the program year, on August 31, 2027; until then you coach as"
        " before."
    ) in body
    assert f"Your pair with {coach_pair.mentee.full_name} ends on that day, completed." in body
    assert f"Your application {own.reference} for 2027–28 is withdrawn." in body
    assert "Reports were often late" not in body  # the panel's and staff's notes stay with them
    leader_email = coach_pair.coach_application.mous.get().signer_email
    (to_leader,) = emails_to(leader_email)
    assert to_leader.subject == f"[PAC] {coach.full_name} does not continue in PAC after 2026–27"
    assert to_leader.body_text.startswith("Dear Rosa Delgado,")
    assert "their role ends with the program year, on August 31, 2027" in " ".join(to_leader.body_text.split())

    # the pair runs to the year's end, and the sweep ends it then, dated that day
    assert pairings.pairs_end_scheduled(today=program_year.ends_on) == 0
    assert pairings.pairs_end_scheduled(today=program_year.ends_on + datetime.timedelta(days=1)) == 1
    coach_pair.refresh_from_db()
    assert (coach_pair.status, coach_pair.end_kind, coach_pair.ended_on) == (
        Pair.Status.ENDED,
        Pair.EndKind.COMPLETED,
        program_year.ends_on,
    )
    assert pairings.pairs_end_scheduled(today=program_year.ends_on + datetime.timedelta(days=2)) == 0


def test_do_not_continue_without_a_next_year_still_gives_notice_at_once(review, coach_pair, staff_user):
    outcome = decide(review, staff_user, "discontinue", note="Reports were often late.")
    assert outcome.status == ReviewOutcome.Status.WAITING
    coach_pair.refresh_from_db()
    assert coach_pair.end_scheduled_on == review.program_year.ends_on
    assert len(emails_to(coach_pair.coach.email)) == 1


# --- a revised decision ---------------------------------------------------------------------------


def test_continue_revised_to_do_not_continue_withdraws_the_renewal(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    renewal = outcome.renewal
    token = mou_token(renewal.mous.get().signer_email)
    with refused("why the decision is revised"):
        coach_reviews.decision_record(review=review, actor=staff_user, decision="discontinue")
    outcome = decide(review, staff_user, "discontinue", note="The leader reported missed meetings.")
    renewal.refresh_from_db()
    assert renewal.stage == Stage.WITHDRAWN and outcome.decision == "discontinue"
    assert coach_pair.coach_id not in pool_coaches(next_year)
    with pytest.raises(LinkError):
        applications.mou_for_token(token)  # the leader's renewed-MOU link no longer works
    leader_notice = emails_to(renewal.mous.get().signer_email)[-1]
    assert "This replaces the earlier decision to continue: the renewed MOU you may have been asked to sign is no" in (
        " ".join(leader_notice.body_text.split())
    )
    assert not Participation.objects.active().filter(person=coach_pair.coach, program_year=next_year).exists()
    assert outcome.history.count() >= 2


def test_do_not_continue_revised_to_continue_takes_back_the_pairs_end(review, coach_pair, program_year, staff_user):
    decide(review, staff_user, "discontinue", note="Reports were often late.")
    coach_pair.refresh_from_db()
    assert coach_pair.end_scheduled_on is not None
    next_year = make_next_year(program_year)
    outcome = decide(review, staff_user, "continue", note="Reports are now on time.")
    coach_pair.refresh_from_db()
    assert (coach_pair.status, coach_pair.end_scheduled_on) == (Pair.Status.ACTIVE, None)
    assert outcome.renewal.program_year == next_year and outcome.renewal.stage == Stage.ACCEPTED
    body = " ".join(emails_to(coach_pair.coach.email)[-1].body_text.split())
    assert "This replaces the earlier decision that you would not continue" in body


def test_a_revision_is_refused_once_the_coach_coaches_next_year(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    sign(mou_token(outcome.renewal.mous.get().signer_email))
    mentee = accepted("mentee", next_year, region_number=1)
    pairings.pair_propose(coach_application=outcome.renewal, mentee_application=mentee, actor=staff_user, confirm=True)
    with refused("already coaches 1 pair in 2027–28"):
        coach_reviews.decision_record(review=review, actor=staff_user, decision="discontinue", note="Changed our mind.")
    review.refresh_from_db()
    assert review.decision == "continue" and review.outcome.renewal.stage == Stage.ACCEPTED


def test_a_problem_is_kept_for_staff_and_the_decision_stands(review, coach_pair, program_year, staff_user):
    Application.objects.filter(pk=coach_pair.coach_application_id).update(stage=Stage.WITHDRAWN)
    make_next_year(program_year)
    outcome = decide(review, staff_user, "continue")
    assert outcome.status == ReviewOutcome.Status.WAITING and "has no accepted Consultant Teacher application" in (
        outcome.problem
    )
    review.refresh_from_db()
    assert review.decision == "continue"
    assert second_year.staff_counts() == {"waiting": 1, "problems": 1, "unsigned": 0}


def test_a_declined_renewed_mou_can_go_to_someone_else(review, coach_pair, program_year, staff_user):
    next_year = make_next_year(program_year)
    renewal = decide(review, staff_user, "continue").renewal
    first = renewal.mous.get()
    applications.mou_decline(mou=applications.mou_for_token(mou_token(first.signer_email)), reason="I am retiring.")
    declined = emails_to(coach_pair.coach.email)[-1]
    assert "Your second year needs a signed MOU before EEC pairs you again." in " ".join(declined.body_text.split())
    assert coach_pair.coach_id not in pool_coaches(next_year)
    # the coach asks the new director from their second year (no application window binds it)
    applications.mou_request(
        application=renewal,
        actor=coach_pair.coach.user,
        signer_name="Ana Souza",
        signer_email="ana.souza@example.org",
        signer_title="Center Director",
    )
    sign(mou_token("ana.souza@example.org"), name="Ana Souza")
    assert coach_pair.coach_id in pool_coaches(next_year)
    assert second_year.staff_counts()["unsigned"] == 0


def test_creating_a_program_year_never_fails_because_a_carry_out_breaks(monkeypatch, caplog):
    """The carry-out runs when a year is created; if it breaks, the year is still created, the break
    is logged, and the decisions wait for the daily sweep."""

    def broken(*args, **kwargs):
        raise RuntimeError("mail template missing")

    monkeypatch.setattr(second_year, "outcomes_carry_out", broken)
    year = ProgramYearFactory(name="2041–42", starts_on=datetime.date(2041, 9, 1), ends_on=datetime.date(2042, 8, 31))
    assert year.pk is not None
    assert "Carrying out second-year decisions for new program year" in caplog.text
