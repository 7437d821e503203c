"""Writes for coaching: meetings, goals, 30-day reports and their review, and the reminder sweep."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pac.links import absolute_url
from pac.models import OutboundEmail, Person, User
from pac.permissions import is_eec_staff
from pac.services import email_queue
from pac.workflow import TransitionError
from pairings.models import Kind, Pair

from . import schedule
from .models import (
    Goal,
    GoalNote,
    Meeting,
    PlanEducator,
    Reminder,
    ReminderSettings,
    ReportTemplate,
    ThirtyDayReport,
)
from .selectors import plan_educator_current, report_prefill


def _is_coach(pair: Pair, user: User) -> bool:
    return pair.coach.user_id == user.pk


def _check_active(pair: Pair) -> None:
    if pair.status != Pair.Status.ACTIVE:
        raise TransitionError("This pair is not active; its records can no longer change.")


# --- meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_log(
    *,
    pair: Pair,
    actor: User,
    held_on: datetime.date,
    duration_minutes: int,
    modality: str,
    purpose: str,
    leader_present: bool = False,
    notes: str = "",
    observed: str = "",
    next_steps: str = "",
    duration_reason: str = "",
    mentee_present: bool | None = None,
) -> Meeting:
    """The coach logs a meeting. A length outside 60–90 minutes is accepted (with an optional reason).
    Unless told otherwise, the mentee took part in every meeting but a leader check-in."""
    _check_active(pair)
    if not (_is_coach(pair, actor) or is_eec_staff(actor)):
        raise TransitionError("Only the pair's coach logs meetings.")
    _check_meeting_facts(pair, held_on=held_on, purpose=purpose, leader_present=leader_present)
    if mentee_present is None:
        mentee_present = purpose != Meeting.Purpose.LEADER_CHECK_IN
    return Meeting.objects.create(
        pair=pair,
        held_on=held_on,
        duration_minutes=duration_minutes,
        modality=modality,
        purpose=purpose,
        leader_present=leader_present or purpose == Meeting.Purpose.LEADER_CHECK_IN,
        mentee_present=mentee_present,
        notes=notes.strip(),
        observed=observed.strip(),
        next_steps=next_steps.strip(),
        duration_reason=duration_reason.strip(),
        logged_by=actor,
    )


def _check_meeting_facts(pair: Pair, *, held_on: datetime.date, purpose: str, leader_present: bool) -> None:
    if held_on > timezone.localdate():
        raise TransitionError("A meeting cannot be logged before it happens; check the date.")
    if pair.started_on and held_on < pair.started_on:
        raise TransitionError(f"The pair started on {pair.started_on:%B %-d, %Y}; check the meeting date.")
    if (leader_present or purpose == Meeting.Purpose.LEADER_CHECK_IN) and not pair.leader_id:
        raise TransitionError("This pair has no Program/Instructional Leader to take part.")


# What the mentee confirms: that the meeting took place as recorded (when, how long, how, who).
# Correcting any of these asks the mentee to confirm again; the coach's notes are not part of it.
CONFIRMED_FACTS = ("held_on", "duration_minutes", "modality", "purpose", "leader_present", "mentee_present")
MEETING_TEXT = ("notes", "observed", "next_steps", "duration_reason")


def _locked_meeting(meeting: Meeting, actor: User) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("pair__coach", "pair__mentee", "pair__leader")
        .get(pk=meeting.pk)
    )
    if not actor.has_perm("coaching.correct_meeting", meeting):
        raise TransitionError("Only the coach who logged this meeting, or EEC staff, can correct or withdraw it.")
    _check_active(meeting.pair)
    if meeting.is_withdrawn:
        raise TransitionError("This meeting was withdrawn; it can no longer change.")
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: User, change_reason: str = "", **fields) -> Meeting:
    """Correct a logged meeting. The earlier version stays in the meeting's history; when a fact the
    mentee confirmed changes, the confirmation is cleared so the mentee confirms the corrected record."""
    meeting = _locked_meeting(meeting, actor)
    unknown = set(fields) - set(CONFIRMED_FACTS) - set(MEETING_TEXT)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name in MEETING_TEXT:
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    purpose = fields.get("purpose", meeting.purpose)
    leader_present = fields.get("leader_present", meeting.leader_present) or purpose == Meeting.Purpose.LEADER_CHECK_IN
    fields["leader_present"] = leader_present
    _check_meeting_facts(
        meeting.pair, held_on=fields.get("held_on", meeting.held_on), purpose=purpose, leader_present=leader_present
    )
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, fields[name])
    if meeting.mentee_confirmed_at is not None and set(changed) & set(CONFIRMED_FACTS):
        meeting.mentee_confirmed_at = None
        changed.append("mentee_confirmed_at")
    meeting._change_reason = change_reason.strip() or "Corrected by " + (actor.full_name or actor.email)
    meeting.save(update_fields=changed)
    return meeting


@transaction.atomic
def meeting_withdraw(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """Withdraw a meeting logged in error. It stays on record, shown as withdrawn, and no longer counts."""
    meeting = _locked_meeting(meeting, actor)
    if not reason.strip():
        raise TransitionError("Say why the meeting is withdrawn.")
    meeting.withdrawn_at = timezone.now()
    meeting.withdrawn_by = actor
    meeting.withdrawal_reason = reason.strip()[:300]
    meeting._change_reason = "Withdrawn: " + meeting.withdrawal_reason
    meeting.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return meeting


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("pair__mentee").get(pk=meeting.pk)
    if meeting.pair.mentee.user_id != actor.pk:
        raise TransitionError("Only the mentee confirms that a meeting took place.")
    _check_active(meeting.pair)
    if meeting.is_withdrawn:
        raise TransitionError("This meeting was withdrawn by the coach; there is nothing to confirm.")
    if not meeting.mentee_present:
        raise TransitionError("You did not take part in this meeting, so you are not asked to confirm it.")
    if meeting.mentee_confirmed_at is None:
        meeting.mentee_confirmed_at = timezone.now()
        meeting.save(update_fields=["mentee_confirmed_at"])
    return meeting


# --- goals ----------------------------------------------------------------------------------


def _check_goal_author(pair: Pair, actor: User) -> None:
    _check_active(pair)
    if not (pair.coach.user_id == actor.pk or pair.mentee.user_id == actor.pk or is_eec_staff(actor)):
        raise TransitionError("Goals are set by the coach and the mentee together.")


@transaction.atomic
def goal_save(*, pair: Pair, actor: User, goal: Goal | None = None, **fields) -> Goal:
    """Set or change a goal. A Mentee Administrator's new goal is about the educator or classroom
    team named in the plan at the time (a goal keeps it if the MA later chooses someone else)."""
    _check_goal_author(pair, actor)
    fields.pop("plan_educator", None)  # taken from the plan, never from the form
    if goal is None:
        return Goal.objects.create(pair=pair, created_by=actor, plan_educator=plan_educator_current(pair), **fields)
    if goal.pair_id != pair.pk:
        raise TransitionError("That goal belongs to another pair.")
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    return goal


# --- the educator or classroom team in a Mentee Administrator's plan -------------------------------


@transaction.atomic
def plan_educator_name(*, pair: Pair, actor: User, name: str, classroom: str = "") -> PlanEducator:
    """Name (or change) the one educator or classroom team a Mentee Administrator supports through
    the plan. The CA, the MA and staff may; the pair must be active. Saving the same name again
    changes nothing (a double submit); a new classroom for the same name is a correction of the
    current row (its history keeps the old one); a different name replaces the current row, which
    is kept for the goals and observations already about it."""
    if pair.kind != Kind.CA_MA:
        raise TransitionError("Only a Mentee Administrator's plan names an educator or classroom team.")
    _check_active(pair)
    if not (pair.coach.user_id == actor.pk or pair.mentee.user_id == actor.pk or is_eec_staff(actor)):
        raise TransitionError(
            "The Consultant Administrator and the Mentee Administrator name the educator or classroom team together."
        )
    name, classroom = " ".join(name.split()), " ".join(classroom.split())
    if not name:
        raise TransitionError("Name the educator or classroom team.")
    Pair.objects.select_for_update().filter(pk=pair.pk).first()  # one change at a time per pair
    current = PlanEducator.objects.filter(pair=pair, replaced_at__isnull=True).first()
    if current is not None and current.name.casefold() == name.casefold():
        if current.classroom != classroom or current.name != name:
            current.name, current.classroom = name, classroom
            current.save(update_fields=["name", "classroom"])
        return current
    now = timezone.now()
    if current is not None:
        current.replaced_at = now
        current.save(update_fields=["replaced_at"])
    return PlanEducator.objects.create(pair=pair, name=name, classroom=classroom, named_by=actor, named_at=now)


@transaction.atomic
def goal_note_add(*, goal: Goal, actor: User, text: str, noted_on: datetime.date | None = None) -> GoalNote:
    _check_goal_author(goal.pair, actor)
    if not text.strip():
        raise TransitionError("Write the progress note.")
    return GoalNote.objects.create(
        goal=goal, text=text.strip(), author=actor, noted_on=noted_on or timezone.localdate()
    )


# --- 30-day reports ----------------------------------------------------------------------------


def reports_ensure(*, pair: Pair, today: datetime.date | None = None) -> list[ThirtyDayReport]:
    """Create the draft report of every period of the pair that has started, prefilled from the
    period's meetings and goal notes (idempotent)."""
    return reports_ensure_many(pairs=[pair], today=today, prefill=True)


def reports_ensure_many(
    *, pairs: list[Pair], today: datetime.date | None = None, prefill: bool = False
) -> list[ThirtyDayReport]:
    """The same for many pairs in a fixed number of queries (the daily sweep). Without
    ``prefill`` the drafts start empty and are prefilled when the coach first opens them."""
    today = today or timezone.localdate()
    pairs = [p for p in pairs if p.started_on and p.status != Pair.Status.PROPOSED]
    template = ReportTemplate.objects.filter(is_active=True).order_by("-created_at").first()
    if not pairs or template is None:
        return []
    existing = set(ThirtyDayReport.objects.filter(pair__in=pairs).values_list("pair_id", "period"))
    wanted = [
        ThirtyDayReport(
            pair=pair,
            period=period.number,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            template=template,
            answers=report_prefill(pair, period) if prefill else {},
        )
        for pair in pairs
        for period in schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today)
        if (pair.pk, period.number) not in existing
    ]
    if not wanted:
        return []
    try:
        with transaction.atomic():
            return bulk_create_with_history(wanted, ThirtyDayReport, batch_size=500)
    except IntegrityError:  # made at the same moment by another request or the sweep: take them one by one
        made = []
        for report in wanted:
            try:
                with transaction.atomic():
                    report.save()
                    made.append(report)
            except IntegrityError:
                continue
        return made


def reports_open(*, pair: Pair, today: datetime.date | None = None) -> list[ThirtyDayReport]:
    """The empty drafts of the pair's periods that have started: run when a pair is confirmed
    (coaching.receivers) so the first report exists from day one, and for every active pair by
    the hourly task as later periods start. Idempotent. Pages only read these rows: a page never
    makes one on GET."""
    return reports_ensure_many(pairs=[pair], today=today)


def reports_open_due(*, today: datetime.date | None = None) -> int:
    """The hourly task: open the drafts of every active pair's started periods (a fixed number of
    queries whatever the number of pairs). Returns the number of drafts made."""
    pairs = list(Pair.objects.filter(status=Pair.Status.ACTIVE, started_on__isnull=False))
    return len(reports_ensure_many(pairs=pairs, today=today))


@transaction.atomic
def report_start(*, pair: Pair, period: int, actor: User, today: datetime.date | None = None) -> ThirtyDayReport:
    """Make the draft of a started period the task has not opened yet (the coach's or staff's
    "Start this report"), prefilled from the period's meetings and goal notes. A second click
    finds the draft already made and returns it."""
    if pair.coach.user_id != actor.pk and not is_eec_staff(actor):
        raise TransitionError("30-day reports are the coach's reports to EEC.")
    today = today or timezone.localdate()
    started = (
        schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today) if pair.started_on else []
    )
    if pair.status == Pair.Status.PROPOSED or period not in {p.number for p in started}:
        raise TransitionError(f"The period of 30-day report {period} has not started yet.")
    reports_ensure(pair=pair, today=today)
    report = ThirtyDayReport.objects.filter(pair=pair, period=period).first()
    if report is None:
        raise TransitionError("No 30-day report form is active; EEC staff set one up in the admin.")
    return report


def _check_report_author(report: ThirtyDayReport, actor: User) -> None:
    if report.pair.coach.user_id != actor.pk:
        raise TransitionError("Only the pair's coach files its 30-day reports.")
    if not report.is_editable:
        raise TransitionError(f"This report is {report.get_status_display().lower()}; it can no longer be edited.")


@transaction.atomic
def report_save(*, report: ThirtyDayReport, actor: User, answers: dict[str, str]) -> ThirtyDayReport:
    report = ThirtyDayReport.objects.select_for_update(of=("self",)).select_related("pair__coach").get(pk=report.pk)
    _check_report_author(report, actor)
    keys = {key for key, _, _ in report.template.section_list()}
    report.answers = {**report.answers, **{k: v.strip() for k, v in answers.items() if k in keys}}
    report.save(update_fields=["answers", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, report: ThirtyDayReport, actor: User, answers: dict[str, str] | None = None) -> ThirtyDayReport:
    if answers is not None:
        report = report_save(report=report, actor=actor, answers=answers)
    report = ThirtyDayReport.objects.select_for_update(of=("self",)).select_related("pair__coach").get(pk=report.pk)
    _check_report_author(report, actor)
    if not report.period_has_ended():
        raise TransitionError(
            f"This report covers {report.period_start:%B %-d} to {report.period_end:%B %-d, %Y}: it can be "
            f"submitted from {report.submittable_from:%B %-d}, once the period has ended. "
            "Save it as a draft until then."
        )
    empty = [
        title
        for key, title, _ in report.template.section_list()
        if not report.answers.get(key, "").strip() and key != "support"
    ]
    if empty:
        raise TransitionError("Fill in every section before submitting: " + ", ".join(empty) + ".")
    now = timezone.now()
    report.status = ThirtyDayReport.workflow.require("submit", report.status)
    report.submitted_at = now
    report.was_late = timezone.localdate(now) > report.due_on
    report.save(update_fields=["status", "submitted_at", "was_late", "updated_at"])
    return report


def _check_staff_review(report: ThirtyDayReport, actor: User, step: str) -> str:
    """The status the review ``step`` (acknowledge or return) leads to, if staff may take it now."""
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff review 30-day reports.")
    return ThirtyDayReport.workflow.require(
        step,
        report.status,
        refusal=f"This report is {report.get_status_display().lower()}; only a submitted report is reviewed.",
    )


@transaction.atomic
def report_acknowledge(*, report: ThirtyDayReport, actor: User) -> ThirtyDayReport:
    report = ThirtyDayReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    report.status = _check_staff_review(report, actor, "acknowledge")
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return report


@transaction.atomic
def report_return(*, report: ThirtyDayReport, actor: User, comment: str) -> ThirtyDayReport:
    """Send a report back to the coach for revision, with a comment; it re-opens for editing."""
    report = ThirtyDayReport.objects.select_for_update(of=("self",)).select_related("pair__coach").get(pk=report.pk)
    status = _check_staff_review(report, actor, "return")
    if not comment.strip():
        raise TransitionError("Say what needs revising.")
    report.status = status
    report.review_comment = comment.strip()
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    email_queue(
        to=[report.pair.coach.email],
        subject=f"[PAC] Your 30-day report {report.period} was returned",
        body_text=f"EEC returned your 30-day report for revision:\n\n{report.review_comment}\n\n"
        f"Open it: {absolute_url(reverse('coaching:report', args=[report.pk]))}\n",
        key=f"report:{report.pk}:returned:{report.reviewed_at:%Y%m%d%H%M%S}",
    )
    return report


# --- reminders ----------------------------------------------------------------------------------


def _notify(
    *,
    key: str,
    stage: str,
    recipient: Person,
    pair: Pair,
    message: str,
    url: str,
    report: ThirtyDayReport | None = None,
    known: set[str] | None = None,
) -> Reminder | None:
    """Record the reminder once (the unique key) and, if the person takes an email for each reminder
    (a digest person gets it in the day's digest; one who takes none sees it in My work), its email,
    in one transaction: a worker that dies between the two leaves neither, so the next sweep
    records and sends it. ``known`` holds keys already recorded (read in one query by the sweep),
    so they cost nothing."""
    if known is not None and key in known:
        return None
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            key=key,
            defaults={
                "stage": stage,
                "recipient": recipient,
                "pair": pair,
                "report": report,
                "message": message,
                "url": url,
            },
        )
        if not created:
            return None
        if _takes_immediate_email(recipient):
            _email_reminder(reminder)
    return reminder


def reminder_record(*, key: str, stage: str, recipient: Person, pair: Pair, message: str, url: str) -> Reminder | None:
    """A later app's reminder (a clip shared, feedback posted): recorded once by its key, emailed at
    once or in the day's digest as the recipient chose, and listed in their My work inbox."""
    return _notify(key=key, stage=stage, recipient=recipient, pair=pair, message=message, url=url)


def _takes_immediate_email(person: Person) -> bool:
    return person.reminder_emails == Person.ReminderEmails.EACH


def _email_reminder(reminder: Reminder) -> None:
    """Queue the reminder's email (idempotent: its key is the reminder's) and link it to the row."""
    recipient = reminder.recipient
    text = render_to_string(
        "coaching/email/reminder.txt",
        {"reminder": reminder, "recipient": recipient, "link": absolute_url(reminder.url)},
    )
    email = email_queue(
        to=[recipient.email], subject=f"[PAC] {reminder.message}", body_text=text, key=f"reminder:{reminder.key}"
    )
    if email.pk is None:  # the outbox is muted (seed_demo): nothing was written to link
        return
    reminder.email = email
    reminder.save(update_fields=["email"])


# A reminder left without its email (by a worker killed before the two were one transaction) is
# healed by the sweeps within this many days; an older one is past being useful.
REMINDER_HEAL_DAYS = 7


def _reminders_heal() -> int:
    """Queue the email of any recent reminder for a person who takes immediate emails that has none
    (and was not in a digest already). One query when there is nothing to heal."""
    since = timezone.now() - datetime.timedelta(days=REMINDER_HEAL_DAYS)
    orphans = list(
        Reminder.objects.filter(
            email__isnull=True, created_at__gte=since, recipient__reminder_emails=Person.ReminderEmails.EACH
        ).select_related("recipient")
    )
    if not orphans:
        return 0

    def digest_key(reminder: Reminder) -> str:
        return f"digest:{reminder.recipient_id}:{timezone.localdate(reminder.created_at):%Y-%m-%d}"

    digested = set(OutboundEmail.objects.filter(key__in={digest_key(r) for r in orphans}).values_list("key", flat=True))
    healed = 0
    for reminder in orphans:
        if digest_key(reminder) in digested:
            continue
        with transaction.atomic():
            _email_reminder(reminder)
        healed += 1
    return healed


def reminders_sweep(*, today: datetime.date | None = None) -> int:
    """The daily sweep: reports due soon, due today, overdue (and, past the staff threshold, to EEC
    staff), and pairs with no meeting last month. Safe to run any number of times a day: each
    reminder has a unique key. It also heals a recent reminder left without its email. Queries are
    batched: a fixed number whatever the number of pairs."""
    today = today or timezone.localdate()
    settings_row = ReminderSettings.current()
    pairs = list(
        Pair.objects.filter(status=Pair.Status.ACTIVE, started_on__isnull=False).select_related(
            "coach", "mentee", "leader"
        )
    )
    reports_ensure_many(pairs=pairs, today=today + datetime.timedelta(days=settings_row.days_before_due))
    sent = 0
    open_reports = ThirtyDayReport.objects.filter(
        pair__status=Pair.Status.ACTIVE,
        status__in=[ThirtyDayReport.Status.DRAFT, ThirtyDayReport.Status.RETURNED],
        due_on__lte=today + datetime.timedelta(days=settings_row.days_before_due),
    ).select_related("pair__coach", "pair__program_year")
    staff = list(
        Person.objects.filter(
            Q(user__groups__name="EEC staff") | Q(user__is_superuser=True), user__is_active=True
        ).distinct()
    )
    open_reports = list(open_reports)
    known = set(
        Reminder.objects.filter(
            Q(report__in=open_reports) | Q(pair__in=pairs, stage=Reminder.Stage.NO_MEETING)
        ).values_list("key", flat=True)
    )
    for report in open_reports:
        coach = report.pair.coach
        url = reverse("coaching:report", args=[report.pk])
        days = (report.due_on - today).days
        if days > 0:
            stage, message = Reminder.Stage.DUE_SOON, f"30-day report {report.period} is due on {report.due_on:%B %-d}"
        elif days == 0:
            stage, message = Reminder.Stage.DUE_TODAY, f"30-day report {report.period} is due today"
        else:
            stage, message = (
                Reminder.Stage.OVERDUE,
                f"30-day report {report.period} is overdue (due {report.due_on:%B %-d})",
            )
        if _notify(
            key=f"report:{report.pk}:{stage}:{coach.pk}",
            stage=stage,
            recipient=coach,
            pair=report.pair,
            message=message,
            url=url,
            report=report,
            known=known,
        ):
            sent += 1
        if -days >= settings_row.days_overdue_before_staff:
            for person in staff:
                if _notify(
                    key=f"report:{report.pk}:overdue_staff:{person.pk}",
                    stage=Reminder.Stage.OVERDUE_STAFF,
                    recipient=person,
                    pair=report.pair,
                    report=report,
                    url=url,
                    message=f"{coach.full_name}'s 30-day report {report.period} is {-days} days overdue",
                    known=known,
                ):
                    sent += 1
    if settings_row.remind_no_meeting:
        sent += _no_meeting_reminders(pairs, today, known)
    return sent + _reminders_heal()


def _no_meeting_reminders(pairs: list[Pair], today: datetime.date, known: set[str]) -> int:
    """Remind the coach when the last calendar month passed with no coaching meeting."""
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    last_month_start = last_month_end.replace(day=1)
    met = set(
        Meeting.objects.held()
        .filter(pair__in=pairs, held_on__gte=last_month_start, held_on__lte=last_month_end)
        .exclude(purpose=Meeting.Purpose.LEADER_CHECK_IN)
        .values_list("pair_id", flat=True)
    )
    sent = 0
    for pair in pairs:
        if pair.pk in met or pair.started_on > last_month_start:
            continue
        month = f"{last_month_start:%B %Y}"
        if _notify(
            key=f"pair:{pair.pk}:no_meeting:{last_month_start:%Y-%m}:{pair.coach_id}",
            stage=Reminder.Stage.NO_MEETING,
            recipient=pair.coach,
            pair=pair,
            url=reverse("coaching:workspace", args=[pair.pk]),
            message=f"No coaching meeting with {pair.mentee.full_name} was logged in {month}",
            known=known,
        ):
            sent += 1
    return sent


def digest_send(*, today: datetime.date | None = None) -> int:
    """One email a day to each person who takes a digest, listing that day's reminders."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    reminders = (
        Reminder.objects.filter(
            recipient__reminder_emails=Person.ReminderEmails.DIGEST,
            created_at__gte=start,
            created_at__lt=start + datetime.timedelta(days=1),
        )
        .select_related("recipient")
        .order_by("recipient_id", "pk")
    )
    by_person: dict[int, list[Reminder]] = {}
    for reminder in reminders:
        by_person.setdefault(reminder.recipient_id, []).append(reminder)
    for items in by_person.values():
        person = items[0].recipient
        body = "Your PAC reminders today:\n\n" + "\n".join(f"- {r.message}: {absolute_url(r.url)}" for r in items)
        email_queue(
            to=[person.email],
            subject=f"[PAC] {len(items)} reminder{'s' if len(items) != 1 else ''} for {today:%B %-d}",
            body_text=body + "\n",
            key=f"digest:{person.pk}:{today:%Y-%m-%d}",
        )
    return len(by_person)


# --- PLC and training ----------------------------------------------------------------------------

# The model's expectations for CTs and CAs: 1 day of pre-service orientation, about 6 training days
# a year, and the regional PLC monthly; leaders are expected at the PLC at least quarterly.
EXPECTED_ORIENTATION_DAYS = 1
EXPECTED_TRAINING_DAYS = 6
HOURS_PER_DAY = 6


def attendance_record(*, event, actor: User, present: set[int], expected: list[Person]):
    """Record who attended an event (those not ticked are recorded absent). Staff record any
    event; a PLC facilitator records their own region's PLC sessions."""
    from .models import Attendance, TrainingEvent

    allowed = actor.has_perm("pac.record_plc_attendance", event.region) if event.region_id else is_eec_staff(actor)
    if not allowed or (not is_eec_staff(actor) and event.kind != TrainingEvent.Kind.PLC):
        raise TransitionError(
            "Only EEC staff, or the region's PLC facilitator for its PLC sessions, record attendance."
        )
    with transaction.atomic():
        for person in expected:
            Attendance.objects.update_or_create(
                event=event,
                person=person,
                defaults={"attended": person.pk in present, "recorded_by": actor, "recorded_at": timezone.now()},
            )


def attendance_summary(*, person: Person, program_year, today: datetime.date | None = None) -> dict:
    """A coach's (or leader's) attendance against the model's expectations, in two queries."""
    from .models import Attendance, TrainingEvent

    today = today or timezone.localdate()
    attended = list(
        Attendance.objects.filter(person=person, attended=True, event__program_year=program_year).select_related(
            "event"
        )
    )
    hours = {
        kind: sum(float(a.event.hours) for a in attended if a.event.kind == kind) for kind in TrainingEvent.Kind.values
    }
    plc_months = {a.event.held_on.replace(day=1) for a in attended if a.event.kind == TrainingEvent.Kind.PLC}
    plc_quarters = {
        (a.event.held_on.year, (a.event.held_on.month - 1) // 3)
        for a in attended
        if a.event.kind == TrainingEvent.Kind.PLC
    }
    start = program_year.starts_on
    end = min(today, program_year.ends_on)
    months_so_far = max(0, (end.year - start.year) * 12 + end.month - start.month + (1 if end >= start else 0))
    quarters_so_far = (months_so_far + 2) // 3
    return {
        "orientation_days": round(hours["orientation"] / HOURS_PER_DAY, 1),
        "orientation_expected": EXPECTED_ORIENTATION_DAYS,
        "training_days": round(hours["training"] / HOURS_PER_DAY, 1),
        "training_expected": EXPECTED_TRAINING_DAYS,
        "plc_hours": hours["plc"],
        "plc_months": len(plc_months),
        "months_so_far": months_so_far,
        "plc_quarters": len(plc_quarters),
        "quarters_so_far": quarters_so_far,
    }
