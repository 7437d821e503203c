"""Reads for pairings: the pool of candidates, pair lists and the regional target view."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from applications.models import Application, Stage, ready_to_pair_q
from pac.models import Program, ProgramYear, Region, RegionTarget

from .matching import Candidate
from .models import DEFAULT_CAPACITY, KIND_ROLES, Capacity, Kind, Pair, RegionWaiver, member_of

# what a candidate and the suggestion page read of an application: its essays and answers stay unread
_CANDIDATE_FIELDS = (
    "role",
    "program_type",
    "applicant__first_name",
    "applicant__last_name",
    "applicant__preferred_language",
    "program__name",
    "program__program_type",
    "program__region__number",
)


def _accepted(program_year: ProgramYear, role: str) -> QuerySet[Application]:
    """The year's accepted applicants for a role who may be paired (a second year once its renewed
    MOU is complete), with only what a candidate needs (its tags and ages: ``_sets_of``)."""
    return (
        Application.objects.filter(ready_to_pair_q(), program_year=program_year, role=role, stage=Stage.ACCEPTED)
        .select_related("applicant", "program__region")
        .only(*_CANDIDATE_FIELDS)
        .order_by("pk")
    )


def _sets_of(applications: list[Application]) -> tuple[dict[int, frozenset], dict[int, frozenset]]:
    """({application id: its tag ids}, {program id: its age group ids}) for these applications, in two
    queries that read ids from the link tables rather than a row object for each tag and age group."""
    if not applications:
        return {}, {}
    tags: dict[int, set] = defaultdict(set)
    links = Application.tags.through.objects.filter(application_id__in=[a.pk for a in applications])
    for application_id, tag_id in links.values_list("application_id", "tag_id"):
        tags[application_id].add(tag_id)
    ages: dict[int, set] = defaultdict(set)
    programs = {a.program_id for a in applications if a.program_id}
    links = Program.age_groups.through.objects.filter(program_id__in=programs)
    for program_id, age_id in links.values_list("program_id", "agegroup_id"):
        ages[program_id].add(age_id)
    return {k: frozenset(v) for k, v in tags.items()}, {k: frozenset(v) for k, v in ages.items()}


@dataclass
class Pool:
    kind: str
    coaches: list[Candidate] = field(default_factory=list)
    mentees: list[Candidate] = field(default_factory=list)
    applications: dict[int, Application] = field(default_factory=dict)  # by application id
    capacity: dict[int, int] = field(default_factory=dict)  # coach person id -> capacity
    used: dict[int, int] = field(default_factory=dict)  # coach person id -> live pairs


def _candidate(
    application: Application, *, tags: frozenset | None = None, ages: frozenset | None = None, **extra
) -> Candidate:
    """The application as the matching sees it; ``tags`` and ``ages`` when already read (``_sets_of``),
    else from the application's own tags and its program's age groups."""
    program = application.program
    if tags is None:
        tags = frozenset(t.pk for t in application.tags.all())
    if ages is None:
        ages = frozenset(a.pk for a in program.age_groups.all()) if program else frozenset()
    return Candidate(
        application_id=application.pk,
        person_id=application.applicant_id,
        name=application.applicant.full_name,
        region=program.region.number if program else 0,
        program_type=application.program_type or (program.program_type if program else ""),
        tags=tags,
        ages=ages,
        language=application.applicant.preferred_language,
        **extra,
    )


def pool(program_year: ProgramYear, kind: str) -> Pool:
    """Accepted coaches with free capacity (a continuing coach in their second year once the
    renewed MOU is complete) and accepted mentees without a live pair (a fixed number of queries
    whatever the size of the pool)."""
    coach_role, mentee_role = KIND_ROLES[Kind(kind)]
    result = Pool(kind=kind)
    live = Pair.objects.filter(program_year=program_year, status__in=Pair.LIVE)
    result.used = dict(live.order_by().values_list("coach_id").annotate(n=Count("pk")))
    result.capacity = dict(Capacity.objects.filter(program_year=program_year).values_list("coach_id", "capacity"))
    waived = set(
        RegionWaiver.objects.filter(program_year=program_year, is_active=True).values_list("mentee_id", flat=True)
    )
    coaches = list(_accepted(program_year, coach_role))
    # mentees with a live pair are left in the database: only those still to pair are read
    mentees = list(_accepted(program_year, mentee_role).exclude(Exists(live.filter(mentee=OuterRef("applicant_id")))))
    tags, ages = _sets_of(coaches + mentees)
    none = frozenset()

    def sets(application: Application) -> dict:
        return {"tags": tags.get(application.pk, none), "ages": ages.get(application.program_id, none)}

    for application in coaches:
        result.applications[application.pk] = application
        person = application.applicant_id
        free = result.capacity.get(person, DEFAULT_CAPACITY) - result.used.get(person, 0)
        result.coaches.append(_candidate(application, free_slots=max(free, 0), **sets(application)))
    for application in mentees:
        result.applications[application.pk] = application
        result.mentees.append(_candidate(application, waived=application.applicant_id in waived, **sets(application)))
    return result


def pairs_for_year(program_year: ProgramYear, *, kind: str = "", status: str = "") -> QuerySet[Pair]:
    qs = (
        Pair.objects.filter(program_year=program_year)
        .select_related("coach__program__region", "mentee__program__region", "leader")
        .order_by("mentee__program__region__number", "coach__last_name", "coach_slot")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


@dataclass
class RegionRow:
    region: Region
    target_ct_mentee: int = 0
    target_ca_ma: int = 0
    active: dict = field(default_factory=dict)  # kind -> active pairs
    unmatched: dict = field(default_factory=dict)  # role -> accepted without a live pair
    free_coaches: list = field(default_factory=list)  # (name, role, free places)


def regional_targets(program_year: ProgramYear) -> list[RegionRow]:
    """Per region: active pairs against targets, unmatched accepted applicants, coaches with room."""
    rows = {r.number: RegionRow(region=r) for r in Region.objects.order_by("number")}
    for target in RegionTarget.objects.filter(program_year=program_year).select_related("region"):
        rows[target.region.number].target_ct_mentee = target.ct_mentee_pairs
        rows[target.region.number].target_ca_ma = target.ca_ma_pairs
    for row in (
        Pair.objects.filter(program_year=program_year, status=Pair.Status.ACTIVE)
        .values("kind", "mentee__program__region__number")
        .annotate(n=Count("pk"))
    ):
        region = rows.get(row["mentee__program__region__number"])
        if region:
            region.active[row["kind"]] = row["n"]
    live = Pair.objects.filter(program_year=program_year, status__in=Pair.LIVE)
    used = dict(live.values_list("coach_id").annotate(n=Count("pk")))
    paired = set(live.values_list("mentee_id", flat=True))
    capacity = dict(Capacity.objects.filter(program_year=program_year).values_list("coach_id", "capacity"))
    accepted = Application.objects.filter(ready_to_pair_q(), program_year=program_year, stage=Stage.ACCEPTED).values(
        "role", "applicant_id", "applicant__first_name", "applicant__last_name", "program__region__number"
    )
    for app in accepted:
        region = rows.get(app["program__region__number"])
        if region is None:
            continue
        if app["role"] in ("mentee", "ma"):
            if app["applicant_id"] not in paired:
                region.unmatched[app["role"]] = region.unmatched.get(app["role"], 0) + 1
        else:
            free = capacity.get(app["applicant_id"], DEFAULT_CAPACITY) - used.get(app["applicant_id"], 0)
            if free > 0:
                name = f"{app['applicant__first_name']} {app['applicant__last_name']}"
                region.free_coaches.append((name, app["role"].upper(), free))
    return list(rows.values())


def pairs_of(user) -> QuerySet[Pair]:
    """The pairs a person belongs to: as coach, mentee or leader."""
    return (
        Pair.objects.filter(member_of(user))
        .exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])  # drafts are told to nobody
        .select_related("program_year", "coach__program", "mentee__program", "leader")
        .order_by("-program_year__starts_on", "status")
    )
