"""Writes for pairings: propose (lock), discard, confirm, end; capacities and region waivers.

Nothing a staff member does on the suggestion page changes anyone's pairing until they confirm:
locked choices are PROPOSED pairs, which reserve the mentee and a coach slot but tell nobody.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from applications.models import MOU, Application, Stage
from pac.models import Person, ProgramYear, User
from pac.services import email_queue
from pac.workflow import TransitionError

from . import matching
from .models import DEFAULT_CAPACITY, KIND_ROLES, Capacity, Kind, Pair, RegionWaiver
from .participation import check_ready_to_confirm
from .selectors import _candidate
from .signals import pair_confirmed


def capacity_of(*, program_year: ProgramYear, coach: Person) -> int:
    row = Capacity.objects.filter(program_year=program_year, coach=coach).first()
    return row.capacity if row else DEFAULT_CAPACITY


def _kind_for(coach_application: Application, mentee_application: Application) -> str:
    for kind, (coach_role, mentee_role) in KIND_ROLES.items():
        if coach_application.role == coach_role and mentee_application.role == mentee_role:
            return kind
    raise TransitionError(
        f"A {coach_application.get_role_display()} cannot be paired with a {mentee_application.get_role_display()}: "
        "Consultant Teachers coach Mentees and Consultant Administrators coach Mentee Administrators."
    )


def _check_ready(coach_application: Application) -> None:
    """A second year is paired once its renewed MOU is complete, as a first year is accepted only
    with a complete MOU."""
    if not coach_application.ready_to_pair():
        raise TransitionError(
            f"{coach_application.applicant.full_name}'s second year waits for the renewed MOU to be signed; they "
            "are paired once it is."
        )


def _leader_for(mentee_application: Application) -> Person | None:
    mou = mentee_application.mous.filter(status=MOU.Status.SIGNED).select_related("signer_person").first()
    return mou.signer_person if mou else None


@transaction.atomic
def pair_propose(
    *,
    coach_application: Application,
    mentee_application: Application,
    actor: User,
    relax_reason: str = "",
    confirm: bool = False,
    continued_from: Pair | None = None,
) -> Pair:
    """Reserve a mentee for a coach (a locked pair). With ``confirm`` it becomes active at once."""
    kind = _kind_for(coach_application, mentee_application)
    year = mentee_application.program_year
    for application in (coach_application, mentee_application):
        if application.stage != Stage.ACCEPTED:
            raise TransitionError(
                f"{application.applicant.full_name}'s application is "
                f"“{application.get_stage_display()}”; only accepted applicants are paired."
            )
        if application.program_year_id != year.pk:
            raise TransitionError("Both applications must be for the same program year.")
    _check_ready(coach_application)
    coach, mentee = coach_application.applicant, mentee_application.applicant
    # one coach's pairs are changed one at a time: lock their capacity row (creating it if needed)
    cap_row, _ = Capacity.objects.select_for_update().get_or_create(program_year=year, coach=coach)
    if Pair.objects.filter(program_year=year, mentee=mentee, status__in=Pair.LIVE).exists():
        raise TransitionError(f"{mentee.full_name} already has a pair this year; end it before pairing again.")
    same_region = (
        coach_application.program
        and mentee_application.program
        and coach_application.program.region_id == mentee_application.program.region_id
    )
    waived = RegionWaiver.objects.filter(program_year=year, mentee=mentee, is_active=True).exists()
    if not same_region and not waived and not relax_reason.strip():
        raise TransitionError(
            f"{coach.full_name} and {mentee.full_name} work in different regions; pairs stay "
            "within a region unless you give a reason to relax the rule."
        )
    taken = set(
        Pair.objects.filter(program_year=year, coach=coach, status__in=Pair.LIVE).values_list("coach_slot", flat=True)
    )
    free = [slot for slot in range(1, cap_row.capacity + 1) if slot not in taken]
    if not free:
        raise TransitionError(
            f"{coach.full_name} is at capacity ({cap_row.capacity} pair{'s' if cap_row.capacity != 1 else ''})."
        )
    match = matching.score_pair(_candidate(mentee_application), _candidate(coach_application))
    try:
        with transaction.atomic():
            pair = Pair.objects.create(
                program_year=year,
                kind=kind,
                coach=coach,
                mentee=mentee,
                coach_application=coach_application,
                mentee_application=mentee_application,
                leader=_leader_for(mentee_application),
                coach_slot=free[0],
                coach_capacity=cap_row.capacity,
                score=match.score,
                score_breakdown=match.components,
                region_relaxed=not same_region,
                region_relaxed_reason=relax_reason.strip() if not same_region else "",
                proposed_by=actor,
                continued_from=continued_from,
            )
    except IntegrityError as exc:  # a concurrent change took the mentee or the slot
        raise TransitionError("Someone else changed these pairs at the same moment; reload and try again.") from exc
    if confirm:
        pair = pair_confirm(pair=pair, actor=actor)
    return pair


@transaction.atomic
def pair_discard(*, pair: Pair, actor: User) -> Pair:
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pair.status = Pair.workflow.require(
        "discard", pair.status, refusal="Only a proposed pair can be discarded; end an active pair instead."
    )
    pair.ended_by = actor
    pair.save(update_fields=["status", "ended_by"])
    return pair


@transaction.atomic
def pair_confirm(*, pair: Pair, actor: User) -> Pair:
    """Make a pair active and introduce the coach, the mentee and the leader by email."""
    pair = (
        Pair.objects.select_for_update(of=("self",))
        .select_related("coach_application", "mentee_application")
        .get(pk=pair.pk)
    )
    status = Pair.workflow.require(
        "confirm",
        pair.status,
        refusal=f"This pair is {pair.get_status_display().lower()}; only a proposed pair is confirmed.",
    )
    for application in (pair.coach_application, pair.mentee_application):
        if application.stage != Stage.ACCEPTED:
            raise TransitionError(
                f"{pair.coach if application == pair.coach_application else pair.mentee} is no "
                f"longer an accepted applicant (“{application.get_stage_display()}”); discard "
                "this pair."
            )
    _check_ready(pair.coach_application)
    # the year may ask the Mentee or MA to attend orientation and sign the acknowledgement first
    check_ready_to_confirm(
        mentee=pair.mentee, program_year=pair.program_year, role_label=pair.mentee_application.get_role_display()
    )
    pair.status = status
    pair.confirmed_by = actor
    pair.confirmed_at = timezone.now()
    pair.started_on = timezone.localdate()
    pair.save(update_fields=["status", "confirmed_by", "confirmed_at", "started_on"])
    pair = Pair.objects.select_related("coach__program", "mentee__program", "leader", "program_year").get(pk=pair.pk)
    pair_confirmed.send(sender=Pair, pair=pair, actor=actor)  # coaching opens the first 30-day report
    people = [pair.coach, pair.mentee] + ([pair.leader] if pair.leader else [])
    context = {"pair": pair, "people": people}
    text = render_to_string("pairings/email/confirmed.txt", context).strip()
    subject, _, body = text.partition("\n")
    for person in people:
        email_queue(
            to=[person.email],
            subject=f"[PAC] {subject.strip()}",
            body_text=body.strip() + "\n",
            key=f"pair:{pair.pk}:confirmed:{person.pk}",
        )
    return pair


def pairs_confirm_suggested(
    *, choices: Iterable[tuple[int, int]], actor: User, program_year: ProgramYear
) -> tuple[list[Pair], list[str]]:
    """Confirm chosen (mentee application, coach application) rows of a suggestion, each in its
    own transaction so one refusal does not undo the rest."""
    ids = {i for pair in choices for i in pair}
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids, program_year=program_year).select_related(
            "applicant", "program__region"
        )
    }
    done, errors = [], []
    for mentee_id, coach_id in choices:
        mentee, coach = applications.get(mentee_id), applications.get(coach_id)
        if mentee is None or coach is None:
            errors.append("A chosen pair is no longer in the pool; run the suggestion again.")
            continue
        try:
            done.append(pair_propose(coach_application=coach, mentee_application=mentee, actor=actor, confirm=True))
        except TransitionError as exc:
            errors.append(exc.messages[0])
    return done, errors


def pairs_confirm(
    *, program_year: ProgramYear, proposed: Iterable[Pair], suggested: Iterable[tuple[int, int]], actor: User
) -> tuple[list[Pair], list[str]]:
    """The suggestion page's confirmation: the ticked locked pairs, then the ticked rows of the
    suggestion. Each pair is confirmed in its own transaction, so one refusal (a pair confirmed
    by a second click, a mentee paired meanwhile) does not undo the rest; the refusals come back
    in the program's words."""
    done, errors = [], []
    for pair in proposed:
        if pair.program_year_id != program_year.pk:
            errors.append("A ticked locked pair is not one of this year's pairs; reload the page.")
            continue
        try:
            done.append(pair_confirm(pair=pair, actor=actor))
        except TransitionError as exc:
            errors.append(exc.messages[0])
    more, more_errors = pairs_confirm_suggested(choices=suggested, actor=actor, program_year=program_year)
    return done + more, errors + more_errors


@transaction.atomic
def pair_end(
    *, pair: Pair, actor: User | None, end_kind: str, reason: str = "", on: datetime.date | None = None
) -> Pair:
    """End an active pair: completed, or ended early with a reason. History is kept; the mentee
    can then be paired again. ``on`` dates an end that was scheduled (by default, today)."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    status = Pair.workflow.require("end", pair.status, refusal="Only an active pair can be ended.")
    if end_kind not in Pair.EndKind.values:
        raise TransitionError("Say whether the pair completed its year or ended early.")
    if end_kind == Pair.EndKind.EARLY and not reason.strip():
        raise TransitionError("Give the reason the pair is ending early.")
    pair.status = status
    pair.end_kind = end_kind
    pair.end_reason = reason.strip()
    pair.ended_on = on or timezone.localdate()
    if pair.started_on and pair.ended_on < pair.started_on:
        pair.ended_on = pair.started_on
    pair.ended_by = actor
    pair.save(update_fields=["status", "end_kind", "end_reason", "ended_on", "ended_by"])
    return pair


# --- ends set ahead: a coach who does not continue after their six-month review ---------------------


@transaction.atomic
def pair_schedule_end(*, pair: Pair, on: datetime.date, reason: str, actor: User | None) -> Pair:
    """Set an active pair to end, completed, on a later day (the daily sweep ends it the day after);
    a day already past ends it now, dated that day. Setting the same end again changes nothing."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != Pair.Status.ACTIVE:
        raise TransitionError("Only an active pair can be set to end.")
    if not reason.strip():
        raise TransitionError("Give the reason the pair is set to end.")
    if (pair.end_scheduled_on, pair.end_scheduled_reason) != (on, reason.strip()[:300]):
        pair.end_scheduled_on, pair.end_scheduled_reason = on, reason.strip()[:300]
        pair.save(update_fields=["end_scheduled_on", "end_scheduled_reason"])
    if on < timezone.localdate():
        return pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.COMPLETED, reason=reason.strip(), on=on)
    return pair


@transaction.atomic
def pair_unschedule_end(*, pair: Pair) -> Pair:
    """Take back an end set ahead (a decision revised); a pair already ended stays ended."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status == Pair.Status.ACTIVE and pair.end_scheduled_on is not None:
        pair.end_scheduled_on, pair.end_scheduled_reason = None, ""
        pair.save(update_fields=["end_scheduled_on", "end_scheduled_reason"])
    return pair


def pairs_end_scheduled(today: datetime.date | None = None) -> int:
    """End the active pairs whose scheduled end has passed, each dated its scheduled day, each in
    its own transaction (idempotent: an ended pair is no longer active). Returns how many ended."""
    today = today or timezone.localdate()
    ended = 0
    for pair in Pair.objects.filter(status=Pair.Status.ACTIVE, end_scheduled_on__lt=today).order_by("pk"):
        try:
            pair_end(
                pair=pair,
                actor=None,
                end_kind=Pair.EndKind.COMPLETED,
                reason=pair.end_scheduled_reason,
                on=pair.end_scheduled_on,
            )
        except TransitionError:  # ended meanwhile by staff
            continue
        ended += 1
    return ended


# --- a second year ----------------------------------------------------------------------------------


@transaction.atomic
def capacity_carry_over(*, coach: Person, from_year: ProgramYear, to_year: ProgramYear) -> Capacity:
    """A continuing coach keeps their capacity in their second year. A capacity already set for
    that year (by staff, or carried over before) is kept as it is."""
    row, created = Capacity.objects.select_for_update().get_or_create(
        program_year=to_year,
        coach=coach,
        defaults={
            "capacity": capacity_of(program_year=from_year, coach=coach),
            "note": f"Carried over from {from_year} (second year)",
        },
    )
    return row


def pairs_continue(*, renewal: Application, actor: User) -> list[Pair]:
    """Lock, in a second year, each pair of the coach's year before whose mentee is accepted again
    for the new year and not yet paired: staff confirm it on the suggestion page like any locked
    pair (nothing is told to anyone before). Each prior pair is carried once (a locked pair staff
    discard is not proposed again), and only once the renewal may be paired (its renewed MOU
    complete); each in its own transaction, so one refusal (capacity) does not undo the others."""
    if renewal.renewal_of_id is None or not renewal.ready_to_pair():
        return []
    prior_year = renewal.renewal_of.program_year
    # carried on this renewal (a pair staff discarded stays discarded); a renewal withdrawn by a revised
    # decision took its pairs with it, so a later "continue" carries them again on its new renewal
    carried = set(
        Pair.objects.filter(continued_from__program_year=prior_year, coach_application=renewal).values_list(
            "continued_from_id", flat=True
        )
    )
    done = []
    for prior in (
        Pair.objects.filter(program_year=prior_year, coach=renewal.applicant)
        .filter(Q(status=Pair.Status.ACTIVE) | Q(status=Pair.Status.ENDED, end_kind=Pair.EndKind.COMPLETED))
        .exclude(pk__in=carried)
        .select_related("mentee_application")
        .order_by("pk")
    ):
        mentee_application = (
            Application.objects.filter(
                applicant_id=prior.mentee_id,
                program_year=renewal.program_year,
                role=prior.mentee_application.role,
                stage=Stage.ACCEPTED,
            )
            .select_related("applicant", "program__region")
            .first()
        )
        if mentee_application is None:
            continue
        if Pair.objects.filter(
            program_year=renewal.program_year, mentee_id=prior.mentee_id, status__in=Pair.LIVE
        ).exists():
            continue
        try:
            with transaction.atomic():
                done.append(
                    pair_propose(
                        coach_application=renewal,
                        mentee_application=mentee_application,
                        actor=actor,
                        relax_reason=prior.region_relaxed_reason or f"Continues their {prior_year} pair",
                        continued_from=prior,
                    )
                )
        except TransitionError:
            continue
    return done


@transaction.atomic
def capacity_set(*, program_year: ProgramYear, coach: Person, capacity: int, actor: User, note: str = "") -> Capacity:
    if not 0 <= capacity <= 4:
        raise TransitionError("A coach's capacity is between 0 and 4 pairs (the model expects one or two).")
    row, _ = Capacity.objects.select_for_update().get_or_create(program_year=program_year, coach=coach)
    live = Pair.objects.filter(program_year=program_year, coach=coach, status__in=Pair.LIVE)
    highest = max(live.values_list("coach_slot", flat=True), default=0)
    if capacity < live.count() or capacity < highest:
        raise TransitionError(
            f"{coach.full_name} has {live.count()} live pair(s), the last in place {highest}; end or discard that "
            f"pair before lowering their capacity below {highest}."
        )
    row.capacity = capacity
    row.note = note
    row.save(update_fields=["capacity", "note"])
    return row


@transaction.atomic
def region_waive(*, program_year: ProgramYear, mentee: Person, reason: str, actor: User) -> RegionWaiver:
    if not reason.strip():
        raise TransitionError("Give the reason this mentee may be paired outside their region.")
    waiver, created = RegionWaiver.objects.get_or_create(
        program_year=program_year,
        mentee=mentee,
        is_active=True,
        defaults={"reason": reason.strip(), "granted_by": actor},
    )
    return waiver


def suggestion_for(program_year: ProgramYear, kind: str):
    """The current pool and the best assignment of it."""
    from .selectors import pool as load_pool

    pool = load_pool(program_year, kind)
    coach_label, mentee_label = (
        ("Consultant Teacher", "Mentee")
        if kind == Kind.CT_MENTEE
        else ("Consultant Administrator", "Mentee Administrator")
    )
    suggestion = matching.suggest(pool.mentees, pool.coaches, coach_label=coach_label, mentee_label=mentee_label)
    return pool, suggestion
