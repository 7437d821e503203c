"""Who may see and do what with applications.

Applicants see their own applications but never recommendation letters or review scores;
assigned (not recused) reviewers see the packets they review; staff see everything.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from pac.permissions import is_eec_staff

from .models import Application, ReviewAssignment


@rules.predicate
def is_applicant(user, application: Application | None) -> bool:
    return application is not None and user.is_authenticated and application.applicant.user_id == user.pk


@rules.predicate
def is_assigned_reviewer(user, application: Application | None) -> bool:
    if application is None or not user.is_authenticated:
        return False
    return ReviewAssignment.objects.filter(
        application=application, reviewer=user, status__in=ReviewAssignment.OPENED
    ).exists()


@rules.predicate
def owns_assignment(user, assignment: ReviewAssignment | None) -> bool:
    return (
        assignment is not None
        and user.is_authenticated
        and assignment.reviewer_id == user.pk
        and assignment.status != ReviewAssignment.Status.WITHDRAWN
    )


rules.add_perm("applications.view_application", is_eec_staff | is_applicant)
rules.add_perm("applications.edit_application", is_applicant)
rules.add_perm("applications.view_packet", is_eec_staff | is_assigned_reviewer)
rules.add_perm("applications.view_letters", is_eec_staff | is_assigned_reviewer)
rules.add_perm("applications.view_resume", is_eec_staff | is_applicant | is_assigned_reviewer)
rules.add_perm("applications.review", owns_assignment)
rules.add_perm("applications.manage", is_eec_staff)


def is_reviewer_like(user) -> bool:
    """Committee members and anyone with a review assignment see the Reviews page."""
    from pac.permissions import is_reviewer

    if not user.is_authenticated:
        return False
    return is_reviewer(user) or ReviewAssignment.objects.filter(reviewer=user).exists()


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications whose applicant page the user may open."""
    if is_eec_staff(user):
        return Application.objects.all()
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(applicant__user=user)


def packets_visible_to(user) -> QuerySet[Application]:
    """Applications whose review packet (with letters) the user may open."""
    if is_eec_staff(user):
        return Application.objects.all()
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(
        assignments__reviewer=user, assignments__status__in=ReviewAssignment.OPENED
    ).distinct()


def assignments_visible_to(user) -> QuerySet[ReviewAssignment]:
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).exclude(status=ReviewAssignment.Status.WITHDRAWN)
