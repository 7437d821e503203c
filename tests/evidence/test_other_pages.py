"""What video evidence adds to earlier pages: the pair progress PDF and the six-month coach review
gain clips shared, clips reviewed and the median days to first feedback; staff's coaching overview
and My work flag clips waiting more than a week; the workspace links to the clips."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import coach_reviews, pair_report
from evaluation.models import CoachReview
from evidence import services
from evidence.models import Clip
from tests.coaching.factories import active_pair
from tests.evaluation.test_pair_report import pdf_text
from tests.evidence.factories import ready_clip
from tests.factories import panel_seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(pair, clip_file):
    """Two clips: one answered two days after it was shared, one waiting nine days."""
    now = timezone.now()
    answered = ready_clip(pair, path=clip_file, title="Answered")
    services.comment_add(clip=answered, actor=pair.coach.user, text="Warm", kind="strength")
    Clip.objects.filter(pk=answered.pk).update(
        created_at=now - datetime.timedelta(days=5), first_feedback_at=now - datetime.timedelta(days=3)
    )
    waiting = ready_clip(pair, path=clip_file, title="Waiting")
    Clip.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(days=9))
    return pair


def test_the_pair_progress_pdf_counts_the_clips(reviewed, staff_user):
    text = pdf_text(pair_report.pair_progress_report(reviewed, user=staff_user))
    assert "Video clips" in text
    assert "2 clips shared by the mentee, 1 reviewed by the coach" in text.replace("\n", " ")
    assert "median 2.0 days" in text
    assert "Answered" not in text  # counts, never the clips' titles


def test_the_six_month_review_shows_the_coachs_turnaround(client, program_year, staff_user, clip_file):
    pair = active_pair(program_year, staff_user, started_on=timezone.localdate() - datetime.timedelta(days=190))
    for _ in range(3):
        panel_seat(program_year)
    assert coach_reviews.reviews_open() == 1
    review = CoachReview.objects.get()
    clip = ready_clip(pair, path=clip_file)
    services.comment_add(clip=clip, actor=pair.coach.user, text="Warm", kind="strength")
    figures = coach_reviews.review_figures(review, include_free_text=True)
    assert (figures.clips.shared, figures.clips.reviewed) == (1, 1)
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:coach_review", args=[review.pk])).content.decode()
    assert "Video clips" in page and "1</strong> of 1 shared clips reviewed" in page


def test_staff_overview_and_my_work_flag_clips_waiting_a_week(client, reviewed, staff_user):
    client.force_login(staff_user)
    overview = client.get(reverse("coaching:overview")).content.decode()
    assert "1 video clip waiting more than 7 days" in overview
    assert reverse("evidence:staff") in overview
    my_work = client.get(reverse("pac:my_work")).content.decode()
    assert "1 clip waiting more than 7 days for feedback" in my_work
    staff_page = client.get(reverse("evidence:staff")).content.decode()
    assert 'badge text-bg-danger">1<' in staff_page and "Answered" not in staff_page


def test_the_workspace_links_to_the_clips(client, pair):
    client.force_login(pair.mentee.user)
    page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert reverse("evidence:clips", args=[pair.pk]) in page
