"""The evaluation lists on django-filter and django-tables2: CLASS observations (everyone who may
see some; staff download), six-month coach reviews (staff and the year's panel; staff download) and
survey rounds (staff). Filter, sort, page, CSV content and permission, bad input, query budgets."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import coach_reviews
from evaluation.models import CoachReview
from pac.models import Person
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record
from tests.evaluation.surveys.factories import raw_round, small_survey
from tests.evaluation.test_scale import bulk_observed_pairs
from tests.factories import PersonFactory, UserFactory, panel_seat
from tests.lists import csv_rows, listed, with_query

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _rename(person, name: str) -> None:
    first, last = name.split()
    Person.objects.filter(pk=person.pk).update(first_name=first, last_name=last)


def _same_queries(client, url, grow, django_assert_max_num_queries, budget=25) -> None:
    """The page (or its CSV) makes the same number of queries before and after ``grow()``."""
    with django_assert_max_num_queries(budget) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(budget) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


# --- observations ----------------------------------------------------------------------------------


@pytest.fixture
def observations(program_year, staff_user):
    """Two pairs: Region 1 (pre 20 days ago, post today, by Olga) and Region 4 (pre 10 days ago, K-3,
    by Ivan)."""
    started = TODAY() - datetime.timedelta(days=40)
    one = active_pair(program_year, staff_user, region=1, started_on=started)
    four = active_pair(program_year, staff_user, region=4, started_on=started)
    _rename(one.mentee, "Mona Abbott")
    _rename(four.mentee, "Nell Young")
    olga, ivan = certified_observer("pre_k"), certified_observer("k3")
    _rename(olga, "Olga Observer")
    _rename(ivan, "Ivan Watcher")
    return {
        "one_pre": record(one, "pre", 4, observer=olga, observed_on=TODAY() - datetime.timedelta(days=20)),
        "one_post": record(one, "post", 5, observer=olga, observed_on=TODAY()),
        "four_pre": record(
            four, "pre", 3, instrument="k3", observer=ivan, observed_on=TODAY() - datetime.timedelta(days=10)
        ),
        "one": one,
        "olga": olga,
    }


def test_observations_filter(client, staff_user, observations, program_year):
    o = observations
    url = reverse("evaluation:observations")
    client.force_login(staff_user)
    assert listed(client.get(url)) == [o["one_post"], o["four_pre"], o["one_pre"]]  # latest first
    assert listed(client.get(with_query(url, time_point="pre"))) == [o["four_pre"], o["one_pre"]]
    assert listed(client.get(with_query(url, instrument="k3"))) == [o["four_pre"]]
    assert listed(client.get(with_query(url, region=1))) == [o["one_post"], o["one_pre"]]
    assert listed(client.get(with_query(url, q="ivan"))) == [o["four_pre"]]
    assert listed(client.get(with_query(url, q="mona abbott", time_point="post"))) == [o["one_post"]]
    assert len(listed(client.get(with_query(url, year=program_year.pk)))) == 3
    since = (TODAY() - datetime.timedelta(days=15)).isoformat()
    assert listed(client.get(with_query(url, observed_after=since))) == [o["one_post"], o["four_pre"]]
    assert listed(client.get(with_query(url, observed_before=since))) == [o["one_pre"]]


def test_observations_sort(client, staff_user, observations):
    o = observations
    url = reverse("evaluation:observations")
    client.force_login(staff_user)
    assert listed(client.get(with_query(url, sort="observed_on"))) == [o["one_pre"], o["four_pre"], o["one_post"]]
    assert listed(client.get(with_query(url, sort="-classroom_of")))[0] == o["four_pre"]
    by_observer = [o["one_pre"], o["one_post"], o["four_pre"]]  # by last name: Observer, then Watcher
    assert listed(client.get(with_query(url, sort="observer"))) == by_observer


@pytest.mark.parametrize(
    "query",
    ["observed_after=2024-02-30", "observed_before=31/12/2024", "instrument=nope", "year=abc", "time_point=x"],
)
def test_observations_bad_input_is_named_and_ignored(client, staff_user, observations, query):
    client.force_login(staff_user)
    response = client.get(f"{reverse('evaluation:observations')}?{query}")
    assert len(listed(response)) == 3
    assert "Not understood, so not applied" in response.content.decode()


def test_observations_csv_for_staff(client, staff_user, observations, program_year):
    url = reverse("evaluation:observations")
    client.force_login(staff_user)
    assert "Download CSV" in client.get(url).content.decode()
    rows = csv_rows(client.get(with_query(url, time_point="pre", sort="observed_on", _export="csv")))
    assert rows[0] == ["Date", "Classroom of", "Region", "Year", "Tool", "Time point", "Observer"]
    first = (TODAY() - datetime.timedelta(days=20)).isoformat()
    assert rows[1] == [
        first,
        "Mona Abbott",
        "1",
        str(program_year),
        "CLASS Pre-K",
        "Pre (start of year)",
        "Olga Observer",
    ]
    assert [r[1] for r in rows[1:]] == ["Mona Abbott", "Nell Young"]


def test_observers_and_members_see_their_observations_but_do_not_download(client, observations):
    url = reverse("evaluation:observations")
    for user in (observations["olga"].user, observations["one"].coach.user, observations["one"].mentee.user):
        client.force_login(user)
        response = client.get(url)
        assert {r.pk for r in listed(response)} == {observations["one_pre"].pk, observations["one_post"].pk}
        assert "Download CSV" not in response.content.decode()
        assert client.get(with_query(url, _export="csv")).status_code == 403


def test_observations_pages_of_fifty(client, staff_user, program_year):
    bulk_observed_pairs(program_year, 30)  # two observations each
    client.force_login(staff_user)
    url = reverse("evaluation:observations")
    assert len(listed(client.get(url))) == 50
    assert len(listed(client.get(with_query(url, page=2)))) == 10
    assert "There is no page 3" in client.get(with_query(url, page=3)).content.decode()


@pytest.mark.parametrize("query", ["", "sort=-observer", "time_point=pre&region=2&q=p", "sort=year&_export=csv"])
def test_observations_queries_do_not_grow(client, staff_user, program_year, query, django_assert_max_num_queries):
    bulk_observed_pairs(program_year, 10)
    client.force_login(staff_user)
    url = f"{reverse('evaluation:observations')}?{query}"
    _same_queries(client, url, lambda: bulk_observed_pairs(program_year, 100), django_assert_max_num_queries)


# --- coach reviews ---------------------------------------------------------------------------------


@pytest.fixture
def panel(program_year):
    return [panel_seat(program_year) for _ in range(2)]


def _review_pairs(program_year, staff_user, n: int) -> None:
    for _ in range(n):
        active_pair(program_year, staff_user, started_on=TODAY() - datetime.timedelta(days=200))
    coach_reviews.reviews_open()


@pytest.fixture
def reviews(program_year, staff_user, panel):
    """Three coaches under review: Abe (Region 2, continued), Bea and Cal (Region 1, awaiting)."""
    started = TODAY() - datetime.timedelta(days=200)
    for name, region in (("Abe Arden", 2), ("Bea Brook", 1), ("Cal Cole", 1)):
        _rename(active_pair(program_year, staff_user, region=region, started_on=started).coach, name)
    coach_reviews.reviews_open()
    by_name = {r.coach.last_name: r for r in CoachReview.objects.select_related("coach")}
    coach_reviews.recommendation_record(
        review=by_name["Arden"], member=panel[0], recommendation="continue", comments="PANEL SECRET"
    )
    coach_reviews.decision_record(review=by_name["Arden"], actor=staff_user, decision="continue")
    return by_name


def test_reviews_filter_and_sort(client, staff_user, reviews):
    url = reverse("evaluation:coach_reviews")
    client.force_login(staff_user)
    assert set(listed(client.get(with_query(url, decision="awaiting")))) == {reviews["Brook"], reviews["Cole"]}
    assert listed(client.get(with_query(url, decision="continue"))) == [reviews["Arden"]]
    assert listed(client.get(with_query(url, region=2))) == [reviews["Arden"]]
    assert listed(client.get(with_query(url, q="cal"))) == [reviews["Cole"]]
    assert listed(client.get(with_query(url, sort="-coach"))) == [reviews["Cole"], reviews["Brook"], reviews["Arden"]]
    assert listed(client.get(with_query(url, sort="-recommended")))[0] == reviews["Arden"]
    page = client.get(url).content.decode()
    assert "Continue for a second year" in page and "Awaiting" in page and "PANEL SECRET" not in page


def test_reviews_csv_for_staff_only(client, staff_user, panel, reviews):
    url = reverse("evaluation:coach_reviews")
    client.force_login(staff_user)
    response = client.get(with_query(url, sort="coach", _export="csv"))
    rows = csv_rows(response)
    assert rows[0] == ["Coach", "Role", "Region", "Due", "Recommendations", "Recommend continuing", "Decision"]
    assert rows[1] == [
        "Abe Arden",
        "Consultant Teacher",
        "2",
        reviews["Arden"].due_on.isoformat(),
        "1",
        "1",
        "Continue for a second year",
    ]
    assert [r[6] for r in rows[2:]] == ["Awaiting", "Awaiting"]
    assert "PANEL SECRET" not in response.content.decode()
    client.force_login(panel[1])  # the panel sees the page, not the download
    page = client.get(url)
    assert len(listed(page)) == 3 and "Download CSV" not in page.content.decode()
    assert client.get(with_query(url, _export="csv")).status_code == 403


@pytest.mark.parametrize("query", ["decision=maybe", "region=0", "role=mentee", "sort=decision_note", "page=x"])
def test_reviews_bad_input(client, staff_user, reviews, query):
    client.force_login(staff_user)
    response = client.get(f"{reverse('evaluation:coach_reviews')}?{query}")
    assert len(listed(response)) == 3


@pytest.mark.parametrize("query", ["sort=-due_on", "decision=awaiting&region=1", "sort=coach&_export=csv"])
def test_reviews_queries_do_not_grow(client, staff_user, program_year, panel, query, django_assert_max_num_queries):
    _review_pairs(program_year, staff_user, 1)
    client.force_login(staff_user)
    url = f"{reverse('evaluation:coach_reviews')}?{query}"
    _same_queries(client, url, lambda: _review_pairs(program_year, staff_user, 4), django_assert_max_num_queries)


# --- survey rounds ---------------------------------------------------------------------------------


@pytest.fixture
def rounds(program_year, staff_user):
    """Dee's round: 4 of 4 answered, open. Eli's: 1 of 4, closed. Fay's (another survey): 0 of 2."""
    survey, other = small_survey(), small_survey("End of year")
    coaches = {}
    for name in ("Dee Dale", "Eli Eaton", "Fay Ford"):
        coaches[name] = PersonFactory()
        _rename(coaches[name], name)
    yesterday = TODAY() - datetime.timedelta(days=1)
    return {
        "dee": raw_round(survey, coaches["Dee Dale"], program_year, staff_user, invited=4, answered=4),
        "eli": raw_round(
            survey, coaches["Eli Eaton"], program_year, staff_user, invited=4, answered=1, closes_on=yesterday
        ),
        "fay": raw_round(other, coaches["Fay Ford"], program_year, staff_user, invited=2, answered=0),
        "other": other,
    }


def test_rounds_filter_and_sort(client, staff_user, rounds, program_year):
    url = f"{reverse('evaluation:survey_rounds')}?year={program_year.pk}"
    client.force_login(staff_user)
    assert listed(client.get(with_query(url, is_open="false"))) == [rounds["eli"]]
    assert set(listed(client.get(with_query(url, is_open="true")))) == {rounds["dee"], rounds["fay"]}
    assert listed(client.get(with_query(url, survey=rounds["other"].pk))) == [rounds["fay"]]
    assert listed(client.get(with_query(url, q="dale"))) == [rounds["dee"]]
    assert listed(client.get(with_query(url, sort="rate"))) == [rounds["fay"], rounds["eli"], rounds["dee"]]
    assert listed(client.get(with_query(url, sort="-rate"))) == [rounds["dee"], rounds["eli"], rounds["fay"]]
    page = client.get(url).content.decode()
    assert "1 of 4" in page and "25%" in page and "(closed)" in page
    assert reverse("evaluation:survey_results", args=[rounds["dee"].coach_id]) in page


def test_rounds_csv(client, staff_user, rounds, program_year):
    url = f"{reverse('evaluation:survey_rounds')}?year={program_year.pk}"
    client.force_login(staff_user)
    rows = csv_rows(client.get(with_query(url, sort="coach", _export="csv")))
    assert rows[0] == [
        "Coach",
        "Survey",
        "Sent",
        "Closes",
        "Answered",
        "Invited",
        "Not yet emailed",
        "Rate",
        "Reminders",
    ]
    eli = rows[2]
    assert eli[0] == "Eli Eaton" and eli[4:9] == ["1", "4", "0", "25", "0"]
    assert eli[3] == (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert [r[0] for r in rows[1:]] == ["Dee Dale", "Eli Eaton", "Fay Ford"]


@pytest.mark.parametrize("query", ["is_open=perhaps", "survey=999999", "survey=x", "sort=invited", "page=-3"])
def test_rounds_bad_input(client, staff_user, rounds, program_year, query):
    client.force_login(staff_user)
    response = client.get(f"{reverse('evaluation:survey_rounds')}?year={program_year.pk}&{query}")
    assert len(listed(response)) == 3


@pytest.mark.parametrize("query", ["sort=-rate", "is_open=true&survey={survey}", "sort=coach&_export=csv"])
def test_rounds_queries_do_not_grow(client, staff_user, program_year, query, django_assert_max_num_queries):
    survey = small_survey()
    query = query.format(survey=survey.pk)

    def add(n):
        for _ in range(n):
            raw_round(survey, PersonFactory(), program_year, staff_user, invited=3, answered=2)

    add(2)
    client.force_login(staff_user)
    url = f"{reverse('evaluation:survey_rounds')}?year={program_year.pk}&{query}"
    _same_queries(client, url, lambda: add(8), django_assert_max_num_queries)


def test_nobody_else_downloads_rounds(client, rounds, program_year):
    client.force_login(UserFactory())
    assert client.get(f"{reverse('evaluation:survey_rounds')}?_export=csv").status_code == 403
