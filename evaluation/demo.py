"""Demo data for evaluation: observer certificates; last year's completed cohort observed pre and
post (modest gains on average, a few declines); this year's pre observations for most pairs, the
rest scheduled (some overdue), and post observations scheduled for the spring; every other family
child care room observed as a mixed-age room (Infant and Toddler cycles alternating); last year's six-month
coach reviews; then survey responses (evaluation/surveys/demo.py) and formative interviews
(evaluation/interviews/demo.py); and this year's first decided reviews, carried out through the real
workflow: one CT continues into next year (their leader has a renewed MOU to sign) and one does not
(their pairs end with the year). Observations go through the recording service, so the demo's
scores obey the same rules as real ones."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from pac.demo import DemoContext
from pac.models import Person, ProgramYear
from pairings.models import Kind, Pair

from . import services
from .models import Dimension, Instrument, Observation, ObserverCertificate
from .selectors import default_instrument_code, default_tool_codes

# typical levels (DOMAIN.md §2: Head Start means ES ≈ 6, CO ≈ 5.7, IS ≈ 2.8; PAC classrooms start lower)
DOMAIN_LEVELS = {"ES": 5.2, "CO": 4.9, "IS": 2.6, "RC": 4.6, "EBS": 5.0, "ESL": 3.2}
NEGATIVE_CLIMATE_LEVEL = 1.7


def seed(ctx: DemoContext) -> None:
    if not Observation.objects.exists():
        observers = ctx.people.get("observer", [])
        if observers:
            _certify(observers, ctx)
            staff = ctx.people["staff"][0].user
            tools = {t.code: t for t in Instrument.objects.all()}
            dimensions = {
                code: list(Dimension.objects.filter(domain__instrument=tool).select_related("domain"))
                for code, tool in tools.items()
            }
            past = ProgramYear.objects.filter(starts_on__lt=ctx.program_year.starts_on).order_by("-starts_on").first()
            if past is not None:
                _seed_past(ctx, past, observers, tools, dimensions)
            _seed_current(ctx, observers, tools, dimensions, staff)
            if past is not None:
                _seed_past_reviews(ctx, past, staff)
    from .interviews import demo as interview_demo
    from .surveys import demo as survey_demo

    survey_demo.seed(ctx)
    interview_demo.seed(ctx)
    _seed_documents(ctx)
    _seed_second_year(ctx)


def _certify(observers, ctx: DemoContext) -> None:
    today = ctx.today
    rows = []
    for index, observer in enumerate(observers):
        for tool in Instrument.objects.all():
            lapsed = index == len(observers) - 1 and tool.code == "toddler"  # one lapsed certificate, to show
            rows.append(
                ObserverCertificate(
                    observer=observer,
                    instrument=tool,
                    certified_on=today - datetime.timedelta(days=800 if lapsed else 600),
                    expires_on=today - datetime.timedelta(days=20) if lapsed else today + datetime.timedelta(days=330),
                    reference=f"CLASS-{tool.code.upper()}-{2024 + index}-{observer.pk:04d}",
                )
            )
    ObserverCertificate.objects.bulk_create(rows)


def _pairs(year: ProgramYear, statuses):
    return list(
        Pair.objects.filter(program_year=year, status__in=statuses)
        .select_related("coach", "mentee__program", "mentee__user")
        .prefetch_related("mentee__program__age_groups")
        .order_by("pk")
    )


def _tools_for(pair: Pair, tools, fcc_rooms: list[int]) -> list[Instrument]:
    """The pair's pre/post cycle's tools: every other family child care room (the first, the third
    ...; ``fcc_rooms`` counts them) is a mixed-age room, observed on the tools of its two youngest age
    bands (Infant and Toddler), alternating cycles."""
    program = pair.mentee.program
    codes = {a.code for a in program.age_groups.all()} if program else set()
    if program and program.is_family_child_care:
        fcc_rooms.append(pair.pk)
        first, second = default_tool_codes(codes, family_child_care=True)
        if second and len(fcc_rooms) % 2 == 1:
            return [tools[first], tools[second]]
    return [tools[default_instrument_code(codes)]]


def _observer_for(pair: Pair, observers, index: int, tools=()):
    """An observer who is not the pair's coach (nor, for a room with a Toddler tool, the one
    observer whose Toddler certificate has lapsed)."""
    candidates = [o for o in observers if o.pk != pair.coach_id]
    if any(t.code == "toddler" for t in tools):
        candidates = [o for o in candidates if o.pk != observers[-1].pk] or candidates
    return candidates[index % len(candidates)]


def _cycles(rng: random.Random, tools, dimensions, levels: dict[str, float], nc_level: float, n: int = 4):
    """``n`` cycles; in a mixed-age room (two tools) odd cycles score the first tool, even the second."""
    dimension_levels = {
        tool.code: {
            d.code: (nc_level if d.reversed else levels[d.domain.code]) + rng.gauss(0, 0.3)
            for d in dimensions[tool.code]
        }
        for tool in tools
    }
    cycles = []
    for number in range(1, n + 1):
        tool = tools[1] if len(tools) == 2 and number % 2 == 0 else tools[0]
        cycles.append(
            {
                code: max(1, min(7, round(level + rng.gauss(0, 0.5))))
                for code, level in dimension_levels[tool.code].items()
            }
        )
    return cycles


def _cycle(ctx, pair, tools) -> None:
    services.pre_post_cycle_set(
        pair=pair,
        actor=ctx.people["staff"][0].user,
        instrument=tools[0],
        second_instrument=tools[1] if len(tools) == 2 else None,
    )


def _record(ctx, pair, observer, tools, dimensions, time_point, day, levels, nc_level):
    return services.observation_record(
        pair=pair,
        observee=pair.mentee,
        instrument=tools[0],
        time_point=time_point,
        observed_on=day,
        observer=observer,
        recorded_by=observer.user or ctx.people["staff"][0].user,
        cycles=_cycles(ctx.rng, tools, dimensions, levels, nc_level),
        classroom="" if pair.kind == Kind.CA_MA else ctx.rng.choice(["Room 1", "Room 2", "Preschool A", "Main room"]),
    )


def _levels(rng: random.Random, tools, dimensions) -> dict[str, float]:
    codes = {d.domain.code for tool in tools for d in dimensions[tool.code]}
    return {code: DOMAIN_LEVELS.get(code, 4.5) + rng.gauss(0, 0.45) for code in codes}


def _seed_past(ctx, past, observers, tools, dimensions) -> None:
    """Every completed pair but a few has a pre (October) and a post (May) observation."""
    fcc_rooms: list[int] = []
    for index, pair in enumerate(_pairs(past, [Pair.Status.ENDED, Pair.Status.ACTIVE])):
        if index % 9 == 8:  # a few pairs were never observed after the start
            continue
        pair_tools = _tools_for(pair, tools, fcc_rooms)
        _cycle(ctx, pair, pair_tools)
        levels = _levels(ctx.rng, pair_tools, dimensions)
        nc = NEGATIVE_CLIMATE_LEVEL + abs(ctx.rng.gauss(0, 0.3))
        observer = _observer_for(pair, observers, index, pair_tools)
        pre_day = past.starts_on + datetime.timedelta(days=40 + ctx.rng.randint(0, 20))
        _record(ctx, pair, observer, pair_tools, dimensions, "pre", pre_day, levels, nc)
        if index % 9 == 7:  # and a few lack the post observation
            continue
        gain = ctx.rng.gauss(0.35, 0.45)  # modest gains on average; some classrooms decline
        post_levels = {code: min(6.8, level + gain + ctx.rng.gauss(0, 0.15)) for code, level in levels.items()}
        post_day = past.ends_on - datetime.timedelta(days=50 + ctx.rng.randint(0, 20))
        _record(
            ctx,
            pair,
            _observer_for(pair, observers, index + 1, pair_tools),
            pair_tools,
            dimensions,
            "post",
            post_day,
            post_levels,
            max(1.0, nc - gain / 2),
        )


def _seed_current(ctx, observers, tools, dimensions, staff) -> None:
    """Most of this year's pairs have their pre observation; the rest are scheduled (a couple
    overdue); every pair's post observation is scheduled for the spring."""
    today = timezone.localdate()
    year = ctx.program_year
    post_opens = year.ends_on - datetime.timedelta(days=75)
    fcc_rooms: list[int] = []
    for index, pair in enumerate(_pairs(year, [Pair.Status.ACTIVE])):
        pair_tools = _tools_for(pair, tools, fcc_rooms)
        tool, second = pair_tools[0], (pair_tools[1] if len(pair_tools) == 2 else None)
        observer = _observer_for(pair, observers, index, pair_tools)
        started = pair.started_on or year.starts_on
        if index % 5 == 4:  # not yet observed: scheduled, and a couple already overdue
            due = today - datetime.timedelta(days=3) if index % 10 == 9 else today + datetime.timedelta(days=14)
            services.schedule_save(
                actor=staff,
                pair=pair,
                time_point="pre",
                window_opens=min(due, started + datetime.timedelta(days=14)),
                due_by=due,
                observer=observer,
                instrument=tool,
                second_instrument=second,
                classroom="" if pair.kind == Kind.CA_MA else "Room 1",
            )
        else:
            day = min(today, started + datetime.timedelta(days=20 + ctx.rng.randint(0, 15)))
            services.schedule_save(
                actor=staff,
                pair=pair,
                time_point="pre",
                window_opens=started,
                due_by=max(day, started + datetime.timedelta(days=45)),
                observer=observer,
                instrument=tool,
                second_instrument=second,
            )
            _record(
                ctx,
                pair,
                observer,
                pair_tools,
                dimensions,
                "pre",
                day,
                _levels(ctx.rng, pair_tools, dimensions),
                NEGATIVE_CLIMATE_LEVEL + abs(ctx.rng.gauss(0, 0.3)),
            )
        services.schedule_save(
            actor=staff,
            pair=pair,
            time_point="post",
            window_opens=post_opens,
            due_by=post_opens + datetime.timedelta(days=45),
            observer=_observer_for(pair, observers, index + 1, pair_tools),
            instrument=tool,
            second_instrument=second,
        )


def _panel_with_a_coach(ctx, past) -> list:
    """The Advisory Panel of last year and this year: two review committee members (the first
    chairs it) and one Consultant Teacher (ct1), so a panel member has a six-month review of their
    own, from which they are recused. Returns the members, chair first."""
    from pac.models import AdvisoryPanel, AdvisoryPanelMembership

    coach = ctx.people["ct"][0].user
    members = [p.user for p in ctx.people.get("reviewer", []) if p.user_id][::2][:2] + [coach]
    for year in (past, ctx.program_year):
        panel, _ = AdvisoryPanel.objects.get_or_create(program_year=year)
        for index, user in enumerate(members):
            AdvisoryPanelMembership.objects.update_or_create(
                panel=panel,
                user=user,
                defaults={
                    "role": AdvisoryPanelMembership.Role.CHAIR if index == 0 else AdvisoryPanelMembership.Role.MEMBER,
                    "term_starts_on": past.starts_on,
                    "represents": "Consultant Teachers" if user == coach else "",
                },
            )
    ctx.logins.append(("Advisory Panel chair", members[0].email))
    ctx.logins.append(("Advisory Panel (also a CT)", coach.email))
    return members


def _seed_past_reviews(ctx, past, staff) -> None:
    """Last year's six-month reviews, decided: mostly continue, one or two not, so this year's
    applications and pairing pages show returning coaches' decisions. The panel's coach
    recommends on the others' reviews, never on their own."""
    from .models import CoachReview, PanelRecommendation

    panel = _panel_with_a_coach(ctx, past)
    firsts: dict[int, tuple[datetime.date, str]] = {}
    for pair in Pair.objects.filter(program_year=past, started_on__isnull=False).order_by("started_on"):
        firsts.setdefault(pair.coach_id, (pair.started_on, "ca" if pair.kind == Kind.CA_MA else "ct"))
    coach_users = dict(Person.objects.filter(pk__in=firsts).values_list("pk", "user_id"))
    for index, (coach_id, (started, role)) in enumerate(sorted(firsts.items())):
        stop = index % 7 == 6
        due = started + datetime.timedelta(days=182)
        review = CoachReview.objects.create(
            program_year=past,
            coach_id=coach_id,
            role=role,
            due_on=due,
            decision="discontinue" if stop else "continue",
            decision_note="Reports were often late and two months had no meeting." if stop else "",
            decided_by=staff,
            decided_at=timezone.make_aware(
                datetime.datetime.combine(due + datetime.timedelta(days=21), datetime.time(10))
            ),
        )
        for member in panel:
            if member.pk == coach_users.get(coach_id):
                continue  # recused from their own review
            PanelRecommendation.objects.create(
                review=review,
                member=member,
                recommendation="discontinue" if stop else "continue",
                comments="Meetings and reports need to be more regular."
                if stop
                else "Steady monthly coaching; goals met.",
            )


def _seed_documents(ctx) -> None:
    """Staff's My documents holds last year's cohort evaluation report (the cohort observed pre and
    post), requested the way staff request it: a document job (rendered at once on the embedded
    default, by the worker when Redis is configured)."""
    from pac.documents.models import DocumentJob
    from pac.documents.services import document_job_request

    from .documents import KIND, cohort_filter_from_params, cohort_report_title

    staff = ctx.people.get("staff", [])
    if not staff or staff[0].user is None or DocumentJob.objects.filter(kind=KIND).exists():
        return
    year = ProgramYear.objects.filter(starts_on__lt=ctx.program_year.starts_on).order_by("-starts_on").first()
    params = {"year": str((year or ctx.program_year).pk), "instrument": "pre_k"}
    document_job_request(
        user=staff[0].user, kind=KIND, params=params, title=cohort_report_title(cohort_filter_from_params(params))
    )


def _seed_second_year(ctx: DemoContext) -> None:
    """This year's first two six-month reviews, decided early by staff through the real service
    (coach_reviews.decision_record), so the second year shows on every page: a CT who continues into
    next year, whose Program/Instructional Leader has the renewed MOU to sign on My work (they sign
    it, and staff pair the coach in next year's suggestion), and a CT who does not continue, whose
    pairs end with the year. Idempotent: nothing is done once a decision has been carried out."""
    from pac.selectors import advisory_panel_users

    from . import coach_reviews
    from .models import CoachReview, PanelRecommendation, ReviewOutcome

    year = ctx.program_year
    if ReviewOutcome.objects.filter(review__program_year=year).exists() or ctx.next_program_year is None:
        return
    staff = ctx.people["staff"][0].user
    panel = list(advisory_panel_users(year).order_by("pk"))
    chosen = []
    for coach in ctx.people.get("ct", [])[1:]:  # ct1 sits on the panel: their review is kept for the spring
        pairs = Pair.objects.filter(program_year=year, coach=coach, status=Pair.Status.ACTIVE, started_on__isnull=False)
        first = pairs.order_by("started_on").first()
        mou = coach.applications.filter(program_year=year, role="ct", mous__status="signed").exists()
        if first and mou and not CoachReview.objects.filter(program_year=year, coach=coach).exists():
            chosen.append((coach, first))
        if len(chosen) == 2:
            break
    for (coach, first), decision in zip(chosen, ("continue", "discontinue"), strict=False):
        review = CoachReview.objects.create(
            program_year=year,
            coach=coach,
            role="ct",
            due_on=first.started_on + datetime.timedelta(days=182),
        )
        for member in panel:
            if member.pk == coach.user_id:
                continue
            PanelRecommendation.objects.create(
                review=review,
                member=member,
                recommendation=decision,
                comments="Monthly coaching, reports on time, goals met early."
                if decision == "continue"
                else "Two months without a meeting and three late reports.",
            )
        coach_reviews.decision_record(
            review=review,
            actor=staff,
            decision=decision,
            note="Decided early: the panel was unanimous." if decision == "continue" else "",
        )
        if decision == "continue":
            mou = review.outcome.renewal.mous.filter(status="requested").select_related("signer_person").first()
            ctx.logins.append(("CT continuing for a second year", coach.email))
            if mou is not None:
                ctx.logins.append(("Leader: renewed MOU to sign", mou.signer_email))
