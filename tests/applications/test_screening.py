"""Tier 1 screening rules, checked one by one against the program model (seeds/000).

Each rule is a pure function of an (unsaved) Application and a few Facts, so none of these
tests touch the database. Quotations from the model are given next to the tests that
check them.
"""

import pytest

from applications import screening
from applications.models import Application
from applications.roles import ApplicantRole
from pac.models import Person, Program

CT, MENTEE, CA, MA = ApplicantRole.CT, ApplicantRole.MENTEE, ApplicantRole.CA, ApplicantRole.MA
PT = Program.ProgramType
Job = Person.JobRole
Deg = Person.Degree
Field = Person.DegreeField
Cert = Person.Certification

# A fully qualified, complete application for each role; tests change one thing at a time.
QUALIFIED = {
    CT: {
        "program_type": PT.CENTER,
        "qris_level": 3,
        "job_role": Job.LEAD_TEACHER,
        "highest_degree": Deg.BACHELOR,
        "degree_field": Field.ECE,
        "eec_certification": Cert.PS_LEAD,
        "years_as_educator": 6,
        "provides_direct_care": True,
        "has_technology": True,
        "has_leader_support": "yes",
        "statement": "Coaching, CLASS and the QRIS.",
        "program_profile": "Two preschool classrooms, 30 children.",
    },
    MENTEE: {
        "program_type": PT.CENTER,
        "qris_level": 2,
        "job_role": Job.TEACHER,
        "pq_registry_id": "PQ-12345",
        "provides_direct_care": True,
        "has_ipdp": True,
        "has_leader_support": "yes",
        "has_technology": True,
        "statement": "Classroom organisation and family engagement.",
        "preferred_coaching": "Video feedback and monthly meetings.",
    },
    CA: {
        "program_type": PT.CENTER,
        "qris_level": 3,
        "job_role": Job.DIRECTOR,
        "highest_degree": Deg.MASTER,
        "degree_field": Field.RELATED,
        "eec_certification": Cert.DIRECTOR_2,
        "years_supervising": 8,
        "provides_supervision": True,
        "has_technology": True,
        "statement": "Reflective supervision and coaching.",
        "program_profile": "A centre of six classrooms.",
    },
    MA: {
        "program_type": PT.CENTER,
        "qris_level": 2,
        "job_role": Job.DIRECTOR,
        "eec_certification": Cert.DIRECTOR_1,
        "pq_registry_id": "PQ-98765",
        "provides_supervision": True,
        "has_technology": True,
        "statement": "Supervising new teachers.",
        "preferred_coaching": "Observation of staff meetings.",
        "program_profile": "Basic service delivery: 40 children, full day.",
    },
}
NEEDS_RESUME = {CT, CA}
NEEDS_PROFILE = {CT, CA, MA}
MIN_RECOMMENDATIONS = {CT: 2, MENTEE: 1, CA: 2, MA: 1}


def make(role, **overrides):
    """A fully qualified, unsaved application for the role, with some fields changed."""
    fields = {**QUALIFIED[role], **overrides}
    resume = fields.pop("resume", "private/x.pdf" if role in NEEDS_RESUME else "")
    program_id = fields.pop("program_id", 1 if role in NEEDS_PROFILE else None)
    app = Application(role=role, **fields)
    app.program_id = program_id
    app.resume = resume
    return app


def complete_facts(role, **overrides):
    return screening.Facts(
        **{"received_recommendations": MIN_RECOMMENDATIONS[role], "mou_status": "signed", **overrides}
    )


NO_FACTS = screening.Facts()


def check(outcome, rule, category, passed, message=None):
    assert isinstance(outcome, screening.Outcome)
    assert outcome.rule == rule
    assert outcome.category == category
    assert outcome.passed is passed
    if message is not None:
        assert outcome.message == message


# --- the rule sets, per role ----------------------------------------------------------------------

# From each role's "Application:" list in the program model.
EXPECTED_COMPLETENESS = {
    # resume; statement of expertise; current program profile with QRIS level; MOU; two recommendations
    CT: {
        "complete_resume",
        "complete_statement",
        "complete_program_profile",
        "complete_qris_level",
        "complete_mou",
        "complete_recommendations",
    },
    # statement of need and preferred ways to use peer coaching; current QRIS level; MOU; one recommendation
    MENTEE: {
        "complete_statement",
        "complete_preferred_coaching",
        "complete_qris_level",
        "complete_mou",
        "complete_recommendations",
    },
    # resume; statement of expertise; current program profile with QRIS level; MOU; two recommendations
    CA: {
        "complete_resume",
        "complete_statement",
        "complete_program_profile",
        "complete_qris_level",
        "complete_mou",
        "complete_recommendations",
    },
    # statement of need and preferred coaching; current QRIS level; MOU with program profile; one recommendation
    MA: {
        "complete_statement",
        "complete_preferred_coaching",
        "complete_program_profile",
        "complete_qris_level",
        "complete_mou",
        "complete_recommendations",
    },
}
# From "CT Qualifications", Mentee "Qualifications", "CA Qualifications" and MA "Qualifications".
EXPECTED_QUALIFICATIONS = {
    CT: {
        "degree_associate_in_field",
        "lead_teacher_qualified",
        "three_years_as_educator",
        "provides_direct_care",
        "qris_level_two_or_above",
        "leader_support",
        "has_technology",
        "not_a_supervisor",
    },
    MENTEE: {
        "provides_direct_care",
        "pq_registry",
        "qris_level_two_or_above",
        "has_ipdp",
        "leader_support",
        "has_technology",
        "not_an_assistant",
    },
    CA: {
        "degree_associate_in_field",
        "director_qualified",
        "three_years_supervising",
        "provides_supervision",
        "qris_level_two_or_above",
        "has_technology",
        "fcc_in_contracted_system",
    },
    MA: {
        "provides_supervision",
        "pq_registry",
        "director_qualified",
        "qris_level_two_or_above",
        "fcc_in_contracted_system",
        "has_technology",
    },
}
ROLES = [CT, MENTEE, CA, MA]


@pytest.mark.parametrize("role", ROLES)
def test_rule_names_per_role_match_the_program_model(role):
    outcomes = screening.evaluate(make(role), complete_facts(role))
    completeness = {o.rule for o in outcomes if o.category == "completeness"}
    qualification = {o.rule for o in outcomes if o.category == "qualification"}
    assert completeness == EXPECTED_COMPLETENESS[role]
    assert qualification == EXPECTED_QUALIFICATIONS[role]
    assert len(outcomes) == len(EXPECTED_COMPLETENESS[role]) + len(EXPECTED_QUALIFICATIONS[role])


@pytest.mark.parametrize(
    "role, has_resume, has_profile, asks_preferred, has_degree",
    [
        (CT, True, True, False, True),
        (MENTEE, False, False, True, False),
        (CA, True, True, False, True),
        (MA, False, True, True, False),
    ],
)
def test_role_specific_components(role, has_resume, has_profile, asks_preferred, has_degree):
    names = {o.rule for o in screening.evaluate(make(role), complete_facts(role))}
    assert ("complete_resume" in names) is has_resume
    assert ("complete_program_profile" in names) is has_profile
    assert ("complete_preferred_coaching" in names) is asks_preferred
    assert ("degree_associate_in_field" in names) is has_degree


@pytest.mark.parametrize("role", ROLES)
def test_evaluate_returns_completeness_before_qualification(role):
    categories = [o.category for o in screening.evaluate(make(role), complete_facts(role))]
    first_qualification = categories.index("qualification")
    assert first_qualification > 0
    assert set(categories[:first_qualification]) == {"completeness"}
    assert set(categories[first_qualification:]) == {"qualification"}


@pytest.mark.parametrize("role", ROLES)
def test_evaluate_follows_the_registered_order(role):
    names = [o.rule for o in screening.evaluate(make(role), complete_facts(role))]
    registered = [r.__name__ for r in screening.COMPLETENESS[role] + screening.QUALIFICATIONS[role]]
    assert names == registered


@pytest.mark.parametrize("role", ROLES)
def test_evaluate_accepts_the_plain_string_role(role):
    app = make(role)
    app.role = str(role.value)
    assert [o.rule for o in screening.evaluate(app, complete_facts(role))] == [
        o.rule for o in screening.evaluate(make(role), complete_facts(role))
    ]


@pytest.mark.parametrize("role", ROLES)
def test_a_complete_qualified_application_passes_every_rule(role):
    failed = [o for o in screening.evaluate(make(role), complete_facts(role)) if not o.passed]
    assert failed == []


@pytest.mark.parametrize("role", ROLES)
def test_an_empty_application_fails_every_completeness_rule(role):
    outcomes = screening.evaluate(Application(role=role), NO_FACTS)
    assert [o.rule for o in outcomes if o.category == "completeness" and o.passed] == []


@pytest.mark.parametrize(
    "role, overrides, facts, failing",
    [
        (CT, {"years_as_educator": 2}, {}, {"three_years_as_educator"}),
        (CT, {"resume": ""}, {}, {"complete_resume"}),
        (CT, {}, {"received_recommendations": 1}, {"complete_recommendations"}),
        (MENTEE, {"job_role": Job.ASSISTANT}, {}, {"not_an_assistant"}),
        (MENTEE, {"qris_level": None}, {}, {"complete_qris_level", "qris_level_two_or_above"}),
        (CA, {"program_type": PT.FCC_INDEPENDENT}, {}, {"fcc_in_contracted_system"}),
        (CA, {}, {"mou_status": "declined"}, {"complete_mou"}),
        (MA, {"eec_certification": Cert.PS_LEAD}, {}, {"director_qualified"}),
        (MA, {"program_id": None}, {}, {"complete_program_profile"}),
    ],
)
def test_evaluate_reports_exactly_the_failing_rules(role, overrides, facts, failing):
    outcomes = screening.evaluate(make(role, **overrides), complete_facts(role, **facts))
    assert {o.rule for o in outcomes if not o.passed} == failing


def test_every_registered_rule_names_itself_and_its_category():
    for registry, category in ((screening.COMPLETENESS, "completeness"), (screening.QUALIFICATIONS, "qualification")):
        for role, rules in registry.items():
            for rule in rules:
                outcome = rule(make(role), complete_facts(role))
                assert outcome.rule == rule.__name__, (role, rule)
                assert outcome.category == category, (role, rule)
                assert outcome.message.strip(), (role, rule)


def test_facts_default_to_nothing_received():
    assert screening.Facts() == screening.Facts(received_recommendations=0, mou_status=None)


# --- completeness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, label",
    [
        (CT, "Statement of areas of expertise"),
        (MENTEE, "Statement of areas of need"),
        (CA, "Statement of areas of expertise"),
        (MA, "Statement of areas of need in coaching and supervision"),
    ],
)
def test_complete_statement(role, label):
    check(
        screening.complete_statement(make(role), NO_FACTS),
        "complete_statement",
        "completeness",
        True,
        f"{label}: provided.",
    )
    for blank in ("", "   \n\t"):
        check(
            screening.complete_statement(make(role, statement=blank), NO_FACTS),
            "complete_statement",
            "completeness",
            False,
            f"{label}: missing.",
        )


@pytest.mark.parametrize("role", [MENTEE, MA])
def test_complete_preferred_coaching(role):
    check(
        screening.complete_preferred_coaching(make(role), NO_FACTS),
        "complete_preferred_coaching",
        "completeness",
        True,
        "Preferred ways to use peer coaching: provided.",
    )
    for blank in ("", "  "):
        check(
            screening.complete_preferred_coaching(make(role, preferred_coaching=blank), NO_FACTS),
            "complete_preferred_coaching",
            "completeness",
            False,
            "Preferred ways to use peer coaching: missing.",
        )


@pytest.mark.parametrize("role", [CT, CA])
def test_complete_resume(role):
    app = make(role)
    app.resume = "private/x.pdf"
    check(screening.complete_resume(app, NO_FACTS), "complete_resume", "completeness", True, "Resume: uploaded.")
    check(
        screening.complete_resume(make(role, resume=""), NO_FACTS),
        "complete_resume",
        "completeness",
        False,
        "Resume: missing.",
    )
    check(
        screening.complete_resume(Application(role=role), NO_FACTS),
        "complete_resume",
        "completeness",
        False,
        "Resume: missing.",
    )


@pytest.mark.parametrize(
    "role, label",
    [
        (CT, "Current program profile"),
        (CA, "Current program profile"),
        (MA, "Program profile with basic service delivery information"),
    ],
)
def test_complete_program_profile(role, label):
    check(
        screening.complete_program_profile(make(role, program_id=1), NO_FACTS),
        "complete_program_profile",
        "completeness",
        True,
        f"{label}: provided.",
    )
    missing = f"{label}: missing."
    # no text
    check(
        screening.complete_program_profile(make(role, program_profile="  "), NO_FACTS),
        "complete_program_profile",
        "completeness",
        False,
        missing,
    )
    # text but no program chosen
    check(
        screening.complete_program_profile(make(role, program_id=None), NO_FACTS),
        "complete_program_profile",
        "completeness",
        False,
        missing,
    )


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_complete_qris_level_only_needs_a_stated_level(level):
    # completeness asks for the level to be given; whether it is high enough is a qualification
    check(
        screening.complete_qris_level(make(MENTEE, qris_level=level), NO_FACTS),
        "complete_qris_level",
        "completeness",
        True,
        f"Current QRIS level: {level}.",
    )


@pytest.mark.parametrize("role", ROLES)
def test_complete_qris_level_missing(role):
    check(
        screening.complete_qris_level(make(role, qris_level=None), NO_FACTS),
        "complete_qris_level",
        "completeness",
        False,
        "Current QRIS level: not stated.",
    )


LEADER = "Program/Instructional Leader"


@pytest.mark.parametrize(
    "role, status, passed, message",
    [
        # CT and Mentee: "Signed MOU of support from ... Program/Instructional Leader (if applicable)"
        (CT, "signed", True, f"MOU signed by the {LEADER}."),
        (CT, "waived", True, "MOU marked not applicable by EEC staff."),
        (CT, "requested", False, f"MOU requested from the {LEADER}; not yet signed."),
        (CT, "declined", False, f"The {LEADER} declined to sign the MOU."),
        (CT, None, False, f"Signed MOU from the {LEADER}: not yet requested."),
        (CT, "pending", False, f"Signed MOU from the {LEADER}: not yet requested."),
        (MENTEE, "signed", True, f"MOU signed by the {LEADER}."),
        (MENTEE, "waived", True, "MOU marked not applicable by EEC staff."),
        (MENTEE, "requested", False, f"MOU requested from the {LEADER}; not yet signed."),
        (MENTEE, "declined", False, f"The {LEADER} declined to sign the MOU."),
        (MENTEE, None, False, f"Signed MOU from the {LEADER}: not yet requested."),
        # CA: "Signed MOU of support from CA's supervisor"; MA: "Signed MOU of support from your supervisor"
        (CA, "signed", True, "MOU signed by the supervisor."),
        (CA, "requested", False, "MOU requested from the supervisor; not yet signed."),
        (CA, "declined", False, "The supervisor declined to sign the MOU."),
        (CA, None, False, "Signed MOU from the supervisor: not yet requested."),
        (MA, "signed", True, "MOU signed by the supervisor."),
        (MA, "requested", False, "MOU requested from the supervisor; not yet signed."),
        (MA, "declined", False, "The supervisor declined to sign the MOU."),
        (MA, None, False, "Signed MOU from the supervisor: not yet requested."),
    ],
)
def test_complete_mou(role, status, passed, message):
    check(
        screening.complete_mou(make(role), screening.Facts(mou_status=status)),
        "complete_mou",
        "completeness",
        passed,
        message,
    )


@pytest.mark.parametrize("role", ROLES)
def test_complete_mou_failures_have_distinct_messages(role):
    messages = {
        screening.complete_mou(make(role), screening.Facts(mou_status=s)).message
        for s in ("requested", "declined", None)
    }
    assert len(messages) == 3


@pytest.mark.parametrize("role", [CA, MA])
def test_complete_mou_waived_is_not_enough_for_ca_and_ma(role):
    assert screening.complete_mou(make(role), screening.Facts(mou_status="waived")).passed is False


@pytest.mark.parametrize(
    "role, received, passed, message",
    [
        # CT and CA: "At least two recommendations"
        (CT, 0, False, "CT requires at least 2 recommendations; 0 received."),
        (CT, 1, False, "CT requires at least 2 recommendations; 1 received."),
        (CT, 2, True, "CT requires at least 2 recommendations; 2 received."),
        (CT, 3, True, "CT requires at least 2 recommendations; 3 received."),
        (CA, 1, False, "CA requires at least 2 recommendations; 1 received."),
        (CA, 2, True, "CA requires at least 2 recommendations; 2 received."),
        # Mentee and MA: "One written recommendation"
        (MENTEE, 0, False, "Mentee requires 1 recommendation; 0 received."),
        (MENTEE, 1, True, "Mentee requires 1 recommendation; 1 received."),
        (MA, 0, False, "MA requires 1 recommendation; 0 received."),
        (MA, 1, True, "MA requires 1 recommendation; 1 received."),
    ],
)
def test_complete_recommendations(role, received, passed, message):
    check(
        screening.complete_recommendations(make(role), screening.Facts(received_recommendations=received)),
        "complete_recommendations",
        "completeness",
        passed,
        message,
    )


# --- degree: "an Associate's degree in early childhood education or a related field" ---------------


@pytest.mark.parametrize(
    "degree, field, passed",
    [
        (Deg.ASSOCIATE, Field.ECE, True),
        (Deg.ASSOCIATE, Field.RELATED, True),
        (Deg.BACHELOR, Field.ECE, True),
        (Deg.MASTER, Field.RELATED, True),
        (Deg.DOCTORATE, Field.ECE, True),
        (Deg.ASSOCIATE, Field.OTHER, False),
        (Deg.BACHELOR, Field.OTHER, False),
        (Deg.CDA, Field.ECE, False),
        (Deg.NONE, Field.ECE, False),
        (Deg.BACHELOR, "", False),
        ("", "", False),
    ],
)
@pytest.mark.parametrize("role", [CT, CA])
def test_degree_associate_in_field(role, degree, field, passed):
    outcome = screening.degree_associate_in_field(make(role, highest_degree=degree, degree_field=field), NO_FACTS)
    check(outcome, "degree_associate_in_field", "qualification", passed)
    assert outcome.message.startswith(
        f"{role.value.upper()} requires an Associate's degree or higher in early childhood education or a related field"
    )


@pytest.mark.parametrize(
    "role, degree, field, stated",
    [
        (CT, Deg.CDA, Field.ECE, "CDA credential (early childhood education)"),
        (CT, Deg.ASSOCIATE, Field.OTHER, "Associate's (other field)"),
        (CA, Deg.NONE, "", "No degree (no field)"),
        (CA, "", "", "no degree (no field)"),
    ],
)
def test_degree_associate_in_field_failure_message(role, degree, field, stated):
    outcome = screening.degree_associate_in_field(make(role, highest_degree=degree, degree_field=field), NO_FACTS)
    assert outcome.passed is False
    assert outcome.message == (
        f"{role.value.upper()} requires an Associate's degree or higher in early childhood education or a related "
        f"field; the application states {stated}."
    )


# --- CT: "for center-based teachers, be EEC Lead Teacher Qualified or above" --------------------------

LEAD_OR_ABOVE = [Cert.PS_LEAD, Cert.IT_LEAD, Cert.DIRECTOR_1, Cert.DIRECTOR_2]
BELOW_LEAD = [Cert.NONE, Cert.PS_TEACHER, Cert.IT_TEACHER, ""]


@pytest.mark.parametrize("program_type", [PT.CENTER, PT.HEAD_START])
@pytest.mark.parametrize("cert", LEAD_OR_ABOVE)
def test_lead_teacher_qualified_center_based_passes(program_type, cert):
    outcome = screening.lead_teacher_qualified(make(CT, program_type=program_type, eec_certification=cert), NO_FACTS)
    check(outcome, "lead_teacher_qualified", "qualification", True)


@pytest.mark.parametrize("program_type", [PT.CENTER, PT.HEAD_START])
@pytest.mark.parametrize("cert", BELOW_LEAD)
def test_lead_teacher_qualified_center_based_fails(program_type, cert):
    outcome = screening.lead_teacher_qualified(make(CT, program_type=program_type, eec_certification=cert), NO_FACTS)
    held = Cert(cert).label if cert else "none"
    check(
        outcome,
        "lead_teacher_qualified",
        "qualification",
        False,
        f"A center-based CT must be EEC Lead Teacher Qualified or above; the application states {held}.",
    )


def test_lead_teacher_qualified_message_names_the_certification():
    outcome = screening.lead_teacher_qualified(make(CT, eec_certification=Cert.PS_TEACHER), NO_FACTS)
    assert outcome.message.endswith("the application states Preschool Teacher.")


@pytest.mark.parametrize("program_type", [PT.FCC_SYSTEM, PT.FCC_INDEPENDENT, PT.ASOST, PT.PUBLIC_PRESCHOOL])
@pytest.mark.parametrize("cert", [Cert.NONE, Cert.PS_TEACHER, ""])
def test_lead_teacher_qualified_not_required_outside_center_based(program_type, cert):
    outcome = screening.lead_teacher_qualified(make(CT, program_type=program_type, eec_certification=cert), NO_FACTS)
    check(
        outcome,
        "lead_teacher_qualified",
        "qualification",
        True,
        "EEC Lead Teacher qualification is required only of center-based teachers.",
    )


# --- CA: "for center-based administrators, be EEC Director Qualified"; MA: "Be EEC Director Qualified" ----


@pytest.mark.parametrize("program_type", [PT.CENTER, PT.HEAD_START])
@pytest.mark.parametrize(
    "cert, passed",
    [
        (Cert.DIRECTOR_1, True),
        (Cert.DIRECTOR_2, True),
        (Cert.PS_LEAD, False),
        (Cert.IT_LEAD, False),
        (Cert.NONE, False),
        ("", False),
    ],
)
def test_director_qualified_center_based_ca(program_type, cert, passed):
    outcome = screening.director_qualified(make(CA, program_type=program_type, eec_certification=cert), NO_FACTS)
    check(outcome, "director_qualified", "qualification", passed)
    if not passed:
        held = Cert(cert).label if cert else "none"
        assert (
            outcome.message
            == f"A center-based CA must be EEC Director Qualified or above; the application states {held}."
        )


@pytest.mark.parametrize("program_type", [PT.FCC_SYSTEM, PT.FCC_INDEPENDENT, PT.ASOST, PT.PUBLIC_PRESCHOOL])
def test_director_qualified_not_required_of_other_cas(program_type):
    outcome = screening.director_qualified(make(CA, program_type=program_type, eec_certification=Cert.NONE), NO_FACTS)
    check(
        outcome,
        "director_qualified",
        "qualification",
        True,
        "EEC Director qualification is required only of center-based CAs.",
    )


@pytest.mark.parametrize("program_type", list(PT))
@pytest.mark.parametrize(
    "cert, passed",
    [(Cert.DIRECTOR_1, True), (Cert.DIRECTOR_2, True), (Cert.PS_LEAD, False), (Cert.NONE, False), ("", False)],
)
def test_director_qualified_always_required_of_an_ma(program_type, cert, passed):
    outcome = screening.director_qualified(make(MA, program_type=program_type, eec_certification=cert), NO_FACTS)
    check(outcome, "director_qualified", "qualification", passed)
    if not passed:
        held = Cert(cert).label if cert else "none"
        assert outcome.message == f"An MA must be EEC Director Qualified or above; the application states {held}."


# --- years of experience ------------------------------------------------------------------------------


@pytest.mark.parametrize("years, passed", [(0, False), (1, False), (2, False), (3, True), (4, True), (25, True)])
def test_three_years_as_educator(years, passed):
    # CT: "At least three years of experience working as an educator"
    check(
        screening.three_years_as_educator(make(CT, years_as_educator=years), NO_FACTS),
        "three_years_as_educator",
        "qualification",
        passed,
        f"CT requires at least three years as an educator; the application states {years}.",
    )


def test_three_years_as_educator_not_stated():
    check(
        screening.three_years_as_educator(make(CT, years_as_educator=None), NO_FACTS),
        "three_years_as_educator",
        "qualification",
        False,
        "CT requires at least three years as an educator; the application states nothing.",
    )


def test_three_years_as_educator_example_message():
    outcome = screening.three_years_as_educator(make(CT, years_as_educator=2), NO_FACTS)
    assert outcome.passed is False
    assert outcome.message == "CT requires at least three years as an educator; the application states 2."


@pytest.mark.parametrize(
    "years, stated, passed",
    [(None, "nothing", False), (0, "0", False), (2, "2", False), (3, "3", True), (10, "10", True)],
)
def test_three_years_supervising(years, stated, passed):
    # CA: "At least three years of supervisory or coaching/mentoring experience"
    check(
        screening.three_years_supervising(make(CA, years_supervising=years), NO_FACTS),
        "three_years_supervising",
        "qualification",
        passed,
        "CA requires at least three years of supervisory or coaching/mentoring experience; the application states "
        f"{stated}.",
    )


def test_years_of_supervising_do_not_count_as_years_as_educator():
    app = make(CT, years_as_educator=1, years_supervising=10)
    assert screening.three_years_as_educator(app, NO_FACTS).passed is False


# --- current work --------------------------------------------------------------------------------


@pytest.mark.parametrize("role, who", [(CT, "A CT"), (MENTEE, "A Mentee")])
@pytest.mark.parametrize("answer, passed, said", [(True, True, "yes"), (False, False, "no"), (None, False, "no")])
def test_provides_direct_care(role, who, answer, passed, said):
    # CT: "Currently providing direct care to children"; Mentee: "working directly as an educator"
    check(
        screening.provides_direct_care(make(role, provides_direct_care=answer), NO_FACTS),
        "provides_direct_care",
        "qualification",
        passed,
        f"{who} must currently work directly with children as an educator; the application says {said}.",
    )


@pytest.mark.parametrize("role, who", [(CA, "A CA"), (MA, "An MA")])
@pytest.mark.parametrize("answer, passed, said", [(True, True, "yes"), (False, False, "no"), (None, False, "no")])
def test_provides_supervision(role, who, answer, passed, said):
    # CA: "Currently providing direct supervision or coaching"; MA: "providing supervision and coaching to educators"
    check(
        screening.provides_supervision(make(role, provides_supervision=answer), NO_FACTS),
        "provides_supervision",
        "qualification",
        passed,
        f"{who} must currently provide direct supervision or coaching to educators; the application says {said}.",
    )


# --- QRIS: "participating in the MA-QRIS at a Level 2 or above (self-assessed)" ----------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "level, passed, stated",
    [
        (None, False, "no QRIS participation"),
        (1, False, "level 1"),
        (2, True, "level 2"),
        (3, True, "level 3"),
        (4, True, "level 4"),
    ],
)
def test_qris_level_two_or_above(role, level, passed, stated):
    label = {CT: "CT", MENTEE: "Mentee", CA: "CA", MA: "MA"}[role]
    check(
        screening.qris_level_two_or_above(make(role, qris_level=level), NO_FACTS),
        "qris_level_two_or_above",
        "qualification",
        passed,
        f"{label} requires a program participating in the MA QRIS at Level 2 or above (self-assessed counts); the "
        f"application states {stated}.",
    )


# --- PQ Registry (Mentee, MA) ----------------------------------------------------------------------


@pytest.mark.parametrize("role, who", [(MENTEE, "A Mentee"), (MA, "An MA")])
def test_pq_registry(role, who):
    check(
        screening.pq_registry(make(role, pq_registry_id="PQ-1"), NO_FACTS),
        "pq_registry",
        "qualification",
        True,
        f"{who} must be registered in the EEC PQ Registry; a PQ Registry ID was given.",
    )
    for blank in ("", "   "):
        check(
            screening.pq_registry(make(role, pq_registry_id=blank), NO_FACTS),
            "pq_registry",
            "qualification",
            False,
            f"{who} must be registered in the EEC PQ Registry; no PQ Registry ID was given.",
        )


# --- technology (all roles) --------------------------------------------------------------------------


@pytest.mark.parametrize("role, label", [(CT, "CT"), (MENTEE, "Mentee"), (CA, "CA"), (MA, "MA")])
@pytest.mark.parametrize("answer, passed, said", [(True, True, "yes"), (False, False, "no"), (None, False, "no")])
def test_has_technology(role, label, answer, passed, said):
    check(
        screening.has_technology(make(role, has_technology=answer), NO_FACTS),
        "has_technology",
        "qualification",
        passed,
        f"{label} needs access to a computer and the internet for video support; the application says {said}.",
    )


# --- leader support: "Support of Program/Instructional Leader to participate (if applicable)" ----------


@pytest.mark.parametrize("role, label", [(CT, "CT"), (MENTEE, "Mentee")])
@pytest.mark.parametrize(
    "answer, passed, said",
    [("yes", True, "yes"), ("na", True, "not applicable"), ("no", False, "no"), ("", False, "nothing")],
)
def test_leader_support(role, label, answer, passed, said):
    check(
        screening.leader_support(make(role, has_leader_support=answer), NO_FACTS),
        "leader_support",
        "qualification",
        passed,
        f"{label} needs the support of their Program/Instructional Leader (if applicable); the application says "
        f"{said}.",
    )


# --- CT: "Supervisors and Administrators are not eligible to serve as a CT" ---------------------------


@pytest.mark.parametrize("job", [Job.DIRECTOR, Job.FCC_SYSTEM_STAFF])
def test_not_a_supervisor_rejects_supervisors(job):
    check(
        screening.not_a_supervisor(make(CT, job_role=job), NO_FACTS),
        "not_a_supervisor",
        "qualification",
        False,
        f"Supervisors and administrators are not eligible to serve as a CT; the application's job role is "
        f"{Job(job).label}.",
    )


def test_not_a_supervisor_message_for_a_director():
    outcome = screening.not_a_supervisor(make(CT, job_role=Job.DIRECTOR), NO_FACTS)
    assert outcome.message.endswith("the application's job role is Director / site coordinator.")


@pytest.mark.parametrize("job", [Job.LEAD_TEACHER, Job.TEACHER, Job.FCC_PROVIDER, Job.OTHER, ""])
def test_not_a_supervisor_accepts_educators(job):
    outcome = screening.not_a_supervisor(make(CT, job_role=job), NO_FACTS)
    check(outcome, "not_a_supervisor", "qualification", True)
    assert outcome.message.endswith(f"job role is {Job(job).label if job else 'not stated'}.")


# --- Mentee: "This is not intended for assistant teachers or FCC assistants" ---------------------------


@pytest.mark.parametrize("job", [Job.ASSISTANT, Job.FCC_ASSISTANT])
def test_not_an_assistant_rejects_assistants(job):
    check(
        screening.not_an_assistant(make(MENTEE, job_role=job), NO_FACTS),
        "not_an_assistant",
        "qualification",
        False,
        "The Mentee role is not intended for assistant teachers or FCC assistants; the application's job role is "
        f"{Job(job).label}.",
    )


@pytest.mark.parametrize("job", [Job.LEAD_TEACHER, Job.TEACHER, Job.FCC_PROVIDER, Job.OTHER, ""])
def test_not_an_assistant_accepts_educators(job):
    check(screening.not_an_assistant(make(MENTEE, job_role=job), NO_FACTS), "not_an_assistant", "qualification", True)


# --- Mentee: "... as evidenced by their Individual Professional Development Plan" -----------------------


@pytest.mark.parametrize("answer, passed, said", [(True, True, "yes"), (False, False, "no"), (None, False, "no")])
def test_has_ipdp(answer, passed, said):
    check(
        screening.has_ipdp(make(MENTEE, has_ipdp=answer), NO_FACTS),
        "has_ipdp",
        "qualification",
        passed,
        "A Mentee shows commitment to growth through an Individual Professional Development Plan; the "
        f"application says {said}.",
    )


# --- CA/MA: "FCC ... applicants must be part of a contracted FCC System" --------------------------------


@pytest.mark.parametrize("role", [CA, MA])
@pytest.mark.parametrize(
    "program_type, member, passed",
    [
        (PT.FCC_SYSTEM, True, True),
        (PT.FCC_SYSTEM, False, False),
        (PT.FCC_SYSTEM, None, False),
        # "This is not intended for independent FCC providers", whatever they answer
        (PT.FCC_INDEPENDENT, None, False),
        (PT.FCC_INDEPENDENT, False, False),
        (PT.FCC_INDEPENDENT, True, False),
    ],
)
def test_fcc_in_contracted_system_for_fcc_applicants(role, program_type, member, passed):
    who = role.value.upper()
    check(
        screening.fcc_in_contracted_system(make(role, program_type=program_type, fcc_system_member=member), NO_FACTS),
        "fcc_in_contracted_system",
        "qualification",
        passed,
        f"An FCC {who} applicant must be part of a contracted FCC system (independent FCC providers are not "
        f"eligible); the application says {'yes' if passed else 'no'}.",
    )


@pytest.mark.parametrize("role", [CA, MA])
@pytest.mark.parametrize("program_type", [PT.CENTER, PT.HEAD_START, PT.ASOST, PT.PUBLIC_PRESCHOOL])
def test_fcc_in_contracted_system_does_not_apply_to_center_based(role, program_type):
    who = role.value.upper()
    check(
        screening.fcc_in_contracted_system(make(role, program_type=program_type, fcc_system_member=None), NO_FACTS),
        "fcc_in_contracted_system",
        "qualification",
        True,
        f"The FCC system requirement applies only to family child care {who} applicants.",
    )
