"""Demo coaching: since each pair started, monthly meetings (a few months missed), leader
check-ins, goals with progress notes, and 30-day reports (most on time, some late, one returned)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from pac.demo import DemoContext
from pac.models import OutboundEmail, Tag
from pairings.models import Kind, Pair

from . import participation, services
from .models import Goal, Meeting, PlanEducator, ThirtyDayReport, TrainingRecommendation

TRAININGS = [
    "Introduction to CLASS for educators",
    "Language-rich interactions in the classroom",
    "Partnering with families",
    "Positive behavior guidance",
]

GOALS = [
    ("class-cd", "Ask more open-ended questions during small-group time"),
    ("class-bm", "Use clear, positive expectations at transitions"),
    ("competency-3", "Share weekly learning notes with families"),
    ("class-lm", "Extend children's language with self- and parallel talk"),
]
# the one educator or classroom team each Mentee Administrator supports (the MA's plan)
PLAN_EDUCATORS = [
    ("The Toddler room team", "Toddler room"),
    ("The lead teacher of Preschool A", "Preschool A"),
    ("The infant room team", "Infant room"),
    ("The after-school group's two educators", "Room 3"),
]


def seed(ctx: DemoContext) -> None:
    if Meeting.objects.filter(pair__program_year=ctx.program_year).exists():
        return
    started = timezone.now()
    today = timezone.localdate()
    staff = ctx.people["staff"][0].user
    tags = {t.code: t for t in Tag.objects.filter(code__in=[c for c, _ in GOALS])}
    pairs = list(
        Pair.objects.filter(program_year=ctx.program_year, status=Pair.Status.ACTIVE).select_related(
            "coach__user", "mentee__user", "mentee__program", "leader"
        )
    )
    # pairings' demo confirms the pairs today and then dates them from the program year's start:
    # the empty drafts confirmation opened are dated from today, so they are opened again below
    ThirtyDayReport.objects.filter(pair__in=pairs, status=ThirtyDayReport.Status.DRAFT, answers={}).delete()
    for index, pair in enumerate(pairs):
        coach = pair.coach.user
        if pair.kind == Kind.CA_MA:  # named in one of the first meetings, before the goals
            name, room = PLAN_EDUCATORS[index % len(PLAN_EDUCATORS)]
            services.plan_educator_name(pair=pair, actor=coach, name=name, classroom=room)
        day = pair.started_on + datetime.timedelta(days=3)
        month = 0
        while day <= today:
            if not (index % 4 == 3 and month == 1):  # a few pairs miss a month
                purpose = (
                    [Meeting.Purpose.RELATIONSHIP, Meeting.Purpose.ACTION_PLANNING][min(month, 1)]
                    if month < 2
                    else ctx.rng.choice([Meeting.Purpose.OBSERVATION, Meeting.Purpose.FOLLOW_UP])
                )
                services.meeting_log(
                    pair=pair,
                    actor=coach,
                    held_on=day,
                    duration_minutes=ctx.rng.choice([60, 75, 90, 45]),
                    modality=ctx.rng.choice(list(Meeting.Modality)),
                    purpose=purpose,
                    notes="Talked through the week's observations.",
                    next_steps="Try the strategy in small groups and note what children say.",
                )
                if pair.leader_id:
                    services.meeting_log(
                        pair=pair,
                        actor=coach,
                        held_on=min(day + datetime.timedelta(days=7), today),
                        duration_minutes=30,
                        modality=Meeting.Modality.PHONE,
                        purpose=Meeting.Purpose.LEADER_CHECK_IN,
                        duration_reason="Short check-in call",
                    )
            day += datetime.timedelta(days=30)
            month += 1
        for k, (code, title) in enumerate(ctx.rng.sample(GOALS, 2)):
            short = k == 1  # one aim for the year, one step for the coming 30 days
            goal = services.goal_save(
                pair=pair,
                actor=coach,
                area=tags[code],
                title=title,
                horizon=Goal.Horizon.SHORT if short else Goal.Horizon.LONG,
                strategies="Model it in the first meeting; observe and give feedback.",
                recommended_training="EEC Professional Development Center course on CLASS",
                target_date=min(today, pair.started_on + datetime.timedelta(days=60))
                if short
                else pair.started_on + datetime.timedelta(days=150),
                status=Goal.Status.IN_PROGRESS,
            )
            services.goal_note_add(
                goal=goal,
                actor=coach,
                text="Good first attempt; children responded well.",
                noted_on=min(pair.started_on + datetime.timedelta(days=40), today),
            )
            if k == 0:  # the plan's recommended training, tracked for the Mentee or MA (issue 13)
                training = participation.training_recommend(
                    pair=pair,
                    actor=coach,
                    goal=goal,
                    title=TRAININGS[index % len(TRAININGS)],
                    details="StrongStart Professional Development Center, online",
                )
                done_on = pair.started_on + datetime.timedelta(days=45)
                if index % 3 != 2 and done_on <= today:
                    participation.training_outcome(
                        recommendation=training,
                        actor=pair.mentee.user,
                        status=TrainingRecommendation.Status.COMPLETED,
                        completed_on=done_on,
                        hours=Decimal(3),
                        today=today,
                    )
        for report in services.reports_ensure(pair=pair, today=today):
            if report.due_on > today:
                continue
            answers = {"support": "None this month."}
            if not report.answers.get("actions"):
                answers["actions"] = "No meeting this period (the mentee was on leave); we kept in touch by email."
            if not report.answers.get("next_steps"):
                answers["next_steps"] = "Meet in the first week of the next period."
            if not report.answers.get("progress"):
                answers["progress"] = "Goals set; first strategies tried."
            services.report_save(report=report, actor=coach, answers=answers)
            services.report_submit(report=report, actor=coach)
            late = ctx.rng.random() < 0.2
            submitted = timezone.make_aware(
                datetime.datetime.combine(
                    report.due_on + datetime.timedelta(days=ctx.rng.randint(1, 6) if late else -1), datetime.time(16)
                )
            )
            ThirtyDayReport.objects.filter(pk=report.pk).update(submitted_at=submitted, was_late=late)
            if index % 5 == 0 and report.period == 1:
                services.report_return(report=report, actor=staff, comment="Please add how the goals progressed.")
            else:
                services.report_acknowledge(report=report, actor=staff)
    _seed_attendance(ctx, pairs, staff, today)
    _seed_past_cohort(ctx, pairs, staff)
    OutboundEmail.objects.filter(created_at__gte=started).delete()


def _seed_attendance(ctx: DemoContext, pairs, staff, today) -> None:
    """Orientation and training days statewide, a monthly PLC in each region, and who came."""
    from pac.models import Region

    from .models import Attendance, TrainingEvent

    year = ctx.program_year
    events = [
        TrainingEvent.objects.create(
            program_year=year,
            kind=TrainingEvent.Kind.ORIENTATION,
            title="PAC pre-service orientation",
            held_on=year.starts_on,
            hours=6,
            audience=TrainingEvent.Audience.EVERYONE,  # every role attends orientation (the model)
            created_by=staff,
        )
    ]
    day = year.starts_on + datetime.timedelta(days=21)
    while day <= today:
        events.append(
            TrainingEvent.objects.create(
                program_year=year,
                kind=TrainingEvent.Kind.TRAINING,
                title=f"CLASS training day ({day:%B})",
                held_on=day,
                hours=6,
                created_by=staff,
            )
        )
        day += datetime.timedelta(days=42)
    facilitators = {r.pk: r.facilitators.first() for r in Region.objects.prefetch_related("facilitators")}
    month = year.starts_on.replace(day=15)
    while month <= today:
        for region_id, facilitator in facilitators.items():
            events.append(
                TrainingEvent.objects.create(
                    program_year=year,
                    kind=TrainingEvent.Kind.PLC,
                    title=f"Regional PLC, {month:%B}",
                    region_id=region_id,
                    held_on=month,
                    hours=1,
                    facilitator=facilitator,
                    created_by=staff,
                )
            )
        month = (month + datetime.timedelta(days=31)).replace(day=15)
    rows = []
    for event in events:
        for pair in pairs:
            if event.region_id and pair.mentee.program.region_id != event.region_id:
                continue
            rows.append(Attendance(event=event, person=pair.coach, attended=ctx.rng.random() < 0.85, recorded_by=staff))
            if pair.leader_id and event.kind == TrainingEvent.Kind.PLC:
                rows.append(
                    Attendance(event=event, person=pair.leader, attended=ctx.rng.random() < 0.4, recorded_by=staff)
                )
    # the year's Mentees and MAs at orientation (all but a few, and mentee1, whose My work shows it) and
    # at a training day staff opened to them
    for_mentees = TrainingEvent.objects.create(
        program_year=year,
        kind=TrainingEvent.Kind.TRAINING,
        audience=TrainingEvent.Audience.MENTEES,
        title="CLASS introduction for Mentees and Mentee Administrators",
        held_on=year.starts_on + datetime.timedelta(days=14),
        hours=3,
        created_by=staff,
    )
    mentees = participation.expected_attendees(events[0])
    for n, (person, label) in enumerate(mentees):
        if label == "Coach" or label == "Leader":
            continue
        missed = person.email == ctx.email("mentee1") or n % 9 == 4
        rows.append(Attendance(event=events[0], person=person, attended=not missed, recorded_by=staff))
        if for_mentees.held_on <= today:
            rows.append(Attendance(event=for_mentees, person=person, attended=n % 3 != 1, recorded_by=staff))
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def _seed_past_cohort(ctx: DemoContext, current_pairs, staff) -> None:
    """Last year's cohort, completed: this year's coaches (and leaders) with last year's mentees,
    other people in the same programs, and a full year of monthly meetings and leader check-ins,
    goals, and twelve 30-day reports each (some late, a few returned and then resubmitted). Made in
    bulk: it is history, not a workflow to drive."""
    from simple_history.utils import bulk_create_with_history

    from applications.models import Application, Stage
    from pac.models import ProgramYear

    from . import schedule
    from .models import ReportTemplate

    current = ctx.program_year
    past, _ = ProgramYear.objects.get_or_create(
        name=f"{current.starts_on.year - 1}–{str(current.starts_on.year)[-2:]}",
        defaults={
            "starts_on": current.starts_on.replace(year=current.starts_on.year - 1),
            "ends_on": current.starts_on - datetime.timedelta(days=1),
            "applications_open_on": current.applications_open_on.replace(year=current.applications_open_on.year - 1),
            "applications_close_on": current.applications_close_on.replace(year=current.applications_close_on.year - 1),
            "notes": "Year one of the model (completed).",
        },
    )
    if Pair.objects.filter(program_year=past).exists():
        return
    from pac.models import Person

    former = []  # last year's mentees: people of their own, without a login (their year is over)
    for number, pair in enumerate(current_pairs, start=1):
        first_name, last_name = ctx.next_name()
        mentee = pair.mentee
        former.append(
            Person(
                first_name=first_name,
                last_name=last_name,
                email=ctx.email(f"former-mentee{number}"),
                program_id=mentee.program_id,
                job_role=mentee.job_role,
                highest_degree=mentee.highest_degree,
                degree_field=mentee.degree_field,
                eec_certification=mentee.eec_certification,
                preferred_language=mentee.preferred_language,
            )
        )
    bulk_create_with_history(former, Person, batch_size=500)
    saved = {p.email: p for p in Person.objects.filter(email__in=[p.email for p in former])}
    former = [saved[p.email] for p in former]
    apps = []
    coaches_done: set[int] = set()  # a coach with two pairs had one application last year, not two
    for pair, former_mentee in zip(current_pairs, former, strict=True):
        for app in (pair.coach_application, pair.mentee_application):
            if app is pair.coach_application:
                if app.pk in coaches_done:
                    continue
                coaches_done.add(app.pk)
            apps.append(
                Application(
                    program_year=past,
                    role=app.role,
                    applicant_id=pair.coach_id if app is pair.coach_application else former_mentee.pk,
                    created_by_id=app.created_by_id if app is pair.coach_application else staff.pk,
                    program_id=app.program_id,
                    program_type=app.program_type,
                    qris_level=app.qris_level,
                    stage=Stage.ACCEPTED,
                    statement=app.statement,
                    reference=f"PAC-{past.starts_on.year}-H{app.pk:05d}",
                    decided_at=timezone.now(),
                    decided_by=staff,
                )
            )
    apps = bulk_create_with_history(apps, Application, batch_size=500)
    by_person = {(a.applicant_id, a.role): a for a in apps}
    slots: dict[int, int] = {}
    past_pairs = []
    for pair, former_mentee in zip(current_pairs, former, strict=True):
        slots[pair.coach_id] = slots.get(pair.coach_id, 0) + 1
        coach_app = by_person[(pair.coach_id, pair.coach_application.role)]
        mentee_app = by_person[(former_mentee.pk, pair.mentee_application.role)]
        past_pairs.append(
            Pair(
                program_year=past,
                kind=pair.kind,
                coach_id=pair.coach_id,
                mentee_id=former_mentee.pk,
                coach_application=coach_app,
                mentee_application=mentee_app,
                leader_id=pair.leader_id,
                status=Pair.Status.ENDED,
                end_kind=Pair.EndKind.COMPLETED,
                coach_slot=slots[pair.coach_id],
                coach_capacity=2,
                started_on=past.starts_on,
                ended_on=past.ends_on,
                confirmed_by=staff,
                ended_by=staff,
                score=pair.score,
            )
        )
    past_pairs = bulk_create_with_history(past_pairs, Pair, batch_size=500)
    educators = bulk_create_with_history(
        [
            PlanEducator(
                pair=pair,
                name=PLAN_EDUCATORS[index % len(PLAN_EDUCATORS)][0],
                classroom=PLAN_EDUCATORS[index % len(PLAN_EDUCATORS)][1],
                named_by=current_pairs[index].coach.user,
                named_at=timezone.make_aware(datetime.datetime.combine(past.starts_on, datetime.time(10))),
            )
            for index, pair in enumerate(past_pairs)
            if pair.kind == Kind.CA_MA
        ],
        PlanEducator,
        batch_size=500,
    )
    educator_of = {e.pair_id: e for e in educators}
    meetings, goals, reports = [], [], []
    template = ReportTemplate.objects.filter(is_active=True).first()
    tags = list(Tag.objects.filter(code__in=[c for c, _ in GOALS]))
    for index, pair in enumerate(past_pairs):
        coach_user = current_pairs[index].coach.user
        for month in range(12):
            day = past.starts_on + datetime.timedelta(days=30 * month + 4)
            if index % 6 == 5 and month == 7:
                continue  # a missed month
            meetings.append(
                Meeting(
                    pair=pair,
                    held_on=day,
                    duration_minutes=ctx.rng.choice([60, 75, 90]),
                    modality=ctx.rng.choice(list(Meeting.Modality)),
                    purpose=Meeting.Purpose.RELATIONSHIP
                    if month == 0
                    else ctx.rng.choice([Meeting.Purpose.OBSERVATION, Meeting.Purpose.FOLLOW_UP]),
                    notes="Monthly coaching meeting.",
                    logged_by=coach_user,
                    mentee_confirmed_at=timezone.now(),
                )
            )
            if pair.leader_id:
                meetings.append(
                    Meeting(
                        pair=pair,
                        held_on=day + datetime.timedelta(days=10),
                        duration_minutes=30,
                        modality=Meeting.Modality.PHONE,
                        purpose=Meeting.Purpose.LEADER_CHECK_IN,
                        leader_present=True,
                        logged_by=coach_user,
                    )
                )
        for k, tag in enumerate(ctx.rng.sample(tags, 2)):
            goals.append(
                Goal(
                    pair=pair,
                    area=tag,
                    title=dict(GOALS)[tag.code],
                    status=Goal.Status.MET if k == 0 else ctx.rng.choice([Goal.Status.MET, Goal.Status.IN_PROGRESS]),
                    target_date=past.starts_on + datetime.timedelta(days=240),
                    created_by=coach_user,
                    plan_educator=educator_of.get(pair.pk),
                )
            )
        for period in schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=past.ends_on):
            late = ctx.rng.random() < 0.15
            submitted = timezone.make_aware(
                datetime.datetime.combine(
                    period.due_on + datetime.timedelta(days=ctx.rng.randint(1, 5) if late else -1), datetime.time(15)
                )
            )
            reports.append(
                ThirtyDayReport(
                    pair=pair,
                    period=period.number,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.due_on,
                    template=template,
                    status=ThirtyDayReport.Status.ACKNOWLEDGED,
                    submitted_at=submitted,
                    was_late=late,
                    reviewed_by=staff,
                    reviewed_at=submitted,
                    review_comment="Returned once for more detail; resubmitted."
                    if index % 7 == 0 and period.number == 2
                    else "",
                    answers={
                        "actions": "Monthly meeting and an observation.",
                        "progress": "Steady progress on goals.",
                        "next_steps": "Continue the strategies.",
                        "support": "",
                    },
                )
            )
    bulk_create_with_history(meetings, Meeting, batch_size=1000)
    bulk_create_with_history(goals, Goal, batch_size=1000)
    bulk_create_with_history(reports, ThirtyDayReport, batch_size=1000)
