"""The Advisory Panel is its own body per program year (issue 13): seats with a role and a term, one
question (pac.selectors) every page asks, the admin with history, and the migration that moved the
panel out of the review committees."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pac.models import AdvisoryPanelMembership, User
from pac.selectors import (
    advisory_panel_chair,
    advisory_panel_users,
    advisory_panel_year_ids,
    is_on_advisory_panel,
    roles_of,
)
from tests.factories import (
    AdvisoryPanelFactory,
    ProgramYearFactory,
    UserFactory,
    panel_seat,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def other_year(program_year):
    return ProgramYearFactory(
        name="2025–26",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year - 1),
        ends_on=program_year.starts_on - datetime.timedelta(days=1),
    )


def fresh(user) -> User:
    """The same account, as a new request would load it (the panel question is read once per user object)."""
    return User.objects.get(pk=user.pk)


def test_a_serving_member_is_on_their_years_panel_and_no_other(program_year, other_year):
    member = panel_seat(program_year)
    assert is_on_advisory_panel(member) and is_on_advisory_panel(member, program_year)
    assert is_on_advisory_panel(member, program_year.pk)
    assert not is_on_advisory_panel(fresh(member), other_year)
    assert list(advisory_panel_users(program_year)) == [member]
    assert not advisory_panel_users(other_year).exists()
    assert advisory_panel_year_ids(fresh(member)) == {program_year.pk}


@pytest.mark.parametrize(
    "term, serving",
    [
        ({"term_starts_on": TODAY() + datetime.timedelta(days=1)}, False),  # not started yet
        ({"term_ends_on": TODAY() - datetime.timedelta(days=1)}, False),  # ended yesterday
        ({"term_ends_on": TODAY()}, True),  # their last day
        ({}, True),
    ],
)
def test_a_seat_counts_only_during_its_term(program_year, term, serving):
    if "term_starts_on" not in term:
        term["term_starts_on"] = TODAY() - datetime.timedelta(days=30)
    member = panel_seat(program_year, **term)
    assert is_on_advisory_panel(member, program_year) is serving
    assert advisory_panel_users(program_year).filter(pk=member.pk).exists() is serving


def test_a_deactivated_account_is_not_on_the_panel(program_year):
    member = panel_seat(program_year)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert not is_on_advisory_panel(fresh(member))
    assert not advisory_panel_users(program_year).exists()


def test_a_committee_seat_no_longer_makes_anyone_a_panel_member(program_year):
    from tests.applications.factories import CommitteeFactory, CommitteeMemberFactory

    reviewer = CommitteeMemberFactory(committee=CommitteeFactory(program_year=program_year)).user
    assert not is_on_advisory_panel(reviewer)
    assert not advisory_panel_users().exists()


def test_the_answer_is_read_once_per_user_object(program_year, django_assert_num_queries):
    member = panel_seat(program_year)
    member = fresh(member)
    with django_assert_num_queries(1):
        assert is_on_advisory_panel(member)
        assert is_on_advisory_panel(member, program_year)
        assert advisory_panel_year_ids(member) == {program_year.pk}


def test_the_term_starts_with_the_year_unless_given(program_year):
    panel = AdvisoryPanelFactory(program_year=program_year)
    seat = AdvisoryPanelMembership.objects.create(panel=panel, user=UserFactory())
    assert seat.term_starts_on == program_year.starts_on


def test_the_chair_is_named_and_shown_among_their_roles(program_year):
    chair = panel_seat(program_year, role=AdvisoryPanelMembership.Role.CHAIR)
    member = panel_seat(program_year)
    assert advisory_panel_chair(program_year) == chair
    assert "Advisory Panel chair" in roles_of(fresh(chair), program_year)
    assert "Advisory Panel member" in roles_of(fresh(member), program_year)
    assert not any("Advisory Panel" in label for label in roles_of(UserFactory(), program_year))


def test_a_panel_has_one_serving_chair(program_year):
    panel_seat(program_year, role=AdvisoryPanelMembership.Role.CHAIR)
    panel = AdvisoryPanelFactory(program_year=program_year)
    second = AdvisoryPanelMembership(panel=panel, user=UserFactory(), role=AdvisoryPanelMembership.Role.CHAIR)
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "chairs the panel" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_a_new_chair_follows_one_whose_term_ended(program_year):
    ended = TODAY() - datetime.timedelta(days=1)
    panel_seat(program_year, role="chair", term_starts_on=TODAY() - datetime.timedelta(days=60), term_ends_on=ended)
    panel = AdvisoryPanelFactory(program_year=program_year)
    successor = AdvisoryPanelMembership(panel=panel, user=UserFactory(), role="chair", term_starts_on=TODAY())
    successor.full_clean()
    successor.save()
    assert advisory_panel_chair(program_year) == successor.user


def test_a_term_cannot_end_before_it_starts(program_year):
    panel = AdvisoryPanelFactory(program_year=program_year)
    seat = AdvisoryPanelMembership(
        panel=panel, user=UserFactory(), term_starts_on=TODAY(), term_ends_on=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="end on or after"):
        seat.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        seat.save()


# --- the admin -------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_keep_the_panel_in_the_admin_with_history(staff_client, staff_user, program_year):
    chair = panel_seat(program_year, role="chair")
    panel = chair.advisory_panel_memberships.get().panel
    pages = [
        reverse("admin:pac_advisorypanel_changelist"),
        reverse("admin:pac_advisorypanel_changelist") + "?q=2026",
        reverse("admin:pac_advisorypanel_change", args=[panel.pk]),
        reverse("admin:pac_advisorypanel_history", args=[panel.pk]),
        reverse("admin:pac_advisorypanel_add"),
        reverse("admin:pac_advisorypanelmembership_changelist"),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url
    listing = staff_client.get(reverse("admin:pac_advisorypanel_changelist")).content.decode()
    assert str(chair) in listing

    newcomer = UserFactory()
    seat = chair.advisory_panel_memberships.get()
    prefix = "memberships"
    response = staff_client.post(
        reverse("admin:pac_advisorypanel_change", args=[panel.pk]),
        {
            "program_year": program_year.pk,
            "notes": "",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": seat.pk,
            f"{prefix}-0-panel": panel.pk,
            f"{prefix}-0-user": chair.pk,
            f"{prefix}-0-role": "chair",
            f"{prefix}-0-represents": "",
            f"{prefix}-0-term_starts_on": seat.term_starts_on.isoformat(),
            f"{prefix}-0-term_ends_on": TODAY().isoformat(),
            f"{prefix}-1-panel": panel.pk,
            f"{prefix}-1-user": newcomer.pk,
            f"{prefix}-1-role": "member",
            f"{prefix}-1-represents": "Family child care providers",
            f"{prefix}-1-term_starts_on": "",
            f"{prefix}-1-term_ends_on": "",
        },
    )
    assert response.status_code == 302
    added = newcomer.advisory_panel_memberships.get()
    assert added.term_starts_on == program_year.starts_on and added.represents == "Family child care providers"
    seat.refresh_from_db()
    assert seat.term_ends_on == TODAY()
    last = seat.history.first()
    assert last.history_user == staff_user and last.term_ends_on == TODAY()
    assert staff_client.post(reverse("admin:pac_advisorypanelmembership_delete", args=[seat.pk])).status_code == 403


def test_the_committee_admin_shows_who_sits_on_the_panel(staff_client, program_year):
    from tests.applications.factories import CommitteeFactory, CommitteeMemberFactory

    committee = CommitteeFactory(program_year=program_year)
    on_panel = CommitteeMemberFactory(committee=committee, user=panel_seat(program_year))
    CommitteeMemberFactory(committee=committee)
    response = staff_client.get(reverse("admin:applications_committeemember_changelist"))
    assert response.status_code == 200
    rows = {row.pk: row.sits_on_panel for row in response.context["cl"].result_list}
    assert rows[on_panel.pk] is True and list(rows.values()).count(False) == 1
    assert staff_client.get(reverse("admin:applications_committee_change", args=[committee.pk])).status_code == 200


# --- the migration that moved the panel out of the committees ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_active_committees_advisory_panel_seats_to_the_panel():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("applications", "0006_interview_invitation_sequence"), ("pac", "0014_calendar_feeds")]
    after = [("applications", "0007_advisory_panel_leaves_committees")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        year = old.get_model("pac", "ProgramYear").objects.create(
            name="2030–31",
            starts_on=datetime.date(2030, 9, 1),
            ends_on=datetime.date(2031, 8, 31),
            applications_open_on=datetime.date(2030, 3, 1),
            applications_close_on=datetime.date(2030, 6, 30),
        )
        users = old.get_model("pac", "User").objects
        panel_member, inactive_committee, eec = (users.create(email=f"m{n}@example.org") for n in range(3))
        committees = old.get_model("applications", "Committee").objects
        active = committees.create(program_year=year, name="Active")
        retired = committees.create(program_year=year, name="Retired", is_active=False)
        seats = old.get_model("applications", "CommitteeMember").objects
        seats.create(committee=active, user=panel_member, kind="advisory_panel")
        seats.create(committee=retired, user=inactive_committee, kind="advisory_panel")
        seats.create(committee=active, user=eec, kind="eec")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        membership = new.get_model("pac", "AdvisoryPanelMembership").objects.get()
        assert membership.user_id == panel_member.pk and membership.panel.program_year_id == year.pk
        assert membership.role == "member" and membership.term_starts_on == year.starts_on
        assert membership.term_ends_on is None
        history = new.get_model("pac", "HistoricalAdvisoryPanelMembership").objects.get()
        assert history.history_type == "+" and "committee" in history.history_change_reason
        kinds = dict(new.get_model("applications", "CommitteeMember").objects.values_list("user_id", "kind"))
        assert kinds == {panel_member.pk: "other", inactive_committee.pk: "other", eec.pk: "eec"}
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
