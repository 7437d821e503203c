"""Factories shared by every app's tests: each describes a valid default."""

import datetime

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from pac.models import (
    AdvisoryPanel,
    AdvisoryPanelMembership,
    Participation,
    Person,
    Program,
    ProgramRole,
    ProgramYear,
    Region,
    RegionTarget,
    User,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users have a verified primary email unless built with verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class RegionFactory(DjangoModelFactory):
    """Regions 1–6 are seeded by migration; factories reuse them."""

    class Meta:
        model = Region
        django_get_or_create = ("number",)

    number = factory.Iterator([1, 2, 3, 4, 5, 6])
    name = factory.LazyAttribute(
        lambda o: {
            1: "Western",
            2: "Central",
            3: "Northeast",
            4: "Metro",
            5: "Southeast & Cape",
            6: "Metro Boston",
        }.get(o.number, f"R{o.number}")
    )


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Sunrise Early Learning Center {n}")
    license_number = factory.Sequence(lambda n: f"LIC-{n:06d}")
    program_type = Program.ProgramType.CENTER
    qris_level = 2
    qris_status = Program.QrisStatus.SELF_ASSESSED
    region = factory.SubFactory(RegionFactory)
    city = "Worcester"
    postal_code = "01608"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    program = factory.SubFactory(ProgramFactory)
    job_role = Person.JobRole.TEACHER
    highest_degree = Person.Degree.ASSOCIATE
    degree_field = Person.DegreeField.ECE
    eec_certification = Person.Certification.PS_TEACHER
    years_as_educator = 4
    years_supervising = 0
    user = None

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email")))


class ProgramYearFactory(DjangoModelFactory):
    class Meta:
        model = ProgramYear
        django_get_or_create = ("name",)

    name = "2026–27"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 8, 31)
    applications_open_on = datetime.date(2026, 3, 1)
    applications_close_on = datetime.date(2026, 6, 30)


class RegionTargetFactory(DjangoModelFactory):
    class Meta:
        model = RegionTarget

    program_year = factory.SubFactory(ProgramYearFactory)
    region = factory.SubFactory(RegionFactory)


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    person = factory.SubFactory(PersonFactory, with_account=True)
    program_year = factory.SubFactory(ProgramYearFactory)
    role = ProgramRole.MENTEE
    source = Participation.Source.DEMO


class AdvisoryPanelFactory(DjangoModelFactory):
    class Meta:
        model = AdvisoryPanel
        django_get_or_create = ("program_year",)

    program_year = factory.SubFactory(ProgramYearFactory)


class AdvisoryPanelMembershipFactory(DjangoModelFactory):
    """A serving seat: the term started with the year (or today, for a year that has not begun)."""

    class Meta:
        model = AdvisoryPanelMembership

    panel = factory.SubFactory(AdvisoryPanelFactory)
    user = factory.SubFactory(UserFactory)
    role = AdvisoryPanelMembership.Role.MEMBER
    term_starts_on = factory.LazyAttribute(lambda o: min(o.panel.program_year.starts_on, datetime.date.today()))


def panel_seat(program_year, user=None, **kwargs) -> User:
    """Seat ``user`` (a new user by default) on the year's Advisory Panel; returns the user."""
    panel = AdvisoryPanelFactory(program_year=program_year)
    if user is not None:
        kwargs["user"] = user
    return AdvisoryPanelMembershipFactory(panel=panel, **kwargs).user
