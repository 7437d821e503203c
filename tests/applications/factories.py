"""Factories for applications: each describes a valid default.

ApplicationFactory makes a draft Consultant Teacher application whose answers pass every CT
qualification rule; ``make_complete`` adds the components (received letters, a signed MOU)
straight through the ORM, and ``make_in_review`` drives an application through the services
to Tier 2 review.
"""

from __future__ import annotations

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from applications import services
from applications.models import (
    MOU,
    Application,
    Committee,
    CommitteeMember,
    InterviewSlot,
    MOUTemplate,
    Recommendation,
    Stage,
)
from applications.roles import leader_positions_for, spec_for
from pac.models import Person, Program
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory


def _one_page_pdf() -> bytes:
    """A real one-page PDF (uploads are read to the end, so a stand-in header is refused)."""
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _one_page_pdf()


def resume_file(name: str = "resume.pdf") -> ContentFile:
    return ContentFile(PDF_BYTES, name=name)


def open_window() -> dict:
    """A program year's application window that includes today (ProgramYearFactory(**open_window()))."""
    today = timezone.localdate()
    return {
        "applications_open_on": today - datetime.timedelta(days=30),
        "applications_close_on": today + datetime.timedelta(days=30),
    }


class ApplicationFactory(DjangoModelFactory):
    """A draft CT application whose answers pass every CT qualification rule, in a year taking
    applications today."""

    class Meta:
        model = Application

    program_year = factory.SubFactory(
        ProgramYearFactory,
        applications_open_on=factory.LazyFunction(lambda: open_window()["applications_open_on"]),
        applications_close_on=factory.LazyFunction(lambda: open_window()["applications_close_on"]),
    )
    applicant = factory.SubFactory(PersonFactory, with_account=True)
    created_by = factory.SelfAttribute("applicant.user")
    program = factory.SelfAttribute("applicant.program")
    role = "ct"
    stage = Stage.DRAFT

    program_type = Program.ProgramType.CENTER
    qris_level = 2
    qris_status = Program.QrisStatus.SELF_ASSESSED
    fcc_system_member = None
    job_role = Person.JobRole.LEAD_TEACHER
    highest_degree = Person.Degree.ASSOCIATE
    degree_field = Person.DegreeField.ECE
    eec_certification = Person.Certification.PS_LEAD
    years_as_educator = 5
    years_supervising = 0
    pq_registry_id = "PQ1"
    provides_direct_care = True
    provides_supervision = True
    has_technology = True
    has_leader_support = "yes"
    has_ipdp = True

    statement = "Ten years of coaching colleagues; I know the QRIS and the Early Learning Standards well."
    preferred_coaching = "Monthly meetings and video feedback."
    program_profile = "Two preschool classrooms, 30 children, full day."
    resume = factory.LazyFunction(resume_file)
    resume_name = "resume.pdf"


class RecommendationFactory(DjangoModelFactory):
    """A recommendation not yet requested, from a professional peer (allowed for a CT)."""

    class Meta:
        model = Recommendation

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"recommender{n}@example.org")
    relationship = factory.LazyAttribute(lambda o: spec_for(o.application.role).relationships[0])
    status = Recommendation.Status.PENDING

    class Params:
        received = factory.Trait(
            status=Recommendation.Status.RECEIVED,
            letter_text="A thoughtful, reliable colleague; I recommend her warmly.",
            received_at=factory.LazyFunction(timezone.now),
        )


def mou_template(role: str) -> MOUTemplate:
    return MOUTemplate.objects.filter(role=role, is_active=True).order_by("-version").first()


class MOUFactory(DjangoModelFactory):
    """An MOU not yet requested, on the role's current template."""

    class Meta:
        model = MOU

    application = factory.SubFactory(ApplicationFactory)
    signer_name = factory.Faker("name")
    signer_email = factory.Sequence(lambda n: f"leader{n}@example.org")
    signer_title = "Director"
    template = factory.LazyAttribute(lambda o: mou_template(o.application.role))
    status = MOU.Status.PENDING

    class Params:
        signed = factory.Trait(
            status=MOU.Status.SIGNED,
            signer_person=factory.SubFactory(
                PersonFactory,
                email=factory.SelfAttribute("..signer_email"),
                program=factory.SelfAttribute("..application.program"),
                job_role=Person.JobRole.DIRECTOR,
            ),
            signature_name=factory.SelfAttribute("signer_name"),
            signed_at=factory.LazyFunction(timezone.now),
            signed_ip="203.0.113.7",
            signed_text=factory.LazyAttribute(lambda o: f"MOU signed by {o.signer_name}"),
            # a Program/Instructional Leader who meets the model's qualifications for the program
            leader_position=factory.LazyAttribute(
                lambda o: (
                    leader_positions_for(o.application.program_type)[0]
                    if o.application.spec.mou_signer == "leader"
                    else ""
                )
            ),
            leader_ece_education=factory.LazyAttribute(lambda o: True if o.leader_position == "chosen" else None),
            leader_ece_experience=factory.LazyAttribute(lambda o: True if o.leader_position == "chosen" else None),
            leader_pq_registry_id=factory.LazyAttribute(lambda o: "PQ-55555" if o.leader_position else ""),
        )


class CommitteeFactory(DjangoModelFactory):
    """A committee reviewing every region and role of the year."""

    class Meta:
        model = Committee

    program_year = factory.SubFactory(ProgramYearFactory)
    name = factory.Sequence(lambda n: f"Review committee {n}")


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)


class InterviewSlotFactory(DjangoModelFactory):
    """An interview a week from now; pass panel=[users] to seat a panel."""

    class Meta:
        model = InterviewSlot
        skip_postgeneration_save = True

    program_year = factory.SubFactory(ProgramYearFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    duration_minutes = 45
    video_link = "https://video.example.org/pac-interview"

    @factory.post_generation
    def panel(self, create, extracted, **kwargs):
        if create and extracted:
            self.panel.set(extracted)


# --- helpers ---------------------------------------------------------------------------------------


def committee_with_members(program_year, n: int = 3, **kwargs) -> tuple[Committee, list]:
    """A committee of ``n`` new users; the users come back in id order."""
    committee = CommitteeFactory(program_year=program_year, **kwargs)
    users = [CommitteeMemberFactory(committee=committee).user for _ in range(n)]
    return committee, sorted(users, key=lambda u: u.pk)


def make_complete(application: Application) -> Application:
    """Add enough received recommendations for the role and a signed MOU, straight through the ORM."""
    for _ in range(application.spec.min_recommendations):
        RecommendationFactory(application=application, received=True)
    MOUFactory(application=application, signed=True)
    return application


def make_in_review(application: Application | None = None, *, members: list | None = None, **application_kwargs):
    """Drive a complete, qualified application through submit and Tier 1 to Tier 2 review.

    A committee of three is created for the year unless ``members`` (users already on an
    active committee) is given. Returns (application, committee members)."""
    if application is None:
        application = ApplicationFactory(**application_kwargs)
    if members is None:
        _, members = committee_with_members(application.program_year, 3)
    make_complete(application)
    application = services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW, application.stage
    return application, members
