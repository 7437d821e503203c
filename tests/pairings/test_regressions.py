"""Regression tests for defects found in review of pairings and coaching."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services as coaching
from pac.workflow import TransitionError
from pairings import services
from pairings.models import Pair
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db


def test_non_numeric_ids_on_the_suggestion_page_are_not_errors(client, staff_user, program_year):
    client.force_login(staff_user)
    url = reverse("pairings:suggest") + f"?year={program_year.pk}"
    for data in ({"action": "unlock", "pair": "abc"}, {"action": "waive", "mentee_person": "abc", "reason": "x"}):
        assert client.post(url, data).status_code == 404


def test_a_region_waiver_is_only_for_the_years_accepted_mentees(client, staff_user, program_year):
    coach = accepted("ct", program_year)
    client.force_login(staff_user)
    response = client.post(
        reverse("pairings:suggest") + f"?year={program_year.pk}",
        {"action": "waive", "mentee_person": coach.applicant_id, "reason": "x"},
    )
    assert response.status_code == 404


def test_a_locked_pair_is_told_to_nobody_until_confirmed(client, staff_user, program_year):
    coach, mentee = accepted("ct", program_year), accepted("mentee", program_year)
    pair = services.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff_user)
    client.force_login(mentee.applicant.user)
    assert client.get(reverse("pairings:detail", args=[pair.pk])).status_code == 404
    assert coach.applicant.email not in client.get(reverse("pairings:mine")).content.decode()
    assert coach.applicant.email not in client.get(reverse("pac:my_work")).content.decode()
    services.pair_confirm(pair=pair, actor=staff_user)
    assert client.get(reverse("pairings:detail", args=[pair.pk])).status_code == 200


def test_the_training_page_needs_a_program_year(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("coaching:training"), {"kind": "training", "title": "T", "held_on": "2026-01-01", "hours": "2"}
    )
    assert response.status_code == 403


def test_a_meeting_of_an_ended_pair_cannot_be_confirmed(staff_user, program_year):
    from tests.coaching.test_views import make_pair

    pair = make_pair(program_year, staff_user)
    meeting = coaching.meeting_log(
        pair=pair,
        actor=pair.coach.user,
        held_on=timezone.localdate(),
        duration_minutes=60,
        modality="video",
        purpose="observation",
    )
    services.pair_end(pair=pair, actor=staff_user, end_kind=Pair.EndKind.COMPLETED)
    with pytest.raises(TransitionError, match="not active"):
        coaching.meeting_confirm(meeting=meeting, actor=pair.mentee.user)


def test_a_note_before_the_goal_exists_gets_a_message(client, staff_user, program_year):
    from tests.coaching.test_views import make_pair

    pair = make_pair(program_year, staff_user)
    client.force_login(pair.coach.user)
    response = client.post(reverse("coaching:goal_new", args=[pair.pk]), {"action": "note", "text": "early"})
    assert response.status_code == 400
    assert "Save the goal before adding progress notes." in response.content.decode()


def test_lowering_a_capacity_below_a_live_pair_in_the_admin_says_why(client, staff_user):
    from django.contrib.messages import get_messages

    from pairings.models import Capacity
    from tests.pairings.factories import PairFactory

    pair = PairFactory(coach_slot=2)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:pairings_capacity_add"),
        {"program_year": pair.program_year_id, "coach": pair.coach_id, "capacity": 1, "note": ""},
    )
    assert response.status_code in (200, 302)
    assert any("before lowering their capacity below 2" in str(m) for m in get_messages(response.wsgi_request))
    assert not Capacity.objects.filter(coach=pair.coach, capacity=1).exists()
