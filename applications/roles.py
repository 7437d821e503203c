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
    # the questions this role must answer before submitting (Application.ANSWER_FIELDS and
    # "program"); the others the form asks are optional. Tier 1 reads only these.
    answers: tuple[str, ...] = ()


# answers every role gives: where they work, and their job
WORKPLACE = ("program", "program_type", "qris_level", "job_role")
SUPPORT = ("has_technology", "has_leader_support")

# How the checklist and the refusal to submit name each question.
ANSWER_LABELS = {
    "program": "Your program",
    "program_type": "Program type",
    "qris_level": "Current QRIS level",
    "fcc_system_member": "Part of a contracted FCC system",
    "job_role": "Job role",
    "highest_degree": "Highest degree",
    "degree_field": "Field of your degree",
    "eec_certification": "EEC certification",
    "years_as_educator": "Years as an educator",
    "years_supervising": "Years supervising or coaching",
    "pq_registry_id": "PQ Registry ID",
    "provides_direct_care": "Whether you provide direct care to children",
    "provides_supervision": "Whether you supervise or coach educators",
    "has_technology": "Access to a computer and the internet",
    "has_leader_support": "Support of your Program/Instructional Leader",
    "has_ipdp": "Individual Professional Development Plan (IPDP)",
}

# A question that applies only in some cases; elsewhere it is not needed.
ANSWER_APPLIES = {
    "fcc_system_member": lambda app: app.program_type in ("fcc_system", "fcc_independent"),
    "degree_field": lambda app: app.highest_degree not in ("none", "cda"),
}

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
        answers=(
            *WORKPLACE,
            "highest_degree",
            "degree_field",
            "eec_certification",
            "years_as_educator",
            "provides_direct_care",
            *SUPPORT,
        ),
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
        answers=(*WORKPLACE, "pq_registry_id", "provides_direct_care", "has_ipdp", *SUPPORT),
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
        answers=(
            *WORKPLACE,
            "fcc_system_member",
            "highest_degree",
            "degree_field",
            "eec_certification",
            "years_supervising",
            "provides_supervision",
            *SUPPORT,
        ),
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
        answers=(
            *WORKPLACE,
            "fcc_system_member",
            "eec_certification",
            "pq_registry_id",
            "provides_supervision",
            *SUPPORT,
        ),
    ),
}


def spec_for(role: str) -> RoleSpec:
    return ROLE_SPECS[ApplicantRole(role)]


def is_blank(value) -> bool:
    """An answer not given: None, or text that is empty once trimmed (False and 0 are answers)."""
    return value is None or (isinstance(value, str) and not value.strip())


def answer_label(role: str, field: str) -> str:
    if field in LEADER_FACT_LABELS:
        return LEADER_FACT_LABELS[field]
    if field == "has_leader_support" and spec_for(role).mou_signer == "supervisor":
        return "Support of your supervisor"
    return ANSWER_LABELS[field]


def missing_answers(application) -> list[str]:
    """The role's required answers not yet given, in the order the form asks them."""
    missing = []
    for field in spec_for(application.role).answers:
        applies = ANSWER_APPLIES.get(field)
        if applies is not None and not applies(application):
            continue
        value = application.program_id if field == "program" else getattr(application, field)
        if is_blank(value):
            missing.append(field)
    return missing


@dataclass(frozen=True)
class Missing:
    """Something the applicant must still give before submitting: its name, and the form
    field that asks for it (an anchor on the edit page)."""

    label: str
    field: str


def missing_before_submission(application) -> list[Missing]:
    """Everything the applicant supplies themself (their statements, resume and answers) that is
    still missing. One list for the checklist, the edit page and the refusal to submit; letters and
    the MOU come from other people and may follow the submission."""
    spec = spec_for(application.role)
    missing = []
    if spec.needs_resume and not application.resume:
        missing.append(Missing("Resume", "resume_upload"))
    if is_blank(application.statement):
        missing.append(Missing(spec.statement_label, "statement"))
    if spec.asks_preferred_coaching and is_blank(application.preferred_coaching):
        missing.append(Missing("Preferred ways to use peer coaching", "preferred_coaching"))
    if spec.needs_program_profile and is_blank(application.program_profile):
        missing.append(Missing(spec.program_profile_label, "program_profile"))
    missing += [Missing(answer_label(application.role, f), f) for f in missing_answers(application)]
    return missing


class LeaderPosition(models.TextChoices):
    """What the Program/Instructional Leader who signs an MOU is to the applicant's program
    (seeds/000, "Mentee Program/Instructional Leaders", Qualifications)."""

    DIRECTOR = "director", "Program director"
    SITE_COORDINATOR = "site_coordinator", "Site coordinator"
    HOME_MONITOR = "home_monitor", "Home monitor in the FCC System"
    SYSTEM_PD_QRIS = "system_pd_qris", "Person the FCC System assigned to support professional development or QRIS"
    CHOSEN = "chosen", "Person the independent FCC educator chose as their leader"
    OTHER = "other", "None of these"


# the positions the model accepts for each kind of program; any other program type is center-like
LEADER_POSITIONS_FCC_SYSTEM = (LeaderPosition.HOME_MONITOR, LeaderPosition.SYSTEM_PD_QRIS)
LEADER_POSITIONS_INDEPENDENT = (LeaderPosition.CHOSEN,)
LEADER_POSITIONS_CENTER = (LeaderPosition.DIRECTOR, LeaderPosition.SITE_COORDINATOR)

LEADER_FACT_LABELS = {
    "leader_position": "Leader's position in the program",
    "leader_ece_education": "Leader's early childhood education",
    "leader_ece_experience": "Leader's early childhood experience",
    "leader_pq_registry_id": "Leader's PQ Registry ID",
}


def leader_positions_for(program_type: str) -> tuple:
    """The positions that fit a program type (every position when the type is not known)."""
    if program_type == "fcc_system":
        return LEADER_POSITIONS_FCC_SYSTEM
    if program_type == "fcc_independent":
        return LEADER_POSITIONS_INDEPENDENT
    if program_type:
        return LEADER_POSITIONS_CENTER
    return LEADER_POSITIONS_CENTER + LEADER_POSITIONS_FCC_SYSTEM + LEADER_POSITIONS_INDEPENDENT
