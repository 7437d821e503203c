"""A pair's workspace is for its coach, mentee and leader, and staff; its 30-day reports are
the coach's reports to EEC, for the coach and staff only."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from pac.permissions import is_eec_staff
from pairings.models import Kind, Pair

from .models import Meeting, ThirtyDayReport


@rules.predicate
def is_report_coach(user, report: ThirtyDayReport | None) -> bool:
    return report is not None and user.is_authenticated and report.pair.coach.user_id == user.pk


@rules.predicate
def logged_meeting(user, meeting: Meeting | None) -> bool:
    """The coach who logged the meeting (and is still the pair's coach)."""
    return (
        meeting is not None
        and user.is_authenticated
        and meeting.logged_by_id == user.pk
        and meeting.pair.coach.user_id == user.pk
    )


@rules.predicate
def is_ma_pair(user, pair: Pair | None) -> bool:
    return pair is not None and pair.kind == Kind.CA_MA


@rules.predicate
def is_pair_coach_or_mentee(user, pair: Pair | None) -> bool:
    return pair is not None and user.is_authenticated and user.pk in (pair.coach.user_id, pair.mentee.user_id)


rules.add_perm("coaching.view_report", is_eec_staff | is_report_coach)
# The educator or classroom team in a Mentee Administrator's plan: named by the CA and the MA (or staff).
rules.add_perm("coaching.name_plan_educator", is_ma_pair & (is_eec_staff | is_pair_coach_or_mentee))
# Correcting or withdrawing a meeting: the coach who logged it, or EEC staff.
rules.add_perm("coaching.correct_meeting", is_eec_staff | logged_meeting)
rules.add_perm("coaching.review_reports", is_eec_staff)
# staff's list of 30-day reports as CSV (the same columns as the page; never the answers)
rules.add_perm("coaching.export_reports", is_eec_staff)
rules.add_perm("coaching.export_participation", is_eec_staff)


def reports_visible_to(user) -> QuerySet[ThirtyDayReport]:
    if is_eec_staff(user):
        return ThirtyDayReport.objects.all()
    if not user.is_authenticated:
        return ThirtyDayReport.objects.none()
    return ThirtyDayReport.objects.filter(pair__coach__user=user)


def can_keep_attendance(user) -> bool:
    """EEC staff keep every event's attendance; a PLC facilitator keeps their region's PLC sessions."""
    from pac.permissions import is_plc_facilitator

    return is_eec_staff(user) or is_plc_facilitator(user)
