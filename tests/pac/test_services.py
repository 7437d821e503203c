import pytest
from allauth.account.models import EmailAddress

from pac.models import Participation, ProgramRole
from pac.roles import StaffRole
from pac.services import participation_end, participation_record, person_link_user, role_grant, role_revoke
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_account_links_to_the_person_with_its_verified_email():
    person = PersonFactory(email="leader@example.org")
    user = UserFactory(email="leader@example.org")
    assert person_link_user(user=user) == person
    person.refresh_from_db()
    assert person.user == user
    assert user.full_name == person.full_name or user.full_name


def test_unverified_email_does_not_claim_a_person():
    person = PersonFactory(email="leader@example.org")
    user = UserFactory(email="leader@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    assert person_link_user(user=user) is None
    person.refresh_from_db()
    assert person.user is None


def test_a_person_already_linked_to_another_account_is_not_taken_over():
    owner = UserFactory(email="a@example.org")
    PersonFactory(email="shared@example.org", user=owner)
    intruder = UserFactory(email="shared@example.org")
    assert person_link_user(user=intruder) is None


def test_granting_eec_staff_gives_admin_access_and_revoking_removes_it():
    user = UserFactory()
    role_grant(user=user, role=StaffRole.EEC_STAFF)
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="EEC staff").exists()
    role_revoke(user=user, role=StaffRole.EEC_STAFF)
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


def test_granting_a_reviewer_role_does_not_give_admin_access():
    user = UserFactory()
    role_grant(user=user, role=StaffRole.REVIEWER)
    user.refresh_from_db()
    assert not user.is_staff


def test_eec_staff_group_can_manage_directory_models_in_the_admin_but_not_delete():
    user = UserFactory()
    role_grant(user=user, role=StaffRole.EEC_STAFF)
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("pac.change_program")
    assert user.has_perm("pac.add_person")
    assert not user.has_perm("pac.delete_person")


def test_participation_record_is_idempotent_and_ending_allows_a_new_one(program_year):
    person = PersonFactory()
    first = participation_record(
        person=person,
        program_year=program_year,
        role=ProgramRole.CT,
        source=Participation.Source.APPLICATION,
        source_reference="PAC-1",
    )
    again = participation_record(
        person=person, program_year=program_year, role=ProgramRole.CT, source=Participation.Source.APPLICATION
    )
    assert first == again
    assert first.region == person.program.region
    participation_end(participation=first, reason="withdrew")
    second = participation_record(
        person=person, program_year=program_year, role=ProgramRole.CT, source=Participation.Source.APPLICATION
    )
    assert second != first
    assert Participation.objects.filter(person=person).count() == 2
