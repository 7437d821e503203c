"""Who may see and do what with applications.

Applicants see their own applications but never recommendation letters or review scores;
assigned (not recused) reviewers see the packets they review; staff see everything.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.permissions import is_eec_staff

from .models import MOU, Application, Committee, CommitteeMember, ReviewAssignment


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


@rules.predicate
def is_mou_applicant(user, mou: MOU | None) -> bool:
    return mou is not None and user.is_authenticated and mou.application.applicant.user_id == user.pk


@rules.predicate
def is_mou_signer(user, mou: MOU | None) -> bool:
    """The account that signed the MOU, or the leader's own directory record's account."""
    if mou is None or not user.is_authenticated:
        return False
    if mou.signed_by_user_id is not None and mou.signed_by_user_id == user.pk:
        return True
    return mou.signer_person_id is not None and mou.signer_person.user_id == user.pk


@rules.predicate
def is_committee_member(user, committee: Committee | None) -> bool:
    if committee is None or not user.is_authenticated:
        return False
    return CommitteeMember.objects.filter(committee=committee, user=user).exists()


rules.add_perm("applications.view_application", is_eec_staff | is_applicant)
rules.add_perm("applications.edit_application", is_applicant)
rules.add_perm("applications.view_packet", is_eec_staff | is_assigned_reviewer)
rules.add_perm("applications.view_letters", is_eec_staff | is_assigned_reviewer)
rules.add_perm("applications.view_resume", is_eec_staff | is_applicant | is_assigned_reviewer)
rules.add_perm("applications.review", owns_assignment)
rules.add_perm("applications.manage", is_eec_staff)
# the signed MOU (its text and signature record): EEC staff, the applicant and the leader who signed
rules.add_perm("applications.view_mou", is_eec_staff | is_mou_applicant | is_mou_signer)
# the committee's packets for offline review (a member's bundle holds only the packets they may open)
rules.add_perm("applications.download_committee_packets", is_eec_staff | is_committee_member)


def is_reviewer_like(user) -> bool:
    """Committee members and anyone with a review assignment see the Reviews page."""
    from pac.permissions import is_reviewer

    if not user.is_authenticated:
        return False
    return is_reviewer(user) or ReviewAssignment.objects.filter(reviewer=user).exists()


def review_is_blind(user, application: Application) -> bool:
    """Whether ``user`` sees ``application`` under blind Tier 2 review: in a program year with blind
    review, everyone but EEC staff (reviewers, committee members, the applicant downloading their own
    resume) sees a reference number instead of the applicant's name, email, program, recommenders and
    file names. Every page, download and bundle asks this one question; ``user`` None (an account PAC
    no longer knows) sees it blind."""
    if not application.program_year.tier2_blind:
        return False
    return user is None or not is_eec_staff(user)


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


def mous_visible_to(user) -> QuerySet[MOU]:
    """MOUs whose signed document the user may open (matches ``applications.view_mou``)."""
    if is_eec_staff(user):
        return MOU.objects.all()
    if not user.is_authenticated:
        return MOU.objects.none()
    return MOU.objects.filter(
        Q(application__applicant__user=user) | Q(signed_by_user=user) | Q(signer_person__user=user)
    )


# the staff application list as CSV (the same columns as the page)
rules.add_perm("applications.export_applications", is_eec_staff)
