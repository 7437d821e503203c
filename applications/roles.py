"""What each application role must supply, from the program model (seeds/000, "Application"
and "Qualifications" under each role). One place; forms, screening and checklists read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from pac.models import ProgramRole


class ApplicantRole(models.TextChoices):
    CT = "ct", "Consultant Teacher"
    MENTEE = "mentee", "Mentee"
    CA = "ca", "Consultant Administrator"
    MA = "ma", "Mentee Administrator"


class Relationship(models.TextChoices):
    PROFESSIONAL_PEER = "professional_peer", "Professional peer"
    PROGRAM_FAMILY = "program_family", "Family from the program"
    SUPPORT_GROUP = "support_group", "Support group member"
    COWORKER = "coworker", "Co-worker"
    PARENT = "parent", "Parent of a child in care"
    SUPERVISED_EDUCATOR = "supervised_educator", "Educator receiving supervision"


@dataclass(frozen=True)
class RoleSpec:
    role: str
    label: str
    needs_resume: bool
    statement_label: str
    statement_help: str
    asks_preferred_coaching: bool
    needs_program_profile: bool
    program_profile_label: str
    min_recommendations: int
    relationships: tuple[str, ...]
    mou_signer: str  # "leader" or "supervisor"
    mou_may_be_waived: bool  # the model says "(if applicable)"
    interview_required: bool  # Mentees are interviewed; Tier 3 is "if needed" for the others
    program_role: str
    coach: bool


ROLE_SPECS: dict[str, RoleSpec] = {
    ApplicantRole.CT: RoleSpec(
        role=ApplicantRole.CT,
        label="Consultant Teacher",
        needs_resume=True,
        statement_label="Statement of areas of expertise",
        statement_help="Your expertise in coaching skills, the QRIS, MA Core Competencies and Early Learning Standards.",
        asks_preferred_coaching=False,
        needs_program_profile=True,
        program_profile_label="Current program profile",
        min_recommendations=2,
        relationships=(Relationship.PROFESSIONAL_PEER, Relationship.PROGRAM_FAMILY, Relationship.SUPPORT_GROUP),
        mou_signer="leader",
        mou_may_be_waived=True,
        interview_required=False,
        program_role=ProgramRole.CT,
        coach=True,
    ),
    ApplicantRole.MENTEE: RoleSpec(
        role=ApplicantRole.MENTEE,
        label="Mentee",
        needs_resume=False,
        statement_label="Statement of areas of need",
        statement_help="Your areas of need related to the QRIS, MA Core Competencies and Early Learning Standards.",
        asks_preferred_coaching=True,
        needs_program_profile=False,
        program_profile_label="",
        min_recommendations=1,
        relationships=(Relationship.COWORKER, Relationship.PARENT),
        mou_signer="leader",
        mou_may_be_waived=True,
        interview_required=True,
        program_role=ProgramRole.MENTEE,
        coach=False,
    ),
    ApplicantRole.CA: RoleSpec(
        role=ApplicantRole.CA,
        label="Consultant Administrator",
        needs_resume=True,
        statement_label="Statement of areas of expertise",
        statement_help="Your expertise in coaching skills, the QRIS, MA Core Competencies and Early Learning Standards.",
        asks_preferred_coaching=False,
        needs_program_profile=True,
        program_profile_label="Current program profile",
        min_recommendations=2,
        relationships=(Relationship.PROFESSIONAL_PEER, Relationship.SUPERVISED_EDUCATOR, Relationship.SUPPORT_GROUP),
        mou_signer="supervisor",
        mou_may_be_waived=False,
        interview_required=False,
        program_role=ProgramRole.CA,
        coach=True,
    ),
    ApplicantRole.MA: RoleSpec(
        role=ApplicantRole.MA,
        label="Mentee Administrator",
        needs_resume=False,
        statement_label="Statement of areas of need in coaching and supervision",
        statement_help="Areas of need in coaching and supervision that will help raise your program's QRIS level.",
        asks_preferred_coaching=True,
        needs_program_profile=True,
        program_profile_label="Program profile with basic service delivery information",
        min_recommendations=1,
        relationships=(Relationship.COWORKER, Relationship.SUPERVISED_EDUCATOR),
        mou_signer="supervisor",
        mou_may_be_waived=False,
        interview_required=False,
        program_role=ProgramRole.MA,
        coach=False,
    ),
}


def spec_for(role: str) -> RoleSpec:
    return ROLE_SPECS[ApplicantRole(role)]
