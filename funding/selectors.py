"""Reads for funding: each coach's stipend, installment by installment, worked out from what PAC
already records (never typed twice), in a fixed number of queries for any number of coaches."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from applications.models import MOU
from coaching.models import Attendance, ThirtyDayReport, TrainingEvent
from evaluation.models import CoachReview
from evaluation.models.reviews import Recommendation
from pac.models import Person, ProgramYear
from pairings.models import Kind, Pair

from .models import FundingRules, StipendInstallment
from .money import cents

ROLE_OF_KIND = {Kind.CT_MENTEE: "ct", Kind.CA_MA: "ca"}


@dataclass
class CoachFacts:
    """What the installments' conditions ask about one coach in one program year."""

    role: str = ""
    pairs: int = 0
    mou_signed: bool = False
    orientation: bool = False
    reports_acknowledged: int = 0
    review_continue: bool = False
    year_completed: bool = False


@dataclass
class InstallmentState:
    installment: StipendInstallment
    amount: Decimal
    missing: list[str] = field(default_factory=list)

    @property
    def payable(self) -> bool:
        return not self.missing


@dataclass
class Statement:
    coach: Person
    role: str
    stipend: Decimal
    installments: list[InstallmentState]

    @property
    def payable_total(self) -> Decimal:
        return cents(sum((s.amount for s in self.installments if s.payable), Decimal("0")))

    @property
    def scheduled_total(self) -> Decimal:
        return cents(sum((s.amount for s in self.installments), Decimal("0")))


def rules_for(year: ProgramYear | None) -> FundingRules | None:
    if year is None:
        return None
    return FundingRules.objects.filter(program_year=year).prefetch_related("installments").first()


def installment_mismatches(rules: FundingRules) -> list[str]:
    """A sentence for each role whose installments do not add up to its stipend (the admin refuses
    such a change; this says so if the rows were ever changed another way)."""
    found = []
    for role, label in StipendInstallment.Role.choices:
        scheduled = cents(sum((i.amount for i in rules.installments.all() if i.role == role), Decimal("0")))
        stipend = cents(rules.stipend_for(role))
        if scheduled != stipend:
            found.append(f"The {label} installments add up to ${scheduled:,.2f}, but the stipend is ${stipend:,.2f}.")
    return found


def coach_facts(year: ProgramYear, coach_ids) -> dict[int, CoachFacts]:
    """{coach id: CoachFacts} in five queries, whatever the number of coaches."""
    coach_ids = list(coach_ids)
    facts: dict[int, CoachFacts] = {}
    applications: dict[int, set[int]] = {}
    ended_completed: dict[int, list[bool]] = {}
    pairs = (
        Pair.objects.filter(program_year=year, coach_id__in=coach_ids)
        .exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])
        .values_list("coach_id", "kind", "status", "end_kind", "coach_application_id")
    )
    for coach_id, kind, status, end_kind, application_id in pairs:
        found = facts.setdefault(coach_id, CoachFacts(role=ROLE_OF_KIND.get(kind, "")))
        found.pairs += 1
        applications.setdefault(coach_id, set()).add(application_id)
        ended_completed.setdefault(coach_id, []).append(
            status == Pair.Status.ENDED and end_kind == Pair.EndKind.COMPLETED
        )
    signed = set(
        MOU.objects.filter(
            application_id__in={a for ids in applications.values() for a in ids}, status__in=MOU.COMPLETE
        ).values_list("application_id", flat=True)
    )
    attended = set(
        Attendance.objects.filter(
            person_id__in=coach_ids,
            attended=True,
            event__program_year=year,
            event__kind=TrainingEvent.Kind.ORIENTATION,
        ).values_list("person_id", flat=True)
    )
    acknowledged = Counter(
        dict(
            ThirtyDayReport.objects.filter(
                pair__coach_id__in=coach_ids, pair__program_year=year, status=ThirtyDayReport.Status.ACKNOWLEDGED
            )
            .values("pair__coach_id")
            .annotate(n=Count("pk"))
            .values_list("pair__coach_id", "n")
        )
    )
    continuing = set(
        CoachReview.objects.filter(
            program_year=year, coach_id__in=coach_ids, decision=Recommendation.CONTINUE
        ).values_list("coach_id", flat=True)
    )
    for coach_id, found in facts.items():
        found.mou_signed = applications[coach_id] <= signed
        found.orientation = coach_id in attended
        found.reports_acknowledged = acknowledged.get(coach_id, 0)
        found.review_continue = coach_id in continuing
        found.year_completed = all(ended_completed[coach_id])
    return facts


def missing_for(installment: StipendInstallment, facts: CoachFacts) -> list[str]:
    """What still has to happen before the installment is payable, in the coach's words."""
    missing = []
    if installment.needs_mou and not facts.mou_signed:
        missing.append("Your MOU is not signed yet (your program's leader or your supervisor signs it).")
    if installment.needs_orientation and not facts.orientation:
        missing.append("Pre-service orientation is not recorded as attended.")
    if facts.reports_acknowledged < installment.reports_acknowledged:
        missing.append(
            f"{facts.reports_acknowledged} of {installment.reports_acknowledged} 30-day reports acknowledged by EEC."
        )
    if installment.needs_review_continue and not facts.review_continue:
        missing.append('Your six-month review has not been decided "continue".')
    if installment.needs_year_completed and not facts.year_completed:
        missing.append("The program year is not completed yet (each of your pairs ends as completed).")
    return missing


def statements(year: ProgramYear, coaches: list[Person], rules: FundingRules | None = None) -> list[Statement]:
    """Each coach's stipend statement for the year (coaches with no pair that year are left out)."""
    rules = rules or rules_for(year)
    if rules is None:
        return []
    facts = coach_facts(year, [c.pk for c in coaches])
    installments = list(rules.installments.all())
    found = []
    for coach in coaches:
        coach_facts_ = facts.get(coach.pk)
        if coach_facts_ is None or not coach_facts_.role:
            continue
        role = coach_facts_.role
        found.append(
            Statement(
                coach=coach,
                role=role,
                stipend=cents(rules.stipend_for(role)),
                installments=[
                    InstallmentState(i, cents(i.amount), missing_for(i, coach_facts_))
                    for i in installments
                    if i.role == role
                ],
            )
        )
    return found


def statement_of(year: ProgramYear, coach: Person) -> Statement | None:
    found = statements(year, [coach])
    return found[0] if found else None


def coaches_of(year: ProgramYear) -> list[Person]:
    """Every coach with a pair in the year (one query)."""
    ids = (
        Pair.objects.filter(program_year=year)
        .exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])
        .values("coach_id")
    )
    return list(
        Person.objects.filter(pk__in=ids).select_related("program__region").order_by("last_name", "first_name", "pk")
    )
