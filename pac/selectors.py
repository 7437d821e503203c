"""Reads for the shared directory, and the one question every app asks about the Advisory Panel."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AdvisoryPanelMembership, ProgramRole, ProgramYear, User
from .permissions import _group_names, program_roles
from .roles import StaffRole


def roles_of(user, program_year: ProgramYear | None) -> list[str]:
    """Human-readable roles: staff-like groups, the Advisory Panel seat, then program roles held this year."""
    labels = [StaffRole(name).label for name in StaffRole.values if name in _group_names(user)]
    if user.is_superuser and StaffRole.EEC_STAFF.label not in labels:
        labels.insert(0, "Administrator")
    seat = advisory_panel_seats(user).get(program_year.pk) if program_year is not None else None
    if seat is not None:
        labels.append(f"Advisory Panel {AdvisoryPanelMembership.Role(seat).label.lower()}")
    held = program_roles(user, program_year)
    labels += [ProgramRole(value).label for value in ProgramRole.values if value in held]
    return labels


# --- the Advisory Panel -----------------------------------------------------------------------
# "Is this person on the panel?" has one answer: a membership of a year's panel whose term has
# started and not ended, held by an active account. Pages ask ``is_on_advisory_panel`` (read once per
# user object, like the user's groups); services that must see the latest state (a recommendation
# being recorded, an interviewer being chosen) ask ``advisory_panel_users(year).filter(...)``.


def _year_id(program_year) -> int | None:
    return program_year if isinstance(program_year, int) or program_year is None else program_year.pk


def advisory_panel_memberships(program_year=None, *, on: datetime.date | None = None) -> QuerySet:
    """The seats held on a day (today by default), in one year's panel if given (a ProgramYear or its id)."""
    on = on or timezone.localdate()
    seats = AdvisoryPanelMembership.objects.filter(
        Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=on), term_starts_on__lte=on, user__is_active=True
    )
    if program_year is not None:
        seats = seats.filter(panel__program_year_id=_year_id(program_year))
    return seats


def advisory_panel_users(program_year=None, *, on: datetime.date | None = None) -> QuerySet[User]:
    """Who sits on the Advisory Panel (of a year, if given; of any year otherwise)."""
    return User.objects.filter(pk__in=advisory_panel_memberships(program_year, on=on).values("user_id"))


def advisory_panel_seats(user) -> dict[int, str]:
    """{program year id: "member" or "chair"} for the panels the user sits on today; one query,
    kept on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_pac_panel_seats", None)
    if cached is None:
        cached = dict(
            advisory_panel_memberships().filter(user=user).values_list("panel__program_year_id", "role").order_by()
        )
        user._pac_panel_seats = cached
    return cached


def advisory_panel_year_ids(user) -> frozenset[int]:
    """Ids of the program years whose panel the user sits on."""
    return frozenset(advisory_panel_seats(user))


def is_on_advisory_panel(user, program_year=None) -> bool:
    """Whether the user sits on the Advisory Panel of the year (a ProgramYear or its id), or of any year."""
    seats = advisory_panel_seats(user)
    return bool(seats) if program_year is None else _year_id(program_year) in seats


def advisory_panel_chair(program_year) -> User | None:
    """The year's serving chair, if there is one."""
    seat = (
        advisory_panel_memberships(program_year)
        .filter(role=AdvisoryPanelMembership.Role.CHAIR)
        .select_related("user")
        .first()
    )
    return seat.user if seat else None
