"""Demo coaching: since each pair started, monthly meetings (a few months missed), leader
check-ins, goals with progress notes, and 30-day reports (most on time, some late, one returned)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pac.demo import DemoContext
from pac.models import OutboundEmail, Tag
from pairings.models import Pair

from . import services
from .models import Goal, Meeting, ThirtyDayReport

GOALS = [
    ("class-cd", "Ask more open-ended questions during small-group time"),
    ("class-bm", "Use clear, positive expectations at transitions"),
    ("competency-3", "Share weekly learning notes with families"),
    ("class-lm", "Extend children's language with self- and parallel talk"),
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
    for index, pair in enumerate(pairs):
        coach = pair.coach.user
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
        for code, title in ctx.rng.sample(GOALS, 2):
            goal = services.goal_save(
                pair=pair,
                actor=coach,
                area=tags[code],
                title=title,
                strategies="Model it in the first meeting; observe and give feedback.",
                recommended_training="EEC Professional Development Center course on CLASS",
                target_date=pair.started_on + datetime.timedelta(days=150),
                status=Goal.Status.IN_PROGRESS,
            )
            services.goal_note_add(
                goal=goal,
                actor=coach,
                text="Good first attempt; children responded well.",
                noted_on=min(pair.started_on + datetime.timedelta(days=40), today),
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
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
