"""Formative interviews, one function per step: schedule, record, cancel; and a new version of a
protocol (the admin's action). Each checks the step is allowed now, does it in a transaction,
records who and when, and writes its emails to the outbox in the same transaction."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from pac.links import absolute_url
from pac.models import Participation, Person, ProgramYear, User
from pac.permissions import is_eec_staff
from pac.selectors import advisory_panel_users
from pac.services import email_queue
from pac.workflow import TransitionError
from pairings.models import Kind, Pair

from ..models import FormativeInterview, InterviewAnswer, InterviewProtocol, InterviewQuestion

AUDIENCE_OF_ROLE = {
    "ct": InterviewProtocol.Audience.COACH,
    "ca": InterviewProtocol.Audience.COACH,
    "mentee": InterviewProtocol.Audience.MENTEE,
    "ma": InterviewProtocol.Audience.MENTEE,
}
ROLE_LABELS = dict(FormativeInterview.ROLES)
OPEN_ANSWER_MAX = 5000


def interviewee_role(person: Person, program_year: ProgramYear) -> str | None:
    """What the person is in the year that may be interviewed: the coach of an active pair first,
    then the Mentee or MA of one, then an accepted coach not yet paired (their Participation)."""
    live = Pair.objects.filter(program_year=program_year, status=Pair.Status.ACTIVE)
    kinds = dict.fromkeys(live.filter(coach=person).values_list("kind", flat=True))
    if kinds:
        return "ca" if Kind.CA_MA in kinds else "ct"
    kinds = dict.fromkeys(live.filter(mentee=person).values_list("kind", flat=True))
    if kinds:
        return "ma" if Kind.CA_MA in kinds else "mentee"
    held = set(
        Participation.objects.active()
        .filter(person=person, program_year=program_year, role__in=FormativeInterview.COACH_ROLES)
        .values_list("role", flat=True)
    )
    return next((role for role in FormativeInterview.COACH_ROLES if role in held), None)


def interviewer_capacity(user: User, program_year: ProgramYear) -> str | None:
    """Why the user may interview in the year: a seat on its Advisory Panel, or EEC staff."""
    if advisory_panel_users(program_year).filter(pk=user.pk).exists():
        return FormativeInterview.Capacity.PANEL
    if is_eec_staff(user) and user.is_active:
        return FormativeInterview.Capacity.STAFF
    return None


def _conflicted(interviewer: User, coach: Person, interviewee: Person, program_year: ProgramYear) -> bool:
    """The interviewer is the interviewee, the coach the interview informs, or someone in one of that
    coach's pairs this year (a Mentee or a leader): they would judge their own coaching."""
    person_id = Person.objects.filter(user=interviewer).values_list("pk", flat=True).first()
    if person_id is None:
        return False
    if person_id in (interviewee.pk, coach.pk):
        return True
    return (
        Pair.objects.filter(program_year=program_year, coach=coach)
        .filter(Q(mentee_id=person_id) | Q(leader_id=person_id))
        .exists()
    )


def _live_pair(person: Person, program_year: ProgramYear) -> Pair | None:
    return (
        Pair.objects.filter(program_year=program_year, mentee=person, status=Pair.Status.ACTIVE)
        .select_related("coach")
        .order_by("-started_on", "-pk")
        .first()
    )


@transaction.atomic
def interview_schedule(
    *,
    actor: User,
    program_year: ProgramYear,
    interviewee: Person,
    interviewer: User,
    scheduled_on: datetime.date,
) -> FormativeInterview:
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff schedule formative interviews.")
    role = interviewee_role(interviewee, program_year)
    if role is None:
        raise TransitionError(
            f"{interviewee.full_name} is neither a coach nor in an active pair in {program_year}: interviews are "
            "with Consultant Teachers and Administrators and with paired Mentees and Mentee Administrators."
        )
    pair = None
    coach = interviewee
    if role not in FormativeInterview.COACH_ROLES:
        pair = _live_pair(interviewee, program_year)
        coach = pair.coach
    capacity = interviewer_capacity(interviewer, program_year)
    if capacity is None:
        raise TransitionError(f"The interviewer must sit on the {program_year} Advisory Panel or be EEC staff.")
    if _conflicted(interviewer, coach, interviewee, program_year):
        raise TransitionError(
            f"{interviewer} cannot interview {interviewee.full_name}: they are part of the coaching the interview "
            "looks at. Choose another interviewer."
        )
    if not program_year.starts_on <= scheduled_on <= program_year.ends_on:
        raise TransitionError(
            f"Choose a date in the {program_year} program year ({program_year.starts_on:%B %-d, %Y} to "
            f"{program_year.ends_on:%B %-d, %Y})."
        )
    protocol = InterviewProtocol.objects.filter(audience=AUDIENCE_OF_ROLE[role], is_active=True).first()
    if protocol is None:
        raise TransitionError(
            "There is no active interview protocol for "
            f"{InterviewProtocol.Audience(AUDIENCE_OF_ROLE[role]).label.split(' (')[0].lower()}: "
            "add one in the admin (Evaluation → Interview protocols)."
        )
    existing = FormativeInterview.objects.filter(
        interviewee=interviewee,
        interviewer=interviewer,
        scheduled_on=scheduled_on,
        status=FormativeInterview.Status.SCHEDULED,
    )
    if existing.exists():
        raise TransitionError(
            f"{interviewer} is already interviewing {interviewee.full_name} on {scheduled_on:%B %-d, %Y}."
        )
    try:
        with transaction.atomic():
            interview = FormativeInterview.objects.create(
                program_year=program_year,
                interviewee=interviewee,
                interviewee_role=role,
                pair=pair,
                coach=coach,
                interviewer=interviewer,
                interviewer_capacity=capacity,
                scheduled_on=scheduled_on,
                protocol=protocol,
                scheduled_by=actor,
            )
    except IntegrityError as exc:  # a double submit that raced the check above
        raise TransitionError(
            f"{interviewer} is already interviewing {interviewee.full_name} on {scheduled_on:%B %-d, %Y}."
        ) from exc
    _tell_scheduled(interview)
    return interview


def _when(day: datetime.date) -> str:
    return f"{day:%A, %B} {day.day}, {day.year}"


def _tell_scheduled(interview: FormativeInterview) -> None:
    interviewee = interview.interviewee
    url = absolute_url(reverse("evaluation:interview_record", args=[interview.pk]))
    email_queue(
        to=[interview.interviewer.email],
        subject=f"PAC formative interview: {interviewee.full_name}, {_when(interview.scheduled_on)}",
        body_text=(
            f"EEC staff have asked you to hold a formative interview with {interviewee.full_name} "
            f"({ROLE_LABELS[interview.interviewee_role]}, {interview.program_year}) on {_when(interview.scheduled_on)}."
            f"\n\nPlease arrange the time with them ({interviewee.email}). The questions, and the page where you "
            f"record the answers (it works on a phone), are here:\n{url}\n"
        ),
        key=f"interview-scheduled:{interview.pk}:interviewer",
    )
    if interviewee.email:
        email_queue(
            to=[interviewee.email],
            subject=f"PAC formative interview on {_when(interview.scheduled_on)}",
            body_text=(
                f"As part of the PAC program's ongoing evaluation, {interview.interviewer} "
                f"({interview.get_interviewer_capacity_display()}) will hold a short interview with you on "
                f"{_when(interview.scheduled_on)}. They will be in touch to arrange the time.\n\n"
                f"{interview.protocol.introduction}\n"
            ),
            key=f"interview-scheduled:{interview.pk}:interviewee",
        )


def _answer_value(question: InterviewQuestion, raw) -> str:
    value = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw).strip()
    if question.kind == InterviewQuestion.Kind.CHOICE:
        if value and value not in question.choice_list:
            raise TransitionError(f"“{question.text}”: choose one of the options.")
    elif len(value) > OPEN_ANSWER_MAX:
        raise TransitionError(f"“{question.text}”: keep the answer under {OPEN_ANSWER_MAX} characters.")
    if question.required and not value:
        raise TransitionError(f"“{question.text}” needs an answer.")
    return value


@transaction.atomic
def interview_record(
    *, interview: FormativeInterview, actor: User, held_on: datetime.date, answers: dict[int, str]
) -> FormativeInterview:
    """Record what was said, once. ``answers`` maps each question's id to the choice or the text."""
    interview = FormativeInterview.objects.select_for_update().select_related("program_year").get(pk=interview.pk)
    if interview.status == FormativeInterview.Status.RECORDED:
        raise TransitionError("This interview is already recorded.")
    if interview.status == FormativeInterview.Status.CANCELLED:
        raise TransitionError("This interview was cancelled; ask EEC staff to schedule a new one.")
    if interview.interviewer_id != actor.pk:
        raise TransitionError("Only the interviewer records the interview.")
    today = timezone.localdate()
    if held_on > today:
        raise TransitionError("Record the interview once it has taken place: the date cannot be in the future.")
    if held_on < interview.program_year.starts_on:
        raise TransitionError(f"The interview date must be in the {interview.program_year} program year.")
    questions = list(interview.protocol.questions.order_by("order", "pk"))
    values = {question.pk: _answer_value(question, answers.get(question.pk)) for question in questions}
    InterviewAnswer.objects.bulk_create(
        [
            InterviewAnswer(
                interview=interview,
                question=question,
                choice=values[question.pk] if question.kind == InterviewQuestion.Kind.CHOICE else "",
                text=values[question.pk] if question.kind == InterviewQuestion.Kind.OPEN else "",
            )
            for question in questions
            if values[question.pk]
        ]
    )
    interview.status = FormativeInterview.Status.RECORDED
    interview.held_on = held_on
    interview.recorded_by, interview.recorded_at = actor, timezone.now()
    interview.save()
    return interview


@transaction.atomic
def interview_cancel(*, interview: FormativeInterview, actor: User, reason: str) -> FormativeInterview:
    interview = FormativeInterview.objects.select_for_update().get(pk=interview.pk)
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff cancel formative interviews.")
    if interview.status != FormativeInterview.Status.SCHEDULED:
        raise TransitionError(f"This interview is {interview.get_status_display().lower()}, so it cannot be cancelled.")
    if not reason.strip():
        raise TransitionError("Say why the interview is cancelled.")
    interview.status = FormativeInterview.Status.CANCELLED
    interview.cancelled_by, interview.cancelled_at = actor, timezone.now()
    interview.cancel_reason = reason.strip()[:300]
    interview.save()
    recipients = [interview.interviewer.email, interview.interviewee.email]
    email_queue(
        to=[address for address in recipients if address],
        subject=f"PAC formative interview cancelled: {_when(interview.scheduled_on)}",
        body_text=(
            f"The formative interview with {interview.interviewee.full_name} planned for "
            f"{_when(interview.scheduled_on)} is cancelled. EEC staff will be in touch if a new one is needed.\n"
        ),
        key=f"interview-cancelled:{interview.pk}",
    )
    return interview


@transaction.atomic
def protocol_new_version(*, protocol: InterviewProtocol) -> InterviewProtocol:
    """A copy of ``protocol`` and its questions as the audience's next version, made active; the
    interviews still to be held move to it (recorded ones keep the version they answered)."""
    protocol = InterviewProtocol.objects.select_for_update().get(pk=protocol.pk)
    latest = InterviewProtocol.objects.filter(audience=protocol.audience).aggregate(v=Max("version"))["v"] or 0
    questions = list(protocol.questions.order_by("order", "pk"))
    for active in InterviewProtocol.objects.filter(audience=protocol.audience, is_active=True):
        active.is_active = False
        active.save(update_fields=["is_active"])
    copy = InterviewProtocol.objects.create(
        audience=protocol.audience,
        version=latest + 1,
        name=protocol.name,
        introduction=protocol.introduction,
        is_active=True,
    )
    for question in questions:
        InterviewQuestion.objects.create(
            protocol=copy,
            order=question.order,
            kind=question.kind,
            text=question.text,
            choices=question.choices,
            guidance=question.guidance,
            required=question.required,
        )
    for interview in FormativeInterview.objects.filter(
        protocol__audience=protocol.audience, status=FormativeInterview.Status.SCHEDULED
    ):
        interview.protocol = copy
        interview.save(update_fields=["protocol"])
    return copy
