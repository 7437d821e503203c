"""Demo applications: every stage in every region, with recommendations, MOUs, Tier 2 reviews,
Tier 3 interviews and decisions, all driven through the real workflow services so the demo
data is what production would hold. Deterministic (ctx.rng) and idempotent."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pac.demo import DemoContext
from pac.models import OutboundEmail, Person, Tag, User

from . import services
from .models import (
    MOU,
    Application,
    Committee,
    CommitteeMember,
    Criterion,
    InterviewSlot,
    ReviewAssignment,
    Score,
    Stage,
    Tier,
)
from .roles import ApplicantRole, LeaderPosition, leader_positions_for, spec_for

STATEMENTS = {
    ApplicantRole.CT: "I have coached new teachers in my center for several years, using video of my own practice "
    "and short reflective conversations. I know the QRIS standards for curriculum and environments well and would "
    "like to help a peer grow in instructional support, especially concept development and language modeling.",
    ApplicantRole.MENTEE: "I want to grow in supporting children's language and thinking during small-group time, "
    "and in guiding behavior in a positive way. My IPDP names concept development and quality of feedback.",
    ApplicantRole.CA: "As a director I supervise twelve educators and run monthly reflective supervision. I would "
    "like to help another administrator build observation and feedback routines tied to the QRIS.",
    ApplicantRole.MA: "I supervise six educators and want to move from compliance checks to real coaching: "
    "observing, giving feedback, and planning professional development with my team.",
}
PREFERRED = "Monthly visits in person, with short video clips in between, and email for quick questions."
PROFILE = (
    "Full-day, full-year program serving 60 children from infancy to preschool; 14 educators; "
    "QRIS self-assessment completed this year; families speak English, Spanish and Portuguese."
)
LETTER = (
    "I have worked alongside this educator for four years. They are thoughtful, reliable and generous with "
    "colleagues, and children in their care are engaged and secure. I recommend them without reservation."
)

# The extra stages every region shows, beyond the accepted program people.
EXTRA_STAGES = [
    Stage.DRAFT,
    Stage.SUBMITTED,
    Stage.SCREENED_OUT,
    Stage.IN_REVIEW,
    Stage.INTERVIEW,
    Stage.AWAITING_DECISION,
    Stage.DECLINED,
    Stage.WITHDRAWN,
]
EXTRA_ROLES = [
    ApplicantRole.MENTEE,
    ApplicantRole.CT,
    ApplicantRole.MENTEE,
    ApplicantRole.CT,
    ApplicantRole.MENTEE,
    ApplicantRole.MA,
    ApplicantRole.CA,
    ApplicantRole.MENTEE,
]


def _committee(ctx: DemoContext) -> Committee:
    committee, _ = Committee.objects.get_or_create(program_year=ctx.program_year, name="Statewide review committee")
    staff = ctx.people["staff"][0].user
    members = [p.user for p in ctx.people["reviewer"]] + [staff]
    for user in members:
        # whether a reviewer also sits on the Advisory Panel is the panel's to say (evaluation/demo.py)
        kind = CommitteeMember.Kind.EEC if user == staff else CommitteeMember.Kind.OTHER
        CommitteeMember.objects.get_or_create(committee=committee, user=user, defaults={"kind": kind})
    return committee


def _fill_answers(application: Application, person: Person, ctx: DemoContext, *, qualified: bool = True) -> None:
    program = person.program
    spec = application.spec
    application.program = program
    application.program_type = program.program_type
    application.qris_level = program.qris_level if qualified else 1
    application.qris_status = program.qris_status
    application.fcc_system_member = program.program_type == "fcc_system" or None
    application.provides_direct_care = not spec.coach or application.role == ApplicantRole.CT
    application.provides_supervision = application.role in (ApplicantRole.CA, ApplicantRole.MA)
    application.has_technology = True
    application.has_leader_support = "yes"
    application.has_ipdp = True
    application.statement = STATEMENTS[application.role]
    application.preferred_coaching = PREFERRED if spec.asks_preferred_coaching else ""
    application.program_profile = PROFILE if spec.needs_program_profile else ""
    if qualified and (application.qris_level or 0) < 2:
        application.qris_level = 2
    if application.role == ApplicantRole.CT:
        application.eec_certification = "ps_lead"
        application.years_as_educator = max(application.years_as_educator or 0, 3 if qualified else 2)
        if not qualified:
            application.years_as_educator = 2
    if application.role in (ApplicantRole.CA, ApplicantRole.MA):
        application.eec_certification = "director_2" if application.role == ApplicantRole.CA else "director_1"
        application.years_supervising = max(application.years_supervising or 0, 3)
    if not application.pq_registry_id:
        application.pq_registry_id = f"PQ{200000 + person.pk}"
    if spec.needs_resume:
        application.resume_name = f"{person.last_name.lower()}-resume.pdf"
        application.resume.save(application.resume_name, _demo_pdf(person.full_name), save=False)
    application.save()
    application.tags.set(ctx.rng.sample(ctx.tags, 4))


def _demo_pdf(name: str):
    """A one-page resume that is a real PDF (uploads are checked whole, so demo files are too)."""
    import io

    from django.core.files.base import ContentFile
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    lines = [f"Resume of {name}", "Demo data: PAC's demo applicants are not real people."]
    text = "".join(
        f"BT /F1 {size} Tf 72 {720 - 28 * i} Td ({line.replace(chr(92), '').replace('(', '').replace(')', '')}) Tj ET\n"
        for i, (line, size) in enumerate(zip(lines, (18, 11), strict=True))
    )
    contents = DecodedStreamObject()
    contents.set_data(text.encode("cp1252", errors="replace"))
    page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return ContentFile(out.getvalue())


def _new_application(ctx: DemoContext, person: Person, role: str) -> Application:
    application = Application.objects.create(
        program_year=ctx.program_year,
        role=role,
        applicant=person,
        created_by=person.user,
        job_role=person.job_role,
        highest_degree=person.highest_degree,
        degree_field=person.degree_field,
        degree_field_name=person.degree_field_name,
        eec_certification=person.eec_certification,
        years_as_educator=person.years_as_educator,
        years_supervising=person.years_supervising,
        pq_registry_id=person.pq_registry_id,
    )
    return application


def _components(
    ctx: DemoContext, application: Application, signer: Person | None, *, letters: int | None = None, sign: bool = True
) -> None:
    """Ask for the recommendations and the MOU, and have them answered, through the real links."""
    spec = application.spec
    wanted = spec.min_recommendations if letters is None else letters
    for index in range(spec.min_recommendations):
        relationship = spec.relationships[index % len(spec.relationships)]
        recommendation = services.recommendation_add(
            application=application,
            actor=application.created_by,
            now=_in_window(ctx),
            name=f"Recommender {index + 1} of {application.applicant.last_name}",
            email=f"rec{index + 1}.{application.pk}@example.org",
            relationship=relationship,
        )
        if index < wanted:
            token = _fresh_token(recommendation)
            services.recommendation_receive(token=token, letter_text=LETTER)
    if signer is not None:
        mou = services.mou_request(
            application=application,
            actor=application.created_by,
            now=_in_window(ctx),
            signer_name=signer.full_name,
            signer_email=signer.email,
            signer_title="Program Director" if spec.mou_signer == "leader" else "Executive Director",
        )
        if sign:
            services.mou_sign(
                mou=mou,
                signature_name=signer.full_name,
                confirmed=True,
                ip="127.0.0.1",
                user_agent="PAC demo data",
                **(_qualifying_leader(application, signer) if spec.mou_signer == "leader" else {}),
            )


def _qualifying_leader(application, signer) -> dict:
    """A demo leader who meets the model's qualifications for the applicant's kind of program."""
    position = leader_positions_for(application.program_type)[0]
    return {
        "leader_position": position,
        "leader_ece_education": True if position == LeaderPosition.CHOSEN else None,
        "leader_ece_experience": True if position == LeaderPosition.CHOSEN else None,
        "leader_pq_registry_id": f"PQ{100000 + signer.pk}",
    }


def _in_window(ctx: DemoContext) -> datetime.datetime:
    """The demo year's applications were made while it took them: two weeks before it closed (the
    services refuse an applicant's change outside the window)."""
    day = ctx.program_year.applications_close_on - datetime.timedelta(days=14)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _fresh_token(link) -> str:
    """Demo only: the emailed token is never stored, so issue a known one for the seed to answer."""
    from pac.workflow import new_token

    token, token_hash = new_token()
    type(link).objects.filter(pk=link.pk).update(token_hash=token_hash)
    return token


def _review(
    ctx: DemoContext, application: Application, bias: dict[int, int], quality: int, tier: int = Tier.APPLICATION
):
    """The assigned reviewers declare no conflict, score every criterion and submit, saved in bulk
    as the scoring page would save them one by one; the last submission goes through the service,
    which moves a fully scored interview on."""
    assignments = list(
        ReviewAssignment.objects.filter(
            application=application, tier=tier, status=ReviewAssignment.Status.ASSIGNED
        ).order_by("pk")
    )
    if not assignments:
        return
    now = timezone.now()
    ReviewAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
        conflict_declared_at=now, has_conflict=False, status=ReviewAssignment.Status.IN_PROGRESS
    )
    scores = []
    for assignment in assignments:
        if assignment.rubric_id not in ctx.criteria:
            ctx.criteria[assignment.rubric_id] = list(Criterion.objects.filter(rubric_id=assignment.rubric_id))
        for criterion in ctx.criteria[assignment.rubric_id]:
            value = min(5, max(1, quality + bias.get(assignment.reviewer_id, 0) + ctx.rng.choice([-1, 0, 0, 1])))
            scores.append(Score(assignment=assignment, criterion=criterion, value=value))
    bulk_create_with_history(scores, Score, batch_size=500)
    *others, last = assignments
    ReviewAssignment.objects.filter(pk__in=[a.pk for a in others]).update(
        status=ReviewAssignment.Status.SUBMITTED, submitted_at=now, comment="Demo review."
    )
    services.assignment_submit(assignment=last, comment="Demo review.")


def _interview(ctx: DemoContext, application: Application, panel: list[User]) -> None:
    staff = ctx.people["staff"][0].user
    services.application_advance_to_interview(application=application, actor=staff)
    slot = InterviewSlot.objects.create(
        program_year=ctx.program_year,
        starts_at=timezone.now() + datetime.timedelta(days=7, hours=application.pk % 48),
        duration_minutes=45,
        video_link="https://video.example.org/pac-interviews",
    )
    slot.panel.set(panel)
    services.slot_book(slot=slot, application=application, actor=staff)


def seed(ctx: DemoContext) -> None:
    if Application.objects.filter(program_year=ctx.program_year).exists():
        return  # already seeded: the demo is idempotent
    started = timezone.now()
    ctx.tags = list(Tag.objects.filter(is_active=True).order_by("pk"))
    committee = _committee(ctx)
    panel = [m.user for m in committee.memberships.select_related("user").order_by("user_id")][:3]
    staff = ctx.people["staff"][0].user
    bias = {m.user_id: ctx.rng.choice([-1, 0, 0, 1]) for m in committee.memberships.all()}
    leaders = list(ctx.people.get("leader", []))
    supervisors = list(ctx.people.get("supervisor", []))

    def signer_for(role: str, index: int) -> Person:
        pool = leaders if spec_for(role).mou_signer == "leader" else supervisors
        return pool[index % len(pool)]

    # the program's people: accepted (a few mentees waitlisted) through the whole workflow
    accepted: list[Application] = []
    for key, role in (
        ("ct", ApplicantRole.CT),
        ("mentee", ApplicantRole.MENTEE),
        ("ca", ApplicantRole.CA),
        ("ma", ApplicantRole.MA),
    ):
        for index, person in enumerate(ctx.people.get(key, [])):
            application = _new_application(ctx, person, role)
            _fill_answers(application, person, ctx)
            _components(ctx, application, signer_for(role, index))
            services.application_submit(application=application, actor=person.user, now=_in_window(ctx))
            application.refresh_from_db()
            quality = ctx.rng.choice([3, 4, 4, 5])
            _review(ctx, application, bias, quality)
            if spec_for(role).interview_required:
                _interview(ctx, application, panel)
                _review(ctx, application, bias, quality, tier=Tier.INTERVIEW)
            else:
                services.application_skip_interview(application=application, actor=staff, reason="Strong Tier 2 scores")
            application.refresh_from_db()
            waitlist = role == ApplicantRole.MENTEE and index % 3 == 2
            services.application_decide(
                application=application, actor=staff, decision=Stage.WAITLISTED if waitlist else Stage.ACCEPTED
            )
            accepted.append(application)

    # further applicants at every other stage, in every region
    password = ctx.hashed_password()
    programs_by_region: dict[int, list] = {}
    for program in ctx.programs:
        programs_by_region.setdefault(program.region.number, []).append(program)
    extras = list(enumerate(zip(EXTRA_STAGES, EXTRA_ROLES, strict=True)))
    for number, programs in sorted(programs_by_region.items()):
        # three further applicants per region, so that together the regions show every stage
        share = [extras[(3 * (number - 1) + k) % len(extras)] for k in range(3)] * ctx.scale
        for index, (stage, role) in share:
            program = programs[(index + 2) % len(programs)]
            if role in (ApplicantRole.CA, ApplicantRole.MA) and program.program_type == "fcc_independent":
                program = programs[(index + 3) % len(programs)]
            email = f"applicant{number}{index + 1}@pac.demo"
            first_name, last_name = ctx.next_name()  # taken even when seeded already: names stay the same
            if User.objects.filter(email=email).exists():
                continue
            user = User.objects.create(email=email, full_name=f"{first_name} {last_name}", password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            person = Person.objects.create(
                user=user,
                email=email,
                first_name=first_name,
                last_name=last_name,
                phone=f"(508) 555-{2000 + 10 * number + index:04d}",
                program=program,
                job_role=Person.JobRole.DIRECTOR
                if role in (ApplicantRole.CA, ApplicantRole.MA)
                else Person.JobRole.TEACHER,
                highest_degree=Person.Degree.ASSOCIATE,
                degree_field=Person.DegreeField.ECE,
                eec_certification=Person.Certification.PS_TEACHER,
                years_as_educator=ctx.rng.randint(3, 12),
                years_supervising=4,
            )
            application = _new_application(ctx, person, role)
            _fill_answers(application, person, ctx, qualified=stage != Stage.SCREENED_OUT)
            if stage == Stage.DRAFT:
                if not ctx.program_year.applications_open(ctx.today):
                    # the year's window has closed: staff reopened this draft, so it can still be sent
                    services.application_reopen(
                        application=application,
                        actor=staff,
                        until=ctx.today + datetime.timedelta(days=30),
                        reason="Her recommender was away in June; agreed by phone.",
                    )
                continue
            if stage == Stage.SUBMITTED:
                _components(ctx, application, signer_for(role, index), letters=0, sign=False)
                services.application_submit(application=application, actor=user, now=_in_window(ctx))
                continue
            _components(ctx, application, signer_for(role, index))
            services.application_submit(application=application, actor=user, now=_in_window(ctx))
            application.refresh_from_db()
            if stage in (Stage.SCREENED_OUT,):
                continue
            if stage == Stage.WITHDRAWN:
                services.application_withdraw(application=application, actor=user, reason="Changed jobs")
                continue
            quality = ctx.rng.choice([2, 3, 4])
            if stage == Stage.IN_REVIEW:
                first = ReviewAssignment.objects.filter(application=application).order_by("pk").first()
                services.assignment_declare_conflict(assignment=first, has_conflict=False)
                continue
            _review(ctx, application, bias, quality)
            if stage == Stage.INTERVIEW:
                services.application_advance_to_interview(application=application, actor=staff)
                continue
            if spec_for(role).interview_required:
                _interview(ctx, application, panel)
                _review(ctx, application, bias, quality, tier=Tier.INTERVIEW)
            else:
                services.application_skip_interview(application=application, actor=staff, reason="Not needed")
            if stage == Stage.DECLINED:
                services.application_decide(
                    application=application,
                    actor=staff,
                    decision=Stage.DECLINED,
                    note="Stronger applicants in the region this year",
                )

    # interviews that happened are in the past; demo emails are not sent to anyone
    InterviewSlot.objects.filter(
        program_year=ctx.program_year,
        application__stage__in=[Stage.ACCEPTED, Stage.WAITLISTED, Stage.AWAITING_DECISION, Stage.DECLINED],
    ).update(starts_at=timezone.now() - datetime.timedelta(days=60))
    OutboundEmail.objects.filter(created_at__gte=started).delete()
    MOU.objects.filter(application__program_year=ctx.program_year, status=MOU.Status.SIGNED).update(
        signed_user_agent="PAC demo data"
    )
    ctx.logins.append(("Applicant (draft, region 1)", "applicant11@pac.demo"))
