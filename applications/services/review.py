"""Tier 2 committee review (and the scoring of Tier 3 interviews): assignment, conflicts, scores."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from pac.links import absolute_url
from pac.models import ProgramYear, User
from pac.workflow import TransitionError

from ..models import (
    Application,
    Committee,
    Criterion,
    ReviewAssignment,
    Rubric,
    Score,
    Stage,
    Tier,
)
from ..roles import ApplicantRole
from .common import REVIEWERS_PER_APPLICATION, _lock, _notify, _transition


def _eligible_reviewers(application: Application) -> list[tuple[int, int | None]]:
    """(user id, committee id) of members of active committees covering the application."""
    committees = (
        Committee.objects.filter(program_year=application.program_year, is_active=True)
        .prefetch_related("memberships")
        .select_related("region")
    )
    seen, result = set(), []
    for committee in committees:
        if not committee.covers(application):
            continue
        for membership in sorted(committee.memberships.all(), key=lambda m: m.user_id):
            if membership.user_id not in seen and membership.user_id != application.applicant.user_id:
                seen.add(membership.user_id)
                result.append((membership.user_id, committee.pk))
    return result


def rubric_for(role: str, tier: int) -> Rubric:
    rubric = Rubric.objects.filter(role=role, tier=tier, is_active=True).order_by("-pk").first()
    if rubric is None:
        raise TransitionError(
            f"No active tier {tier} rubric for {ApplicantRole(role).label}; staff add one in the admin."
        )
    return rubric


@transaction.atomic
def assignments_fill(
    *, application: Application, actor: User | None, tier: int = Tier.APPLICATION
) -> list[ReviewAssignment]:
    """Bring the application up to three active Tier 2 reviewers, picking the least-loaded eligible
    committee members (ties by user id, so the result is deterministic). Reviewers who were recused
    or removed are not picked again. Returns the new assignments; fewer than needed means the
    committees are too small, which the staff progress page shows."""
    application = _lock(application)
    if application.stage != Stage.IN_REVIEW:
        return []
    existing = list(ReviewAssignment.objects.filter(application=application, tier=tier))
    active = [a for a in existing if a.status in ReviewAssignment.ACTIVE]
    needed = REVIEWERS_PER_APPLICATION - len(active)
    if needed <= 0:
        return []
    excluded = {a.reviewer_id for a in existing}
    candidates = [(uid, cid) for uid, cid in _eligible_reviewers(application) if uid not in excluded]
    if not candidates:
        return []
    load = dict(
        ReviewAssignment.objects.filter(
            reviewer_id__in=[uid for uid, _ in candidates],
            status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
        )
        .values_list("reviewer_id")
        .annotate(n=Count("pk"))
    )
    candidates.sort(key=lambda c: (load.get(c[0], 0), c[0]))
    rubric = rubric_for(application.role, tier)
    due = timezone.localdate() + datetime.timedelta(days=settings.PAC_REVIEW_DUE_DAYS)
    created = [
        ReviewAssignment.objects.create(
            application=application,
            reviewer_id=uid,
            committee_id=cid,
            tier=tier,
            rubric=rubric,
            assigned_by=actor,
            due_on=due,
        )
        for uid, cid in candidates[:needed]
    ]
    for assignment in created:
        _notify(
            "review_assigned",
            to=[assignment.reviewer.email],
            context={
                "assignment": assignment,
                "url": absolute_url(reverse("applications:review", args=[assignment.pk])),
            },
            key=f"assignment:{assignment.pk}:assigned",
        )
    return created


def assignments_fill_all(*, program_year: ProgramYear, actor: User) -> int:
    total = 0
    for application in Application.objects.filter(program_year=program_year, stage=Stage.IN_REVIEW).order_by("pk"):
        total += len(assignments_fill(application=application, actor=actor))
    return total


@transaction.atomic
def assignment_add(
    *, application: Application, reviewer: User, actor: User, tier: int = Tier.APPLICATION
) -> ReviewAssignment:
    """Staff adjust: assign a particular reviewer."""
    application = _lock(application)
    if application.stage not in (Stage.IN_REVIEW, Stage.INTERVIEW):
        raise TransitionError("Reviewers can be assigned only while the application is in review.")
    if reviewer.pk == application.applicant.user_id:
        raise TransitionError("Applicants cannot review their own application.")
    if ReviewAssignment.objects.filter(
        application=application,
        reviewer=reviewer,
        tier=tier,
        status__in=[*ReviewAssignment.ACTIVE, ReviewAssignment.Status.RECUSED],
    ).exists():
        raise TransitionError(f"{reviewer} is already assigned to (or recused from) this application.")
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        tier=tier,
        rubric=rubric_for(application.role, tier),
        assigned_by=actor,
        due_on=timezone.localdate() + datetime.timedelta(days=settings.PAC_REVIEW_DUE_DAYS),
    )
    _notify(
        "review_assigned",
        to=[reviewer.email],
        context={"assignment": assignment, "url": absolute_url(reverse("applications:review", args=[assignment.pk]))},
        key=f"assignment:{assignment.pk}:assigned",
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.status not in (ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS):
        raise TransitionError("Only a review that has not been submitted can be removed.")
    assignment.status = ReviewAssignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    if assignment.tier == Tier.INTERVIEW:  # the rest of the panel may already have scored
        _interview_maybe_complete(assignment.application)
    return assignment


@transaction.atomic
def assignment_declare_conflict(
    *, assignment: ReviewAssignment, has_conflict: bool, reason: str = ""
) -> ReviewAssignment:
    """A reviewer declares any conflict of interest before seeing the packet. A conflict recuses
    them and the application is given to another committee member."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    if assignment.conflict_declared_at is not None:
        raise TransitionError("You have already declared whether you have a conflict of interest.")
    if assignment.status != ReviewAssignment.Status.ASSIGNED:
        raise TransitionError("This review is no longer open.")
    if has_conflict and not reason.strip():
        raise TransitionError("Briefly describe the conflict (for example: “I supervise the applicant”).")
    assignment.conflict_declared_at = timezone.now()
    assignment.has_conflict = has_conflict
    assignment.conflict_reason = reason.strip()
    assignment.status = ReviewAssignment.Status.RECUSED if has_conflict else ReviewAssignment.Status.IN_PROGRESS
    assignment.save()
    if has_conflict and assignment.tier == Tier.APPLICATION:
        assignments_fill(application=assignment.application, actor=None)
    elif has_conflict:  # Tier 3: staff add a panel member; the others may already have scored
        _interview_maybe_complete(assignment.application)
    return assignment


def _check_scoring_open(assignment: ReviewAssignment) -> None:
    if assignment.status != ReviewAssignment.Status.IN_PROGRESS:
        raise TransitionError("This review is locked: it has been submitted, or you were recused.")


@transaction.atomic
def score_save(*, assignment: ReviewAssignment, criterion: Criterion, value: int | None, comment: str = "") -> Score:
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    _check_scoring_open(assignment)
    if criterion.rubric_id != assignment.rubric_id:
        raise TransitionError("That criterion is not part of this review's rubric.")
    if value is not None and not 1 <= int(value) <= 5:
        raise TransitionError("Scores are whole numbers from 1 to 5.")
    score, _ = Score.objects.update_or_create(
        assignment=assignment, criterion=criterion, defaults={"value": value, "comment": comment.strip()}
    )
    return score


@transaction.atomic
def assignment_submit(*, assignment: ReviewAssignment, comment: str = "") -> ReviewAssignment:
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    _check_scoring_open(assignment)
    criteria = list(assignment.rubric.criteria.all())
    scored = {s.criterion_id for s in assignment.scores.filter(value__isnull=False)}
    missing = [c.name for c in criteria if c.pk not in scored]
    if missing:
        raise TransitionError("Score every criterion before submitting. Still to score: " + ", ".join(missing) + ".")
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.comment = comment.strip() or assignment.comment
    assignment.save()
    if assignment.tier == Tier.INTERVIEW:
        _interview_maybe_complete(assignment.application)
    return assignment


def reviews_remind(*, assignments: Iterable[ReviewAssignment], actor: User) -> int:
    """Email reviewers whose reviews are overdue (once a day at most each)."""
    today = timezone.localdate()
    sent = 0
    for assignment in assignments:
        if not assignment.is_overdue(today):
            continue
        with transaction.atomic():
            _notify(
                "review_reminder",
                to=[assignment.reviewer.email],
                context={
                    "assignment": assignment,
                    "url": absolute_url(reverse("applications:review", args=[assignment.pk])),
                },
                key=f"assignment:{assignment.pk}:reminder:{today:%Y-%m-%d}",
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(last_reminded_at=timezone.now())
        sent += 1
    return sent


def tier2_complete(application: Application) -> bool:
    return (
        ReviewAssignment.objects.filter(
            application=application, tier=Tier.APPLICATION, status=ReviewAssignment.Status.SUBMITTED
        ).count()
        >= REVIEWERS_PER_APPLICATION
    )


def _interview_maybe_complete(application: Application) -> None:
    application = _lock(application)
    if application.stage != Stage.INTERVIEW:
        return
    done = ReviewAssignment.objects.filter(
        application=application, tier=Tier.INTERVIEW, status=ReviewAssignment.Status.SUBMITTED
    ).count()
    open_ = ReviewAssignment.objects.filter(
        application=application,
        tier=Tier.INTERVIEW,
        status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
    ).count()
    if done >= REVIEWERS_PER_APPLICATION and open_ == 0:
        _transition(application, "interview_scored", actor=None, note="Interview scored by the panel")
