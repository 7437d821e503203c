"""Tier 1: screening for a complete application and minimum qualifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pac.links import absolute_url
from pac.models import User
from pac.workflow import TransitionError

from .. import screening
from ..models import (
    MOU,
    Application,
    Recommendation,
    ScreeningCheck,
    Stage,
)
from ..roles import missing_before_submission
from .common import _applicant_email, _lock, _notify, _transition, application_url
from .review import assignments_fill


def screening_facts(application: Application) -> screening.Facts:
    received = application.recommendations.filter(status=Recommendation.Status.RECEIVED).count()
    mou = application.mous.filter(
        status__in=[MOU.Status.REQUESTED, MOU.Status.SIGNED, MOU.Status.WAIVED, MOU.Status.PENDING]
    ).first()
    if mou is None:
        mou = application.mous.filter(status=MOU.Status.DECLINED).order_by("-declined_at").first()
    leader = None
    if mou is not None and mou.status == MOU.Status.SIGNED and application.spec.mou_signer == "leader":
        leader = screening.LeaderFacts(
            position=mou.leader_position,
            ece_education=mou.leader_ece_education,
            ece_experience=mou.leader_ece_experience,
            pq_registry_id=mou.leader_pq_registry_id,
        )
    return screening.Facts(received_recommendations=received, mou_status=mou.status if mou else None, leader=leader)


@transaction.atomic
def application_screen(*, application: Application, actor: User | None) -> Application:
    """Tier 1. Run every rule, keep each outcome (and any override), then move the application:
    qualifications not met → screened out (the applicant is told which); all met and complete →
    Tier 2 review (reviewers assigned); otherwise it waits for its missing components."""
    application = _lock(application)
    if application.stage not in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        return application
    missing = missing_before_submission(application)
    if missing:
        # submitted before answers were required: an incomplete application is returned to the
        # applicant to finish, never judged on what it does not say
        return _return_incomplete(application, actor=actor, missing=[m.label for m in missing])
    outcomes = screening.evaluate(application, screening_facts(application))
    now = timezone.now()
    checks = {c.rule: c for c in ScreeningCheck.objects.filter(application=application)}
    for outcome in outcomes:
        check = checks.get(outcome.rule)
        if check is None:
            checks[outcome.rule] = ScreeningCheck.objects.create(
                application=application,
                rule=outcome.rule,
                category=outcome.category,
                passed=outcome.passed,
                message=outcome.message,
                checked_at=now,
            )
        elif (check.passed, check.message, check.category) != (outcome.passed, outcome.message, outcome.category):
            check.passed, check.message, check.checked_at = outcome.passed, outcome.message, now
            check.category = outcome.category
            check.save(update_fields=["passed", "message", "category", "checked_at"])
    # the leader's checks stand only while a leader's signed MOU does (not once it is replaced or waived)
    judged = {o.rule for o in outcomes}
    for rule in screening.LEADER_RULES - judged:
        if rule in checks:
            checks.pop(rule).delete()
    current = [checks[o.rule] for o in outcomes]
    unmet = [c for c in current if c.category == ScreeningCheck.Category.QUALIFICATION and not c.satisfied]
    incomplete = [c for c in current if c.category == ScreeningCheck.Category.COMPLETENESS and not c.satisfied]
    application.screened_at = now
    application.save(update_fields=["screened_at"])
    if unmet:
        if application.stage != Stage.SCREENED_OUT:
            _transition(application, "screen_out", actor=actor, note="Tier 1: " + "; ".join(c.message for c in unmet))
            _notify(
                "screened_out",
                to=_applicant_email(application),
                context={"application": application, "unmet": unmet, "url": absolute_url(application_url(application))},
                key=f"application:{application.pk}:screened_out:{len(unmet)}:{now:%Y%m%d%H%M%S}",
            )
        return application
    if application.stage == Stage.SCREENED_OUT:
        _transition(application, "screen_in", actor=actor, note="Tier 1: minimum qualifications now met (override)")
    if incomplete:
        return application
    _transition(application, "pass_tier1", actor=actor, note="Tier 1 passed: complete and meets minimum qualifications")
    _notify(
        "tier1_passed",
        to=_applicant_email(application),
        context={"application": application},
        key=f"application:{application.pk}:tier1_passed",
    )
    assignments_fill(application=application, actor=actor)
    return application


def _return_incomplete(application: Application, *, actor: User | None, missing: list[str]) -> Application:
    _transition(
        application,
        "return_incomplete",
        actor=actor,
        note="Tier 1: returned to the applicant to complete; not answered: " + "; ".join(missing),
    )
    application.submitted_at = None
    application.save(update_fields=["submitted_at"])
    _notify(
        "returned_incomplete",
        to=_applicant_email(application),
        context={"application": application, "missing": missing, "url": absolute_url(application_url(application))},
        key=f"application:{application.pk}:returned_incomplete:{timezone.now():%Y%m%d%H%M%S}",
    )
    return application


@transaction.atomic
def screening_override(*, check: ScreeningCheck, actor: User, justification: str) -> ScreeningCheck:
    check = ScreeningCheck.objects.select_for_update(of=("self",)).select_related("application").get(pk=check.pk)
    if check.passed:
        raise TransitionError("This requirement is met; there is nothing to override.")
    if len(justification.strip()) < 10:
        raise TransitionError("Write a justification (at least a sentence) for the override; it is kept in history.")
    if check.application.stage not in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        raise TransitionError("Screening can be overridden only before Tier 2 review begins.")
    check.overridden = True
    check.override_justification = justification.strip()
    check.overridden_by = actor
    check.overridden_at = timezone.now()
    check.save()
    application_screen(application=check.application, actor=actor)
    return check
