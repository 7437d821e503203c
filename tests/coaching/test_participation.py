"""Mentees' and MAs' own participation against the model (orientation, recommended training, the
confidentiality acknowledgement): attendance sheets list them, the workspace, staff overview, the
staff roster and My work show it from the data, and the recommended-training steps check who may
write. Lists keep their query counts at two sizes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import participation
from coaching.models import Attendance, TrainingEvent, TrainingRecommendation
from pac.models import Participation, ProgramRole, Region
from pairings import participation as confirmation
from pairings import services as pairing
from tests.coaching.factories import active_pair, refused
from tests.factories import ParticipationFactory, PersonFactory, UserFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def role_for(application):
    return ParticipationFactory(
        person=application.applicant,
        program_year=application.program_year,
        role=application.role,
        region=application.program.region,
    )


def event(year, staff, kind="orientation", audience="everyone", region=None, held_on=None):
    return TrainingEvent.objects.create(
        program_year=year,
        kind=kind,
        audience=audience,
        title=f"{kind} event",
        held_on=held_on or year.starts_on,
        hours=6 if kind != "plc" else 1,
        region=region,
        created_by=staff,
    )


@pytest.fixture
def pair(program_year, staff_user):
    pair = active_pair(program_year, staff_user, with_leader=True)
    ParticipationFactory(person=pair.mentee, program_year=program_year, role=ProgramRole.MENTEE, region_id=None)
    return pair


# --- attendance sheets ------------------------------------------------------------------------------


def test_orientation_for_everyone_lists_the_years_mentees_and_mas_with_the_coaches(program_year, staff_user, pair):
    unpaired_ma = role_for(accepted("ma", program_year, region_number=3))
    listed = {p.pk: label for p, label in participation.expected_attendees(event(program_year, staff_user))}
    assert listed[pair.coach.pk] == "Coach" and listed[pair.leader.pk] == "Leader"
    assert listed[pair.mentee.pk] == "Mentee" and listed[unpaired_ma.person.pk] == "Mentee Administrator"


def test_an_event_for_mentees_lists_only_them_and_a_plc_never_does(program_year, staff_user, pair):
    for_mentees = {
        p.pk for p, _ in participation.expected_attendees(event(program_year, staff_user, audience="mentees"))
    }
    assert for_mentees == {pair.mentee.pk}
    region = pair.mentee.program.region
    plc = event(program_year, staff_user, kind="plc", audience="everyone", region=region)
    assert pair.mentee.pk not in {p.pk for p, _ in participation.expected_attendees(plc)}
    for_coaches = event(program_year, staff_user, kind="training", audience="coaches")
    assert {p.pk for p, _ in participation.expected_attendees(for_coaches)} == {pair.coach.pk}


def test_a_regional_event_lists_the_regions_mentees_only(program_year, staff_user):
    here = role_for(accepted("mentee", program_year, region_number=2))
    role_for(accepted("mentee", program_year, region_number=5))
    no_region = accepted("mentee", program_year, region_number=2)
    ParticipationFactory(person=no_region.applicant, program_year=program_year, role="mentee", region=None)
    regional = event(program_year, staff_user, audience="mentees", region=Region.objects.get(number=2))
    assert {p.pk for p, _ in participation.expected_attendees(regional)} == {here.person.pk, no_region.applicant.pk}


def test_an_ended_role_is_not_listed(program_year, staff_user):
    ended = role_for(accepted("mentee", program_year))
    Participation.objects.filter(pk=ended.pk).update(ended_on=TODAY())
    assert participation.expected_attendees(event(program_year, staff_user)) == []


def test_staff_record_a_mentees_orientation_on_the_attendance_page(client, program_year, staff_user, pair):
    orientation = event(program_year, staff_user)
    client.force_login(staff_user)
    page = client.get(reverse("coaching:attendance", args=[orientation.pk])).content.decode()
    assert f'{pair.mentee.full_name} <span class="small text-body-secondary">(Mentee)' in page
    client.post(reverse("coaching:attendance", args=[orientation.pk]), {"present": [pair.mentee.pk]})
    assert Attendance.objects.get(person=pair.mentee).attended
    assert participation.orientation_attended([pair.mentee.pk, pair.coach.pk], program_year) == {pair.mentee.pk}


def test_staff_choose_who_an_event_is_for_and_a_plc_stays_the_coaches(client, program_year, staff_user):
    client.force_login(staff_user)
    url = reverse("coaching:training") + f"?year={program_year.pk}"
    form = {"title": "Orientation", "held_on": "2026-09-02", "hours": "6"}
    client.post(url, {**form, "kind": "orientation", "audience": "everyone"})
    client.post(url, {**form, "kind": "plc", "audience": "mentees", "region": Region.objects.get(number=1).pk})
    assert dict(TrainingEvent.objects.values_list("kind", "audience")) == {"orientation": "everyone", "plc": "coaches"}


# --- a Mentee's record ----------------------------------------------------------------------------------


def test_a_mentees_participation_counts_orientation_training_days_recommendations_and_the_acknowledgement(
    program_year, staff_user, pair
):
    Attendance.objects.create(event=event(program_year, staff_user), person=pair.mentee, recorded_by=staff_user)
    training = event(program_year, staff_user, kind="training", audience="mentees")
    Attendance.objects.create(event=training, person=pair.mentee, recorded_by=staff_user)
    absent = event(program_year, staff_user, kind="training", audience="mentees", held_on=TODAY())
    Attendance.objects.create(event=absent, person=pair.mentee, recorded_by=staff_user, attended=False)
    first = participation.training_recommend(pair=pair, actor=pair.coach.user, title="CLASS Pre-K basics")
    participation.training_recommend(pair=pair, actor=pair.leader.user, title="Family engagement webinar")
    participation.training_outcome(
        recommendation=first, actor=pair.mentee.user, status="completed", completed_on=TODAY()
    )
    confirmation.acknowledgement_sign(
        person=pair.mentee,
        program_year=program_year,
        signature_name=pair.mentee.full_name,
        confirmed=True,
        user=pair.mentee.user,
    )
    record = participation.participation_of([pair.mentee.pk], program_year)[pair.mentee.pk]
    assert record.orientation_on == program_year.starts_on and record.orientation_days == 1.0
    assert record.training_days == 1.0
    assert (record.completed, record.recommended, record.recommended_total) == (1, 1, 2)
    assert record.acknowledgement.person == pair.mentee and record.ready and not record.required


def test_participation_of_many_people_takes_the_same_queries_as_of_one(
    program_year, staff_user, django_assert_num_queries
):
    people = [role_for(accepted("mentee", program_year)).person for _ in range(6)]
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    with django_assert_num_queries(4) as one:  # attendance, recommendations, acknowledgements, the rule
        participation.participation_of(people[:1], program_year)
    with django_assert_num_queries(4) as six:
        records = participation.participation_of([p.pk for p in people], program_year)
    assert len(one.captured_queries) == len(six.captured_queries)
    assert all(
        r.missing == [confirmation.MISSING_ORIENTATION, confirmation.MISSING_ACKNOWLEDGEMENT] for r in records.values()
    )


def test_participation_of_says_what_each_person_lacks_as_the_confirmation_check_does(program_year, staff_user):
    """What the roster and the overview show as missing is worked out from the attendance and
    acknowledgements they read already; it agrees with the check that refuses a confirmation."""
    attended_only, signed_only, both, neither = (role_for(accepted("mentee", program_year)).person for _ in range(4))
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    orientation = event(program_year, staff_user)
    training = event(program_year, staff_user, kind="training", audience="mentees")
    for person in (attended_only, both):
        Attendance.objects.create(event=orientation, person=person, recorded_by=staff_user)
    Attendance.objects.create(event=training, person=signed_only, recorded_by=staff_user)  # training is not orientation
    Attendance.objects.create(event=orientation, person=neither, recorded_by=staff_user, attended=False)
    for person in (signed_only, both):
        confirmation.acknowledgement_sign(
            person=person, program_year=program_year, signature_name=person.full_name, confirmed=True, user=person.user
        )
    people = [attended_only, signed_only, both, neither]
    records = participation.participation_of([p.pk for p in people], program_year)
    assert records[attended_only.pk].missing == [confirmation.MISSING_ACKNOWLEDGEMENT]
    assert records[signed_only.pk].missing == [confirmation.MISSING_ORIENTATION]
    assert records[both.pk].missing == [] and records[both.pk].ready
    assert records[neither.pk].missing == [confirmation.MISSING_ORIENTATION, confirmation.MISSING_ACKNOWLEDGEMENT]
    checked = confirmation.missing_before_confirmation([p.pk for p in people], program_year)
    assert {pk: record.missing for pk, record in records.items()} == checked


# --- recommended training ----------------------------------------------------------------------------


def test_the_coach_mentee_and_leader_recommend_and_record_training_and_history_keeps_each_version(pair):
    rec = participation.training_recommend(pair=pair, actor=pair.mentee.user, title="  Infant  toddler course ")
    assert rec.title == "Infant toddler course" and rec.status == "recommended"
    participation.training_outcome(
        recommendation=rec, actor=pair.leader.user, status="completed", completed_on=TODAY(), hours=Decimal("3")
    )
    participation.training_outcome(recommendation=rec, actor=pair.coach.user, status="not_taken", reason="Course full")
    rec.refresh_from_db()
    assert (rec.status, rec.completed_on, rec.hours, rec.not_taken_reason) == ("not_taken", None, None, "Course full")
    assert [h.status for h in rec.history.order_by("history_date")] == ["recommended", "completed", "not_taken"]
    assert rec.history.order_by("history_date").last().history_user == pair.coach.user


def test_someone_outside_the_pair_cannot_recommend_or_record(pair, program_year, staff_user):
    other = active_pair(program_year, staff_user, region=2)
    for outsider in (other.coach.user, other.mentee.user, UserFactory()):
        with refused("recommend training together"):
            participation.training_recommend(pair=pair, actor=outsider, title="X")
    assert participation.training_recommend(pair=pair, actor=staff_user, title="By staff").recommended_by == staff_user


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "completed"}, "Give the date"),
        ({"status": "completed", "completed_on": "future"}, "cannot be in the future"),
        ({"status": "completed", "completed_on": "long ago"}, "must fall near"),
        ({"status": "not_taken", "reason": "  "}, "Say why"),
        ({"status": "recommended"}, "Choose whether"),
        ({"status": "completed", "completed_on": "today", "hours": Decimal("0")}, "Hours are between"),
    ],
)
def test_an_outcome_needs_its_facts(pair, fields, message):
    rec = participation.training_recommend(pair=pair, actor=pair.coach.user, title="Course")
    dates = {"future": TODAY() + datetime.timedelta(days=1), "long ago": datetime.date(2020, 1, 1), "today": TODAY()}
    if "completed_on" in fields:
        fields = {**fields, "completed_on": dates[fields["completed_on"]]}
    with refused(message):
        participation.training_outcome(recommendation=rec, actor=pair.coach.user, **fields)
    rec.refresh_from_db()
    assert rec.status == "recommended"


def test_an_ended_pair_takes_no_new_training(pair, staff_user):
    pairing.pair_end(pair=pair, actor=staff_user, end_kind="completed")
    with refused("while the pair is active"):
        participation.training_recommend(pair=pair, actor=pair.coach.user, title="Late")


def test_a_goal_of_another_pair_is_refused(pair, program_year, staff_user):
    from coaching import services
    from pac.models import Tag

    other = active_pair(program_year, staff_user, region=2)
    goal = services.goal_save(pair=other, actor=other.coach.user, area=Tag.objects.first(), title="Theirs")
    with refused("one of this pair's goals"):
        participation.training_recommend(pair=pair, actor=pair.coach.user, title="X", goal=goal)


def test_the_pages_recommend_and_record_training(client, pair):
    client.force_login(pair.mentee.user)
    url = reverse("coaching:training_recommend", args=[pair.pk])
    assert client.post(url, {"title": ""}).status_code == 400
    response = client.post(url, {"title": "Math in play", "details": "PD center, March 3"})
    assert response.status_code == 302 and response.url.endswith("#participation-h")
    rec = TrainingRecommendation.objects.get()
    outcome = reverse("coaching:training_outcome", args=[pair.pk, rec.pk])
    bad = client.post(outcome, {"status": "completed", "completed_on": ""})
    assert bad.status_code == 400 and "Give the date" in bad.content.decode()
    future = client.post(outcome, {"status": "completed", "completed_on": str(TODAY() + datetime.timedelta(days=9))})
    assert future.status_code == 400 and "cannot be in the future" in future.content.decode()
    client.post(outcome, {"status": "completed", "completed_on": str(TODAY()), "hours": "2.5"})
    rec.refresh_from_db()
    assert rec.status == "completed" and rec.hours == Decimal("2.5") and rec.outcome_by == pair.mentee.user
    page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Math in play" in page and f"Completed {TODAY():%b} " in page
    assert "Recommended training: 1 completed of 1" in page


# --- the workspace, the overview, the roster ------------------------------------------------------------


def test_the_workspace_shows_the_mentees_participation_to_the_pair_and_staff(client, pair, staff_user):
    for user in (pair.coach.user, pair.mentee.user, pair.leader.user, staff_user):
        client.force_login(user)
        page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
        assert f"Participation ({pair.mentee.full_name})" in page
        assert "not attended yet" in page and "not signed" in page
        assert ("Sign it now" in page) == (user == pair.mentee.user)


def test_the_overview_shows_each_mentees_participation(client, pair, staff_user, program_year):
    Attendance.objects.create(event=event(program_year, staff_user), person=pair.mentee, recorded_by=staff_user)
    client.force_login(staff_user)
    page = client.get(reverse("coaching:overview") + f"?year={program_year.pk}").content.decode()
    assert "Orientation: yes;" in page and "acknowledgement: <strong>not signed</strong>" in page


def _bulk(year, staff, n):
    for i in range(n):
        application = accepted("mentee" if i % 2 else "ma", year, region_number=1 + i % 6)
        role = role_for(application)
        if i % 3 == 0:
            Attendance.objects.create(
                event=TrainingEvent.objects.filter(kind="orientation").first() or event(year, staff),
                person=role.person,
                recorded_by=staff,
            )
        if i % 2 == 0:
            confirmation.acknowledgement_sign(
                person=role.person,
                program_year=year,
                signature_name=role.person.full_name,
                confirmed=True,
                user=role.person.user,
            )
        if i % 4 == 1:
            coach = accepted("ct" if application.role == "mentee" else "ca", year, region_number=1 + i % 6)
            pairing.pair_propose(coach_application=coach, mentee_application=application, actor=staff)


def test_the_roster_keeps_its_query_count_at_two_sizes(client, program_year, staff_user, django_assert_max_num_queries):
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    _bulk(program_year, staff_user, 3)
    client.force_login(staff_user)
    url = reverse("coaching:participation") + f"?year={program_year.pk}"
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _bulk(program_year, staff_user, 12)
    with django_assert_max_num_queries(30) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(response.context["rows"]) == 15


def test_the_overview_keeps_its_query_count_with_participation(
    client, program_year, staff_user, django_assert_max_num_queries
):
    client.force_login(staff_user)
    url = reverse("coaching:overview") + f"?year={program_year.pk}"
    active_pair(program_year, staff_user)
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for region in (2, 3, 4):
        pair = active_pair(program_year, staff_user, region=region)
        participation.training_recommend(pair=pair, actor=pair.coach.user, title="Course")
    with django_assert_max_num_queries(25) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_roster_filters_by_role_region_and_what_is_missing(client, program_year, staff_user):
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    ready = role_for(accepted("mentee", program_year, region_number=1)).person
    Attendance.objects.create(event=event(program_year, staff_user), person=ready, recorded_by=staff_user)
    confirmation.acknowledgement_sign(
        person=ready, program_year=program_year, signature_name=ready.full_name, confirmed=True, user=ready.user
    )
    waiting = role_for(accepted("ma", program_year, region_number=4)).person
    client.force_login(staff_user)
    url = reverse("coaching:participation")

    def names(**query):
        rows = client.get(url, {"year": program_year.pk, **query}).context["rows"]
        return {row.person for row in rows}

    assert names() == {ready, waiting}
    assert names(show="missing") == {waiting} and names(show="ready") == {ready}
    assert names(role="ma") == {waiting} and names(region=Region.objects.get(number=1).number) == {ready}
    assert names(role="<script>", region="x", show="\u00e9") == {ready, waiting}  # bad filters are ignored
    assert names(role="zzz", region="abc", page="abc") == {ready, waiting}
    assert names(sort="-name") == {ready, waiting} and names(sort="nope") == {ready, waiting}
    page = client.get(url, {"year": program_year.pk}).content.decode()
    assert "not ready to confirm" in page and "a pair is confirmed only once" in page


# --- My work -----------------------------------------------------------------------------------------------


def test_my_work_asks_an_unpaired_mentee_to_sign_and_attend_until_they_have(client, program_year, staff_user):
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    person = role_for(accepted("mentee", program_year)).person
    upcoming = event(program_year, staff_user, audience="mentees", held_on=TODAY() + datetime.timedelta(days=10))
    client.force_login(person.user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Your participation" in page and page.count("Before pairing") == 2
    assert f"Sign the confidentiality acknowledgement for {program_year}" in page
    assert reverse("pairings:confidentiality") + f"?year={program_year.pk}" in page
    assert f"Attend pre-service orientation ({program_year})" in page and upcoming.title in page
    confirmation.acknowledgement_sign(
        person=person, program_year=program_year, signature_name=person.full_name, confirmed=True, user=person.user
    )
    Attendance.objects.create(event=upcoming, person=person, recorded_by=staff_user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Sign the confidentiality" not in page and "Attend pre-service" not in page
    assert "You have signed the confidentiality acknowledgement and attended orientation." in page


def test_my_work_lists_training_recommended_to_a_paired_mentee(client, pair):
    participation.training_recommend(pair=pair, actor=pair.coach.user, title="Language-rich play")
    client.force_login(pair.mentee.user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Recommended training: Language-rich play" in page and "Before pairing" not in page


def test_coaches_and_others_see_no_participation_panel(client, pair):
    for user in (pair.coach.user, pair.leader.user, PersonFactory(with_account=True).user):
        client.force_login(user)
        assert "Your participation" not in client.get(reverse("pac:my_work")).content.decode()


def test_staff_my_work_counts_unpaired_mentees_not_ready(client, program_year, staff_user):
    role_for(accepted("mentee", program_year))
    client.force_login(staff_user)
    assert "without orientation or the" not in client.get(reverse("pac:my_work")).content.decode()
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "1 unpaired\n      Mentee or MA without orientation" in page


def test_the_roster_downloads_as_csv_for_staff_with_the_filtered_rows(client, program_year, staff_user):
    mentee = role_for(accepted("mentee", program_year, region_number=1)).person
    ma = role_for(accepted("ma", program_year, region_number=4)).person
    client.force_login(staff_user)
    url = reverse("coaching:participation")
    page = client.get(url, {"year": program_year.pk}).content.decode()
    assert "Download CSV" in page
    response = client.get(url, {"year": program_year.pk, "role": "ma", "_export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("Name,Role,Region,Orientation")
    assert len(lines) == 2 and ma.full_name in lines[1] and mentee.full_name not in response.content.decode()
    assert "Not paired" in lines[1]
