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
