import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pac.models import Participation, Person, Program, ProgramRole, ProgramYear, Region
from tests.factories import ParticipationFactory, PersonFactory, ProgramFactory, ProgramYearFactory

pytestmark = pytest.mark.django_db


def test_the_six_eec_regions_are_seeded_by_migration():
    assert list(Region.objects.values_list("number", "name")) == [
        (1, "Western"),
        (2, "Central"),
        (3, "Northeast"),
        (4, "Metro"),
        (5, "Southeast & Cape"),
        (6, "Metro Boston"),
    ]


def test_user_email_is_the_identifier_and_is_lowercased(django_user_model):
    user = django_user_model.objects.create_user(email="Ana.Santos@Example.ORG", password="x-long-password")
    assert user.email == "ana.santos@example.org"
    assert django_user_model.USERNAME_FIELD == "email"
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user(email="ana.santos@example.org")


def test_person_email_is_unique_whatever_its_case():
    PersonFactory(email="leader@example.org")
    with pytest.raises(IntegrityError):
        Person.objects.create(first_name="A", last_name="B", email="LEADER@example.org")


def test_program_in_an_fcc_system_must_name_the_system():
    program = ProgramFactory.build(program_type=Program.ProgramType.FCC_SYSTEM, fcc_system_name="")
    with pytest.raises(ValidationError) as exc:
        program.full_clean()
    assert "fcc_system_name" in exc.value.message_dict


def test_only_fcc_system_programs_have_a_system_name():
    program = ProgramFactory.build(program_type=Program.ProgramType.CENTER, fcc_system_name="Some system")
    with pytest.raises(ValidationError) as exc:
        program.full_clean()
    assert "fcc_system_name" in exc.value.message_dict


def test_licensed_program_needs_a_license_number_but_exempt_one_does_not():
    licensed = ProgramFactory.build(license_number="")
    with pytest.raises(ValidationError):
        licensed.full_clean()
    exempt = ProgramFactory.build(license_number="", licensure=Program.Licensure.EXEMPT)
    exempt.full_clean(exclude=["region"])


def test_qris_level_outside_one_to_four_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ProgramFactory(qris_level=5)


def test_qris_level_needs_its_status():
    program = ProgramFactory.build(qris_level=3, qris_status="")
    with pytest.raises(ValidationError) as exc:
        program.full_clean(exclude=["region"])
    assert "qris_status" in exc.value.message_dict


def test_two_programs_cannot_share_a_license_number_but_exempt_ones_share_blank():
    ProgramFactory(license_number="ABC-1")
    ProgramFactory(license_number="", licensure=Program.Licensure.EXEMPT)
    ProgramFactory(license_number="", licensure=Program.Licensure.EXEMPT)
    with pytest.raises(IntegrityError):
        ProgramFactory(license_number="ABC-1")


@pytest.mark.parametrize(
    ("certification", "lead", "director"),
    [
        (Person.Certification.NONE, False, False),
        (Person.Certification.PS_TEACHER, False, False),
        (Person.Certification.PS_LEAD, True, False),
        (Person.Certification.IT_LEAD, True, False),
        (Person.Certification.DIRECTOR_1, True, True),
        (Person.Certification.DIRECTOR_2, True, True),
    ],
)
def test_certification_levels_map_to_lead_teacher_and_director_qualified(certification, lead, director):
    person = PersonFactory.build(eec_certification=certification)
    assert person.is_lead_teacher_qualified is lead
    assert person.is_director_qualified is director


def test_program_year_must_end_after_it_starts():
    year = ProgramYearFactory.build(starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 8, 1))
    with pytest.raises(ValidationError):
        year.full_clean()


def test_application_window_is_inclusive():
    year = ProgramYearFactory.build()
    assert year.applications_open(datetime.date(2026, 3, 1))
    assert year.applications_open(datetime.date(2026, 6, 30))
    assert not year.applications_open(datetime.date(2026, 7, 1))


def test_current_program_year_is_the_latest_that_has_started():
    older = ProgramYearFactory(
        name="2025–26",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
        applications_open_on=datetime.date(2025, 3, 1),
        applications_close_on=datetime.date(2025, 6, 30),
    )
    newer = ProgramYearFactory()
    assert ProgramYear.objects.current(datetime.date(2026, 1, 10)) == older
    assert ProgramYear.objects.current(datetime.date(2026, 10, 1)) == newer
    # before any year starts, the first one coming up
    assert ProgramYear.objects.current(datetime.date(2020, 1, 1)) == older


def test_a_person_holds_a_role_once_per_year_until_it_ends():
    participation = ParticipationFactory(role=ProgramRole.CT)
    with pytest.raises(IntegrityError):
        Participation.objects.create(
            person=participation.person,
            program_year=participation.program_year,
            role=ProgramRole.CT,
            source=Participation.Source.DEMO,
        )


def test_every_directory_model_keeps_history():
    program = ProgramFactory(name="Acorn Center")
    program.name = "Acorn Early Learning Center"
    program.save()
    assert [h.name for h in program.history.all()] == ["Acorn Early Learning Center", "Acorn Center"]
    for model in (Region, Program, Person, ProgramYear, Participation):
        assert hasattr(model, "history"), model
