"""Observation entry, scheduling and growth pages: who may do what, bad input, stored results."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Instrument, Observation, ScheduledObservation
from pac.workflow import TransitionError
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True)


@pytest.fixture
def scheduled(pair, staff_user):
    observer = certified_observer("pre_k")
    schedule = services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="pre",
        window_opens=TODAY() - datetime.timedelta(days=5),
        due_by=TODAY() + datetime.timedelta(days=10),
        observer=observer,
        instrument=Instrument.objects.get(code="pre_k"),
        classroom="Room 4",
    )
    return schedule


def _scores(n_cycles=4, **overrides):
    codes = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]
    data = {f"c{c}_{code}": "5" for c in range(1, n_cycles + 1) for code in codes}
    data.update({f"c1_{code}": "1" for code in ["NC"]})
    data.update(overrides)
    return data


def _entry_url(schedule, cycles=4):
    return reverse("evaluation:observation_record", args=[schedule.pair_id, schedule.time_point]) + f"?cycles={cycles}"


def test_an_observer_records_a_scheduled_four_cycle_observation(client, scheduled):
    observer = scheduled.observer
    client.force_login(observer.user)
    link = client.get(reverse("evaluation:observation_new") + f"?schedule={scheduled.pk}")
    assert link.status_code == 302  # My work's link goes straight to the scores
    assert link.url == reverse("evaluation:observation_record", args=[scheduled.pair_id, "pre"])
    page = client.get(link.url)
    assert page.status_code == 200
    assert page.context["form"].cycle_numbers == [1, 2, 3, 4]
    assert [t.code for t in page.context["form"].tools] == ["pre_k"]  # the pre/post cycle's tool
    assert b"Room 4" in page.content  # the classroom from the schedule is filled in
    response = client.post(
        _entry_url(scheduled), {"observed_on": TODAY().isoformat(), "classroom": "Room 4", **_scores()}
    )
    observation = Observation.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluation:observation", args=[observation.pk])
    assert observation.observer == observer and observation.recorded_by == observer.user
    assert observation.cycles.count() == 4
    domains = {r.domain.code: float(r.score) for r in observation.domain_results.select_related("domain")}
    # NC is 1 in cycle 1 and 5 in the rest: mean 4, reversed 4; ES = (5 + 4 + 5 + 5) / 4
    assert domains == {"ES": 4.75, "CO": 5.0, "IS": 5.0}
    detail = client.get(response.url)
    assert detail.status_code == 200 and b"4.75" in detail.content
    # the assignment is done: it leaves the observer's list
    assert client.get(reverse("evaluation:observations")).context["assignments"] == []


def test_a_score_outside_1_to_7_saves_nothing_and_keeps_what_was_typed(client, scheduled):
    client.force_login(scheduled.observer.user)
    data = {"observed_on": TODAY().isoformat(), "classroom": "Room 4", **_scores(c3_QF="9", c2_LM="")}
    response = client.post(_entry_url(scheduled), data)
    assert response.status_code == 400
    assert not Observation.objects.exists()
    text = response.content.decode()
    assert "Nothing was saved" in text
    assert "Cycle 3, Quality of Feedback: enter a whole number from 1 to 7." in text
    assert "Cycle 2, Language Modeling: a score is missing." in text
    assert 'name="c3_QF" value="9"' in text and 'name="c4_PC" value="5"' in text


def test_an_observer_cannot_record_for_a_pair_they_were_not_scheduled_for(client, scheduled, program_year, staff_user):
    other = active_pair(program_year, staff_user, region=2)
    client.force_login(scheduled.observer.user)
    response = client.get(reverse("evaluation:observation_new") + f"?pair={other.pk}&time_point=pre&cycles=4")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("evaluation:observation_record", args=[other.pk, "pre"]),
        {"observed_on": TODAY().isoformat(), **_scores()},
    )
    assert response.status_code == 404
    assert client.post(reverse("evaluation:pre_post_cycle", args=[other.pk]), {"instrument": 1}).status_code == 404
    assert not Observation.objects.exists()


def test_a_lapsed_certificate_is_refused_with_a_clear_message(client, scheduled):
    scheduled.observer.class_certificates.update(
        certified_on=TODAY() - datetime.timedelta(days=800), expires_on=TODAY() - datetime.timedelta(days=1)
    )
    client.force_login(scheduled.observer.user)
    response = client.post(_entry_url(scheduled), {"observed_on": TODAY().isoformat(), **_scores()})
    assert response.status_code == 400
    assert "has no CLASS Pre-K reliability certificate valid on" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_future_date_is_refused(client, scheduled):
    client.force_login(scheduled.observer.user)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(_entry_url(scheduled), {"observed_on": tomorrow, **_scores()})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()


def test_the_pairs_coach_cannot_be_scheduled_as_observer(pair, staff_user):
    with pytest.raises(TransitionError, match="independent"):
        services.schedule_save(
            actor=staff_user,
            pair=pair,
            time_point="pre",
            window_opens=TODAY(),
            due_by=TODAY() + datetime.timedelta(days=7),
            observer=pair.coach,
        )


def test_guessed_and_malformed_entry_links_do_not_fail(client, scheduled, plain_user):
    client.force_login(scheduled.observer.user)
    assert client.get(reverse("evaluation:observation_new") + "?schedule=abc").status_code == 404
    assert client.get(reverse("evaluation:observation_new") + "?schedule=999999").status_code == 404
    bad = client.get(reverse("evaluation:observation_new") + "?pair=x&instrument=nope&time_point=late&cycles=99")
    assert bad.status_code == 400
    pair = scheduled.pair_id
    assert client.get(reverse("evaluation:observation_record", args=[pair, "late"])).status_code == 404
    assert client.get(reverse("evaluation:observation_record", args=[999999, "pre"])).status_code == 404
    # a hand-edited number of cycles falls back to four
    page = client.get(reverse("evaluation:observation_record", args=[pair, "pre"]) + "?cycles=99")
    assert page.status_code == 200 and page.context["form"].cycle_numbers == [1, 2, 3, 4]
    client.force_login(plain_user)
    assert client.get(reverse("evaluation:observation_new")).status_code == 403


def test_staff_schedule_in_bulk_and_see_what_is_missing(client, staff_user, program_year, pair):
    second = active_pair(program_year, staff_user, region=2)
    record(pair, "pre", 4)
    client.force_login(staff_user)
    url = reverse("evaluation:schedule") + f"?year={program_year.pk}"
    page = client.get(url)
    assert page.context["counts"] == {"pairs": 2, "missing": 3, "overdue": 0, "scheduled": 0, "recorded": 1}
    response = client.post(
        url,
        {
            "action": "bulk",
            "year": program_year.pk,
            "pairs": [pair.pk, second.pk],
            "time_point": "post",
            "window_opens": (TODAY() + datetime.timedelta(days=150)).isoformat(),
            "due_by": (TODAY() + datetime.timedelta(days=180)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert ScheduledObservation.objects.filter(time_point="post").count() == 2
    counts = client.get(url).context["counts"]
    assert counts == {"pairs": 2, "missing": 1, "overdue": 0, "scheduled": 2, "recorded": 1}
    missing = client.get(url + "&missing=1").context["table"].page.object_list
    assert {row.record.pk for row in missing} == {pair.pk, second.pk}  # both still lack a post observation


def test_an_overdue_schedule_is_flagged(client, staff_user, program_year, pair):
    services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="pre",
        window_opens=TODAY() - datetime.timedelta(days=30),
        due_by=TODAY() - datetime.timedelta(days=1),
    )
    client.force_login(staff_user)
    counts = client.get(reverse("evaluation:schedule") + f"?year={program_year.pk}").context["counts"]
    assert counts["overdue"] == 1


def test_bad_schedule_input_keeps_the_selection(client, staff_user, program_year, pair):
    client.force_login(staff_user)
    response = client.post(
        reverse("evaluation:schedule"),
        {
            "action": "bulk",
            "year": program_year.pk,
            "pairs": [pair.pk],
            "time_point": "pre",
            "window_opens": "2026-12-10",
            "due_by": "2026-12-01",
        },
    )
    assert response.status_code == 400
    assert "on or after the day the window opens" in response.content.decode()
    assert str(pair.pk) in response.context["selected"]
    assert not ScheduledObservation.objects.exists()


def test_pair_growth_shows_pre_post_and_change(client, pair):
    record(pair, "pre", {"PC": 4, "NC": 3, "TS": 4, "RSP": 4, "BM": 5, "PD": 5, "ILF": 4, "CD": 2, "QF": 2, "LM": 3})
    record(pair, "post", {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 6, "ILF": 5, "CD": 3, "QF": 3, "LM": 3})
    client.force_login(pair.mentee.user)
    page = client.get(reverse("evaluation:pair_growth", args=[pair.pk]))
    assert page.status_code == 200
    tool = page.context["tools"][0]
    changes = {row.code: row.change for row in tool.domains}
    # ES pre (4 + 5 + 4 + 4)/4 = 4.25, post (5 + 6 + 5 + 4)/4 = 5.0; domain scores are stored to 3 places
    assert changes == pytest.approx({"ES": 0.75, "CO": 16 / 3 - 14 / 3, "IS": 9 / 3 - 7 / 3}, abs=0.002)
    nc = next(r for _, rows in tool.dimensions for r in rows if r.code == "NC")
    assert nc.change == 1  # 3 → 2 is an improvement of one point
    assert "+0.75" in page.content.decode()
    chart = client.get(reverse("evaluation:pair_growth_chart", args=[pair.pk]) + "?instrument=pre_k")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content and b"ES" in chart.content


@pytest.mark.parametrize("who", ["coach", "mentee", "leader", "staff", "observer", "evaluator", "other_coach", "plain"])
def test_who_sees_a_pairs_growth(client, pair, program_year, staff_user, evaluator, who):
    observation = record(pair, "pre", 4)
    other = active_pair(program_year, staff_user, region=3)
    users = {
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "staff": staff_user,
        "observer": observation.observer.user,
        "evaluator": evaluator,
        "other_coach": other.coach.user,
        "plain": UserFactory(),
    }
    client.force_login(users[who])
    growth = client.get(reverse("evaluation:pair_growth", args=[pair.pk])).status_code
    chart = client.get(reverse("evaluation:pair_growth_chart", args=[pair.pk])).status_code
    detail = client.get(reverse("evaluation:observation", args=[observation.pk])).status_code
    may_see_pair = who in ("coach", "mentee", "leader", "staff")
    assert growth == chart == (200 if may_see_pair else 404)
    assert detail == (200 if may_see_pair or who == "observer" else 404)


@pytest.mark.parametrize(
    "who,expected",
    [("staff", 200), ("evaluator", 200), ("observer", 403), ("coach", 403), ("mentee", 403), ("plain", 403)],
)
def test_who_sees_cohort_analytics(client, pair, staff_user, evaluator, observer, who, expected):
    users = {
        "staff": staff_user,
        "evaluator": evaluator,
        "observer": observer,
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "plain": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(reverse("evaluation:cohort")).status_code == expected
    assert client.get(reverse("evaluation:cohort_chart")).status_code == expected


@pytest.mark.parametrize("who", ["observer", "coach", "mentee", "evaluator", "plain"])
def test_only_staff_schedule(client, pair, observer, evaluator, who):
    users = {
        "observer": observer,
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "evaluator": evaluator,
        "plain": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(reverse("evaluation:schedule")).status_code == 403
    assert client.post(reverse("evaluation:schedule"), {"action": "bulk"}).status_code == 403


def test_cohort_analytics_figures_and_small_sample_note(client, staff_user, program_year):
    pairs = [active_pair(program_year, staff_user, region=1 + i % 2) for i in range(6)]
    gains = [1, 0, 1, 2, -1, 1]
    for pair, gain in zip(pairs, gains, strict=True):
        record(pair, "pre", 4)
        record(pair, "post", 4 + gain)
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:cohort") + f"?year={program_year.pk}&instrument=pre_k")
    growth = page.context["growth"]
    assert growth.with_both == 6 and growth.pairs_in_scope == 6
    co = next(r for r in growth.domains if r.code == "CO").growth
    assert co.n == 6 and co.mean_change == pytest.approx(4 / 6)
    assert co.p is not None and co.d_z is not None
    nc = next(r for r in growth.dimensions if r.code == "NC").growth
    assert nc.mean_change == pytest.approx(-4 / 6)  # NC scored higher after: worse, on the reversed scale
    html = page.content.decode()
    assert "Kraft" in html and "Egert" in html and "Head Start quality threshold" in html
    # one region only: three pairs, too few to test
    small = client.get(reverse("evaluation:cohort") + f"?year={program_year.pk}&instrument=pre_k&region=2")
    assert small.context["growth"].with_both == 3
    assert "too few" in small.content.decode() and small.context["growth"].domains[0].growth.p is None
    chart = client.get(reverse("evaluation:cohort_chart") + f"?year={program_year.pk}&instrument=pre_k&chart=effects")
    assert chart.status_code == 200 and b"0.49" in chart.content and b"0.68" in chart.content


def test_stale_or_hand_edited_filters_are_ignored_not_failed(client, staff_user, program_year):
    client.force_login(staff_user)
    response = client.get(reverse("evaluation:cohort") + "?year=abc&instrument=nope&region=99&kind=zz")
    assert response.status_code == 200
    assert response.context["growth"].filter.instrument.code == "pre_k"
    assert "were not valid and were ignored" in response.content.decode()


def test_a_post_on_another_tool_than_the_pre_is_refused(staff_user, program_year):
    pair = active_pair(program_year, staff_user)
    record(pair, "pre", 4, instrument="toddler")
    with pytest.raises(services.TransitionError, match="pre and post must use the same tool"):
        record(pair, "post", 5, instrument="pre_k")
    with pytest.raises(services.TransitionError, match="every observation of its pre/post cycle uses the same tools"):
        services.pre_post_cycle_set(pair=pair, actor=staff_user, instrument=Instrument.objects.get(code="pre_k"))
    assert pair.pre_post_cycle.instrument.code == "toddler"


def test_mixed_tools_recorded_before_the_cycle_are_still_flagged(client, staff_user, program_year):
    pair = active_pair(program_year, staff_user)
    record(pair, "pre", 4, instrument="toddler")
    post = record(pair, "post", 5, instrument="toddler")
    Observation.objects.filter(pk=post.pk).update(instrument=Instrument.objects.get(code="pre_k"))  # legacy data
    client.force_login(staff_user)
    growth = client.get(reverse("evaluation:cohort") + f"?year={program_year.pk}").context["growth"]
    assert growth.mixed_tools == 1 and growth.with_both == 0


def test_a_second_click_on_save_records_nothing_twice(client, scheduled):
    client.force_login(scheduled.observer.user)
    data = {"observed_on": TODAY().isoformat(), "classroom": "Room 4", **_scores()}
    assert client.post(_entry_url(scheduled), data).status_code == 302
    again = client.post(_entry_url(scheduled), data)
    assert again.status_code == 400 and "This visit is already recorded" in again.content.decode()
    assert Observation.objects.count() == 1


def test_hand_edited_numbers_in_the_address_are_not_errors(client, scheduled):
    client.force_login(scheduled.observer.user)
    assert client.get(reverse("evaluation:observation_new") + "?schedule=%C2%B2").status_code == 404  # "²"
    page = client.get(_entry_url(scheduled).replace("cycles=4", "cycles=%C2%B2"))
    assert page.status_code == 200 and page.context["form"].cycle_numbers == [1, 2, 3, 4]
