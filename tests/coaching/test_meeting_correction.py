"""A meeting is corrected by the coach who logged it (every version kept in its history) or withdrawn
with a reason, never deleted; a withdrawn meeting stays visible as withdrawn and no longer counts.
The reason for a length outside 60–90 minutes is shown wherever the warning is."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from coaching import selectors, services
from coaching.models import Meeting
from tests.coaching.factories import active_pair, refused
from tests.evaluation.test_pair_report import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, started_on=TODAY() - 70 * DAY, with_leader=True)


@pytest.fixture
def other(program_year, staff_user):
    return active_pair(program_year, staff_user, started_on=TODAY() - 70 * DAY, region=2, with_leader=True)


def log(pair, actor=None, **kw):
    fields = {
        "held_on": TODAY() - 2 * DAY,
        "duration_minutes": 75,
        "modality": "in_person",
        "purpose": "observation",
        "notes": "Circle time",
    }
    fields.update(kw)
    return services.meeting_log(pair=pair, actor=actor or pair.coach.user, **fields)


# --- services ------------------------------------------------------------------------------------


def test_the_coach_corrects_a_meeting_and_its_history_keeps_both_versions(pair):
    m = log(pair)
    services.meeting_update(meeting=m, actor=pair.coach.user, duration_minutes=45, duration_reason="Fire drill")
    m.refresh_from_db()
    assert m.duration_minutes == 45 and m.duration_reason == "Fire drill"
    versions = list(m.history.order_by("history_date").values_list("duration_minutes", flat=True))
    assert versions == [75, 45]
    assert "Corrected by" in m.history.latest().history_change_reason


def test_correcting_a_confirmed_fact_asks_the_mentee_again_notes_do_not(pair):
    m = log(pair)
    services.meeting_confirm(meeting=m, actor=pair.mentee.user)
    services.meeting_update(meeting=m, actor=pair.coach.user, notes="Circle time and snack")
    m.refresh_from_db()
    assert m.mentee_confirmed_at is not None  # the coach's notes are not what the mentee confirmed
    services.meeting_update(meeting=m, actor=pair.coach.user, held_on=TODAY() - 3 * DAY)
    m.refresh_from_db()
    assert m.mentee_confirmed_at is None
    assert m.history.filter(mentee_confirmed_at__isnull=False).exists()  # the earlier confirmation is on record


@pytest.mark.parametrize("who", ["mentee", "leader", "other coach"])
def test_only_the_coach_who_logged_it_corrects_or_withdraws(pair, other, who):
    m = log(pair)
    actor = {"mentee": pair.mentee.user, "leader": pair.leader.user, "other coach": other.coach.user}[who]
    with refused("Only the coach who logged this meeting"):
        services.meeting_update(meeting=m, actor=actor, duration_minutes=30)
    with refused("Only the coach who logged this meeting"):
        services.meeting_withdraw(meeting=m, actor=actor, reason="no")
    m.refresh_from_db()
    assert m.duration_minutes == 75 and m.withdrawn_at is None


def test_staff_may_correct_and_a_coach_may_not_correct_what_staff_logged(pair, staff_user):
    m = log(pair, actor=staff_user)
    with refused("Only the coach who logged this meeting"):
        services.meeting_update(meeting=m, actor=pair.coach.user, duration_minutes=30)
    services.meeting_update(meeting=m, actor=staff_user, duration_minutes=30)
    assert staff_user.has_perm("coaching.correct_meeting", m)
    assert not pair.coach.user.has_perm("coaching.correct_meeting", m)


def test_a_correction_is_checked_like_a_new_meeting(pair):
    m = log(pair)
    with refused("cannot be logged before it happens"):
        services.meeting_update(meeting=m, actor=pair.coach.user, held_on=TODAY() + DAY)


def test_withdrawing_needs_a_reason_keeps_the_row_and_stops_counting_it(pair):
    last_month = TODAY().replace(day=1) - DAY
    m = log(pair, held_on=last_month)
    assert not any(
        month == last_month.replace(day=1) and no_meeting
        for month, no_meeting, _ in selectors.month_flags([pair])[pair.pk]
    )
    with refused("Say why"):
        services.meeting_withdraw(meeting=m, actor=pair.coach.user, reason="  ")
    services.meeting_withdraw(meeting=m, actor=pair.coach.user, reason="Logged for the wrong pair")
    m.refresh_from_db()
    assert m.is_withdrawn and m.withdrawal_reason == "Logged for the wrong pair" and m.withdrawn_by == pair.coach.user
    assert Meeting.objects.filter(pk=m.pk).exists() and not Meeting.objects.held().filter(pk=m.pk).exists()
    flags = {month: no_meeting for month, no_meeting, _ in selectors.month_flags([pair])[pair.pk]}
    assert flags[last_month.replace(day=1)] is True
    overview = {p.pk: p for p, _ in selectors.staff_overview(pair.program_year)}
    assert overview[pair.pk].meeting_count == 0
    with refused("withdrawn"):
        services.meeting_update(meeting=m, actor=pair.coach.user, duration_minutes=60)
    with refused("withdrawn"):
        services.meeting_confirm(meeting=m, actor=pair.mentee.user)


def test_the_admin_never_deletes_a_meeting(pair, rf, staff_user):
    request = rf.get("/")
    request.user = staff_user
    assert site._registry[Meeting].has_delete_permission(request, log(pair)) is False


# --- pages ---------------------------------------------------------------------------------------


def test_the_coach_corrects_a_meeting_on_its_page(client, pair):
    m = log(pair, duration_minutes=75)
    client.force_login(pair.coach.user)
    url = reverse("coaching:meeting_edit", args=[pair.pk, m.pk])
    form = client.get(url)
    assert form.status_code == 200 and "History of this meeting" in form.content.decode()
    response = client.post(
        url,
        {
            "held_on": m.held_on.isoformat(),
            "duration_minutes": "40",
            "duration_reason": "The classroom closed early",
            "modality": "in_person",
            "purpose": "observation",
            "notes": "Circle time",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Meeting corrected." in html and "Outside 60–90 minutes: The classroom closed early" in html
    m.refresh_from_db()
    assert m.duration_minutes == 40 and m.history.count() == 2


@pytest.mark.parametrize("who", ["mentee", "leader", "other coach"])
def test_others_cannot_open_the_correction_pages(client, pair, other, who):
    m = log(pair)
    user = {"mentee": pair.mentee.user, "leader": pair.leader.user, "other coach": other.coach.user}[who]
    client.force_login(user)
    expected = 404 if who == "other coach" else 403  # another pair is hidden, not forbidden
    assert client.get(reverse("coaching:meeting_edit", args=[pair.pk, m.pk])).status_code == expected
    assert client.post(reverse("coaching:meeting_withdraw", args=[pair.pk, m.pk]), {"reason": "x"}).status_code == (
        expected
    )
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert reverse("coaching:meeting_edit", args=[pair.pk, m.pk]) not in workspace
    m.refresh_from_db()
    assert m.withdrawn_at is None


def test_withdrawing_on_its_page_asks_for_a_reason_and_shows_it_to_the_pair(client, pair, staff_user):
    m = log(pair)
    client.force_login(pair.coach.user)
    url = reverse("coaching:meeting_withdraw", args=[pair.pk, m.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Say why the meeting is withdrawn." in response.content.decode()
    client.post(url, {"reason": "Logged twice"})
    for user in (pair.coach.user, pair.mentee.user, pair.leader.user, staff_user):
        client.force_login(user)
        html = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
        assert "Withdrawn" in html and "Logged twice" in html
    client.force_login(pair.mentee.user)
    assert (
        "Confirm this meeting took place"
        not in client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    )


def test_the_reason_for_an_unusual_length_is_shown_with_the_warning_everywhere(client, pair, staff_user):
    log(pair, duration_minutes=30, duration_reason="Mentee called in sick halfway")
    log(pair, duration_minutes=120, held_on=TODAY() - 5 * DAY)  # no reason given
    client.force_login(pair.mentee.user)
    html = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Outside 60–90 minutes: Mentee called in sick halfway" in html
    assert "Outside 60–90 minutes (no reason given)" in html
    client.force_login(staff_user)
    text = pdf_text(client.get(reverse("evaluation:pair_progress_pdf", args=[pair.pk])).content)
    assert "Mentee called in sick halfway" in " ".join(text.split())
    # the 30-day report starts from the period's meetings, with the same note
    # the coach's draft starts from the period's meetings, with the same note
    report = services.reports_open(pair=pair)[-1]
    assert report.period == 3
    assert "mentee called in sick halfway" in selectors.report_draft_answers(report)["actions"]
