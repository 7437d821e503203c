"""Mentees' and Mentee Administrators' own participation, against what the program model asks of them:
"Attend pre-service orientation training (estimated training is 1 day prior to implementation of
project)", "Participate in recommended training as determined by CT, Mentee, and identified
Program/Instructional Leader" and "Maintain confidentiality" (the acknowledgement, signed online, is
pairings' record: ``pairings.participation``).

Reads (each a fixed number of queries for any number of people) and the writes for recommended
training. Orientation attendance is also given to pairings through ``pac.annotations``
(``orientation_attended``), so that a year that requires it can refuse to confirm a pair without it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from pac.models import Participation, Person, ProgramRole, ProgramYear, User
from pac.permissions import is_eec_staff
from pac.workflow import TransitionError
from pairings import participation as confirmation
from pairings.models import ConfidentialityAcknowledgement, Pair

from .models import Attendance, Goal, TrainingEvent, TrainingRecommendation

MENTEE_ROLES = (ProgramRole.MENTEE, ProgramRole.MA)
EXPECTED_ORIENTATION_DAYS = 1  # the model: "estimated training is 1 day prior to implementation"
HOURS_PER_DAY = 6
# events a Mentee or MA is expected at, and which count towards their own record
FOR_MENTEES = (TrainingEvent.Audience.MENTEES, TrainingEvent.Audience.EVERYONE)


# --- who is expected at an event ------------------------------------------------------------------


def _mentees_of(program_year: ProgramYear, region_id: int | None = None):
    """The year's Mentees and MAs (active program roles), in a region when given: the role's own
    region, or the person's program's region when the role has none."""
    rows = Participation.objects.active().filter(program_year=program_year, role__in=MENTEE_ROLES)
    if region_id:
        rows = in_region(rows, region_id)
    return rows.select_related("person__program__region", "region")


def expected_attendees(event: TrainingEvent) -> list[tuple[Person, str]]:
    """Who an event's attendance sheet lists. Coaches and leaders as before: the coaches of the year's
    active pairs (in the event's region, for a PLC) and their leaders (not at ongoing training days).
    Mentees and MAs (the year's, from their program roles) when the event is for them: orientation and
    training days staff open to them; never a PLC. Three queries, reading only the names: a statewide
    event lists everyone in the program."""
    people: dict[int, tuple[Person, str]] = {}
    for_coaches = event.kind == TrainingEvent.Kind.PLC or event.audience != TrainingEvent.Audience.MENTEES
    if for_coaches:
        pairs = Pair.objects.filter(program_year=event.program_year, status=Pair.Status.ACTIVE).order_by()
        if event.region_id:
            pairs = pairs.filter(mentee__program__region=event.region)
        # a coach is listed as a coach even when they also lead another pair
        for coach in Person.objects.filter(pk__in=pairs.values("coach_id")).only(*_NAME):
            people[coach.pk] = (coach, "Coach")
        if event.kind != TrainingEvent.Kind.TRAINING:
            for leader in Person.objects.filter(pk__in=pairs.values("leader_id")).only(*_NAME):
                people.setdefault(leader.pk, (leader, "Leader"))
    if event.kind != TrainingEvent.Kind.PLC and event.audience in FOR_MENTEES:
        roles = _mentees_of(event.program_year, event.region_id).select_related(None).select_related("person")
        for row in roles.only("role", *(f"person__{name}" for name in _NAME)).order_by("pk"):
            people.setdefault(row.person.pk, (row.person, row.get_role_display()))
    return sorted(people.values(), key=lambda p: (p[1], p[0].last_name, p[0].first_name))


_NAME = ("first_name", "last_name")


# --- a Mentee's or MA's record ---------------------------------------------------------------------


def orientation_attended(person_ids: Iterable[int], program_year: ProgramYear) -> set[int]:
    """Who among ``person_ids`` is recorded present at one of the year's orientation events (one query).
    Registered with pac.annotations for pairings' confirmation check."""
    return set(
        Attendance.objects.filter(
            person_id__in=list(person_ids),
            attended=True,
            event__program_year=program_year,
            event__kind=TrainingEvent.Kind.ORIENTATION,
        ).values_list("person_id", flat=True)
    )


@dataclass
class MenteeParticipation:
    """One Mentee's or MA's participation in a program year."""

    orientation_on: datetime.date | None = None
    orientation_hours: Decimal = Decimal(0)
    training_hours: Decimal = Decimal(0)
    recommended: int = 0  # recommended and still open
    completed: int = 0
    not_taken: int = 0
    acknowledgement: ConfidentialityAcknowledgement | None = None
    missing: list[str] = field(default_factory=list)  # before a pair is confirmed, when the year requires it
    required: bool = False

    orientation_expected = EXPECTED_ORIENTATION_DAYS

    @property
    def attended_orientation(self) -> bool:
        return self.orientation_on is not None

    @property
    def orientation_days(self) -> float:
        return round(float(self.orientation_hours) / HOURS_PER_DAY, 1)

    @property
    def training_days(self) -> float:
        return round(float(self.training_hours) / HOURS_PER_DAY, 1)

    @property
    def recommended_total(self) -> int:
        return self.recommended + self.completed + self.not_taken

    @property
    def ready(self) -> bool:
        return not self.missing


def participation_of(person_ids: Iterable[int], program_year: ProgramYear) -> dict[int, MenteeParticipation]:
    """{person id: their participation} for the year, in four queries whatever the number of people."""
    ids = list(dict.fromkeys(person_ids))
    out = {pk: MenteeParticipation() for pk in ids}
    if not ids:
        return out
    attended = Attendance.objects.filter(
        person_id__in=ids,
        attended=True,
        event__program_year=program_year,
        event__kind__in=[TrainingEvent.Kind.ORIENTATION, TrainingEvent.Kind.TRAINING],
    ).values_list("person_id", "event__kind", "event__held_on", "event__hours")
    for person_id, kind, held_on, hours in attended:
        row = out[person_id]
        if kind == TrainingEvent.Kind.ORIENTATION:
            row.orientation_hours += hours
            row.orientation_on = min(row.orientation_on or held_on, held_on)
        else:
            row.training_hours += hours
    counts = (
        TrainingRecommendation.objects.filter(pair__program_year=program_year, pair__mentee_id__in=ids)
        .values_list("pair__mentee_id", "status")
        .annotate(n=Count("pk"))
    )
    for person_id, status, n in counts:
        attr = {"recommended": "recommended", "completed": "completed", "not_taken": "not_taken"}[status]
        setattr(out[person_id], attr, getattr(out[person_id], attr) + n)
    signed = confirmation.acknowledgements_of(ids, program_year, texts=False)
    for person_id, acknowledgement in signed.items():
        out[person_id].acknowledgement = acknowledgement
    required = confirmation.participation_required(program_year)
    missing = {}
    if required:  # from what was read above: who attended orientation, who signed
        attended = {pk for pk, row in out.items() if row.orientation_on is not None}
        missing = confirmation.missing_before_confirmation(
            ids, program_year, required=True, attended=attended, signed=signed
        )
    for person_id, row in out.items():
        row.required = required
        row.missing = missing.get(person_id, [])
    return out


_PAIR_RANK = {Pair.Status.ACTIVE: 0, Pair.Status.PROPOSED: 1, Pair.Status.ENDED: 2}


def roster_people(program_year: ProgramYear) -> QuerySet[Participation]:
    """The year's Mentees and MAs (their program roles): what the staff participation page filters,
    sorts and pages. What it sorts and filters on is each a subquery on the person (by index), so the
    database orders and slices the roster and only the page's rows are worked out in full
    (``roster_prepare``): the region shown (the role's, else the person's program's), the first
    orientation attended, the training hours attended and when the acknowledgement was signed."""
    attended = Attendance.objects.filter(
        person=OuterRef("person_id"), attended=True, event__program_year=program_year
    ).order_by()
    orientation = (
        attended.filter(event__kind=TrainingEvent.Kind.ORIENTATION).order_by("event__held_on").values("event__held_on")
    )
    training = (
        attended.filter(event__kind=TrainingEvent.Kind.TRAINING)
        .values("person")
        .annotate(hours=Sum("event__hours"))
        .values("hours")
    )
    signed = ConfidentialityAcknowledgement.objects.filter(
        person=OuterRef("person_id"), program_year=program_year
    ).order_by("-signed_at")
    return _mentees_of(program_year).annotate(
        region_number=Coalesce("region__number", "person__program__region__number"),
        orientation_on=Subquery(orientation[:1]),
        training_hours=Coalesce(
            Subquery(training, output_field=DecimalField()), Value(Decimal(0)), output_field=DecimalField()
        ),
        acknowledged_at=Subquery(signed.values("signed_at")[:1]),
    )


def in_region(participations, region_id: int):
    """Program roles in a region: the role's own region, or the person's program's when it has none."""
    return participations.filter(Q(region_id=region_id) | Q(region__isnull=True, person__program__region_id=region_id))


def roster_prepare(participations: list[Participation], program_year: ProgramYear) -> list[Participation]:
    """Give each of these program roles (a page of the roster, or every row of its CSV) the person's
    participation (``record``: orientation, training days, recommended training, the acknowledgement,
    what is missing before confirmation) and their pair of the year (``pair``: active, else proposed,
    else the last ended one). A fixed number of queries (seven) for any number of people."""
    ids = [row.person_id for row in participations]
    records = participation_of(ids, program_year)
    pairs: dict[int, Pair] = {}
    if ids:
        for pair in (
            Pair.objects.filter(program_year=program_year, mentee_id__in=ids, status__in=list(_PAIR_RANK))
            .select_related("coach")
            .order_by("-created_at")
        ):
            known = pairs.get(pair.mentee_id)
            if known is None or _PAIR_RANK[pair.status] < _PAIR_RANK[known.status]:
                pairs[pair.mentee_id] = pair
    for row in participations:
        row.record = records[row.person_id]
        row.pair = pairs.get(row.person_id)
    return participations


def for_workspace(pair: Pair) -> dict:
    """The pair's Mentee or MA: their participation and the training recommended to them."""
    record = participation_of([pair.mentee_id], pair.program_year)[pair.mentee_id]
    trainings = list(
        TrainingRecommendation.objects.filter(pair=pair).select_related("goal").order_by("status", "-recommended_at")
    )
    return {"record": record, "trainings": trainings}


def next_orientation(program_year: ProgramYear, region_id: int | None, today: datetime.date) -> TrainingEvent | None:
    """The next orientation a Mentee or MA is expected at (statewide, or in their region)."""
    return (
        TrainingEvent.objects.filter(
            program_year=program_year,
            kind=TrainingEvent.Kind.ORIENTATION,
            audience__in=FOR_MENTEES,
            held_on__gte=today,
        )
        .filter(Q(region__isnull=True) | Q(region_id=region_id))
        .order_by("held_on", "pk")
        .first()
    )


@dataclass
class ToDo:
    text: str
    url: str = ""
    detail: str = ""
    required: bool = False


def mentee_todo(user, *, roles: list[Participation] | None = None, today: datetime.date | None = None) -> list[ToDo]:
    """What a Mentee or MA still has to do for their own participation, from the data: sign the
    year's confidentiality acknowledgement, attend orientation, take the training recommended to them.
    ``roles`` are their Mentee and MA roles (``signing_participations``) when the caller has them."""
    today = today or timezone.localdate()
    items: list[ToDo] = []
    if roles is None:
        roles = confirmation.signing_participations(user, today=today)
    for role in roles:
        year = role.program_year
        record = participation_of([role.person_id], year)[role.person_id]
        # the requirement binds only before pairing: ask about the pair only when the year requires it
        before_pairing = (
            record.required
            and not Pair.objects.filter(program_year=year, mentee_id=role.person_id, status=Pair.Status.ACTIVE).exists()
        )
        if record.acknowledgement is None:
            items.append(
                ToDo(
                    f"Sign the confidentiality acknowledgement for {year}",
                    reverse("pairings:confidentiality") + f"?year={year.pk}",
                    required=before_pairing,
                )
            )
        if not record.attended_orientation:
            region_id = role.region_id or (role.person.program.region_id if role.person.program_id else None)
            event = next_orientation(year, region_id, today)
            items.append(
                ToDo(
                    f"Attend pre-service orientation ({year})",
                    detail=(
                        f"{event.title}, {event.held_on:%A, %B %-d, %Y}"
                        if event
                        else "EEC staff will tell you the date. Your attendance is recorded on the day."
                    ),
                    required=before_pairing,
                )
            )
    open_trainings = (
        TrainingRecommendation.objects.filter(
            pair__mentee__user=user, pair__status=Pair.Status.ACTIVE, status=TrainingRecommendation.Status.RECOMMENDED
        )
        .select_related("pair")
        .order_by("recommended_at", "pk")
    )
    for training in open_trainings:
        items.append(
            ToDo(
                f"Recommended training: {training.title}",
                reverse("coaching:training_outcome", args=[training.pair_id, training.pk]),
                detail=training.details,
            )
        )
    return items


# --- recommended training: the writes ---------------------------------------------------------------


def _check_member(pair: Pair, actor: User) -> None:
    if pair.status != Pair.Status.ACTIVE:
        raise TransitionError("Training is recommended and recorded while the pair is active.")
    members = {pair.coach.user_id, pair.mentee.user_id, pair.leader.user_id if pair.leader_id else None}
    if actor.pk not in members and not is_eec_staff(actor):
        raise TransitionError(
            "The pair's coach, Mentee and Program/Instructional Leader (or EEC staff) recommend training together."
        )


@transaction.atomic
def training_recommend(
    *, pair: Pair, actor: User, title: str, details: str = "", goal: Goal | None = None
) -> TrainingRecommendation:
    pair = Pair.objects.select_related("coach", "mentee", "leader").get(pk=pair.pk)
    _check_member(pair, actor)
    title = " ".join((title or "").split())
    if not title:
        raise TransitionError("Name the training or course.")
    if goal is not None and goal.pair_id != pair.pk:
        raise TransitionError("Choose one of this pair's goals.")
    recommendation = TrainingRecommendation(
        pair=pair, goal=goal, title=title[:200], details=" ".join((details or "").split())[:300], recommended_by=actor
    )
    recommendation._history_user = actor
    recommendation.save()
    return recommendation


@transaction.atomic
def training_outcome(
    *,
    recommendation: TrainingRecommendation,
    actor: User,
    status: str,
    completed_on: datetime.date | None = None,
    hours: Decimal | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> TrainingRecommendation:
    """Record that a recommended training was completed (on a date) or not taken (with the reason).
    A recorded outcome may be corrected; every version is kept in its history."""
    today = today or timezone.localdate()
    recommendation = TrainingRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    pair = Pair.objects.select_related("coach", "mentee", "leader", "program_year").get(pk=recommendation.pair_id)
    _check_member(pair, actor)
    reason = " ".join((reason or "").split())
    if status == TrainingRecommendation.Status.COMPLETED:
        if completed_on is None:
            raise TransitionError("Give the date the training was completed.")
        if completed_on > today:
            raise TransitionError("The completion date cannot be in the future.")
        if completed_on < pair.program_year.starts_on - datetime.timedelta(days=366):
            raise TransitionError(f"The completion date must fall near {pair.program_year}.")
        if hours is not None and not Decimal("0.5") <= hours <= Decimal("999"):
            raise TransitionError("Hours are between 0.5 and 999.")
        recommendation.completed_on, recommendation.hours, recommendation.not_taken_reason = completed_on, hours, ""
    elif status == TrainingRecommendation.Status.NOT_TAKEN:
        if not reason:
            raise TransitionError("Say why the training was not taken.")
        recommendation.completed_on, recommendation.hours, recommendation.not_taken_reason = None, None, reason[:300]
    else:
        raise TransitionError("Choose whether the training was completed or not taken.")
    recommendation.status = status
    recommendation.outcome_by = actor
    recommendation.outcome_at = timezone.now()
    recommendation._history_user = actor
    recommendation.save()
    return recommendation


def participation_missing_count(program_year: ProgramYear | None) -> int:
    """How many of the year's unpaired Mentees and MAs still lack orientation or the acknowledgement
    (for staff's My work); 0 when the year does not require them. Two queries: the people are
    counted by the database (the same test as ``missing_before_confirmation``, as subqueries)."""
    if program_year is None or not confirmation.participation_required(program_year):
        return 0
    paired = Pair.objects.filter(program_year=program_year, status=Pair.Status.ACTIVE, mentee=OuterRef("person_id"))
    oriented = Attendance.objects.filter(
        person=OuterRef("person_id"),
        attended=True,
        event__program_year=program_year,
        event__kind=TrainingEvent.Kind.ORIENTATION,
    )
    signed = ConfidentialityAcknowledgement.objects.filter(person=OuterRef("person_id"), program_year=program_year)
    return (
        Participation.objects.active()
        .filter(program_year=program_year, role__in=MENTEE_ROLES)
        .exclude(Exists(paired))
        .filter(~Exists(oriented) | ~Exists(signed))
        .order_by()
        .values("person_id")
        .distinct()
        .count()
    )
