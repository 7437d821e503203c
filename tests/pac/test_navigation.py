"""The navigation groups items into menus only for a person with more than fit in the bar."""

import pytest
from django.test import RequestFactory

from pac import navigation

pytestmark = pytest.mark.django_db


def entries_for(user, path="/my-work/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation.items_for(request)


def test_staff_see_menus_per_group_and_single_items_as_links(staff_user):
    entries = entries_for(staff_user, "/coaching/staff/")
    menus = {e["label"]: [link["label"] for link in e["links"]] for e in entries if "links" in e}
    links = [e["label"] for e in entries if "links" not in e]
    assert links[0] == "My work"
    assert "Staff admin" in links and "Application pipeline" in links  # groups with one item of theirs
    assert menus["Pairing & coaching"][:2] == ["Pairing", "Coaching overview"]
    assert {"Observation schedule", "CLASS growth", "Research data", "Surveys"} <= set(menus["Evaluation"])
    assert len(entries) <= navigation.MAX_FLAT_ITEMS
    current = next(e for e in entries if e["label"] == "Pairing & coaching")
    assert current["active"] and [link["active"] for link in current["links"]][:2] == [False, True]


def test_a_person_with_few_items_sees_them_flat(mentee):
    entries = entries_for(mentee)
    assert all("links" not in e for e in entries)
    assert [e["label"] for e in entries][:2] == ["My work", "Applications"]


def test_an_item_names_a_known_group():
    with pytest.raises(ValueError, match="unknown navigation group"):
        navigation.NavItem("Odd", "pac:home", group="Misc")


def labels_for(user) -> list[str]:
    entries = entries_for(user)
    return [link["label"] for e in entries for link in e.get("links", [e])]


def test_items_shown_by_what_a_person_has_are_asked_in_one_query(program_year, django_assert_num_queries):
    """Reviews (an assignment), MOUs to sign (one addressed to them), Pairs (a pair of theirs): one
    query for the three, plus the Advisory Panel seats the page reads anyway."""
    from applications import services as application_services
    from applications.models import ReviewAssignment
    from pac.permissions import _group_names, is_reviewer
    from pairings.models import Pair
    from tests.applications.factories import ApplicationFactory, make_in_review
    from tests.factories import UserFactory
    from tests.pairings.factories import PairFactory

    somebody = UserFactory()
    # the user's own groups and model permissions are read once per user (and kept with the session)
    somebody.get_all_permissions()
    _group_names(somebody)
    with django_assert_num_queries(2):
        assert labels_for(somebody) == ["My work", "Applications"]

    leader = UserFactory(email="nav.leader@example.org")
    application = ApplicationFactory(program_year=program_year)
    application_services.mou_request(
        application=application, actor=application.created_by, signer_name="Nav Leader", signer_email=leader.email
    )
    assert "MOUs to sign" in labels_for(leader)

    pair = PairFactory(program_year=program_year, status=Pair.Status.ACTIVE)
    coach = pair.coach.user
    assert "Pairs" in labels_for(coach) and "Reviews" not in labels_for(coach)
    pair.status = Pair.Status.PROPOSED  # drafts are told to nobody
    pair.save()
    assert "Pairs" not in labels_for(coach)

    application, members = make_in_review(program_year=program_year)
    assigned = ReviewAssignment.objects.filter(application=application).first().reviewer
    assert not is_reviewer(assigned) and "Reviews" in labels_for(assigned)


def test_reviewers_see_reviews_by_their_group_without_a_query(reviewer):
    assert "Reviews" in labels_for(reviewer)
