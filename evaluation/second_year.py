"""The second year (issue 13): what a six-month review's decision does.

A Consultant Teacher or Consultant Administrator serves "a minimum one-year term pending 6 month
favorable evaluation with a possible second year" (seeds/000). Staff record the decision on the
review page (``coach_reviews.decision_record``), which calls ``decision_carry_out`` in the same
transaction:

- **continue** carries the coach into the next program year without a new application: a renewal
  (``applications.services.application_renew``: an accepted application of the next year linked
  to this year's, with a renewed MOU emailed to the same leader or supervisor, who signs it through
  the usual link and typed signature), their capacity (``pairings.services.capacity_carry_over``),
  and their pairs continued where the mentee is accepted again (``pairings.services.pairs_continue``,
  locked for staff to confirm) or new ones through the pairing suggestion, which offers the coach
  once the renewed MOU is complete. The coach is told by email.
- **do not continue** ends their role at the year's end with notice: an email to the coach and
  their leader, their active pairs set to end, completed, on the year's last day (the daily sweep
  ends them), and any application of theirs for the role in the next year withdrawn, so they are
  not in its pool.

The next program year may not exist yet when staff decide: the outcome then waits
(``ReviewOutcome.Status.WAITING``) and is carried out when staff create that year (a signal on
``ProgramYear``), when they ask for it on the second-year page, or by the daily sweep, whichever
comes first, once. A revised decision first undoes what the earlier one did (a renewal is
withdrawn, refused if the coach already coaches in the next year; scheduled ends are taken back)
and then carries out the new one. Every email has an outbox key, so a step run twice sends nothing
twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications import services as applications
from applications.models import MOU, Application, Stage
from pac.links import absolute_url
from pac.models import ProgramYear, User
from pac.services import email_queue
from pac.workflow import TransitionError
from pairings import services as pairings
from pairings.models import Capacity, Pair

from .models import CoachReview, ReviewOutcome
from .models import Recommendation as Choice

logger = logging.getLogger(__name__)


def next_year_after(year: ProgramYear) -> ProgramYear | None:
    """The program year that follows ``year``: the first to start after it."""
    return ProgramYear.objects.filter(starts_on__gt=year.starts_on).order_by("starts_on", "pk").first()


def prior_application_of(review: CoachReview) -> Application | None:
    """The coach's accepted application in the review's year, for the role reviewed."""
    return (
        Application.objects.filter(
            applicant_id=review.coach_id, program_year_id=review.program_year_id, role=review.role, stage=Stage.ACCEPTED
        )
        .select_related("program_year", "applicant")
        .order_by("pk")
        .first()
    )


def leader_of(application: Application | None) -> tuple[str, str] | None:
    """(name, email) of whoever signed the coach's MOU that year, if anyone did."""
    if application is None:
        return None
    mou = application.mous.filter(status=MOU.Status.SIGNED).order_by("-signed_at").first()
    return (mou.signer_name, mou.signer_email) if mou and mou.signer_email else None


# --- the decision ---------------------------------------------------------------------------------


def decision_carry_out(*, review: CoachReview, actor: User) -> ReviewOutcome:
    """Carry out the review's decision (called by ``decision_record`` inside its transaction, with
    the review locked). Recording the same decision again (a new note) changes nothing; a revised
    decision undoes the earlier one's consequences first."""
    outcome = ReviewOutcome.objects.select_for_update().filter(review=review).first()
    if outcome is not None and outcome.decided_at == review.decided_at:
        return outcome  # already carried out
    if outcome is not None and outcome.decision == review.decision:
        outcome.decided_at = review.decided_at
        outcome.save(update_fields=["decided_at", "updated_at"])
        return outcome
    revised_from = outcome.decision if outcome is not None else ""
    if review.decision == Choice.DISCONTINUE:
        _check_not_coaching_next_year(review)
    if revised_from == Choice.DISCONTINUE:
        _unschedule_pair_ends(review)
    outcome = outcome or ReviewOutcome(review=review)
    outcome.decision, outcome.decided_at = review.decision, review.decided_at
    outcome.status, outcome.next_year, outcome.renewal = ReviewOutcome.Status.WAITING, None, None
    outcome.carried_out_at, outcome.notified_at, outcome.problem = None, None, ""
    outcome.prior_application = prior_application_of(review)
    outcome.role_ends_on = review.program_year.ends_on if review.decision == Choice.DISCONTINUE else None
    outcome.save()
    ending = _schedule_pair_ends(outcome, actor) if review.decision == Choice.DISCONTINUE else []
    withdrawn = _carry_out(outcome, actor)
    _notify_decision(outcome, revised_from=revised_from, ending=ending, withdrawn=withdrawn)
    return outcome


def _check_not_coaching_next_year(review: CoachReview) -> None:
    year = next_year_after(review.program_year)
    if year is None:
        return
    active = Pair.objects.filter(program_year=year, coach_id=review.coach_id, status=Pair.Status.ACTIVE).count()
    if active:
        raise TransitionError(
            f"{review.coach.full_name} already coaches {active} pair{'s' if active != 1 else ''} in {year}. End "
            f"{'those pairs' if active != 1 else 'that pair'} first if they are not to continue."
        )


def _schedule_pair_ends(outcome: ReviewOutcome, actor: User) -> list[Pair]:
    review = outcome.review
    reason = (
        f"{review.coach.full_name} does not continue after the six-month review; the pair ends with the "
        f"{review.program_year} program year."
    )
    ending = []
    for pair in (
        Pair.objects.filter(program_year=review.program_year, coach_id=review.coach_id, status=Pair.Status.ACTIVE)
        .select_related("mentee")
        .order_by("pk")
    ):
        ending.append(pairings.pair_schedule_end(pair=pair, on=outcome.role_ends_on, reason=reason, actor=actor))
    return ending


def _unschedule_pair_ends(review: CoachReview) -> None:
    for pair in Pair.objects.filter(
        program_year=review.program_year,
        coach_id=review.coach_id,
        status=Pair.Status.ACTIVE,
        end_scheduled_on__isnull=False,
    ):
        pairings.pair_unschedule_end(pair=pair)


def _carry_out(outcome: ReviewOutcome, actor: User) -> list[Application]:
    """Carry the decision into the next program year if it exists (else the outcome waits).
    A refusal (no MOU template, no name on record...) is kept on the outcome for staff to see, and
    the decision stands. Returns the next year's applications withdrawn (do not continue)."""
    review = outcome.review
    year = next_year_after(review.program_year)
    if year is None:
        return []
    withdrawn: list[Application] = []
    try:
        with transaction.atomic():
            if outcome.decision == Choice.CONTINUE:
                outcome.renewal = _renew(outcome, year, actor)
            else:
                withdrawn = _withdraw_next_year(outcome, year, actor)
    except TransitionError as exc:
        outcome.problem = exc.messages[0][:300]
        outcome.save(update_fields=["problem", "updated_at"])
        logger.warning("Six-month review %s not carried into %s: %s", review.pk, year, outcome.problem)
        return []
    outcome.next_year, outcome.status = year, ReviewOutcome.Status.DONE
    outcome.carried_out_at, outcome.problem = timezone.now(), ""
    outcome.save()
    return withdrawn


def _renew(outcome: ReviewOutcome, year: ProgramYear, actor: User) -> Application:
    review = outcome.review
    prior = outcome.prior_application or prior_application_of(review)
    if prior is None:
        raise TransitionError(
            f"{review.coach.full_name} has no accepted {review.get_role_display()} application in "
            f"{review.program_year} to carry into {year}."
        )
    outcome.prior_application = prior
    renewal, _ = applications.application_renew(
        prior=prior,
        program_year=year,
        actor=actor,
        note=f"Second year after the {review.program_year} six-month review (continue).",
    )
    pairings.capacity_carry_over(coach=review.coach, from_year=review.program_year, to_year=year)
    pairings.pairs_continue(renewal=renewal, actor=actor)
    return renewal


def _withdraw_next_year(outcome: ReviewOutcome, year: ProgramYear, actor: User) -> list[Application]:
    """The coach's applications for the role in the next year (a renewal of an earlier decision,
    or one they applied with) are withdrawn, with any locked pair of theirs: they are not in the
    next year's pool. Refused if they already coach there."""
    review = outcome.review
    withdrawn = []
    for application in Application.objects.filter(
        applicant_id=review.coach_id, program_year=year, role=review.role
    ).exclude(stage__in=[Stage.WITHDRAWN, Stage.DECLINED]):
        if Pair.objects.filter(coach_application=application, status=Pair.Status.ACTIVE).exists():
            raise TransitionError(
                f"{review.coach.full_name} already coaches in {year}; end those pairs first if they are not to continue."
            )
        for pair in Pair.objects.filter(coach_application=application, status=Pair.Status.PROPOSED):
            pairings.pair_discard(pair=pair, actor=actor)
        withdrawn.append(
            applications.application_withdraw(
                application=application,
                actor=actor,
                reason=f"Not continuing after the {review.program_year} six-month review.",
            )
        )
    return withdrawn


# --- waiting for the next year --------------------------------------------------------------------


def outcomes_carry_out(*, actor: User | None = None) -> int:
    """Carry out the decisions waiting for a program year that now exists, each in its own
    transaction (idempotent: a carried-out outcome is no longer waiting), and lock the continued
    pairs that have become possible since (a renewed MOU signed, a mentee accepted again). Run when
    staff create a program year, when they ask on the second-year page, and daily. Returns how many
    decisions were carried out."""
    carried = 0
    for pk in ReviewOutcome.objects.filter(status=ReviewOutcome.Status.WAITING).values_list("pk", flat=True):
        with transaction.atomic():
            outcome = (
                ReviewOutcome.objects.select_for_update(of=("self",))
                .select_related("review__program_year", "review__coach", "review__decided_by")
                .get(pk=pk)
            )
            if outcome.status != ReviewOutcome.Status.WAITING or not outcome.review.decided_by_id:
                continue
            _carry_out(outcome, actor or outcome.review.decided_by)
            if outcome.status == ReviewOutcome.Status.DONE:
                carried += 1
                if outcome.decision == Choice.CONTINUE:
                    _notify_carried(outcome)
    today = timezone.localdate()
    for outcome in ReviewOutcome.objects.filter(
        status=ReviewOutcome.Status.DONE,
        decision=Choice.CONTINUE,
        renewal__stage=Stage.ACCEPTED,
        next_year__ends_on__gte=today,
    ).select_related("renewal__renewal_of__program_year", "renewal__applicant", "review__decided_by"):
        pairings.pairs_continue(renewal=outcome.renewal, actor=actor or outcome.review.decided_by)
    return carried


def sweep() -> dict[str, int]:
    """The daily part of the second year: carry out waiting decisions, and end the pairs whose
    scheduled end (the year's end of a coach who does not continue) has passed."""
    return {"carried_out": outcomes_carry_out(), "pairs_ended": pairings.pairs_end_scheduled()}


@receiver(post_save, sender=ProgramYear, dispatch_uid="second_year_on_new_program_year")
def _program_year_created(sender, instance: ProgramYear, created: bool, raw: bool = False, **kwargs) -> None:
    """Staff created a program year: the decisions that were waiting for it are carried out now,
    in the same transaction (their emails are queued with it). Creating the year never fails
    because of them: a carry-out that breaks is rolled back to its savepoint, logged, and left to
    the daily sweep and the second-year page's button, where staff see it waiting."""
    if created and not raw:
        try:
            with transaction.atomic():
                outcomes_carry_out()
        except Exception:
            logger.exception("Carrying out second-year decisions for new program year %s failed", instance.pk)


# --- notices --------------------------------------------------------------------------------------


def _send(template: str, *, to: str, key: str, context: dict) -> None:
    context = {"my_work_url": absolute_url(reverse("pac:my_work")), **context}
    text = render_to_string(f"evaluation/email/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    email_queue(to=[to], subject=f"[PAC] {subject.strip()}", body_text=body.strip() + "\n", key=key)


def _stamp(outcome: ReviewOutcome) -> str:
    # one decision: its time to the microsecond (a revision is a new decision) and what it was
    return f"second-year:{outcome.review_id}:{outcome.decided_at.timestamp():.6f}:{outcome.decision}"


def _notify_decision(
    outcome: ReviewOutcome, *, revised_from: str, ending: list[Pair], withdrawn: list[Application]
) -> None:
    """The coach is told the decision and what it does; when they do not continue, their leader
    (who signed their MOU) is told too. Queued in the decision's transaction."""
    review = outcome.review
    renewal = outcome.renewal
    context = {
        "outcome": outcome,
        "review": review,
        "coach": review.coach,
        "next_year": outcome.next_year,
        "renewal": renewal,
        "renewed_mou": renewal.mous.exclude(status=MOU.Status.SUPERSEDED).order_by("-pk").first() if renewal else None,
        "revised": bool(revised_from),
        "ending": ending,
        "withdrawn": withdrawn,
    }
    if outcome.decision == Choice.CONTINUE:
        leader = leader_of(outcome.prior_application) if renewal is None else None
        context["leader_name"] = leader[0] if leader else ""
        _send("second_year_continue", to=review.coach.email, key=f"{_stamp(outcome)}:coach", context=context)
    else:
        _send("second_year_discontinue", to=review.coach.email, key=f"{_stamp(outcome)}:coach", context=context)
        leader = leader_of(outcome.prior_application)
        if leader and leader[1].lower() != review.coach.email.lower():
            _send(
                "second_year_discontinue",
                to=leader[1],
                key=f"{_stamp(outcome)}:leader",
                context={**context, "leader_name": leader[0]},
            )
    outcome.notified_at = timezone.now()
    outcome.save(update_fields=["notified_at", "updated_at"])


def _notify_carried(outcome: ReviewOutcome) -> None:
    """A continuing coach whose decision waited is told when their second year is set up."""
    renewal = outcome.renewal
    _send(
        "second_year_ready",
        to=outcome.review.coach.email,
        key=f"{_stamp(outcome)}:carried",
        context={
            "outcome": outcome,
            "review": outcome.review,
            "coach": outcome.review.coach,
            "next_year": outcome.next_year,
            "renewal": renewal,
            "renewed_mou": renewal.mous.exclude(status=MOU.Status.SUPERSEDED).order_by("-pk").first()
            if renewal
            else None,
        },
    )


# --- reading: the review page, the staff overview, My work ---------------------------------------


@dataclass
class Progress:
    """Where one decision stands, in words, for the review page, the overview and My work."""

    review: CoachReview
    outcome: ReviewOutcome | None
    renewed_mou: MOU | None = None
    capacity: int | None = None
    next_pairs: list[Pair] = field(default_factory=list)  # the coach's live pairs in the next year
    ending_pairs: list[Pair] = field(default_factory=list)  # this year's pairs set to end, or ended by it

    @property
    def renewal(self) -> Application | None:
        return self.outcome.renewal if self.outcome else None

    @property
    def renewal_live(self) -> bool:
        return self.renewal is not None and self.renewal.stage == Stage.ACCEPTED

    @property
    def ready_to_pair(self) -> bool:
        return self.renewal_live and (
            not self.renewal.is_renewal or (self.renewed_mou is not None and self.renewed_mou.status in MOU.COMPLETE)
        )

    @property
    def pair_kind(self) -> str:
        """The pairing suggestion's tab for this coach."""
        return "ca_ma" if self.review.role == "ca" else "ct_mentee"

    @property
    def state(self) -> str:
        """One line: what the decision has done so far."""
        outcome = self.outcome
        if outcome is None:
            return "Recorded before PAC carried decisions out: nothing was done automatically."
        if outcome.status == ReviewOutcome.Status.WAITING:
            waiting = "Waits for the next program year to be created in PAC."
            return f"{waiting} {outcome.problem}" if outcome.problem else waiting
        if outcome.decision == Choice.DISCONTINUE:
            return f"Role ends {outcome.role_ends_on:%B %-d, %Y}; not in {outcome.next_year}'s pool."
        if not self.renewal_live:
            return f"The second year ({outcome.renewal.reference if outcome.renewal else 'none'}) is withdrawn."
        if self.next_pairs:
            return f"Paired again in {outcome.next_year}."
        if self.ready_to_pair:
            return f"In the {outcome.next_year} pairing pool."
        return f"Carried into {outcome.next_year}; paired once the renewed MOU is signed."

    @property
    def mou_line(self) -> str:
        mou = self.renewed_mou
        if self.renewal is None or not self.renewal.is_renewal:
            return "Accepted on their own application" if self.renewal_live else ""
        if mou is None:
            return "Not requested (no signed MOU to renew): the coach or staff ask from the application"
        if mou.status == MOU.Status.SIGNED:
            return f"Signed by {mou.signer_name} on {timezone.localtime(mou.signed_at):%B %-d, %Y}"
        if mou.status == MOU.Status.WAIVED:
            return "Not applicable"
        if mou.status == MOU.Status.DECLINED:
            return f"Declined by {mou.signer_name}: {mou.decline_reason}"
        if mou.status == MOU.Status.REQUESTED:
            return f"Sent to {mou.signer_name} on {timezone.localtime(mou.requested_at):%B %-d, %Y}; waiting"
        return mou.get_status_display()


def _current_mou(application: Application | None) -> MOU | None:
    if application is None:
        return None
    mous = [m for m in application.mous.all() if m.status != MOU.Status.SUPERSEDED]
    return max(mous, key=lambda m: m.pk, default=None)


def progress_of(reviews) -> list[Progress]:
    """Progress of decided reviews, in a fixed number of queries whatever their number."""
    reviews = list(reviews)
    outcomes = {
        o.review_id: o
        for o in ReviewOutcome.objects.filter(review__in=reviews)
        .select_related("next_year", "renewal__renewal_of", "renewal__program_year", "prior_application")
        .prefetch_related(Prefetch("renewal__mous", queryset=MOU.objects.order_by("pk")))
    }
    coaches = {r.coach_id for r in reviews}
    years = {o.next_year_id for o in outcomes.values() if o.next_year_id}
    next_pairs: dict[tuple[int, int], list[Pair]] = {}
    for pair in (
        Pair.objects.filter(program_year_id__in=years, coach_id__in=coaches, status__in=Pair.LIVE)
        .select_related("mentee")
        .order_by("pk")
    ):
        next_pairs.setdefault((pair.program_year_id, pair.coach_id), []).append(pair)
    capacities = {
        (c.program_year_id, c.coach_id): c.capacity
        for c in Capacity.objects.filter(program_year_id__in=years, coach_id__in=coaches)
    }
    review_years = {r.program_year_id for r in reviews}
    ending: dict[tuple[int, int], list[Pair]] = {}
    for pair in (
        Pair.objects.filter(
            program_year_id__in=review_years,
            coach_id__in=coaches,
            status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED],
            end_scheduled_on__isnull=False,
        )
        .select_related("mentee")
        .order_by("pk")
    ):
        ending.setdefault((pair.program_year_id, pair.coach_id), []).append(pair)
    rows = []
    for review in reviews:
        outcome = outcomes.get(review.pk)
        key = (outcome.next_year_id, review.coach_id) if outcome and outcome.next_year_id else None
        rows.append(
            Progress(
                review=review,
                outcome=outcome,
                renewed_mou=_current_mou(outcome.renewal) if outcome else None,
                capacity=capacities.get(key) if key else None,
                next_pairs=next_pairs.get(key, []) if key else [],
                ending_pairs=ending.get((review.program_year_id, review.coach_id), [])
                if outcome and outcome.decision == Choice.DISCONTINUE
                else [],
            )
        )
    return rows


def decided_reviews(year: ProgramYear):
    return (
        CoachReview.objects.filter(program_year=year)
        .exclude(decision="")
        .select_related("coach__program__region", "program_year", "decided_by")
        .order_by("coach__last_name", "coach__first_name", "pk")
    )


def coach_progress(user) -> Progress | None:
    """A coach's own latest decision that still matters (its next year not over, or their role not
    yet ended), for their My work. Coaches never see the review page itself."""
    if not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    review = (
        CoachReview.objects.filter(coach__user=user, outcome__isnull=False)
        .filter(
            Q(outcome__status=ReviewOutcome.Status.WAITING)
            | Q(outcome__next_year__ends_on__gte=today)
            | Q(outcome__role_ends_on__gte=today)
        )
        .select_related("program_year", "coach")
        .order_by("-program_year__starts_on")
        .first()
    )
    return progress_of([review])[0] if review else None


def staff_counts() -> dict[str, int]:
    """What waits for staff in the second year (one query)."""
    return ReviewOutcome.objects.aggregate(
        waiting=Count("pk", filter=Q(status=ReviewOutcome.Status.WAITING), distinct=True),
        problems=Count("pk", filter=~Q(problem=""), distinct=True),
        unsigned=Count(
            "pk",
            filter=Q(
                status=ReviewOutcome.Status.DONE,
                decision=Choice.CONTINUE,
                renewal__stage=Stage.ACCEPTED,
                renewal__mous__status=MOU.Status.REQUESTED,
            ),
            distinct=True,
        ),
    )
