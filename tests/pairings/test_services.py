"""Pairing writes and reads against the database: each refusal with the message staff see, the
capacity rule in the services and in the database itself, locked proposals, confirmation emails,
ending pairs, and the regional target view."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Stage
from pac.models import OutboundEmail, Region, Tag
from pac.workflow import TransitionError
from pairings import services
from pairings.models import Capacity, Kind, Pair, RegionWaiver
from pairings.selectors import pool, regional_targets
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.factories import PersonFactory, ProgramYearFactory, RegionTargetFactory, UserFactory
from tests.pairings.factories import PairFactory, accepted

pytestmark = pytest.mark.django_db


@contextmanager
def refused(text: str):
    """The block must raise TransitionError whose message contains ``text``."""
    with pytest.raises(TransitionError) as info:
        yield info
    assert text in info.value.messages[0], info.value.messages[0]


@pytest.fixture
def actor(db):
    return UserFactory(email="pairing.staff@example.org")


def propose(coach, mentee, actor, **kw) -> Pair:
    return services.pair_propose(coach_application=coach, mentee_application=mentee, actor=actor, **kw)


# --- who may be paired --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coach_role", "mentee_role", "message"),
    [
        (
            "ct",
            "ma",
            "A Consultant Teacher cannot be paired with a Mentee Administrator: Consultant Teachers coach "
            "Mentees and Consultant Administrators coach Mentee Administrators.",
        ),
        (
            "ca",
            "mentee",
            "A Consultant Administrator cannot be paired with a Mentee: Consultant Teachers coach "
            "Mentees and Consultant Administrators coach Mentee Administrators.",
        ),
        ("mentee", "ct", "A Mentee cannot be paired with a Consultant Teacher"),
        ("ct", "ct", "A Consultant Teacher cannot be paired with a Consultant Teacher"),
    ],
)
def test_propose_refuses_roles_that_do_not_pair(program_year, actor, coach_role, mentee_role, message):
    coach, mentee = accepted(coach_role, program_year), accepted(mentee_role, program_year)
    with refused(message):
        propose(coach, mentee, actor)
    assert not Pair.objects.exists()


@pytest.mark.parametrize(
    ("coach_role", "mentee_role", "kind"), [("ct", "mentee", Kind.CT_MENTEE), ("ca", "ma", Kind.CA_MA)]
)
def test_propose_makes_a_locked_pair_of_the_right_kind(
    program_year, actor, coach_role, mentee_role, kind, django_capture_on_commit_callbacks
):
    coach = accepted(coach_role, program_year)
    mentee = accepted(mentee_role, program_year)
    with django_capture_on_commit_callbacks(execute=True):
        pair = propose(coach, mentee, actor)
    pair.refresh_from_db()
    assert (pair.kind, pair.status, pair.coach, pair.mentee) == (
        kind,
        Pair.Status.PROPOSED,
        coach.applicant,
        mentee.applicant,
    )
    assert (pair.coach_slot, pair.coach_capacity, pair.region_relaxed, pair.started_on) == (1, 2, False, None)
    assert pair.proposed_by == actor
    assert pair.score is not None and set(pair.score_breakdown) == {"program_type", "needs", "ages", "language"}
    # a locked pair tells nobody
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("stage", [Stage.IN_REVIEW, Stage.WAITLISTED, Stage.DECLINED, Stage.WITHDRAWN])
@pytest.mark.parametrize("who", ["coach", "mentee"])
def test_propose_refuses_applicants_who_are_not_accepted(program_year, actor, stage, who):
    coach = accepted("ct", program_year)
    mentee = accepted("mentee", program_year)
    not_yet = coach if who == "coach" else mentee
    not_yet.stage = stage
    not_yet.save(update_fields=["stage"])
    with refused(
        f"{not_yet.applicant.full_name}'s application is “{not_yet.get_stage_display()}”; "
        "only accepted applicants are paired."
    ):
        propose(coach, mentee, actor)
    assert not Pair.objects.exists()


def test_propose_refuses_applications_from_different_years(program_year, actor):
    other_year = ProgramYearFactory(
        name="2027–28", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 8, 31)
    )
    with refused("Both applications must be for the same program year."):
        propose(accepted("ct", other_year), accepted("mentee", program_year), actor)


def test_propose_refuses_a_mentee_who_already_has_a_live_pair(program_year, actor):
    mentee = accepted("mentee", program_year)
    propose(accepted("ct", program_year), mentee, actor)
    with refused(f"{mentee.applicant.full_name} already has a pair this year; end it before pairing again."):
        propose(accepted("ct", program_year), mentee, actor)
    assert Pair.objects.count() == 1


# --- regions -------------------------------------------------------------------------------------------


def test_cross_region_needs_a_reason(program_year, actor):
    coach = accepted("ct", program_year, region_number=1)
    mentee = accepted("mentee", program_year, region_number=2)
    message = (
        f"{coach.applicant.full_name} and {mentee.applicant.full_name} work in different regions; pairs "
        "stay within a region unless you give a reason to relax the rule."
    )
    with refused(message):
        propose(coach, mentee, actor)
    with refused(message):
        propose(coach, mentee, actor, relax_reason="   ")
    assert not Pair.objects.exists()

    pair = propose(coach, mentee, actor, relax_reason="  No Consultant Teacher in Region 2 speaks Khmer. ")
    assert pair.region_relaxed is True
    assert pair.region_relaxed_reason == "No Consultant Teacher in Region 2 speaks Khmer."


def test_a_reason_is_not_recorded_for_a_same_region_pair(program_year, actor):
    pair = propose(
        accepted("ct", program_year, region_number=4),
        accepted("mentee", program_year, region_number=4),
        actor,
        relax_reason="just in case",
    )
    assert (pair.region_relaxed, pair.region_relaxed_reason) == (False, "")


def test_a_region_waiver_allows_cross_region(program_year, actor):
    coach = accepted("ct", program_year, region_number=1)
    mentee = accepted("mentee", program_year, region_number=5)
    with refused("Give the reason this mentee may be paired outside their region."):
        services.region_waive(program_year=program_year, mentee=mentee.applicant, reason=" ", actor=actor)
    waiver = services.region_waive(
        program_year=program_year, mentee=mentee.applicant, reason="Lives on the regional border", actor=actor
    )
    assert (
        services.region_waive(program_year=program_year, mentee=mentee.applicant, reason="again", actor=actor) == waiver
    )
    assert RegionWaiver.objects.filter(mentee=mentee.applicant, is_active=True).count() == 1

    pair = propose(coach, mentee, actor)
    assert pair.region_relaxed is True and pair.region_relaxed_reason == ""


def test_an_inactive_waiver_does_not_count(program_year, actor):
    coach = accepted("ct", program_year, region_number=1)
    mentee = accepted("mentee", program_year, region_number=5)
    RegionWaiver.objects.create(
        program_year=program_year, mentee=mentee.applicant, reason="old", granted_by=actor, is_active=False
    )
    with refused("work in different regions"):
        propose(coach, mentee, actor)


def test_a_waived_mentee_is_suggested_a_coach_in_another_region(program_year, actor):
    coach = accepted("ct", program_year, region_number=1)
    mentee = accepted("mentee", program_year, region_number=6)
    _, before = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert before.matches == []
    assert [(c.application_id, r) for c, r in before.unmatched] == [
        (mentee.pk, "No Consultant Teacher in Region 6 has free capacity.")
    ]

    services.region_waive(program_year=program_year, mentee=mentee.applicant, reason="No coach nearby", actor=actor)
    _, after = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert [(m.mentee.application_id, m.coach.application_id, m.same_region) for m in after.matches] == [
        (mentee.pk, coach.pk, False)
    ]


# --- capacity: the services and the database -------------------------------------------------------------


def test_a_coach_at_capacity_gets_no_more_pairs(program_year, actor):
    coach = accepted("ct", program_year)
    services.capacity_set(program_year=program_year, coach=coach.applicant, capacity=1, actor=actor)
    first = propose(coach, accepted("mentee", program_year), actor)
    assert (first.coach_slot, first.coach_capacity) == (1, 1)
    with refused(f"{coach.applicant.full_name} is at capacity (1 pair)."):
        propose(coach, accepted("mentee", program_year), actor)
    assert Pair.objects.filter(coach=coach.applicant).count() == 1


def test_default_capacity_is_two_and_slots_are_numbered(program_year, actor):
    coach = accepted("ct", program_year)
    slots = [propose(coach, accepted("mentee", program_year), actor).coach_slot for _ in range(2)]
    assert slots == [1, 2]
    with refused("is at capacity (2 pairs)."):
        propose(coach, accepted("mentee", program_year), actor)
    assert Capacity.objects.get(coach=coach.applicant).capacity == 2


def test_a_freed_slot_is_reused(program_year, actor):
    coach = accepted("ct", program_year)
    first = propose(coach, accepted("mentee", program_year), actor)
    propose(coach, accepted("mentee", program_year), actor)
    services.pair_discard(pair=first, actor=actor)
    assert propose(coach, accepted("mentee", program_year), actor).coach_slot == 1


def test_the_database_refuses_a_slot_beyond_capacity(program_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program_year=program_year, coach_slot=2, coach_capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program_year=program_year, coach_slot=0, coach_capacity=1)
    assert PairFactory(program_year=program_year, coach_slot=1, coach_capacity=1).pk  # control: slot 1 of 1 is fine


def test_the_database_refuses_two_live_pairs_in_one_slot(program_year):
    first = PairFactory(program_year=program_year, coach_slot=1)
    coach_app = first.coach_application
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program_year=program_year, coach_application=coach_app, coach_slot=1, status=Pair.Status.ACTIVE)
    # control: the next slot is fine, and an ended pair frees its slot
    PairFactory(program_year=program_year, coach_application=coach_app, coach_slot=2)
    Pair.objects.filter(pk=first.pk).update(status=Pair.Status.ENDED)
    assert PairFactory(program_year=program_year, coach_application=coach_app, coach_slot=1).pk


def test_the_database_refuses_a_mentee_in_two_live_pairs(program_year):
    first = PairFactory(program_year=program_year)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program_year=program_year, mentee_application=first.mentee_application, status=Pair.Status.ACTIVE)
    Pair.objects.filter(pk=first.pk).update(status=Pair.Status.DISCARDED)
    assert PairFactory(program_year=program_year, mentee_application=first.mentee_application).pk


def test_the_database_refuses_a_coach_coaching_themself(program_year):
    application = accepted("ct", program_year)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(program_year=program_year, coach_application=application, mentee_application=application)


def test_capacity_set_bounds_and_live_pairs(program_year, actor):
    coach = accepted("ct", program_year)
    person = coach.applicant
    for bad in (-1, 5):
        with refused("A coach's capacity is between 0 and 4 pairs"):
            services.capacity_set(program_year=program_year, coach=person, capacity=bad, actor=actor)
    propose(coach, accepted("mentee", program_year), actor)
    second = propose(coach, accepted("mentee", program_year), actor)
    services.pair_confirm(pair=second, actor=actor)
    with refused(
        f"{person.full_name} has 2 live pair(s), the last in place 2; end or discard that pair before "
        "lowering their capacity below 2."
    ):
        services.capacity_set(program_year=program_year, coach=person, capacity=1, actor=actor)
    assert services.capacity_of(program_year=program_year, coach=person) == 2
    row = services.capacity_set(program_year=program_year, coach=person, capacity=3, actor=actor, note="Part time")
    assert (row.capacity, row.note) == (3, "Part time")
    assert propose(coach, accepted("mentee", program_year), actor).coach_slot == 3


def test_lowering_capacity_never_lets_a_coach_exceed_it(program_year, actor):
    """With pairs in slots 1 and 2 and slot 1 then freed, either lowering to 1 is refused, or it is
    allowed and no further pair can be proposed: never two live pairs under a capacity of one."""
    coach = accepted("ct", program_year)
    first = propose(coach, accepted("mentee", program_year), actor)
    propose(coach, accepted("mentee", program_year), actor)
    services.pair_discard(pair=first, actor=actor)
    try:
        services.capacity_set(program_year=program_year, coach=coach.applicant, capacity=1, actor=actor)
    except TransitionError:
        return
    with pytest.raises(TransitionError):
        propose(coach, accepted("mentee", program_year), actor)
    assert Pair.objects.filter(coach=coach.applicant, status__in=Pair.LIVE).count() <= 1


# --- locked proposals and the suggestion ---------------------------------------------------------------


def test_locked_pairs_are_kept_when_the_suggestion_is_run_again(program_year, actor):
    coach = accepted("ct", program_year, region_number=3)
    locked_mentee = accepted("mentee", program_year, region_number=3)
    others = [accepted("mentee", program_year, region_number=3) for _ in range(2)]
    locked = propose(coach, locked_mentee, actor)

    for _ in range(2):  # running it twice changes nothing
        the_pool, suggestion = services.suggestion_for(program_year, Kind.CT_MENTEE)
        assert [m.application_id for m in the_pool.mentees] == [o.pk for o in others]
        [coach_candidate] = the_pool.coaches
        assert (coach_candidate.application_id, coach_candidate.free_slots) == (coach.pk, 1)
        assert len(suggestion.matches) == 1 and suggestion.matches[0].coach.application_id == coach.pk
        assert suggestion.matches[0].mentee.application_id in {o.pk for o in others}
        everyone = [m.mentee.application_id for m in suggestion.matches] + [
            c.application_id for c, _ in suggestion.unmatched
        ]
        assert locked_mentee.pk not in everyone
        [(_, reason)] = suggestion.unmatched
        assert "Region 3" in reason and "(1 free place for 2)" in reason
        locked.refresh_from_db()
        assert locked.status == Pair.Status.PROPOSED


def test_a_full_coach_is_out_of_the_pool(program_year, actor):
    coach = accepted("ct", program_year)
    services.capacity_set(program_year=program_year, coach=coach.applicant, capacity=1, actor=actor)
    propose(coach, accepted("mentee", program_year), actor)
    waiting = accepted("mentee", program_year)
    the_pool, suggestion = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert [(c.application_id, c.free_slots) for c in the_pool.coaches] == [(coach.pk, 0)]
    assert suggestion.message == (
        "There is no accepted Consultant Teacher with free capacity, so nobody can be matched."
    )
    assert [(c.application_id, r) for c, r in suggestion.unmatched] == [
        (waiting.pk, "No accepted Consultant Teacher has free capacity.")
    ]


def test_pool_reads_the_candidates_from_the_applications(program_year):
    mentee = accepted(
        "ma",
        program_year,
        region_number=2,
        program_type="fcc_independent",
        tags=["class-pc", "class-bm"],
        language="es",
    )
    the_pool = pool(program_year, Kind.CA_MA)
    [candidate] = the_pool.mentees
    expected_tags = frozenset(Tag.objects.filter(code__in=["class-pc", "class-bm"]).values_list("pk", flat=True))
    assert len(expected_tags) == 2, "tags are seeded by migration"
    assert (
        candidate.application_id,
        candidate.person_id,
        candidate.region,
        candidate.program_type,
        candidate.tags,
        candidate.language,
        candidate.waived,
    ) == (mentee.pk, mentee.applicant_id, 2, "fcc_independent", expected_tags, "es", False)
    assert the_pool.coaches == []
    _, suggestion = services.suggestion_for(program_year, Kind.CA_MA)
    assert suggestion.message == (
        "There is no accepted Consultant Administrator with free capacity, so nobody can be matched."
    )


def test_the_suggestion_follows_needs_and_expertise(program_year):
    mentee = accepted("mentee", program_year, tags=["class-pc", "class-bm", "class-cd", "class-qf"])
    half = accepted("ct", program_year, tags=["class-pc", "class-bm", "class-lm"])
    none = accepted("ct", program_year, tags=["class-lm"])
    _, suggestion = services.suggestion_for(program_year, Kind.CT_MENTEE)
    [match] = suggestion.matches
    assert (match.mentee.application_id, match.coach.application_id) == (mentee.pk, half.pk)
    assert match.components["needs"] == 0.5
    assert none.pk not in {m.coach.application_id for m in suggestion.matches}


def test_suggestion_then_confirm_pairs_everyone_it_can(program_year, actor):
    for region in (1, 2):
        for _ in range(2):
            accepted("ct", program_year, region_number=region)
        for _ in range(3):
            accepted("mentee", program_year, region_number=region)
    accepted("mentee", program_year, region_number=4)
    _, suggestion = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert len(suggestion.matches) == 6 and len(suggestion.unmatched) == 1
    done, errors = services.pairs_confirm_suggested(
        choices=[(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches],
        actor=actor,
        program_year=program_year,
    )
    assert errors == [] and len(done) == 6
    assert all(p.status == Pair.Status.ACTIVE for p in Pair.objects.all())
    assert all(p.coach.program.region_id == p.mentee.program.region_id for p in Pair.objects.all())
    _, again = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert again.matches == [] and len(again.unmatched) == 1


# --- confirm, discard, end ---------------------------------------------------------------------------------


def test_confirm_activates_and_introduces_coach_mentee_and_leader(
    program_year, actor, django_capture_on_commit_callbacks
):
    coach = accepted("ct", program_year)
    mentee = accepted("mentee", program_year)
    mou = MOUFactory(application=mentee, signed=True)
    pair = propose(coach, mentee, actor)
    assert pair.leader == mou.signer_person
    with django_capture_on_commit_callbacks(execute=True):
        pair = services.pair_confirm(pair=pair, actor=actor)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE
    assert pair.started_on == timezone.localdate()
    assert pair.confirmed_by == actor and pair.confirmed_at is not None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([coach.applicant.email, mentee.applicant.email, mou.signer_person.email])
    for message in mail.outbox:
        assert message.subject.startswith("[PAC] Your PAC pair for")
        assert coach.applicant.full_name in message.body and mentee.applicant.full_name in message.body
    assert mou.signer_person.full_name in mail.outbox[0].body

    with refused("This pair is active; only a proposed pair is confirmed."):
        services.pair_confirm(pair=pair, actor=actor)
    assert len(mail.outbox) == 3


def test_propose_with_confirm_returns_the_active_pair(program_year, actor):
    pair = propose(accepted("ct", program_year), accepted("mentee", program_year), actor, confirm=True)
    assert Pair.objects.get(pk=pair.pk).status == Pair.Status.ACTIVE  # the database is right
    assert (pair.status, pair.started_on, pair.confirmed_by) == (Pair.Status.ACTIVE, timezone.localdate(), actor)


def test_confirm_without_a_signed_mou_emails_the_two_of_them(program_year, actor, django_capture_on_commit_callbacks):
    mentee = accepted("mentee", program_year)
    MOUFactory(application=mentee)  # requested, not signed: no leader yet
    with django_capture_on_commit_callbacks(execute=True):
        pair = propose(accepted("ct", program_year), mentee, actor, confirm=True)
    pair.refresh_from_db()
    assert pair.leader is None and pair.status == Pair.Status.ACTIVE
    assert len(mail.outbox) == 2


def test_pairs_confirm_suggested_confirms_several_and_collects_errors(
    program_year, actor, django_capture_on_commit_callbacks
):
    small = accepted("ct", program_year)
    services.capacity_set(program_year=program_year, coach=small.applicant, capacity=1, actor=actor)
    roomy = accepted("ct", program_year)
    m1, m2, m3 = (accepted("mentee", program_year) for _ in range(3))
    elsewhere = accepted("mentee", program_year, region_number=2)
    other_year = ProgramYearFactory(
        name="2027–28", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 8, 31)
    )
    stranger = accepted("mentee", other_year)
    with django_capture_on_commit_callbacks(execute=True):
        done, errors = services.pairs_confirm_suggested(
            choices=[
                (m1.pk, small.pk),
                (m2.pk, small.pk),
                (m3.pk, roomy.pk),
                (elsewhere.pk, roomy.pk),
                (stranger.pk, roomy.pk),
            ],
            actor=actor,
            program_year=program_year,
        )
    for pair in done:
        pair.refresh_from_db()
    assert [(p.mentee_application_id, p.coach_application_id, p.status) for p in done] == [
        (m1.pk, small.pk, Pair.Status.ACTIVE),
        (m3.pk, roomy.pk, Pair.Status.ACTIVE),
    ]
    assert errors == [
        f"{small.applicant.full_name} is at capacity (1 pair).",
        f"{roomy.applicant.full_name} and {elsewhere.applicant.full_name} work in different regions; pairs stay "
        "within a region unless you give a reason to relax the rule.",
        "A chosen pair is no longer in the pool; run the suggestion again.",
    ]
    assert Pair.objects.count() == 2
    assert len(mail.outbox) == 4


def test_discard_only_a_proposed_pair(program_year, actor):
    coach = accepted("ct", program_year)
    mentee = accepted("mentee", program_year)
    pair = propose(coach, mentee, actor)
    discarded = services.pair_discard(pair=pair, actor=actor)
    assert discarded.status == Pair.Status.DISCARDED and discarded.ended_by == actor
    with refused("Only a proposed pair can be discarded; end an active pair instead."):
        services.pair_discard(pair=pair, actor=actor)
    active = propose(coach, mentee, actor, confirm=True)  # the mentee is free again
    with refused("Only a proposed pair can be discarded; end an active pair instead."):
        services.pair_discard(pair=active, actor=actor)
    active.refresh_from_db()
    assert active.status == Pair.Status.ACTIVE


def test_end_completed(program_year, actor):
    pair = propose(accepted("ct", program_year), accepted("mentee", program_year), actor, confirm=True)
    ended = services.pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.COMPLETED)
    ended.refresh_from_db()
    assert (ended.status, ended.end_kind, ended.end_reason, ended.ended_on, ended.ended_by) == (
        Pair.Status.ENDED,
        "completed",
        "",
        timezone.localdate(),
        actor,
    )
    with refused("Only an active pair can be ended."):
        services.pair_end(pair=ended, actor=actor, end_kind=Pair.EndKind.COMPLETED)


def test_end_early_needs_a_reason_and_the_mentee_can_be_paired_again(program_year, actor):
    coach = accepted("ct", program_year)
    mentee = accepted("mentee", program_year)
    pair = propose(coach, mentee, actor)
    with refused("Only an active pair can be ended."):
        services.pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.EARLY, reason="x")
    services.pair_confirm(pair=pair, actor=actor)
    with refused("Say whether the pair completed its year or ended early."):
        services.pair_end(pair=pair, actor=actor, end_kind="paused")
    with refused("Give the reason the pair is ending early."):
        services.pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.EARLY, reason="  ")
    ended = services.pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.EARLY, reason=" The coach moved away. ")
    assert (ended.status, ended.end_kind, ended.end_reason) == (Pair.Status.ENDED, "early", "The coach moved away.")
    # history kept: created, confirmed, ended
    assert pair.history.count() == 3
    assert [h.status for h in pair.history.order_by("history_date", "history_id")] == ["proposed", "active", "ended"]

    again = propose(accepted("ct", program_year), mentee, actor, confirm=True)
    again.refresh_from_db()
    assert again.pk != pair.pk and again.status == Pair.Status.ACTIVE
    assert Pair.objects.filter(mentee=mentee.applicant).count() == 2
    # the coach's slot was freed too
    assert propose(coach, accepted("mentee", program_year), actor).coach_slot == 1


# --- regional targets -----------------------------------------------------------------------------------


def test_regional_targets(program_year, actor):
    r1, r2 = Region.objects.get(number=1), Region.objects.get(number=2)
    RegionTargetFactory(program_year=program_year, region=r1, ct_mentee_pairs=3, ca_ma_pairs=1)
    RegionTargetFactory(program_year=program_year, region=r2, ct_mentee_pairs=5, ca_ma_pairs=2)

    busy = accepted("ct", program_year, region_number=1)
    propose(busy, accepted("mentee", program_year, region_number=1), actor, confirm=True)  # active
    propose(busy, accepted("mentee", program_year, region_number=1), actor)  # proposed: not active, not unmatched
    ended = propose(
        accepted("ct", program_year, region_number=1),
        accepted("mentee", program_year, region_number=1),
        actor,
        confirm=True,
    )
    services.pair_end(pair=ended, actor=actor, end_kind=Pair.EndKind.COMPLETED)  # mentee unmatched again
    accepted("mentee", program_year, region_number=1)  # unmatched
    ca = accepted("ca", program_year, region_number=1)
    services.capacity_set(program_year=program_year, coach=ca.applicant, capacity=1, actor=actor)
    propose(ca, accepted("ma", program_year, region_number=1), actor, confirm=True)

    free = accepted("ct", program_year, region_number=2)
    accepted("ma", program_year, region_number=2)
    not_accepted = accepted("mentee", program_year, region_number=2)
    not_accepted.stage = Stage.IN_REVIEW
    not_accepted.save(update_fields=["stage"])

    rows = {row.region.number: row for row in regional_targets(program_year)}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    one, two = rows[1], rows[2]
    assert (one.target_ct_mentee, one.target_ca_ma, two.target_ct_mentee, two.target_ca_ma) == (3, 1, 5, 2)
    assert one.active == {"ct_mentee": 1, "ca_ma": 1}
    assert one.unmatched == {"mentee": 2}
    ended_coach = ended.coach
    assert one.free_coaches == [(ended_coach.full_name, "CT", 2)]
    assert two.active == {}
    assert two.unmatched == {"ma": 1}
    assert two.free_coaches == [(free.applicant.full_name, "CT", 2)]
    assert (rows[3].target_ct_mentee, rows[3].active, rows[3].unmatched, rows[3].free_coaches) == (0, {}, {}, [])


def test_an_application_without_a_program_has_no_region(program_year, actor):
    """An accepted application whose program is unknown is never taken to share the coach's region."""
    coach = accepted("ct", program_year)
    person = PersonFactory(with_account=True, program=None)
    mentee = ApplicationFactory(
        role="mentee", program_year=program_year, stage=Stage.ACCEPTED, applicant=person, program=None
    )
    with refused("work in different regions"):
        propose(coach, mentee, actor)
