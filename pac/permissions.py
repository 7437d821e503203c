"""Who may see and do what in the shared directory.

Single-object checks are rules predicates registered as permissions, so views,
templates and the admin ask the same question; list pages use the matching
``*_visible_to(user)`` queryset, and tests check that the two agree.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.db.models import QuerySet

from .models import Participation, Person, Program, ProgramYear, Region
from .roles import StaffRole


def _group_names(user) -> frozenset[str]:
    """The user's group names, read once per user object (one query; with PAC_CACHE_SIGNED_IN_USER
    they are kept in the cache until the user's groups change, see pac.signed_in)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_pac_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._pac_group_names = cached
    return cached


def program_roles(user, program_year: ProgramYear | None = None) -> frozenset[str]:
    """The program roles (ProgramRole values) the user's person holds in a program year
    (the current one by default), read once per user object and year."""
    if not user.is_authenticated:
        return frozenset()
    year = program_year or ProgramYear.objects.current()
    if year is None:
        return frozenset()
    cache = user.__dict__.setdefault("_pac_program_roles", {})
    if year.pk not in cache:
        cache[year.pk] = frozenset(
            Participation.objects.active().filter(person__user=user, program_year=year).values_list("role", flat=True)
        )
    return cache[year.pk]


def has_totp(user) -> bool:
    """Whether the user has a TOTP authenticator, read once per user object (one query; with
    PAC_CACHE_SIGNED_IN_USER the answer is kept in the cache until an authenticator changes)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_pac_has_totp", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._pac_has_totp = cached
    return cached


def in_group(*names: str) -> rules.Predicate:
    wanted = frozenset(names)

    @rules.predicate(name=f"in_group:{','.join(sorted(wanted))}")
    def predicate(user) -> bool:
        return bool(wanted & _group_names(user))

    return predicate


def has_program_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_program_role:{','.join(sorted(wanted))}")
    def predicate(user) -> bool:
        return bool(wanted & program_roles(user))

    return predicate


is_superuser = rules.is_superuser
is_eec_staff = rules.is_superuser | in_group(StaffRole.EEC_STAFF)
is_reviewer = in_group(StaffRole.REVIEWER)
is_plc_facilitator = in_group(StaffRole.PLC_FACILITATOR)
is_class_observer = in_group(StaffRole.CLASS_OBSERVER)
is_evaluator = in_group(StaffRole.EVALUATOR)


def requires_two_factor(user) -> bool:
    """Staff who see confidential data across the program must use two-factor sign-in."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(frozenset(settings.PAC_MFA_REQUIRED_GROUPS) & _group_names(user))


@rules.predicate
def is_person_self(user, person: Person | None) -> bool:
    return person is not None and user.is_authenticated and person.user_id == user.pk


@rules.predicate
def works_at_program(user, program: Program | None) -> bool:
    if program is None or not user.is_authenticated:
        return False
    return Person.objects.filter(user=user, program=program).exists()


@rules.predicate
def facilitates_region(user, region: Region | None) -> bool:
    if region is None or not user.is_authenticated:
        return False
    return region.facilitators.filter(user=user).exists()


rules.add_perm("pac.access_staff_pages", is_eec_staff)
rules.add_perm("pac.view_person", is_eec_staff | is_person_self)
rules.add_perm("pac.change_person", is_eec_staff | is_person_self)
rules.add_perm("pac.view_program", is_eec_staff | works_at_program)
rules.add_perm("pac.view_region", rules.is_authenticated)
rules.add_perm("pac.view_programyear", rules.is_authenticated)
rules.add_perm("pac.record_plc_attendance", is_eec_staff | (is_plc_facilitator & facilitates_region))
rules.add_perm("pac.view_evaluation_data", is_eec_staff | is_evaluator)
rules.add_perm("pac.view_outboundemail", is_eec_staff)


def people_visible_to(user) -> QuerySet[Person]:
    if is_eec_staff(user):
        return Person.objects.all()
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(user=user)


def programs_visible_to(user) -> QuerySet[Program]:
    if is_eec_staff(user):
        return Program.objects.all()
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(people__user=user).distinct()
