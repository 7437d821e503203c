"""Writes for surveys about coaches: send a round, email its invitations, take each respondent's
answers once, and remind those who have not answered while the round is open.

Links. Each invitation's link token is derived from the server's secret (an HMAC of the round and
the address) and only its hash is stored, as with every emailed link in PAC. Deriving it, rather
than drawing a random one, lets a reminder carry the same link as the first email: a respondent
who clicks the older email still gets in, and the database never holds a usable token.
"""

from __future__ import annotations

import base64
import datetime
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.utils import bulk_create_with_history

from pac.links import absolute_url
from pac.models import OutboundEmail, Person, ProgramYear, User
from pac.permissions import is_eec_staff
from pac.selectors import advisory_panel_users
from pac.services import email_queue
from pac.workflow import LinkError, TransitionError, hash_token
from pairings.models import Pair

from ..models import Answer, Audience, Invitation, Question, Response, Survey, SurveyRound

logger = logging.getLogger(__name__)

# A coach's Mentees for a year: pairs that ran (active now, or ended), never proposals.
COACHED = (Pair.Status.ACTIVE, Pair.Status.ENDED)
TEXT_MAX_LENGTH = 5000
REMIND_EVERY_DAYS = 7  # the sweep's spacing between reminders to one person
MAX_REMINDERS = 3  # the sweep stops after this many; staff may still remind by hand


class AnswerError(TransitionError):
    """Answers that cannot be saved; ``errors`` maps a question's id to what is wrong with it."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("Some answers need attention: " + " ".join(errors.values()))


# --- links --------------------------------------------------------------------------------------


def invitation_token(*, round_id: int, email: str) -> str:
    """The invitation's link token. Recomputable from the secret key, never stored."""
    digest = salted_hmac("pac.surveys.invitation", f"{round_id}:{email.strip().lower()}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def invitation_url(invitation: Invitation) -> str:
    token = invitation_token(round_id=invitation.round_id, email=invitation.email)
    return absolute_url(reverse("evaluation:survey_respond", args=[token]))


def round_is_open(survey_round: SurveyRound, today: datetime.date | None = None) -> bool:
    """A round takes answers up to and including its closing day."""
    return survey_round.closes_on >= (today or timezone.localdate())


def invitation_check_open(invitation: Invitation, today: datetime.date | None = None) -> None:
    """Raise LinkError (410) when the invitation can no longer be answered."""
    if invitation.answered_at is not None:
        raise LinkError("You have already answered this survey. Each person answers once; thank you.")
    if not round_is_open(invitation.round, today):
        raise LinkError(
            f"This survey closed on {invitation.round.closes_on:%B %-d, %Y}, so answers are no longer taken. "
            "Thank you for your time."
        )


def invitation_for_token(token: str, *, require_open: bool = True) -> Invitation:
    """The invitation behind a personal link. Unknown links are 404; with ``require_open``, an
    answered invitation or a closed round is a LinkError (410) that says which."""
    invitation = (
        Invitation.objects.select_related("round__survey", "round__coach", "round__program_year")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise LinkError(
            "This survey link is not valid. Check that you copied the whole link from the email, "
            "or sign in to PAC and open My work.",
            404,
        )
    if require_open:
        invitation_check_open(invitation)
    return invitation


# --- who is asked ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    audience: str
    name: str
    email: str
    person: Person | None = None
    user: User | None = None


def coaches_of_year(program_year: ProgramYear) -> QuerySet[Person]:
    """Consultant Teachers (and Administrators) who coached in the year."""
    return (
        Person.objects.filter(pairs_as_coach__program_year=program_year, pairs_as_coach__status__in=COACHED)
        .distinct()
        .order_by("last_name", "first_name")
    )


def respondents_for(*, coach: Person, program_year: ProgramYear, audiences: list[str]) -> list[Respondent]:
    """Everyone who may be asked about the coach, in audience order. One invitation per address:
    someone who is both a leader and a panel member is asked once, as a leader. People without an
    email cannot be reached and are left out, as are deactivated people; the coach is never asked
    about themself."""
    wanted = [a for a in Audience.values if a in audiences]
    found: list[Respondent] = []
    pairs = (
        Pair.objects.filter(coach=coach, program_year=program_year, status__in=COACHED)
        .select_related("mentee__user", "leader__user")
        .order_by("pk")
    )
    for audience in wanted:
        if audience == Audience.MENTEE:
            found += [_from_person(audience, pair.mentee) for pair in pairs]
        elif audience == Audience.LEADER:
            found += [_from_person(audience, pair.leader) for pair in pairs if pair.leader_id]
        elif audience == Audience.FACILITATOR and coach.program_id and coach.program.region_id:
            facilitators = coach.program.region.facilitators.select_related("user").order_by("last_name", "pk")
            found += [_from_person(audience, person) for person in facilitators]
        elif audience == Audience.PANEL:
            users = advisory_panel_users(program_year).select_related("person").order_by("pk")
            for user in users:
                person = getattr(user, "person", None)
                name = user.full_name or (person.full_name if person else "") or user.email
                found.append(Respondent(audience, name, user.email.strip().lower(), person, user))
    seen = {coach.email.strip().lower()} | ({coach.user.email.lower()} if coach.user_id else set())
    unique = []
    for respondent in found:
        if not respondent.email or respondent.email in seen:
            continue
        if respondent.person is not None and not respondent.person.is_active:
            continue
        seen.add(respondent.email)
        unique.append(respondent)
    return unique


def _from_person(audience: str, person: Person) -> Respondent:
    return Respondent(audience, person.full_name, (person.email or "").strip().lower(), person, person.user)


# --- sending a round --------------------------------------------------------------------------


def enqueue(task, *args) -> None:
    """Hand a task to a worker; with the broker down the sweep (and the reminder button) sends
    what is left, so a page never fails because Redis is unreachable."""
    try:
        task.delay(*args)
    except Exception:  # kombu raises several unrelated types when the broker is down
        logger.warning("Could not enqueue %s%s; the survey sweep will catch up", task.name, args, exc_info=True)


@transaction.atomic
def round_send(
    *,
    survey: Survey,
    coach: Person,
    program_year: ProgramYear,
    audiences: list[str],
    closes_on: datetime.date,
    actor: User,
    today: datetime.date | None = None,
) -> SurveyRound:
    """Send a survey about one coach to the chosen audiences: one invitation per respondent,
    emailed by a task once this commits."""
    today = today or timezone.localdate()
    if not is_eec_staff(actor):
        raise TransitionError("Only EEC staff send surveys.")
    audiences = [a for a in Audience.values if a in set(audiences)]
    if not audiences:
        raise TransitionError("Choose who to ask.")
    if not survey.is_active:
        raise TransitionError(f"The survey “{survey}” is not active; turn it on in the admin first.")
    if not survey.questions.exists():
        raise TransitionError(f"The survey “{survey}” has no questions yet; add them in the admin.")
    if closes_on < today:
        raise TransitionError("Choose a closing date from today on.")
    # one sender at a time per coach, so a double click cannot open two rounds
    coach = Person.objects.select_for_update(of=("self",)).select_related("program__region", "user").get(pk=coach.pk)
    if not Pair.objects.filter(coach=coach, program_year=program_year, status__in=COACHED).exists():
        raise TransitionError(f"{coach.full_name} has no Mentees in {program_year}; there is no one to ask.")
    already = SurveyRound.objects.filter(
        survey=survey, coach=coach, program_year=program_year, closes_on__gte=today
    ).first()
    if already:
        raise TransitionError(
            f"“{survey}” about {coach.full_name} is already open until {already.closes_on:%B %-d, %Y}; "
            "send reminders from that round instead."
        )
    respondents = respondents_for(coach=coach, program_year=program_year, audiences=audiences)
    if not respondents:
        raise TransitionError(
            f"No one to ask: none of the chosen groups has anyone with an email address for {coach.full_name}."
        )
    survey_round = SurveyRound.objects.create(
        survey=survey,
        program_year=program_year,
        coach=coach,
        audiences=audiences,
        closes_on=closes_on,
        sent_by=actor,
    )
    bulk_create_with_history(
        [
            Invitation(
                round=survey_round,
                audience=r.audience,
                person=r.person,
                user=r.user,
                name=r.name[:200],
                email=r.email,
                token_hash=hash_token(invitation_token(round_id=survey_round.pk, email=r.email)),
            )
            for r in respondents
        ],
        Invitation,
    )
    from .tasks import round_invitations_send_task

    transaction.on_commit(partial(enqueue, round_invitations_send_task, survey_round.pk))
    return survey_round


def _email(invitation: Invitation, *, kind: str, key: str) -> OutboundEmail:
    survey_round = invitation.round
    text = render_to_string(
        f"evaluation/surveys/email/{kind}.txt",
        {
            "invitation": invitation,
            "round": survey_round,
            "coach": survey_round.coach,
            "survey": survey_round.survey,
            "url": invitation_url(invitation),
            "my_work_url": absolute_url(reverse("pac:my_work")),
        },
    ).strip()
    subject, _, body = text.partition("\n")
    return email_queue(
        to=[invitation.email], subject=f"[PAC] {subject.strip()}", body_text=body.strip() + "\n", key=key
    )


def invitations_send(*, survey_round: SurveyRound, today: datetime.date | None = None) -> int:
    """Email every invitation of the round not yet sent. Safe to run twice: each invitation is
    sent under its row lock and its email has an idempotency key. Returns how many were sent."""
    if not round_is_open(survey_round, today):
        return 0
    pending = list(
        Invitation.objects.filter(round=survey_round, sent_at__isnull=True, answered_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in pending:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("round__survey", "round__coach", "round__program_year")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if invitation is None:
                continue  # another worker sent it
            _email(invitation, kind="invitation", key=f"survey:invitation:{invitation.pk}")
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
            sent += 1
    return sent


# --- answering --------------------------------------------------------------------------------


def _clean_answers(questions: list[Question], answers: dict) -> dict[Question, dict]:
    """Check every answer against its question; raise AnswerError naming each problem."""
    errors: dict[int, str] = {}
    cleaned: dict[Question, dict] = {}
    for question in questions:
        value = answers.get(question.pk, answers.get(str(question.pk)))
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[question.pk] = "Answer this question."
            continue
        if question.kind == Question.Kind.AGREEMENT:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if number not in Question.AGREEMENT_LABELS:
                errors[question.pk] = "Choose a number from 1 (strongly disagree) to 5 (strongly agree)."
                continue
            cleaned[question] = {"agreement": number}
        elif question.kind == Question.Kind.CHOICE:
            if value not in question.choice_list:
                errors[question.pk] = "Choose one of the options listed."
                continue
            cleaned[question] = {"choice": value}
        else:
            if len(str(value)) > TEXT_MAX_LENGTH:
                errors[question.pk] = f"Keep your answer under {TEXT_MAX_LENGTH:,} characters."
                continue
            cleaned[question] = {"text": str(value)}
    known = {q.pk for q in questions}
    if any(int(k) not in known for k in answers if str(k).isdigit()):
        raise TransitionError("Some answers are for questions that are not in this survey; reload the page.")
    if errors:
        raise AnswerError(errors)
    return cleaned


def _already_answered() -> LinkError:
    return LinkError("You have already answered this survey. Each person answers once; thank you.")


@transaction.atomic
def response_submit(
    *, invitation: Invitation, answers: dict, via: str, user: User | None = None, today: datetime.date | None = None
) -> Response:
    """Save one respondent's answers, once. ``answers`` maps question ids to a 1–5 number, an
    option or text. Answered twice (even at the same moment) is a LinkError; so is a closed round."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round__survey", "person")
        .get(pk=invitation.pk)
    )
    if via == "account":
        holders = {invitation.user_id, invitation.person.user_id if invitation.person_id else None} - {None}
        if user is None or user.pk not in holders:
            raise TransitionError("This invitation is for someone else.")
    elif via != "link":
        raise TransitionError("Answer through your personal link or when signed in.")
    if invitation.answered_at is not None or Response.objects.filter(invitation=invitation).exists():
        raise _already_answered()
    invitation_check_open(invitation, today)
    questions = list(invitation.round.survey.questions.all())
    cleaned = _clean_answers(questions, answers)
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(invitation=invitation, submitted_at=now, via=via)
    except IntegrityError:  # a second submission that got past the checks at the same moment
        raise _already_answered() from None
    Answer.objects.bulk_create([Answer(response=response, question=q, **fields) for q, fields in cleaned.items()])
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    return response


# --- reminders --------------------------------------------------------------------------------


def _reminder_key(invitation_id: int, today: datetime.date) -> str:
    return f"survey:invitation:{invitation_id}:reminder:{today:%Y-%m-%d}"


def _remind(invitation_ids: list[int], today: datetime.date) -> int:
    """Remind each invitation at most once a day (the outbox key), skipping any answered since."""
    known = set(
        OutboundEmail.objects.filter(key__in=[_reminder_key(pk, today) for pk in invitation_ids]).values_list(
            "key", flat=True
        )
    )
    sent = 0
    for pk in invitation_ids:
        key = _reminder_key(pk, today)
        if key in known:
            continue
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("round__survey", "round__coach", "round__program_year")
                .filter(pk=pk, answered_at__isnull=True)
                .first()
            )
            if invitation is None or OutboundEmail.objects.filter(key=key).exists():
                continue
            token_hash = hash_token(invitation_token(round_id=invitation.round_id, email=invitation.email))
            fields = ["reminders_sent", "last_reminded_at"]
            if token_hash != invitation.token_hash:  # the secret key changed: the new email's link must work
                invitation.token_hash = token_hash
                fields.append("token_hash")
            _email(invitation, kind="reminder", key=key)
            invitation.reminders_sent += 1
            invitation.last_reminded_at = timezone.now()
            invitation.save(update_fields=fields)
            sent += 1
    return sent


def reminders_send(*, survey_round: SurveyRound, today: datetime.date | None = None) -> int:
    """Remind everyone in an open round who has not answered (EEC staff's button). Sends any
    invitation not yet sent first; nobody is reminded on the day they were invited, nor twice in
    a day. A closed round sends nothing. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    if not round_is_open(survey_round, today):
        return 0
    invitations_send(survey_round=survey_round, today=today)
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    ids = list(
        Invitation.objects.filter(
            round=survey_round, answered_at__isnull=True, sent_at__isnull=False, sent_at__lt=start_of_today
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _remind(ids, today)


def reminders_sweep(
    *, today: datetime.date | None = None, every_days: int = REMIND_EVERY_DAYS, max_reminders: int = MAX_REMINDERS
) -> int:
    """The beat sweep: in every open round, send invitations still unsent, then remind those who
    have not answered, at most every ``every_days`` days and ``max_reminders`` times. Safe to run
    any number of times a day."""
    today = today or timezone.localdate()
    rounds = list(
        SurveyRound.objects.filter(
            closes_on__gte=today, invitations__sent_at__isnull=True, invitations__answered_at__isnull=True
        )
        .distinct()
        .select_related("survey", "coach", "program_year")
    )
    for survey_round in rounds:
        invitations_send(survey_round=survey_round, today=today)
    last_contact_before = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=every_days - 1), datetime.time.min)
    )
    ids = list(
        Invitation.objects.filter(
            round__closes_on__gte=today,
            answered_at__isnull=True,
            sent_at__lt=last_contact_before,
            reminders_sent__lt=max_reminders,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=last_contact_before))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _remind(ids, today)
