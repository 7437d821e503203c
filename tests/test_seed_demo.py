"""seed_demo as a newcomer runs it: every region, program type and role; applications at every
stage with reviews in every region; idempotent. One test, since seeding takes a while."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from applications.models import Application, ReviewAssignment, Stage, Standing, Tier
from applications.selectors import standings_differences
from pac.models import OutboundEmail, Participation, Program, ProgramRole, ProgramYear, Region, RegionTarget, User


@pytest.mark.django_db
def test_seed_demo_loads_the_whole_program_and_is_idempotent(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as when seed_demo commits: queued jobs run
        call_command("seed_demo")
    out = capsys.readouterr().out
    assert "pac-demo-2026" in out and "staff@pac.demo" in out and "ct1@pac.demo" in out

    # the directory
    assert Program.objects.count() == 40
    assert set(Program.objects.values_list("region__number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert set(Program.objects.values_list("program_type", flat=True)) == set(Program.ProgramType.values)
    year = ProgramYear.objects.current()
    assert RegionTarget.objects.filter(program_year=year, ct_mentee_pairs=8, ca_ma_pairs=2).count() == 6
    assert any(y.applications_open() for y in ProgramYear.objects.all()), "the demo always has a year open to apply"
    for region in Region.objects.all():
        assert region.facilitators.exists()
    staff = User.objects.get(email="staff@pac.demo")
    assert staff.is_staff and staff.check_password("pac-demo-2026")

    # applications: every stage somewhere, reviewed applications in every region
    stages = set(Application.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values)
    reviewed_regions = set(
        ReviewAssignment.objects.filter(status=ReviewAssignment.Status.SUBMITTED).values_list(
            "application__program__region__number", flat=True
        )
    )
    assert reviewed_regions == {1, 2, 3, 4, 5, 6}
    # the results are stored, computed once at the end of the load (pac.derived), as the reference has them
    assert Standing.objects.filter(program_year=year, tier=Tier.APPLICATION).count() >= 40
    assert standings_differences(program_year=year, tier=Tier.APPLICATION) == []
    assert standings_differences(program_year=year, tier=Tier.INTERVIEW) == []
    # program roles come from accepted applications and signed MOUs, not from a hand-made list
    roles = set(Participation.objects.values_list("role", flat=True))
    assert roles == set(ProgramRole.values)
    assert not Participation.objects.filter(source=Participation.Source.DEMO).exists()
    assert not OutboundEmail.objects.exists(), "demo data does not email anyone"
    accepted = dict(
        Application.objects.filter(stage=Stage.ACCEPTED, program_year=year).values_list("role").annotate(n=Count("pk"))
    )
    assert accepted == {"ct": 12, "mentee": 12, "ca": 6, "ma": 6}
    # every demo leader who signed an MOU gave facts that meet the model's qualifications (issue 13)
    from applications.models import MOU, ScreeningCheck
    from applications.screening import LEADER_RULES

    leader_mous = MOU.objects.filter(status=MOU.Status.SIGNED, application__role__in=["ct", "mentee"])
    assert leader_mous.exists() and not leader_mous.filter(leader_position="").exists()
    assert not leader_mous.filter(leader_pq_registry_id="").exists()
    leader_checks = ScreeningCheck.objects.filter(rule__in=LEADER_RULES)
    assert leader_checks.exists() and not leader_checks.filter(passed=False).exists()

    # active CT–Mentee and CA–MA pairs in every region, made through the real suggestion
    from pairings.models import Pair

    for kind in ("ct_mentee", "ca_ma"):
        regions = set(
            Pair.objects.filter(kind=kind, status="active").values_list("mentee__program__region__number", flat=True)
        )
        assert regions == {1, 2, 3, 4, 5, 6}, kind

    # coaching: the current cohort's months so far, and last year's completed cohort with a full year
    from coaching.models import Attendance, Meeting, ThirtyDayReport

    past = ProgramYear.objects.exclude(pk=year.pk).filter(starts_on__lt=year.starts_on).get()
    past_pairs = Pair.objects.filter(program_year=past, status="ended", end_kind="completed")
    assert past_pairs.count() == 18
    months = {
        m.replace(day=1) for m in Meeting.objects.filter(pair__program_year=past).values_list("held_on", flat=True)
    }
    assert len(months) == 12, "a year of meetings"
    from coaching.schedule import periods

    per_pair = len(periods(started_on=past.starts_on, ended_on=past.ends_on, until=past.ends_on))
    assert per_pair == 13  # 365 days: twelve full 30-day periods and a short thirteenth
    assert ThirtyDayReport.objects.filter(pair__program_year=past).count() == 18 * per_pair
    assert ThirtyDayReport.objects.filter(was_late=True).exists()
    assert ThirtyDayReport.objects.filter(status="returned", pair__program_year=year).exists()
    assert Meeting.objects.filter(pair__program_year=year).exists()
    assert Attendance.objects.filter(event__kind="plc").exists()
    # Mentees' and MAs' own participation (issue 13): orientation, recommended training, the confidentiality
    # acknowledgement signed online, and the year's requirement of both before a pair is confirmed
    from coaching.models import TrainingRecommendation
    from pairings.models import ConfidentialityAcknowledgement, ConfirmationRequirement

    mentee_roles = Participation.objects.filter(program_year=year, role__in=["mentee", "ma"], ended_on__isnull=True)
    at_orientation = Attendance.objects.filter(
        event__program_year=year, event__kind="orientation", attended=True, person__in=mentee_roles.values("person")
    )
    assert 0 < at_orientation.count() < mentee_roles.count()
    signed = ConfidentialityAcknowledgement.objects.filter(program_year=year)
    assert 0 < signed.count() < mentee_roles.count()
    assert not signed.filter(person__email="mentee1@pac.demo").exists(), "mentee1's My work asks them to sign"
    assert ConfirmationRequirement.objects.get(program_year=year).participation_required
    assert TrainingRecommendation.objects.filter(pair__program_year=year, status="completed").exists()
    assert TrainingRecommendation.objects.filter(pair__program_year=year, status="recommended").exists()

    # every MA's plan names its educator or team, and the MA's goals and observations point at it;
    # some family child care rooms are mixed-age rooms, observed on Infant and Toddler alternately
    from coaching.models import Goal, PlanEducator
    from evaluation.models import Observation as Observed
    from evaluation.models import PrePostCycle

    ma_pairs = Pair.objects.filter(kind="ca_ma", program_year__in=[year, past])
    assert not ma_pairs.exclude(plan_educators__replaced_at__isnull=True).exists()
    assert not Goal.objects.filter(pair__kind="ca_ma", plan_educator__isnull=True).exists()
    assert not Observed.objects.filter(pair__kind="ca_ma", plan_educator__isnull=True).exists()
    assert PlanEducator.objects.filter(goals__isnull=False, observations__isnull=False).exists()
    mixed = PrePostCycle.objects.filter(instrument__code="infant", second_instrument__code="toddler")
    assert mixed.filter(pair__program_year=year).exists()
    observed_mixed = list(mixed.filter(pair__program_year=past, pair__observations__isnull=False).distinct()[:3])
    assert observed_mixed
    for cycle in observed_mixed:
        tools = set(
            Observed.objects.filter(pair=cycle.pair, time_point="pre").values_list("instrument__code", flat=True)
        )
        assert tools == {"infant", "toddler"}, cycle

    from pac.documents.models import DocumentJob

    report = DocumentJob.objects.get(kind="evaluation.cohort_report")
    assert report.requested_by == staff and report.status == DocumentJob.Status.DONE, report.error
    assert report.file.read(5) == b"%PDF-"

    # demo people are distinct people: no two share a name, staff accounts hold no program role, and
    # no observer observes a pair they are in
    from collections import Counter

    from django.db.models import F, Q

    from evaluation.models import CoachReview, Observation, PanelRecommendation, ScheduledObservation
    from pac.models import Person
    from pac.roles import StaffRole
    from pac.selectors import advisory_panel_chair, advisory_panel_users

    names = Counter(Person.objects.values_list("first_name", "last_name"))
    assert [name for name, n in names.items() if n > 1] == [], "two demo people share a name"
    staff_accounts = User.objects.filter(Q(is_staff=True) | Q(groups__name__in=StaffRole.values)).distinct()
    assert staff_accounts.count() >= 9
    assert not Participation.objects.filter(person__user__in=staff_accounts).exists()
    assert not Application.objects.filter(applicant__user__in=staff_accounts).exists()
    in_pair = (
        Q(coach__user__in=staff_accounts) | Q(mentee__user__in=staff_accounts) | Q(leader__user__in=staff_accounts)
    )
    assert not Pair.objects.filter(in_pair).exists()
    for model in (Observation, ScheduledObservation):
        rows = model.objects.all()
        assert rows.exists()
        own = rows.filter(Q(observer=F("pair__coach")) | Q(observer=F("pair__mentee")) | Q(observer=F("pair__leader")))
        assert not own.exists(), model
    assert not Observation.objects.filter(observer=F("observee")).exists()
    # last year's pairs are last year's mentees, not this year's again
    assert not Pair.objects.filter(
        program_year=past, mentee__in=Pair.objects.filter(program_year=year).values("mentee")
    )
    # a coach sits on the Advisory Panel, with a review of their own that they did not recommend on
    panel_coaches = advisory_panel_users(past).filter(person__coach_reviews__program_year=past)
    assert panel_coaches.exists() and advisory_panel_users(year).filter(pk__in=panel_coaches).exists()
    assert CoachReview.objects.filter(program_year=past, coach__user__in=panel_coaches).exists()
    assert PanelRecommendation.objects.filter(member__in=panel_coaches).exists()
    assert not PanelRecommendation.objects.filter(member=F("review__coach__user")).exists()
    # each year's panel has its chair, who is not the coach
    for panel_year in (past, year):
        chair = advisory_panel_chair(panel_year)
        assert chair is not None and chair not in panel_coaches
    # formative interviews: recorded with answers and still to hold this year; last year's reviews show some
    from evaluation.models import FormativeInterview

    this_year = FormativeInterview.objects.filter(program_year=year)
    assert this_year.filter(status="recorded", answers__isnull=False).exists()
    assert this_year.filter(status="scheduled", interviewer__in=panel_coaches).exists()  # ct1 holds one
    assert this_year.filter(status="scheduled", interviewee__user__in=panel_coaches).exists()  # and gives one
    assert FormativeInterview.objects.filter(
        program_year=past, coach__coach_reviews__program_year=past, interviewee_role="mentee"
    ).exists()
    assert not FormativeInterview.objects.filter(interviewer=F("interviewee__user")).exists()

    # the second year (issue 13): this year's first decisions carried out through the real workflow: a
    # CT continues next year with a renewed MOU for their leader to sign; another's pairs end with the year
    from evaluation.models import ReviewOutcome

    outcomes = {o.decision: o for o in ReviewOutcome.objects.filter(review__program_year=year)}
    assert set(outcomes) == {"continue", "discontinue"}
    renewal = outcomes["continue"].renewal
    assert renewal.program_year.starts_on > year.starts_on and renewal.renewal_of.program_year == year
    waiting = renewal.mous.get(status="requested")
    assert User.objects.filter(email=waiting.signer_email).exists(), "the leader can sign in to sign it"
    assert Pair.objects.filter(
        program_year=year, coach=outcomes["discontinue"].review.coach, end_scheduled_on=year.ends_on
    ).exists()

    # every demo record has its history (its creation record, written in bulk once the seed is made)
    for model in (Application, ReviewAssignment, Person, Pair, Meeting, ThirtyDayReport, Observation, ReviewOutcome):
        assert model.objects.exists()
        assert not model.objects.exclude(pk__in=model.history.values("id")).exists(), model

    # ct1's private calendar address is printed with the logins, and its calendar has their program dates
    import re

    from pac.calendar import events_for
    from pac.calendar_feeds import calendar_feed_user
    from pac.calendar_models import CalendarFeed

    [token] = re.findall(r"Calendar feed of ct1@pac\.demo\s+http://\S+/calendar/([\w-]{43})\.ics", out)
    ct1 = calendar_feed_user(token)
    assert ct1 is not None and ct1.email == "ct1@pac.demo"
    uids = [e.uid for e in events_for(ct1)]
    for kind in ("pac-meeting-", "pac-report-due-", "pac-observation"):
        assert any(uid.startswith(kind) for uid in uids), kind

    # video evidence (issue 15): ready clips uploaded and processed through the real path, feedback of
    # every kind with replies, observations (one logged as a clip-review meeting), a returned clip, one
    # waiting more than a week, clips shared with the leader and with EEC, and one in the library
    from django.utils import timezone

    from evidence.models import Clip, Comment, PracticeRating, VideoObservation, clip_storage
    from evidence.selectors import waiting_long_count

    clips = list(Clip.objects.filter(pair__program_year=year))
    assert len(clips) >= 6
    storage = clip_storage()
    for clip in clips:
        assert clip.status == Clip.Status.READY and clip.video and clip.poster, clip
        assert storage.exists(clip.video.name) and storage.exists(clip.poster.name), clip
    assert {c.pair.kind for c in clips} == {"ct_mentee", "ca_ma"}
    mentee1_clips = Clip.objects.filter(pair__mentee__email="mentee1@pac.demo", pair__coach__email="ct1@pac.demo")
    assert mentee1_clips.filter(from_coach=False).exists() and mentee1_clips.filter(from_coach=True).exists()
    assert Clip.objects.in_library().count() == 1
    assert Clip.objects.in_library().get().library_dimensions.count() == 2
    assert Clip.objects.exclude(captions="").exists()
    top_level = Comment.objects.filter(parent__isnull=True, is_private=False)
    assert set(top_level.values_list("kind", flat=True)) == set(Comment.Kind.values)
    assert top_level.filter(dimension__isnull=False).exists() and top_level.filter(goal__isnull=False).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(is_private=True).count() == 1
    assert PracticeRating.objects.exists()
    observed = VideoObservation.objects.filter(ratings__isnull=False).distinct()
    assert observed.count() == 2
    review = observed.get(meeting__isnull=False).meeting  # logged as a meeting of modality "video clip review"
    assert review.modality == Meeting.Modality.CLIP_REVIEW
    assert review.pair.started_on <= review.held_on <= min(year.ends_on, timezone.localdate())
    assert Clip.objects.filter(returned_at__isnull=False).count() == 1
    assert waiting_long_count(year) == 1, "staff see one clip waiting more than a week for feedback"
    assert Clip.objects.filter(shared_with_leader_at__isnull=False).exists()
    assert Clip.objects.filter(shared_with_eec_at__isnull=False).exists()
    assert not OutboundEmail.objects.exists(), "clip reminders are recorded, not emailed"
    clip_count = Clip.objects.count()

    # funding: the year's rules, stipend installments for CTs and CAs, a budget line per region and kind
    from funding.models import BudgetLine, FundingRules
    from funding.selectors import statement_of

    rules = FundingRules.objects.get(program_year=year)
    assert sorted(rules.installments.values_list("role", "number")) == [
        ("ca", 1),
        ("ca", 2),
        ("ct", 1),
        ("ct", 2),
        ("ct", 3),
    ]
    assert BudgetLine.objects.filter(program_year=year).count() == 18
    ct1_statement = statement_of(year, ct1.person)
    assert ct1_statement is not None and ct1_statement.stipend == rules.ct_stipend

    counts = (Program.objects.count(), User.objects.count(), Application.objects.count(), Participation.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert CalendarFeed.objects.count() == 1 and calendar_feed_user(token) == ct1
    assert DocumentJob.objects.count() == 1
    assert (
        Program.objects.count(),
        User.objects.count(),
        Application.objects.count(),
        Participation.objects.count(),
    ) == counts
    assert Clip.objects.count() == clip_count
    assert FundingRules.objects.count() == 1 and BudgetLine.objects.count() == 18
