"""Reads for the shared directory."""

from __future__ import annotations

from .models import ProgramRole, ProgramYear
from .permissions import _group_names, program_roles
from .roles import StaffRole


def roles_of(user, program_year: ProgramYear | None) -> list[str]:
    """Human-readable roles: staff-like groups, then program roles held this year."""
    labels = [StaffRole(name).label for name in StaffRole.values if name in _group_names(user)]
    if user.is_superuser and StaffRole.EEC_STAFF.label not in labels:
        labels.insert(0, "Administrator")
    held = program_roles(user, program_year)
    labels += [ProgramRole(value).label for value in ProgramRole.values if value in held]
    return labels
