"""A pair's pre/post cycle and its CLASS tool(s): the tool is chosen once per pair and year, not per
observation; a mixed-age family child care room alternates two tools and is scored on each; pre and
post stay on the same tools; a Mentee Administrator's observations are made in the classroom of the
educator or team named in the MA's plan."""

from __future__ import annotations

import datetime
import io
from html import unescape

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services as coaching
from evaluation import pair_report, selectors, services
from evaluation.models import Instrument, Observation, ObserverCertificate, PrePostCycle
from evaluation.selectors import default_tool_codes
from pac.models import AgeGroup
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, cycles_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
INFANT = {"RC": 5, "TS": 4, "FE": 3, "ELS": 4}
TODDLER = {"PC": 5, "NC": 2, "TS": 5, "RCP": 4, "BG": 5, "FLD": 3, "QF": 3, "LM": 4}


def html(response) -> str:
    return unescape(response.content.decode())


def tool(code: str) -> Instrument:
    return Instrument.objects.get(code=code)


def certify(person, code: str) -> None:
    today = TODAY()
    ObserverCertificate.objects.create(
        observer=person,
        instrument=tool(code),
        certified_on=today - datetime.timedelta(days=400),
        expires_on=today + datetime.timedelta(days=300),
    )


@pytest.fixture
def fcc_pair(program_year, staff_user):
    """A CT–Mentee pair whose mentee runs a family child care home serving infants, toddlers and preschoolers."""
    pair = active_pair(program_year, staff_user, program_type="fcc_system")
    pair.mentee.program.age_groups.set(AgeGroup.objects.filter(code__in=["infant", "toddler", "preschool"]))
    return pair


@pytest.fixture
def fcc_observer():
    observer = certified_observer("infant")
    certify(observer, "toddler")
    return observer


def mixed_cycles(n=4, infant=INFANT, toddler=TODDLER):
    """Cycles alternating Infant (odd) and Toddler (even) dimensions."""
    return [dict(infant if number % 2 else toddler) for number in range(1, n + 1)]


def _record(pair, observer, time_point, cycles, **kw):
    return services.observation_record(
        pair=pair,
        observee=pair.mentee,
        time_point=time_point,
        observed_on=kw.pop("observed_on", TODAY()),
        observer=observer,
        recorded_by=observer.user,
        cycles=cycles,
        **kw,
    )


def test_the_suggested_tools_follow_the_ages_a_room_spans():
    assert default_tool_codes({"infant", "toddler", "preschool"}, family_child_care=True) == ("infant", "toddler")
    assert default_tool_codes({"toddler", "preschool", "k3"}, family_child_care=True) == ("toddler", "pre_k")
    assert default_tool_codes({"preschool"}, family_child_care=True) == ("pre_k", None)
    assert default_tool_codes({"infant", "toddler", "preschool"}) == ("pre_k", None)  # a center's rooms are by age
    assert default_tool_codes({"infant", "toddler"}) == ("toddler", None)
    assert default_tool_codes(set(), family_child_care=True) == ("pre_k", None)


def test_a_mixed_age_visit_is_scored_on_each_tool_from_alternating_cycles(fcc_pair, fcc_observer, staff_user):
    services.pre_post_cycle_set(
        pair=fcc_pair, actor=staff_user, instrument=tool("infant"), second_instrument=tool("toddler")
    )
    scores = [dict(INFANT), dict(TODDLER), {**INFANT, "FE": 5}, {**TODDLER, "NC": 4}]
    first = _record(fcc_pair, fcc_observer, "pre", scores)
    infant, toddler = Observation.objects.filter(pair=fcc_pair).order_by("pk")
    assert first == infant and infant.instrument.code == "infant" and toddler.instrument.code == "toddler"
    assert list(infant.cycles.values_list("number", flat=True)) == [1, 3]
    assert list(toddler.cycles.values_list("number", flat=True)) == [2, 4]
    infant_dims = {r.dimension.code: float(r.mean) for r in infant.dimension_results.select_related("dimension")}
    assert infant_dims == {"RC": 5.0, "TS": 4.0, "FE": 4.0, "ELS": 4.0}
    domains = {r.domain.code: float(r.score) for r in toddler.domain_results.select_related("domain")}
    # EBS = (PC 5 + (8 − NC 3) + TS 5 + RCP 4 + BG 5) / 5; ESL = (FLD 3 + QF 3 + LM 4) / 3
    assert domains == pytest.approx({"EBS": 24 / 5, "ESL": 10 / 3}, abs=0.001)
    infant_domain = {r.domain.code: float(r.score) for r in infant.domain_results.select_related("domain")}
    assert infant_domain == pytest.approx({"RC": 17 / 4}, abs=0.001)  # Responsive Caregiving: the four means
    assert selectors.same_visit(infant) == [toddler]


def test_post_uses_the_cycles_tools_and_growth_compares_each_tool(fcc_pair, fcc_observer, staff_user, client):
    services.pre_post_cycle_set(
        pair=fcc_pair, actor=staff_user, instrument=tool("infant"), second_instrument=tool("toddler")
    )
    _record(fcc_pair, fcc_observer, "pre", mixed_cycles(), observed_on=TODAY() - datetime.timedelta(days=150))
    better = mixed_cycles(infant={k: v + 1 for k, v in INFANT.items()}, toddler={**TODDLER, "NC": 1})
    _record(fcc_pair, fcc_observer, "post", better)
    with pytest.raises(services.TransitionError, match="same tool"):
        _record(fcc_pair, fcc_observer, "mid", mixed_cycles(), instrument=tool("pre_k"))
    with pytest.raises(services.TransitionError, match="uses the same tools"):
        services.pre_post_cycle_set(pair=fcc_pair, actor=staff_user, instrument=tool("toddler"))
    growth = {g.instrument.code: g for g in selectors.pair_growth(fcc_pair)}
    assert set(growth) == {"infant", "toddler"}
    assert {r.code: r.change for r in growth["infant"].dimensions[0][1]} == {"RC": 1, "TS": 1, "FE": 1, "ELS": 1}
    nc = next(r for _, rows in growth["toddler"].dimensions for r in rows if r.code == "NC")
    assert nc.change == 1  # 2 → 1: better, on the reversed scale
    # the cohort counts the room under each of its tools, and does not call it mixed
    client.force_login(staff_user)
    url = reverse("evaluation:cohort") + f"?year={fcc_pair.program_year_id}&instrument="
    for code in ("infant", "toddler"):
        cohort = client.get(url + code).context["growth"]
        assert cohort.with_both == 1 and cohort.mixed_tools == 0, code
    page = client.get(reverse("evaluation:pair_growth", args=[fcc_pair.pk])).content.decode()
    assert "CLASS Infant and CLASS Toddler (mixed-age room, alternating cycles)" in page


def test_a_mixed_age_visit_needs_a_cycle_on_each_tool_and_a_certificate_for_each(fcc_pair, fcc_observer, staff_user):
    services.pre_post_cycle_set(
        pair=fcc_pair, actor=staff_user, instrument=tool("infant"), second_instrument=tool("toddler")
    )
    with pytest.raises(services.TransitionError, match="at least one cycle on each"):
        _record(fcc_pair, fcc_observer, "pre", [dict(INFANT)])
    infant_only = certified_observer("infant")
    with pytest.raises(services.TransitionError, match="has no CLASS Toddler reliability certificate"):
        _record(fcc_pair, infant_only, "pre", mixed_cycles())
    missing = mixed_cycles()
    del missing[2]["FE"]  # cycle 3 is an Infant cycle
    with pytest.raises(services.TransitionError, match="cycle 3: FE is missing"):
        _record(fcc_pair, fcc_observer, "pre", missing)
    assert not Observation.objects.exists()  # nothing half saved
    with pytest.raises(services.TransitionError, match="two different tools"):
        services.pre_post_cycle_set(
            pair=fcc_pair, actor=staff_user, instrument=tool("infant"), second_instrument=tool("infant")
        )


def test_an_observer_chooses_the_tools_at_the_first_visit_then_records_pre_and_post(
    client, fcc_pair, fcc_observer, staff_user
):
    for time_point in ("pre", "post"):
        services.schedule_save(
            actor=staff_user,
            pair=fcc_pair,
            time_point=time_point,
            window_opens=TODAY() - datetime.timedelta(days=5),
            due_by=TODAY() + datetime.timedelta(days=10),
            observer=fcc_observer,
        )
    client.force_login(fcc_observer.user)
    record_url = reverse("evaluation:observation_record", args=[fcc_pair.pk, "pre"])
    page = client.get(record_url + "?cycles=4")
    assert page.status_code == 200 and page.templates[0].name == "evaluation/pre_post_cycle.html"
    form = page.context["form"]
    assert (form.initial["instrument"].code, form.initial["second_instrument"].code) == ("infant", "toddler")
    cycle_url = reverse("evaluation:pre_post_cycle", args=[fcc_pair.pk])
    same = client.post(cycle_url, {"instrument": tool("infant").pk, "second_instrument": tool("infant").pk})
    assert same.status_code == 400 and "Choose a different tool from the first" in same.content.decode()
    chosen = client.post(
        cycle_url,
        {
            "instrument": tool("infant").pk,
            "second_instrument": tool("toddler").pk,
            "next": record_url + "?cycles=4",
        },
    )
    assert chosen.status_code == 302 and chosen.url == record_url + "?cycles=4"
    assert fcc_pair.pre_post_cycle.set_by == fcc_observer.user
    page = client.get(chosen.url)
    grids = page.context["form"].grids()
    assert [(t.code, numbers) for t, numbers, _ in grids] == [("infant", [1, 3]), ("toddler", [2, 4])]
    data = {"observed_on": TODAY().isoformat(), "classroom": "Family room"}
    for number, scores in enumerate(mixed_cycles(), start=1):
        data.update({f"c{number}_{code}": str(value) for code, value in scores.items()})
    saved = client.post(chosen.url, data)
    infant = Observation.objects.get(pair=fcc_pair, instrument__code="infant")
    assert saved.status_code == 302 and saved.url == reverse("evaluation:observation", args=[infant.pk])
    detail = client.get(saved.url).content.decode()
    assert "also scored on" in detail and "CLASS Toddler" in detail
    # the post: the same tools, fixed; no choice is offered
    post_url = reverse("evaluation:observation_record", args=[fcc_pair.pk, "post"])
    post = client.get(post_url)
    assert post.status_code == 200 and "It is fixed" in post.content.decode()
    assert [t.code for t in post.context["form"].tools] == ["infant", "toddler"]
    assert client.post(post_url, data).status_code == 302
    assert set(Observation.objects.filter(time_point="post").values_list("instrument__code", flat=True)) == {
        "infant",
        "toddler",
    }
    # changing the tools afterwards is refused with the reason, and the tools stay
    refused = client.post(cycle_url, {"instrument": tool("pre_k").pk})
    assert refused.status_code == 400 and "uses the same tools, so that pre and post can be compared" in html(refused)
    assert PrePostCycle.objects.get(pair=fcc_pair).instrument.code == "infant"


def test_a_cycle_link_to_another_site_goes_to_the_pre_instead(client, fcc_pair, fcc_observer, staff_user):
    services.schedule_save(
        actor=staff_user,
        pair=fcc_pair,
        time_point="pre",
        window_opens=TODAY(),
        due_by=TODAY() + datetime.timedelta(days=3),
        observer=fcc_observer,
    )
    client.force_login(fcc_observer.user)
    response = client.post(
        reverse("evaluation:pre_post_cycle", args=[fcc_pair.pk]),
        {"instrument": tool("infant").pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation:observation_record", args=[fcc_pair.pk, "pre"])


def test_staff_set_the_tools_when_scheduling_and_cannot_change_them_once_observed(
    client, fcc_pair, fcc_observer, staff_user
):
    client.force_login(staff_user)
    url = reverse("evaluation:schedule") + f"?year={fcc_pair.program_year_id}"
    form = {
        "action": "one",
        "pair": fcc_pair.pk,
        "time_point": "pre",
        "window_opens": TODAY().isoformat(),
        "due_by": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        "observer": fcc_observer.pk,
        "instrument": tool("infant").pk,
        "second_instrument": tool("toddler").pk,
    }
    assert client.post(url, form).status_code == 302
    assert fcc_pair.pre_post_cycle.tools_label.startswith("CLASS Infant and CLASS Toddler")
    page = client.get(url).content.decode()
    assert "CLASS Infant and CLASS Toddler (mixed-age room, alternating cycles)" in page
    change = client.get(url + f"&pair={fcc_pair.pk}&time_point=pre").context["form"]
    assert change.initial["instrument"] == tool("infant").pk
    _record(fcc_pair, fcc_observer, "pre", mixed_cycles())
    refused = client.post(url, {**form, "time_point": "post", "instrument": tool("pre_k").pk, "second_instrument": ""})
    assert refused.status_code == 400
    assert "every observation of its pre/post cycle uses the same tools" in refused.content.decode()
    # an observer without a Toddler certificate cannot be scheduled for the mixed-age room
    infant_only = certified_observer("infant")
    refused = client.post(url, {**form, "time_point": "post", "observer": infant_only.pk})
    assert refused.status_code == 400 and "no CLASS Toddler reliability certificate" in refused.content.decode()


# --- a Mentee Administrator's observations -------------------------------------------------------


@pytest.fixture
def ma_pair(program_year, staff_user):
    return active_pair(program_year, staff_user, ma=True, with_leader=True)


def test_an_mas_observation_is_made_in_the_classroom_of_the_educator_in_the_plan(client, ma_pair, staff_user):
    observer = certified_observer("pre_k")
    services.schedule_save(
        actor=staff_user,
        pair=ma_pair,
        time_point="pre",
        window_opens=TODAY() - datetime.timedelta(days=3),
        due_by=TODAY() + datetime.timedelta(days=3),
        observer=observer,
        instrument=tool("pre_k"),
    )
    client.force_login(observer.user)
    url = reverse("evaluation:observation_record", args=[ma_pair.pk, "pre"])
    data = {"observed_on": TODAY().isoformat(), "classroom": ""}
    for number, scores in enumerate(cycles_for("pre_k", 4), start=1):
        data.update({f"c{number}_{code}": str(value) for code, value in scores.items()})
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Name the educator or classroom team in the Mentee Administrator's plan first" in html(refused)
    educator = coaching.plan_educator_name(
        pair=ma_pair, actor=ma_pair.mentee.user, name="Ana Ruiz", classroom="Toddler room"
    )
    listing = client.get(reverse("evaluation:observations")).content.decode()
    assert "Educator or classroom team: Ana Ruiz" in listing
    page = client.get(url)
    assert "<strong>Ana Ruiz</strong>, Toddler room" in page.content.decode()
    assert page.context["form"]["classroom"].value() == "Toddler room"
    saved = client.post(url, data)
    observation = Observation.objects.get(pair=ma_pair)
    assert saved.status_code == 302
    assert observation.plan_educator == educator and observation.classroom == "Toddler room"
    detail = client.get(saved.url).content.decode()
    assert "Educator or classroom team" in detail and "Ana Ruiz" in detail
    # the MA later chooses someone else: the observation keeps whom it was about, and says so
    coaching.plan_educator_name(pair=ma_pair, actor=ma_pair.mentee.user, name="The Preschool B team")
    observation.refresh_from_db()
    assert observation.plan_educator == educator
    assert "the plan has since named someone else" in client.get(saved.url).content.decode()


def test_the_progress_report_names_the_educator_and_the_cycles_tool(ma_pair, staff_user):
    coaching.plan_educator_name(pair=ma_pair, actor=ma_pair.coach.user, name="Ana Ruiz", classroom="Toddler room")
    observer = certified_observer("pre_k")
    _record(ma_pair, observer, "pre", cycles_for("pre_k", 4), instrument=tool("pre_k"))
    pdf = pair_report.pair_progress_report(ma_pair, user=staff_user)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Ana Ruiz, Toddler room" in text and "CLASS Pre-K" in text


# --- query budgets ------------------------------------------------------------------------------------


def _assign(pair, observer, staff_user, *, ma=False):
    if ma:
        coaching.plan_educator_name(pair=pair, actor=pair.mentee.user, name=f"Team {pair.pk}")
    services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="pre",
        window_opens=TODAY(),
        due_by=TODAY() + datetime.timedelta(days=9),
        observer=observer,
        instrument=tool("pre_k"),
    )


def test_the_observation_list_is_flat_in_the_number_of_assignments(
    client, program_year, staff_user, django_assert_max_num_queries
):
    observer = certified_observer("pre_k")
    for index in range(2):
        _assign(active_pair(program_year, staff_user, ma=index % 2 == 1), observer, staff_user, ma=index % 2 == 1)
    client.force_login(observer.user)
    url = reverse("evaluation:observations")
    with django_assert_max_num_queries(30) as small:
        assert len(client.get(url).context["assignments"]) == 2
    for index in range(8):
        ma = index % 2 == 1
        _assign(active_pair(program_year, staff_user, ma=ma, region=1 + index % 6), observer, staff_user, ma=ma)
    with django_assert_max_num_queries(30) as large:
        assert len(client.get(url).context["assignments"]) == 10
    assert len(small.captured_queries) == len(large.captured_queries)
