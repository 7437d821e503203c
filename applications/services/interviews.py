"""Tier 3: advancing to interview, or marking it not needed; interview slots."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pac.links import absolute_url
from pac.models import User
from pac.workflow import TransitionError

from ..models import (
    Application,
    InterviewSlot,
    ReviewAssignment,
    Stage,
    Tier,
)
from .common import (
    REVIEWERS_PER_APPLICATION,
    _applicant_email,
    _lock,
    _notify,
    _transition,
    release_slots,
    withdraw_reviews,
)
from .invitations import interview_cancellations_send, interview_invitations_send
from .review import rubric_for, tier2_complete


@transaction.atomic
def application_advance_to_interview(*, application: Application, actor: User) -> Application:
    application = _lock(application)
    if application.stage == Stage.IN_REVIEW and not tier2_complete(application):
        raise TransitionError(
            f"{application.reference} has fewer than {REVIEWERS_PER_APPLICATION} submitted "
            "reviews; finish Tier 2 first."
        )
    _transition(application, "advance_to_interview", actor=actor, note="Advanced to Tier 3")
    _notify(
        "interview_invited",
        to=_applicant_email(application),
        context={
            "application": application,
            "url": absolute_url(reverse("applications:interview_pick", args=[application.reference])),
        },
        key=f"application:{application.pk}:interview_invited",
    )
    return application


@transaction.atomic
def application_skip_interview(*, application: Application, actor: User, reason: str) -> Application:
    application = _lock(application)
    if application.spec.interview_required:
        raise TransitionError("Mentees are interviewed; Tier 3 cannot be skipped for them.")
    if application.stage == Stage.IN_REVIEW and not tier2_complete(application):
        raise TransitionError(
            f"{application.reference} has fewer than {REVIEWERS_PER_APPLICATION} submitted "
            "reviews; finish Tier 2 first."
        )
    _transition(application, "skip_interview", actor=actor, note=f"Tier 3 not needed: {reason}".strip())
    application.tier3_not_needed_reason = (reason or "Not needed")[:300]
    application.save(update_fields=["tier3_not_needed_reason"])
    return application


@transaction.atomic
def slot_book(*, slot: InterviewSlot, application: Application, actor: User) -> InterviewSlot:
    """Give the applicant an interview slot (the applicant picks one, or staff give one). The panel
    gets Tier 3 review assignments; the applicant gets an email with a calendar invitation."""
    application = _lock(application)
    slot = InterviewSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if application.stage != Stage.INTERVIEW:
        raise TransitionError(f"{application.reference} is not at the interview stage.")
    if slot.program_year_id != application.program_year_id:
        raise TransitionError("That interview slot belongs to another program year.")
    if slot.application_id and slot.application_id != application.pk:
        raise TransitionError("That interview slot has just been taken; choose another.")
    if slot.application_id == application.pk:
        return slot  # booked there already (a double submit): nothing changes, nothing is sent again
    if slot.starts_at <= timezone.now():
        raise TransitionError("That interview slot is in the past; choose another.")
    panel = [member for member in slot.panel.all() if member.pk != application.applicant.user_id]
    if len(panel) < REVIEWERS_PER_APPLICATION:
        raise TransitionError("An interview panel needs at least three people; staff must complete this slot's panel.")
    previous = (
        InterviewSlot.objects.filter(application=application).exclude(pk=slot.pk).prefetch_related("panel").first()
    )
    previous_panel = list(previous.panel.all()) if previous else []
    release_slots(InterviewSlot.objects.filter(application=application).exclude(pk=slot.pk))
    slot.application = application
    slot.booked_at = timezone.now()
    slot.save(update_fields=["application", "booked_at"])
    _panel_assignments(application=application, slot=slot, panel=panel, actor=actor)
    # one calendar event per application: a move is the same event at a later SEQUENCE
    interview_invitations_send(
        application=application, slot=slot, panel=panel, moved_from=previous, dropped=previous_panel
    )
    return slot


def _panel_assignments(*, application: Application, slot: InterviewSlot, panel: list[User], actor: User | None) -> None:
    """The Tier 3 reviews follow the slot's panel: members no longer on it stop scoring the interview
    (whether or not they had opened their review) and lose the packet with it; members on it keep
    theirs; new members are given one, due on the interview's day."""
    withdraw_reviews(
        ReviewAssignment.objects.filter(
            application=application,
            tier=Tier.INTERVIEW,
            status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
        ).exclude(reviewer__in=panel)
    )
    rubric = rubric_for(application.role, Tier.INTERVIEW)
    for member in panel:
        already = ReviewAssignment.objects.filter(
            application=application,
            reviewer=member,
            tier=Tier.INTERVIEW,
            status__in=[*ReviewAssignment.ACTIVE, ReviewAssignment.Status.RECUSED],
        ).exists()
        if not already:
            ReviewAssignment.objects.create(
                application=application,
                reviewer=member,
                tier=Tier.INTERVIEW,
                rubric=rubric,
                assigned_by=actor,
                due_on=timezone.localdate(slot.starts_at),
            )


@transaction.atomic
def slot_cancel(*, slot: InterviewSlot, actor: User, reason: str) -> InterviewSlot:
    """Staff call off a booked interview (the panel cannot make it, the place is closed). The slot is
    freed, its panel's open Tier 3 reviews are withdrawn, the applicant and the panel get a calendar
    cancellation, and the applicant is asked to choose another time (the application stays in Tier 3)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise TransitionError("Say why the interview is cancelled; the applicant and the panel are told.")
    slot = InterviewSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if slot.application_id is None:
        raise TransitionError("That interview slot is not booked, so there is nothing to cancel.")
    application = _lock(slot.application)
    if slot.starts_at <= timezone.now():
        raise TransitionError("That interview has already started; record the panel's reviews instead.")
    withdraw_reviews(
        ReviewAssignment.objects.filter(
            application=application,
            tier=Tier.INTERVIEW,
            status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
        )
    )
    interview_cancellations_send(application=application, slot=slot, reason=reason[:300], pick_again=True)
    release_slots(InterviewSlot.objects.filter(pk=slot.pk))
    slot.refresh_from_db()
    return slot


@transaction.atomic
def slot_details_changed(
    *, slot: InterviewSlot, removed_panel: list[User] | None = None, actor: User | None = None
) -> int | None:
    """A booked slot's time, place or panel was changed (in the admin): the Tier 3 reviews follow the
    panel (a member taken off no longer scores nor sees the packet; a member added is given a review),
    the applicant and the panel are sent the changed invitation (the next SEQUENCE), and panel members
    taken off it a cancellation. Returns the sequence sent, or None for an open or past slot. A panel
    of fewer than three is refused (the admin form says so before anything is saved)."""
    slot = InterviewSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if slot.application_id is None or slot.starts_at <= timezone.now():
        return None
    application = _lock(slot.application)
    panel = [member for member in slot.panel.all() if member.pk != application.applicant.user_id]
    if len(panel) < REVIEWERS_PER_APPLICATION:
        raise TransitionError("An interview panel needs at least three people besides the applicant.")
    _panel_assignments(application=application, slot=slot, panel=panel, actor=actor)
    return interview_invitations_send(
        application=application, slot=slot, panel=panel, dropped=removed_panel or [], changed=True
    )
