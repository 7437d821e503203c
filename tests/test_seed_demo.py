"""seed_demo as a newcomer runs it: every region, program type and role; applications at every
stage with reviews in every region; idempotent. One test, since seeding takes a while."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from applications.models import Application, ReviewAssignment, Stage
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
    # program roles come from accepted applications and signed MOUs, not from a hand-made list
    roles = set(Participation.objects.values_list("role", flat=True))
    assert roles == set(ProgramRole.values)
    assert not Participation.objects.filter(source=Participation.Source.DEMO).exists()
    assert not OutboundEmail.objects.exists(), "demo data does not email anyone"
    accepted = dict(
        Application.objects.filter(stage=Stage.ACCEPTED, program_year=year).values_list("role").annotate(n=Count("pk"))
    )
    assert accepted == {"ct": 12, "mentee": 12, "ca": 6, "ma": 6}

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

    from pac.documents.models import DocumentJob

    report = DocumentJob.objects.get(kind="evaluation.cohort_report")
    assert report.requested_by == staff and report.status == DocumentJob.Status.DONE, report.error
    assert report.file.read(5) == b"%PDF-"

    counts = (Program.objects.count(), User.objects.count(), Application.objects.count(), Participation.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert DocumentJob.objects.count() == 1
    assert (
        Program.objects.count(),
        User.objects.count(),
        Application.objects.count(),
        Participation.objects.count(),
    ) == counts
