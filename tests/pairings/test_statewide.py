"""Issue 14 (statewide scale): the pairing suggestion reads only the mentees still to pair, and only
what a candidate needs of each application; its page makes exactly the same queries at two sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application
from pairings import services
from pairings.models import Kind, Pair
from pairings.selectors import pool
from tests.pairings.factories import accepted
from tests.pairings.test_views import _bulk_accepted

pytestmark = pytest.mark.django_db


def test_the_pool_reads_only_the_mentees_still_to_pair(program_year, staff_user):
    coach = accepted("ct", program_year)
    paired = accepted("mentee", program_year)
    locked = accepted("mentee", program_year)
    waiting = accepted("mentee", program_year)
    ended = accepted("mentee", program_year)
    services.pair_propose(coach_application=coach, mentee_application=paired, actor=staff_user, confirm=True)
    other = accepted("ct", program_year)
    services.pair_propose(coach_application=other, mentee_application=locked, actor=staff_user)
    finished = services.pair_propose(
        coach_application=accepted("ct", program_year), mentee_application=ended, actor=staff_user, confirm=True
    )
    Pair.objects.filter(pk=finished.pk).update(status=Pair.Status.ENDED)
    the_pool = pool(program_year, Kind.CT_MENTEE)
    assert {m.application_id for m in the_pool.mentees} == {waiting.pk, ended.pk}
    assert not {paired.pk, locked.pk} & set(the_pool.applications)
    assert {c.application_id for c in the_pool.coaches} == {coach.pk, other.pk, finished.coach_application_id}


def test_the_pool_reads_only_what_a_candidate_and_the_page_need(program_year, django_assert_num_queries):
    mentee = accepted("mentee", program_year)
    the_pool = pool(program_year, Kind.CT_MENTEE)
    application = the_pool.applications[mentee.pk]
    deferred = application.get_deferred_fields()
    assert "reference" in deferred and "stage" in deferred  # the rest of the application stays unread
    with django_assert_num_queries(0):  # what the suggestion page shows of it is there
        assert application.program.name and application.get_program_type_display()
        assert application.applicant.full_name == mentee.applicant.full_name


def test_the_suggestion_is_the_same_whatever_the_paired_mentees(program_year, staff_user):
    coaches = [accepted("ct", program_year, region_number=r) for r in (1, 2)]
    mentees = [accepted("mentee", program_year, region_number=r) for r in (1, 1, 2)]
    _, before = services.suggestion_for(program_year, Kind.CT_MENTEE)
    extra = accepted("mentee", program_year, region_number=2)
    services.pair_propose(
        coach_application=accepted("ct", program_year, region_number=2),
        mentee_application=extra,
        actor=staff_user,
        confirm=True,
    )
    _, after = services.suggestion_for(program_year, Kind.CT_MENTEE)
    assert [(m.mentee.application_id, m.coach.application_id, m.score) for m in before.matches] == [
        (m.mentee.application_id, m.coach.application_id, m.score) for m in after.matches
    ]
    assert {m.mentee.application_id for m in after.matches} <= {m.pk for m in mentees}
    assert {m.coach.application_id for m in after.matches} <= {c.pk for c in coaches}


SUGGESTION_QUERIES = 14


def test_the_suggestion_page_makes_the_same_queries_for_30_and_930_applicants(
    client, staff_user, program_year, django_assert_num_queries
):
    def pair_some(n):
        coaches = list(Application.objects.filter(role="ct").order_by("-pk")[:n])
        mentees = list(
            Application.objects.filter(role="mentee")
            .exclude(pk__in=Pair.objects.values("mentee_application"))
            .order_by("-pk")[:n]
        )
        for coach, mentee in zip(coaches, mentees, strict=False):
            if coach.program.region_id == mentee.program.region_id:
                services.pair_propose(
                    coach_application=coach, mentee_application=mentee, actor=staff_user, confirm=True
                )

    _bulk_accepted(program_year, 30)
    pair_some(3)
    client.force_login(staff_user)
    url = reverse("pairings:suggest") + f"?year={program_year.pk}"
    client.get(url)
    with django_assert_num_queries(SUGGESTION_QUERIES):
        assert client.get(url).status_code == 200
    _bulk_accepted(program_year, 900)
    with django_assert_num_queries(SUGGESTION_QUERIES):
        assert client.get(url).status_code == 200
    assert Application.objects.filter(role="mentee").count() > 600
