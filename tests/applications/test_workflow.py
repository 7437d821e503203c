"""The application's declared workflow (Application.workflow): every stage change the services make
is a step of the table, every step is taken by some service, and a step from the wrong stage is
refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application, ReviewAssignment, Stage, Tier
from pac.workflow import TransitionError
from tests.applications.factories import ApplicationFactory, InterviewSlotFactory
from tests.applications.test_answers_and_window import mentee_without_ipdp
from tests.applications.test_services import _screened_out, make_awaiting_decision, make_interview, submit_review
from tests.factories import UserFactory
from tests.workflows import assert_follows, changes_of

pytestmark = pytest.mark.django_db

flow = Application.workflow


def _decide(application, staff, decision):
    return services.application_decide(application=application, actor=staff, decision=decision)


def test_every_stage_change_the_services_make_is_a_step_of_the_table(staff_user):
    staff = staff_user
    with changes_of(Application, "stage") as seen:
        # submit, Tier 1 passed, Tier 3, the panel scores it, waitlisted, promoted, then withdrawn
        interviewed = make_interview(staff)
        slot = InterviewSlotFactory(program_year=interviewed.program_year, panel=UserFactory.create_batch(3))
        services.slot_book(slot=slot, application=interviewed, actor=staff)
        for assignment in ReviewAssignment.objects.filter(application=interviewed, tier=Tier.INTERVIEW):
            submit_review(assignment)
        _decide(interviewed, staff, Stage.WAITLISTED)
        _decide(interviewed, staff, Stage.ACCEPTED)
        services.application_withdraw(application=interviewed, actor=interviewed.created_by)
        # Tier 3 skipped, then each decision from each stage it starts from
        _decide(make_awaiting_decision(staff), staff, Stage.ACCEPTED)
        _decide(make_awaiting_decision(staff), staff, Stage.DECLINED)
        waitlisted = _decide(make_awaiting_decision(staff), staff, Stage.WAITLISTED)
        _decide(waitlisted, staff, Stage.DECLINED)
        # screened out, then an override
        screened_out, check = _screened_out()
        services.screening_override(check=check, actor=staff, justification="Experience confirmed by the director.")
        # submitted before an answer was required: returned to the applicant
        services.application_screen(
            application=mentee_without_ipdp(stage=Stage.SUBMITTED, submitted_at=timezone.now()), actor=None
        )
        services.application_withdraw(application=(draft := ApplicationFactory()), actor=draft.created_by)
    assert_follows(flow, seen, every="step")


def test_skipping_the_interview_once_it_has_begun_is_refused_though_the_panel_could_reach_that_stage(staff_user):
    interviewed = make_interview(staff_user)
    assert flow.allowed(Stage.INTERVIEW, Stage.AWAITING_DECISION)  # the panel's scores lead there...
    with pytest.raises(TransitionError, match="cannot move to “Awaiting decision” from there"):
        services.application_skip_interview(application=interviewed, actor=staff_user, reason="Strong reviews")
    interviewed.refresh_from_db()
    assert interviewed.stage == Stage.INTERVIEW  # ...but not the skipping step


def test_a_step_the_table_does_not_allow_is_refused_in_the_services_words():
    draft = ApplicationFactory()
    with pytest.raises(TransitionError) as refused:
        services.application_decide(application=draft, actor=draft.created_by, decision=Stage.ACCEPTED)
    assert refused.value.messages == [
        f"Application {draft.reference} is “Draft”; it cannot move to “Accepted” from there."
    ]
    draft.refresh_from_db()
    assert draft.stage == Stage.DRAFT


def test_the_table_declares_every_stage_and_who_may_leave_them():
    assert {s for edge in flow.edges for s in edge[:2]} == set(Stage.values)
    assert flow.finals == [Stage.DECLINED, Stage.WITHDRAWN]
    assert set(flow.sources("withdraw")) == {*Application.OPEN_STAGES, Stage.ACCEPTED, Stage.SCREENED_OUT}
