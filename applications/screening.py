"""Tier 1 screening: a complete application and the minimum qualifications of each role.

Each rule is a small named function of the application and a few facts about its
components, returning whether it passed and a sentence a person can read. The rules
follow the program model (seeds/000, "Qualifications" under each role) line by line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pac.models import Person, Program

from .roles import (
    LEADER_POSITIONS_CENTER,
    LEADER_POSITIONS_FCC_SYSTEM,
    ApplicantRole,
    LeaderPosition,
    answer_label,
    missing_answers,
    spec_for,
)

CENTER_BASED = (Program.ProgramType.CENTER, Program.ProgramType.HEAD_START)
SUPERVISORY_JOBS = (Person.JobRole.DIRECTOR, Person.JobRole.FCC_SYSTEM_STAFF)
ASSISTANT_JOBS = (Person.JobRole.ASSISTANT, Person.JobRole.FCC_ASSISTANT)
ASSOCIATE_OR_ABOVE = (Person.Degree.ASSOCIATE, Person.Degree.BACHELOR, Person.Degree.MASTER, Person.Degree.DOCTORATE)
RELEVANT_FIELDS = (Person.DegreeField.ECE, Person.DegreeField.RELATED)


@dataclass(frozen=True)
class LeaderFacts:
    """What the Program/Instructional Leader said when signing the MOU (blank/None: not answered)."""

    position: str = ""
    ece_education: bool | None = None
    ece_experience: bool | None = None
    pq_registry_id: str = ""

    def missing(self) -> list[str]:
        """The leader's facts not given. An MOU signed without the questions answers none of them;
        a leader who left the PQ Registry ID blank answered it (they are not registered)."""
        if not self.position:
            return ["leader_position", "leader_pq_registry_id"]
        missing = []
        if self.position == LeaderPosition.CHOSEN:
            if self.ece_education is None:
                missing.append("leader_ece_education")
            if self.ece_experience is None:
                missing.append("leader_ece_experience")
        return missing


@dataclass(frozen=True)
class Facts:
    """What screening needs to know about an application's components."""

    received_recommendations: int = 0
    mou_status: str | None = None  # the current MOU's status, if any
    leader: LeaderFacts | None = None  # set once a Program/Instructional Leader has signed the MOU


@dataclass(frozen=True)
class Outcome:
    rule: str
    category: str  # "completeness" or "qualification"
    passed: bool
    message: str


Rule = Callable[["Application", Facts], Outcome]  # noqa: F821


def reads(*fields: str):
    """Name the answers a qualification rule judges. When one of them was not given the rule is
    not run: an omission makes the application incomplete, never unqualified."""

    def mark(rule):
        rule.reads = fields
        return rule

    return mark


def _years(value) -> str:
    return "nothing" if value is None else str(value)


def _label(role: str) -> str:
    return {"ct": "CT", "mentee": "Mentee", "ca": "CA", "ma": "MA"}[role]


# --- completeness -----------------------------------------------------------------------


def complete_statement(app, facts: Facts) -> Outcome:
    ok = bool(app.statement.strip())
    label = spec_for(app.role).statement_label
    return Outcome("complete_statement", "completeness", ok, f"{label}: {'provided' if ok else 'missing'}.")


def complete_preferred_coaching(app, facts: Facts) -> Outcome:
    ok = bool(app.preferred_coaching.strip())
    return Outcome(
        "complete_preferred_coaching",
        "completeness",
        ok,
        f"Preferred ways to use peer coaching: {'provided' if ok else 'missing'}.",
    )


def complete_resume(app, facts: Facts) -> Outcome:
    ok = bool(app.resume)
    return Outcome("complete_resume", "completeness", ok, f"Resume: {'uploaded' if ok else 'missing'}.")


def complete_program_profile(app, facts: Facts) -> Outcome:
    ok = bool(app.program_profile.strip()) and app.program_id is not None
    label = spec_for(app.role).program_profile_label
    return Outcome("complete_program_profile", "completeness", ok, f"{label}: {'provided' if ok else 'missing'}.")


def complete_qris_level(app, facts: Facts) -> Outcome:
    ok = app.qris_level is not None
    message = f"Current QRIS level: {app.qris_level}." if ok else "Current QRIS level: not stated."
    return Outcome("complete_qris_level", "completeness", ok, message)


def complete_mou(app, facts: Facts) -> Outcome:
    spec = spec_for(app.role)
    signer = "Program/Instructional Leader" if spec.mou_signer == "leader" else "supervisor"
    status = facts.mou_status
    if status == "signed":
        return Outcome("complete_mou", "completeness", True, f"MOU signed by the {signer}.")
    if status == "waived" and spec.mou_may_be_waived:
        return Outcome("complete_mou", "completeness", True, "MOU marked not applicable by EEC staff.")
    if status == "waived":
        return Outcome(
            "complete_mou",
            "completeness",
            False,
            f"A {spec.label} needs an MOU signed by their {signer}; it cannot be waived.",
        )
    if status == "declined":
        return Outcome("complete_mou", "completeness", False, f"The {signer} declined to sign the MOU.")
    if status == "requested":
        return Outcome("complete_mou", "completeness", False, f"MOU requested from the {signer}; not yet signed.")
    return Outcome("complete_mou", "completeness", False, f"Signed MOU from the {signer}: not yet requested.")


def complete_recommendations(app, facts: Facts) -> Outcome:
    need = spec_for(app.role).min_recommendations
    got = facts.received_recommendations
    ok = got >= need
    noun = "recommendation" if need == 1 else "recommendations"
    return Outcome(
        "complete_recommendations",
        "completeness",
        ok,
        f"{_label(app.role)} requires {'at least ' if need > 1 else ''}{need} {noun}; {got} received.",
    )


# --- minimum qualifications -------------------------------------------------------------------


@reads("highest_degree", "degree_field")
def degree_associate_in_field(app, facts: Facts) -> Outcome:
    ok = app.highest_degree in ASSOCIATE_OR_ABOVE and app.degree_field in RELEVANT_FIELDS
    degree = Person.Degree(app.highest_degree).label if app.highest_degree else "no degree"
    field = Person.DegreeField(app.degree_field).label.lower() if app.degree_field else "no field"
    return Outcome(
        "degree_associate_in_field",
        "qualification",
        ok,
        f"{_label(app.role)} requires an Associate's degree or higher in early childhood education or a related "
        f"field; the application states {degree} ({field}).",
    )


@reads("program_type", "eec_certification")
def lead_teacher_qualified(app, facts: Facts) -> Outcome:
    if app.program_type not in CENTER_BASED:
        return Outcome(
            "lead_teacher_qualified",
            "qualification",
            True,
            "EEC Lead Teacher qualification is required only of center-based teachers.",
        )
    ok = app.eec_certification in Person.LEAD_TEACHER_QUALIFIED
    held = Person.Certification(app.eec_certification).label if app.eec_certification else "none"
    return Outcome(
        "lead_teacher_qualified",
        "qualification",
        ok,
        f"A center-based CT must be EEC Lead Teacher Qualified or above; the application states {held}.",
    )


@reads("program_type", "eec_certification")
def director_qualified(app, facts: Facts) -> Outcome:
    if app.role == ApplicantRole.CA and app.program_type not in CENTER_BASED:
        return Outcome(
            "director_qualified",
            "qualification",
            True,
            "EEC Director qualification is required only of center-based CAs.",
        )
    ok = app.eec_certification in Person.DIRECTOR_QUALIFIED
    held = Person.Certification(app.eec_certification).label if app.eec_certification else "none"
    who = "A center-based CA" if app.role == ApplicantRole.CA else "An MA"
    return Outcome(
        "director_qualified",
        "qualification",
        ok,
        f"{who} must be EEC Director Qualified or above; the application states {held}.",
    )


@reads("years_as_educator")
def three_years_as_educator(app, facts: Facts) -> Outcome:
    ok = (app.years_as_educator or 0) >= 3
    return Outcome(
        "three_years_as_educator",
        "qualification",
        ok,
        f"CT requires at least three years as an educator; the application states {_years(app.years_as_educator)}.",
    )


@reads("years_supervising")
def three_years_supervising(app, facts: Facts) -> Outcome:
    ok = (app.years_supervising or 0) >= 3
    return Outcome(
        "three_years_supervising",
        "qualification",
        ok,
        f"CA requires at least three years of supervisory or coaching/mentoring experience; the "
        f"application states {_years(app.years_supervising)}.",
    )


@reads("provides_direct_care")
def provides_direct_care(app, facts: Facts) -> Outcome:
    ok = app.provides_direct_care is True
    who = "CT" if app.role == ApplicantRole.CT else "Mentee"
    return Outcome(
        "provides_direct_care",
        "qualification",
        ok,
        f"A {who} must currently work directly with children as an educator; the application says "
        f"{'yes' if ok else 'no'}.",
    )


@reads("provides_supervision")
def provides_supervision(app, facts: Facts) -> Outcome:
    ok = app.provides_supervision is True
    return Outcome(
        "provides_supervision",
        "qualification",
        ok,
        f"{'A CA' if app.role == ApplicantRole.CA else 'An MA'} must currently provide direct supervision "
        f"or coaching to educators; the application says {'yes' if ok else 'no'}.",
    )


@reads("qris_level")
def qris_level_two_or_above(app, facts: Facts) -> Outcome:
    ok = app.qris_level is not None and app.qris_level >= 2
    stated = f"level {app.qris_level}" if app.qris_level else "no QRIS participation"
    return Outcome(
        "qris_level_two_or_above",
        "qualification",
        ok,
        f"{_label(app.role)} requires a program participating in the MA QRIS at Level 2 or above "
        f"(self-assessed counts); the application states {stated}.",
    )


@reads("pq_registry_id")
def pq_registry(app, facts: Facts) -> Outcome:
    ok = bool(app.pq_registry_id.strip())
    return Outcome(
        "pq_registry",
        "qualification",
        ok,
        f"{'A Mentee' if app.role == ApplicantRole.MENTEE else 'An MA'} must be registered in the "
        f"EEC PQ Registry; {'a' if ok else 'no'} PQ Registry ID was given.",
    )


@reads("has_technology")
def has_technology(app, facts: Facts) -> Outcome:
    ok = app.has_technology is True
    return Outcome(
        "has_technology",
        "qualification",
        ok,
        f"{_label(app.role)} needs access to a computer and the internet for video support; the "
        f"application says {'yes' if ok else 'no'}.",
    )


@reads("has_leader_support")
def leader_support(app, facts: Facts) -> Outcome:
    ok = app.has_leader_support in ("yes", "na")
    said = {"yes": "yes", "no": "no", "na": "not applicable", "": "nothing"}[app.has_leader_support]
    return Outcome(
        "leader_support",
        "qualification",
        ok,
        f"{_label(app.role)} needs the support of their Program/Instructional Leader (if applicable); "
        f"the application says {said}.",
    )


@reads("job_role")
def not_a_supervisor(app, facts: Facts) -> Outcome:
    ok = app.job_role not in SUPERVISORY_JOBS
    job = Person.JobRole(app.job_role).label if app.job_role else "not stated"
    return Outcome(
        "not_a_supervisor",
        "qualification",
        ok,
        f"Supervisors and administrators are not eligible to serve as a CT; the application's job role is {job}.",
    )


@reads("job_role")
def not_an_assistant(app, facts: Facts) -> Outcome:
    ok = app.job_role not in ASSISTANT_JOBS
    job = Person.JobRole(app.job_role).label if app.job_role else "not stated"
    return Outcome(
        "not_an_assistant",
        "qualification",
        ok,
        f"The Mentee role is not intended for assistant teachers or FCC assistants; the application's "
        f"job role is {job}.",
    )


@reads("has_ipdp")
def has_ipdp(app, facts: Facts) -> Outcome:
    ok = app.has_ipdp is True
    return Outcome(
        "has_ipdp",
        "qualification",
        ok,
        f"A Mentee shows commitment to growth through an Individual Professional Development Plan; the "
        f"application says {'yes' if ok else 'no'}.",
    )


@reads("program_type", "fcc_system_member")
def fcc_in_contracted_system(app, facts: Facts) -> Outcome:
    fcc = app.program_type in Program.FCC_TYPES
    ok = not fcc or (app.program_type == Program.ProgramType.FCC_SYSTEM and app.fcc_system_member is True)
    who = "CA" if app.role == ApplicantRole.CA else "MA"
    if not fcc:
        message = f"The FCC system requirement applies only to family child care {who} applicants."
    else:
        message = (
            f"An FCC {who} applicant must be part of a contracted FCC system (independent FCC providers are "
            f"not eligible); the application says {'yes' if ok else 'no'}."
        )
    return Outcome("fcc_in_contracted_system", "qualification", ok, message)


# --- the Program/Instructional Leader who signed the MOU (seeds/000, "Mentee Program/Instructional
# Leaders", Qualifications) ----------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "not answered" if value is None else ("yes" if value else "no")


@reads("program_type", "leader_position", "leader_ece_education", "leader_ece_experience")
def leader_role_fits_program(app, facts: Facts) -> Outcome:
    leader = facts.leader
    said = LeaderPosition(leader.position).label.lower()
    program = Program.ProgramType(app.program_type).label.lower()
    if app.program_type == Program.ProgramType.FCC_INDEPENDENT:
        ok = leader.position == LeaderPosition.CHOSEN and bool(leader.ece_education) and bool(leader.ece_experience)
        message = (
            "The Program/Instructional Leader an independent FCC educator chooses must have early childhood "
            f"education and experience; the leader says: {said}, education {_yes_no(leader.ece_education)}, "
            f"experience {_yes_no(leader.ece_experience)}."
        )
    elif app.program_type == Program.ProgramType.FCC_SYSTEM:
        ok = leader.position in LEADER_POSITIONS_FCC_SYSTEM
        message = (
            "For an FCC educator in a contracted FCC System the Program/Instructional Leader must be the home "
            f"monitor or the person the System assigned to support professional development or QRIS; the "
            f"leader says: {said}."
        )
    else:
        ok = leader.position in LEADER_POSITIONS_CENTER
        message = (
            f"For a {program} program the Program/Instructional Leader must be the program director or site "
            f"coordinator; the leader says: {said}."
        )
    return Outcome("leader_role_fits_program", "qualification", ok, message)


@reads("leader_pq_registry_id")
def leader_in_pq_registry(app, facts: Facts) -> Outcome:
    given = facts.leader.pq_registry_id.strip()
    return Outcome(
        "leader_in_pq_registry",
        "qualification",
        bool(given),
        "The Program/Instructional Leader must be registered in the EEC PQ Registry; "
        # the ID itself is shown with the MOU's facts, which blind review hides; never in the message
        + ("the leader gave a PQ Registry ID." if given else "the leader gave no PQ Registry ID."),
    )


# judged only once a leader has signed the MOU: waived (not applicable) or unsigned, they do not apply
LEADER_QUALIFICATIONS: list[Rule] = [leader_role_fits_program, leader_in_pq_registry]
LEADER_RULES = frozenset(rule.__name__ for rule in LEADER_QUALIFICATIONS)


COMPLETENESS: dict[str, list[Rule]] = {
    ApplicantRole.CT: [
        complete_resume,
        complete_statement,
        complete_program_profile,
        complete_qris_level,
        complete_mou,
        complete_recommendations,
    ],
    ApplicantRole.MENTEE: [
        complete_statement,
        complete_preferred_coaching,
        complete_qris_level,
        complete_mou,
        complete_recommendations,
    ],
    ApplicantRole.CA: [
        complete_resume,
        complete_statement,
        complete_program_profile,
        complete_qris_level,
        complete_mou,
        complete_recommendations,
    ],
    ApplicantRole.MA: [
        complete_statement,
        complete_preferred_coaching,
        complete_program_profile,
        complete_qris_level,
        complete_mou,
        complete_recommendations,
    ],
}
QUALIFICATIONS: dict[str, list[Rule]] = {
    ApplicantRole.CT: [
        degree_associate_in_field,
        lead_teacher_qualified,
        three_years_as_educator,
        provides_direct_care,
        qris_level_two_or_above,
        leader_support,
        has_technology,
        not_a_supervisor,
    ],
    ApplicantRole.MENTEE: [
        provides_direct_care,
        pq_registry,
        qris_level_two_or_above,
        has_ipdp,
        leader_support,
        has_technology,
        not_an_assistant,
    ],
    ApplicantRole.CA: [
        degree_associate_in_field,
        director_qualified,
        three_years_supervising,
        provides_supervision,
        qris_level_two_or_above,
        has_technology,
        fcc_in_contracted_system,
    ],
    ApplicantRole.MA: [
        provides_supervision,
        pq_registry,
        director_qualified,
        qris_level_two_or_above,
        fcc_in_contracted_system,
        has_technology,
    ],
}


def not_answered(rule: Rule, app, missing: list[str]) -> Outcome:
    """A qualification rule whose answer is missing: reported as an incomplete application."""
    labels = ", ".join(answer_label(app.role, f) for f in rule.reads if f in missing)
    return Outcome(rule.__name__, "completeness", False, f"{labels}: not answered.")


def evaluate(app, facts: Facts) -> list[Outcome]:
    """Every rule for the application's role, completeness first. A qualification rule is judged
    only on answers given: one whose answer is missing reports the application incomplete."""
    missing = missing_answers(app)
    outcomes = [rule(app, facts) for rule in COMPLETENESS[app.role]]
    rules = list(QUALIFICATIONS[app.role])
    if facts.leader is not None and spec_for(app.role).mou_signer == "leader":
        missing += facts.leader.missing()
        rules += LEADER_QUALIFICATIONS
    for rule in rules:
        if any(f in missing for f in rule.reads):
            outcomes.append(not_answered(rule, app, missing))
        else:
            outcomes.append(rule(app, facts))
    return outcomes
