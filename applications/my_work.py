"""What applicants, leaders, reviewers and staff see about applications on My work."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pac import my_work, navigation
from pac.models import ProgramYear
from pac.permissions import is_eec_staff, is_reviewer

from .models import Application, ReviewAssignment, Stage
from .selectors import applications_of
from .services import mous_waiting_for


@my_work.register
def applicant_panel(request: HttpRequest) -> my_work.Panel | None:
    applications = list(applications_of(request.user)[:10])
    year = ProgramYear.objects.current()
    upcoming = (
        ProgramYear.objects.filter(
            applications_open_on__lte=timezone.localdate(), applications_close_on__gte=timezone.localdate()
        )
        .order_by("starts_on")
        .first()
    )
    if not applications and (upcoming is None or is_eec_staff(request.user)):
        return None  # EEC staff run the program: no "Apply" for them
    return my_work.Panel(
        title="Your applications",
        template="applications/panels/applicant.html",
        context={"applications": applications, "open_year": upcoming, "year": year},
        order=30,
    )


@my_work.register
def leader_panel(request: HttpRequest) -> my_work.Panel | None:
    shown = 10
    mous = list(mous_waiting_for(request.user)[: shown + 1])
    if not mous:
        return None
    return my_work.Panel(
        title="MOUs waiting for your signature",
        template="applications/panels/leader.html",
        context={"mous": mous[:shown], "more": len(mous) > shown},
        order=15,
    )


@my_work.register
def reviewer_panel(request: HttpRequest) -> my_work.Panel | None:
    counts = ReviewAssignment.objects.filter(reviewer=request.user).aggregate(
        open=Count("pk", filter=Q(status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS])),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
                due_on__lt=timezone.localdate(),
            ),
        ),
        done=Count("pk", filter=Q(status=ReviewAssignment.Status.SUBMITTED)),
    )
    if not any(counts.values()):
        return None
    return my_work.Panel(title="Reviews", template="applications/panels/reviewer.html", context=counts, order=25)


@my_work.register
def staff_applications_panel(request: HttpRequest) -> my_work.Panel | None:
    if not is_eec_staff(request.user):
        return None
    year = ProgramYear.objects.current()
    counts = (
        Application.objects.filter(program_year=year).aggregate(
            **{stage.value: Count("pk", filter=Q(stage=stage)) for stage, _ in STAFF_TIERS},
            screened_out=Count("pk", filter=Q(stage=Stage.SCREENED_OUT)),
        )
        if year
        else {}
    )
    list_url = reverse("applications:staff_list")
    tiers = (
        [
            {"label": label, "count": counts[stage.value], "url": f"{list_url}?year={year.pk}&stage={stage.value}"}
            for stage, label in STAFF_TIERS
        ]
        if year
        else []
    )
    return my_work.Panel(
        title="Applications",
        template="applications/panels/staff.html",
        context={"year": year, "tiers": tiers, "screened_out": counts.get("screened_out", 0)},
        order=21,
    )


# Where applications wait for staff, tier by tier (My work links each to the filtered list).
STAFF_TIERS = [
    (Stage.SUBMITTED, "Tier 1: waiting for components and screening"),
    (Stage.IN_REVIEW, "Tier 2: committee review"),
    (Stage.INTERVIEW, "Tier 3: interview"),
    (Stage.AWAITING_DECISION, "Awaiting a decision"),
]


navigation.register(
    navigation.NavItem(
        "Applications",
        "applications:mine",
        order=10,
        check=lambda r: not is_eec_staff(r.user),
        group=navigation.APPLICATIONS,
    )
)
navigation.register(
    navigation.NavItem(
        "Reviews",
        "applications:reviews",
        order=20,
        # as applications.permissions.is_reviewer_like, its query asked with the other items'
        exists=lambda r: is_reviewer(r.user) or ReviewAssignment.objects.filter(reviewer=r.user),
        group=navigation.APPLICATIONS,
    )
)
navigation.register(
    navigation.NavItem(
        "MOUs to sign",
        "applications:mou_waiting",
        order=25,
        exists=lambda r: mous_waiting_for(r.user),
        group=navigation.APPLICATIONS,
    )
)
navigation.register(
    navigation.NavItem(
        "Application pipeline",
        "applications:pipeline",
        order=30,
        permission="applications.manage",
        group=navigation.APPLICATIONS,
    )
)
