"""The "My work" page is built from panels. Each app registers the panels its roles need;
a panel callable returns None when it has nothing for this person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

from . import navigation
from .models import OutboundEmail, ProgramYear
from .permissions import has_totp, is_eec_staff, requires_two_factor
from .selectors import roles_of


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


PanelFactory = Callable[[HttpRequest], Panel | None]
_factories: list[PanelFactory] = []


def register(factory: PanelFactory) -> PanelFactory:
    if factory not in _factories:
        _factories.append(factory)
    return factory


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [panel for factory in _factories if (panel := factory(request)) is not None]
    return sorted(panels, key=lambda p: p.order)


@register
def roles_panel(request: HttpRequest) -> Panel:
    year = ProgramYear.objects.current()
    return Panel(
        title="Your roles",
        template="pac/panels/roles.html",
        context={"roles": roles_of(request.user, year), "program_year": year},
        order=10,
    )


@register
def security_panel(request: HttpRequest) -> Panel | None:
    return Panel(
        title="Sign-in security",
        template="pac/panels/security.html",
        # asked by StaffTwoFactorMiddleware already for staff, and kept with the session (pac.signed_in)
        context={"has_totp": has_totp(request.user), "required": requires_two_factor(request.user)},
        order=90,
    )


@register
def staff_panel(request: HttpRequest) -> Panel | None:
    if not is_eec_staff(request.user):
        return None
    failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
    return Panel(
        title="Program administration",
        template="pac/panels/staff.html",
        context={
            "failed_emails": failed,
            "failed_emails_url": reverse("admin:pac_outboundemail_changelist") + "?status__exact=failed",
        },
        order=20,
    )


navigation.register(navigation.NavItem("My work", "pac:my_work", order=0))
navigation.register(
    navigation.NavItem(
        "Staff admin", "admin:index", order=90, permission="pac.access_staff_pages", group=navigation.ADMIN
    )
)
