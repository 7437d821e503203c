"""Evaluation pages at statewide scale (issue 14): the observation schedule pages, filters and
counts in the database; the observer's assignments page; the survey rounds' and coach reviews'
counts are subqueries and the coaches not yet surveyed are capped; the observations list reads
without DISTINCT; the second-year overview pages; the cohort's growth is summarised in the
database. Each keeps its permissions, and its query count at two sizes of data."""

from __future__ import annotations

import datetime
import re

import pytest
import rules
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from evaluation import coach_reviews, selectors
from evaluation.models import (
    CoachReview,
    Dimension,
    DimensionResult,
    Instrument,
    Observation,
    PanelRecommendation,
    ScheduledObservation,
)
from evaluation.permissions import observations_visible_to
from evaluation.selectors import schedule_counts, schedule_pairs
from evaluation.stats import improvement, paired_growth
from pac.models import Person
from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record
from tests.evaluation.surveys.factories import raw_round, small_survey
from tests.evaluation.test_scale import bulk_observed_pairs
from tests.factories import PersonFactory, UserFactory
from tests.lists import listed, with_query

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _schedule(pairs, staff_user, time_point: str, *, due_in_days: int, observer=None) -> None:
    ScheduledObservation.objects.bulk_create(
        [
            ScheduledObservation(
                pair=pair,
                time_point=time_point,
                window_opens=TODAY() + datetime.timedelta(days=due_in_days - 10),
                due_by=TODAY() + datetime.timedelta(days=due_in_days),
                observer=observer,
                scheduled_by=staff_user,
            )
            for pair in pairs
        ]
    )


@pytest.fixture
def year_of_pairs(program_year, staff_user):
    """60 pairs of the year: 20 with pre and post recorded; 20 with the pre recorded and the post
    scheduled, due in a month; 20 with nothing recorded, the pre overdue and the post not scheduled."""
    pairs = bulk_observed_pairs(program_year, 60)
    Observation.objects.filter(pair__in=pairs[20:], time_point="post").delete()
    Observation.objects.filter(pair__in=pairs[40:], time_point="pre").delete()
    _schedule(pairs[20:40], staff_user, "post", due_in_days=30)
    _schedule(pairs[40:], staff_user, "pre", due_in_days=-3)
    return pairs


def _schedule_url(program_year, **query) -> str:
    return with_query(reverse("evaluation:schedule"), year=program_year.pk, **query)


# --- the observation schedule ------------------------------------------------------------------------


def test_the_schedule_pages_fifty_pairs_and_counts_the_whole_year(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    first = client.get(_schedule_url(program_year))
    assert len(listed(first)) == 50
    assert first.context["counts"] == {
        "pairs": 60,
        "recorded": 20 * 2 + 20,
        "scheduled": 20,
        "overdue": 20,
        "missing": 20,
    }
    second = client.get(_schedule_url(program_year, page=2))
    assert len(listed(second)) == 10
    assert {p.pk for p in listed(first) + listed(second)} == {p.pk for p in year_of_pairs}
    html = second.content.decode()
    assert "60 pairs." in html and "Page </span>1" in html
    # the schedule and change links keep the page, so staff come back to the same rows
    assert re.search(r'href="\?[^"]*page=2[^"]*pair=\d+[^"]*time_point=post#schedule-one"', html)


def test_the_schedule_filters_in_the_database(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    overdue = client.get(_schedule_url(program_year, state="overdue"))
    assert {p.pk for p in listed(overdue)} == {p.pk for p in year_of_pairs[40:]}
    assert overdue.context["counts"] == {"pairs": 20, "recorded": 0, "scheduled": 0, "overdue": 20, "missing": 20}
    missing = client.get(_schedule_url(program_year, missing=1))
    assert {p.pk for p in listed(missing)} == {p.pk for p in year_of_pairs[20:]}
    ticked = client.get(_schedule_url(program_year, missing="on"))  # the box itself sends "on"
    assert {p.pk for p in listed(ticked)} == {p.pk for p in year_of_pairs[20:]}
    for unticked in ({}, {"missing": 0}):
        page = client.get(_schedule_url(program_year, **unticked))
        assert len(listed(page)) == 50 and "Clear filters" not in page.content.decode()
    scheduled = client.get(_schedule_url(program_year, state="scheduled"))
    assert {p.pk for p in listed(scheduled)} == {p.pk for p in year_of_pairs[20:40]}
    one = year_of_pairs[7]
    found = listed(client.get(_schedule_url(program_year, q=one.mentee.last_name)))
    assert one in found and all(one.mentee.last_name in p.mentee.last_name for p in found)
    region = one.mentee.program.region.number
    in_region = listed(client.get(_schedule_url(program_year, region=region)))
    assert in_region and all(p.mentee.program.region.number == region for p in in_region)
    empty = client.get(_schedule_url(program_year, q="nobody-at-all"))
    assert listed(empty) == [] and "No pairs match these filters." in empty.content.decode()
    bad = client.get(_schedule_url(program_year, state="late"))
    assert len(listed(bad)) == 50 and "Not understood, so not applied" in bad.content.decode()


def test_the_schedule_sorts_by_mentee(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    rows = listed(client.get(_schedule_url(program_year, sort="-mentee")))
    names = [(p.mentee.last_name, p.mentee.first_name) for p in rows]
    assert names == sorted(names, reverse=True)


def test_the_one_pair_form_offers_the_page_and_the_chosen_pair(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    page = client.get(_schedule_url(program_year))
    on_page = {p.pk for p in listed(page)}
    offered = {value for value, _ in page.context["form"].fields["pair"].widget.choices if value}
    assert offered == on_page
    elsewhere = next(p for p in year_of_pairs if p.pk not in on_page)
    chosen = client.get(_schedule_url(program_year, pair=elsewhere.pk, time_point="post"))
    offered = {value for value, _ in chosen.context["form"].fields["pair"].widget.choices if value}
    assert elsewhere.pk in offered and chosen.context["form"]["pair"].value() == elsewhere.pk
    assert f'<option value="{elsewhere.pk}" selected>' in chosen.content.decode()


def test_a_pair_on_another_page_can_still_be_scheduled(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    on_page = {p.pk for p in listed(client.get(_schedule_url(program_year)))}
    elsewhere = next(p for p in year_of_pairs[40:] if p.pk not in on_page)
    response = client.post(
        _schedule_url(program_year),
        {
            "action": "one",
            "pair": elsewhere.pk,
            "time_point": "post",
            "window_opens": TODAY().isoformat(),
            "due_by": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert ScheduledObservation.objects.filter(pair=elsewhere, time_point="post").exists()
    bulk = client.post(
        _schedule_url(program_year, page=2),
        {
            "action": "bulk",
            "pairs": [p.pk for p in year_of_pairs[40:]],
            "time_point": "post",
            "window_opens": TODAY().isoformat(),
            "due_by": (TODAY() + datetime.timedelta(days=9)).isoformat(),
        },
    )
    assert bulk.status_code == 302
    assert ScheduledObservation.objects.filter(pair__in=year_of_pairs[40:], time_point="post").count() == 20


def test_a_bad_bulk_form_keeps_the_picked_boxes_on_the_page(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    picked = year_of_pairs[0]
    response = client.post(
        _schedule_url(program_year),
        {"action": "bulk", "pairs": [picked.pk], "time_point": "pre", "window_opens": "2026-12-10", "due_by": "x"},
    )
    assert response.status_code == 400
    assert f'value="{picked.pk}" id="pick-{picked.pk}" checked>' in response.content.decode()


@pytest.mark.parametrize("who", ["observer", "evaluator", "coach", "plain"])
def test_only_staff_open_the_schedule_whatever_its_filters(
    client, program_year, year_of_pairs, observer, evaluator, who
):
    users = {
        "observer": observer,
        "evaluator": evaluator,
        "coach": year_of_pairs[0].coach.user or UserFactory(),
        "plain": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(_schedule_url(program_year, state="overdue", page=2)).status_code == 403


@pytest.mark.parametrize("query", [{}, {"missing": 1, "sort": "coach"}, {"state": "overdue", "q": "p", "page": 2}])
def test_the_schedule_makes_the_same_queries_for_60_and_260_pairs(
    client, staff_user, program_year, year_of_pairs, query, django_assert_num_queries
):
    client.force_login(staff_user)
    url = _schedule_url(program_year, **query)
    client.get(url)  # the session and caches settle
    with django_assert_num_queries(14) as small:
        assert client.get(url).status_code == 200
    more = bulk_observed_pairs(program_year, 200, seed=5)
    _schedule(more[100:], staff_user, "pre", due_in_days=-1)
    Observation.objects.filter(pair__in=more[100:]).delete()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_staff_my_work_counts_the_schedule_in_one_query(client, staff_user, program_year, year_of_pairs):
    client.force_login(staff_user)
    panel = client.get(reverse("pac:my_work"))
    html = panel.content.decode()
    assert f"?year={program_year.pk}&amp;state=overdue" in html and "20 observations" in html
    assert schedule_counts(schedule_pairs(program_year))["missing"] == 20


def test_staff_my_work_is_flat_in_the_number_of_pairs(
    client, staff_user, program_year, year_of_pairs, django_assert_max_num_queries
):
    """Cold (the whole year's figures computed) and warm (read from the cache under the version of
    their rows, pac.versioned), the same queries at both sizes."""
    from django.core.cache import cache

    client.force_login(staff_user)
    client.get(reverse("pac:my_work"))
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            bulk_observed_pairs(program_year, 200, seed=6)
        cache.clear()
        for state in ("cold", "warm"):
            with django_assert_max_num_queries(80) as queries:
                assert client.get(reverse("pac:my_work")).status_code == 200
            counts[size, state] = len(queries.captured_queries)
    assert counts["small", "cold"] == counts["large", "cold"]
    assert counts["small", "warm"] == counts["large", "warm"]
    assert counts["small", "warm"] < counts["small", "cold"]  # the figures came from the cache


# --- the observations list -------------------------------------------------------------------------


@pytest.fixture
def observers_work(program_year, staff_user):
    """An observer with 25 scheduled pre observations (none recorded) and two recorded ones."""
    observer = certified_observer("pre_k")
    pairs = [active_pair(program_year, staff_user, region=1 + n % 6) for n in range(25)]
    for n, pair in enumerate(pairs):
        ScheduledObservation.objects.create(
            pair=pair,
            time_point="pre",
            window_opens=TODAY(),
            due_by=TODAY() + datetime.timedelta(days=n + 1),
            observer=observer,
            scheduled_by=staff_user,
        )
    recorded = [record(pairs[0], "post", 4, observer=observer), record(pairs[1], "post", 5, observer=observer)]
    return observer, pairs, recorded


def test_an_observers_assignments_come_twenty_at_a_time(client, observers_work):
    observer, pairs, _ = observers_work
    client.force_login(observer.user)
    url = reverse("evaluation:observations")
    first = client.get(url)
    assert [s.pair_id for s in first.context["assignments"]] == [p.pk for p in pairs[:20]]  # soonest due first
    assert "Showing 1–20 of 25, soonest due first." in first.content.decode()
    second = client.get(with_query(url, due_page=2, page=1))
    assert [s.pair_id for s in second.context["assignments"]] == [p.pk for p in pairs[20:]]
    assert "due_page=1&amp;page=1#scheduled-for-you" in second.content.decode()
    assert [s.pair_id for s in client.get(with_query(url, due_page="x")).context["assignments"]][0] == pairs[0].pk
    assert len(listed(second)) == 2  # the recorded observations' own table is unaffected


def test_the_observations_list_agrees_with_the_rule(client, program_year, staff_user, observers_work):
    """``observations_visible_to`` (no DISTINCT any more) gives exactly what ``view_observation``
    allows: staff all; the observer theirs; a pair's members theirs, not a proposed pair's."""
    observer, pairs, recorded = observers_work
    with_leader = active_pair(program_year, staff_user, with_leader=True)
    theirs = record(with_leader, "pre", 3)
    other = record(pairs[2], "pre", 4)
    proposed_pair = active_pair(program_year, staff_user)
    hidden = record(proposed_pair, "pre", 4)
    Pair.objects.filter(pk=proposed_pair.pk).update(status=Pair.Status.PROPOSED)
    users = [
        staff_user,
        observer.user,
        with_leader.coach.user,
        with_leader.mentee.user,
        with_leader.leader.user,
        proposed_pair.mentee.user,
        other.recorded_by,
        UserFactory(),
    ]
    everything = list(Observation.objects.select_related("pair", "observer"))
    for user in [u for u in users if u is not None]:
        visible = list(observations_visible_to(user).order_by("pk"))
        assert len(visible) == len({o.pk for o in visible})  # no duplicates without DISTINCT
        allowed = {o.pk for o in everything if rules.has_perm("evaluation.view_observation", user, o)}
        assert {o.pk for o in visible} == allowed, user
    assert theirs in observations_visible_to(with_leader.leader.user)
    assert hidden not in observations_visible_to(proposed_pair.mentee.user)
    assert set(observations_visible_to(observer.user)) >= set(recorded)


def test_the_observers_page_makes_the_same_queries_for_more_assignments(
    client, program_year, staff_user, observers_work, django_assert_num_queries
):
    observer, _, _ = observers_work
    client.force_login(observer.user)
    url = with_query(reverse("evaluation:observations"), due_page=2)
    client.get(url)
    with django_assert_num_queries(20) as small:
        assert client.get(url).status_code == 200
    instrument = Instrument.objects.get(code="pre_k")
    for n in range(10):
        pair = active_pair(program_year, staff_user, region=1 + n % 6)
        ScheduledObservation.objects.create(
            pair=pair,
            time_point="pre",
            window_opens=TODAY(),
            due_by=TODAY() + datetime.timedelta(days=40 + n),
            observer=observer,
            scheduled_by=staff_user,
        )
        record(pair, "mid", 4, observer=observer, instrument=instrument.code)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- survey rounds ----------------------------------------------------------------------------------


def test_the_rounds_counts_are_each_rounds_own(client, staff_user, program_year):
    survey = small_survey()
    busy = raw_round(survey, PersonFactory(), program_year, staff_user, invited=5, answered=3)
    quiet = raw_round(survey, PersonFactory(), program_year, staff_user, invited=2, answered=0)
    empty = raw_round(survey, PersonFactory(), program_year, staff_user, invited=0, answered=0)
    busy.invitations.filter(answered_at__isnull=True).update(reminders_sent=2)
    quiet.invitations.update(sent_at=None)
    client.force_login(staff_user)
    rows = {r.pk: r for r in listed(client.get(with_query(reverse("evaluation:survey_rounds"), year=program_year.pk)))}
    assert (rows[busy.pk].invited, rows[busy.pk].answered, rows[busy.pk].reminders) == (5, 3, 4)
    assert (rows[quiet.pk].invited, rows[quiet.pk].answered, rows[quiet.pk].unsent) == (2, 0, 2)
    assert (rows[empty.pk].invited, rows[empty.pk].rate) == (0, None)


def test_the_coaches_not_surveyed_are_capped_with_their_number(client, staff_user, program_year):
    pairs = bulk_observed_pairs(program_year, 25)
    client.force_login(staff_user)
    response = client.get(with_query(reverse("evaluation:survey_rounds"), year=program_year.pk))
    assert len(response.context["not_surveyed"]) == 20 and response.context["not_surveyed_count"] == 25
    html = response.content.decode()
    assert "25 coaches have no survey" in html and "the first 20 by name are listed" in html
    shown = [c.pk for c in response.context["not_surveyed"]]
    by_name = list(
        Person.objects.filter(pk__in=[p.coach_id for p in pairs])
        .order_by("last_name", "first_name")
        .values_list("pk", flat=True)[:20]
    )
    assert shown == by_name


def test_the_rounds_page_makes_the_same_queries_for_more_coaches(
    client, staff_user, program_year, django_assert_num_queries
):
    survey = small_survey()
    bulk_observed_pairs(program_year, 5)
    raw_round(survey, PersonFactory(), program_year, staff_user, invited=3, answered=1)
    client.force_login(staff_user)
    url = with_query(reverse("evaluation:survey_rounds"), year=program_year.pk)
    client.get(url)
    with django_assert_num_queries(12) as small:
        assert client.get(url).status_code == 200
    bulk_observed_pairs(program_year, 40, seed=9)
    for _ in range(60):
        raw_round(survey, PersonFactory(), program_year, staff_user, invited=2, answered=1)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- second year, coach reviews ----------------------------------------------------------------------


def _decided_reviews(program_year, staff_user, n: int) -> list[CoachReview]:
    coaches = Person.objects.bulk_create(
        [Person(first_name="Coach", last_name=f"N{n:03d}-{i:03d}", email=f"c{n}-{i}@example.org") for i in range(n)]
    )
    return CoachReview.objects.bulk_create(
        [
            CoachReview(
                program_year=program_year,
                coach=coach,
                role="ct",
                due_on=TODAY(),
                decision="continue" if i % 3 else "discontinue",
                decided_by=staff_user,
                decided_at=timezone.now(),
            )
            for i, coach in enumerate(coaches)
        ]
    )


def test_the_second_year_overview_pages_fifty_decisions(client, staff_user, program_year):
    reviews = _decided_reviews(program_year, staff_user, 55)
    client.force_login(staff_user)
    url = with_query(reverse("evaluation:second_year"), year=program_year.pk)
    first = client.get(url)
    assert len(first.context["rows"]) == 50 and "55 decisions." in first.content.decode()
    assert first.content.decode().count('data-testid="second-year-row"') == 50
    second = client.get(with_query(url, page=2))
    assert [row.review.pk for row in second.context["rows"]] == [r.pk for r in reviews[50:]]  # by coach name
    assert "Recorded before PAC carried decisions out" in second.content.decode()
    by_decision = client.get(with_query(url, sort="-decision")).context["rows"]
    assert by_decision[0].review.decision == "discontinue"


@pytest.mark.parametrize("who", ["observer", "evaluator", "plain"])
def test_only_staff_open_the_second_year_overview_on_any_page(client, program_year, observer, evaluator, who):
    client.force_login({"observer": observer, "evaluator": evaluator, "plain": UserFactory()}[who])
    url = with_query(reverse("evaluation:second_year"), year=program_year.pk, page=2, sort="decision")
    assert client.get(url).status_code == 403


def test_the_second_year_overview_makes_the_same_queries_for_more_pages(
    client, staff_user, program_year, django_assert_num_queries
):
    _decided_reviews(program_year, staff_user, 5)
    client.force_login(staff_user)
    url = with_query(reverse("evaluation:second_year"), year=program_year.pk, page=1)
    client.get(url)
    with django_assert_num_queries(13) as small:
        assert client.get(url).status_code == 200
    _decided_reviews(program_year, staff_user, 120)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_coach_review_counts_leave_out_only_the_coachs_own_recommendation(client, staff_user, program_year):
    with_account, without_account = (
        _decided_reviews(program_year, staff_user, 1)[0],
        _decided_reviews(program_year, staff_user, 2)[1],
    )
    CoachReview.objects.filter(pk__in=[with_account.pk, without_account.pk]).update(
        decision="", decided_by=None, decided_at=None
    )
    own = UserFactory()
    Person.objects.filter(pk=with_account.coach_id).update(user=own)
    members = [UserFactory() for _ in range(3)]
    for review in (with_account, without_account):
        for member, choice in zip(members, ["continue", "continue", "discontinue"], strict=True):
            PanelRecommendation.objects.create(review=review, member=member, recommendation=choice, comments="ok")
    PanelRecommendation.objects.create(review=with_account, member=own, recommendation="continue", comments="me")
    counts = {r.pk: (r.recommended, r.to_continue) for r in coach_reviews.reviews_for(program_year)}
    assert counts[with_account.pk] == (3, 2)  # the coach's own (before recusal) does not count
    assert counts[without_account.pk] == (3, 2)


# --- cohort analytics ------------------------------------------------------------------------------------


def test_the_cohort_summaries_from_the_database_match_the_pairs_one_by_one(program_year):
    """The database summarises each domain's and dimension's gains; the same figures come from the
    pairs' own pre and post scores through ``paired_growth``."""
    bulk_observed_pairs(program_year, 40, seed=11)
    tool = Instrument.objects.get(code="pre_k")
    cohort = selectors.CohortFilter(program_year=program_year, instrument=tool)
    growth = selectors.cohort_growth(cohort)
    scope = cohort.observation_q("observation__") & Q(observation__instrument=tool)
    by_pair = selectors._per_pair(DimensionResult.objects, "dimension_id", "mean", scope)
    for row, dimension in zip(
        growth.dimensions,
        Dimension.objects.filter(domain__instrument=tool).order_by("domain__order", "order"),
        strict=True,
    ):
        pairs = [v for (_, key), v in sorted(by_pair.items()) if key == dimension.pk]
        expected = paired_growth(
            [improvement(a, dimension.reversed) for a, _ in pairs],
            [improvement(b, dimension.reversed) for _, b in pairs],
        )
        got = row.growth
        assert got.n == expected.n == 40
        for name in ("mean_pre", "mean_post", "mean_change", "ci_low", "ci_high", "t", "p", "d_z", "d_z_low"):
            assert getattr(got, name) == pytest.approx(getattr(expected, name), rel=1e-9, abs=1e-12), name
    assert (growth.with_pre, growth.with_post, growth.with_both, growth.pairs_in_scope) == (40, 40, 40, 40)
    Observation.objects.filter(pair__in=Pair.objects.order_by("pk")[:5], time_point="post").delete()
    fewer = selectors.cohort_growth(cohort)
    assert (fewer.with_pre, fewer.with_post, fewer.with_both) == (40, 35, 35)
    assert fewer.domains[0].growth.n == 35
