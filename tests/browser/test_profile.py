"""Journey: an account PAC has no name for (made before sign-up asked for one) goes to Applications,
is sent to its profile first, gives its name and details and comes back to where it was; later it
changes its reminder emails from the header's Account entry. The profile is scanned with axe-core at
375 and 1280 px and fits a phone's width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pac.models import Person, User
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
PASSWORD = "correct-horse-battery"


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_an_account_without_a_name_gives_it_before_applying(live_server, browser, width):
    user = UserFactory(email="no.name@example.org", full_name="")
    base = live_server.url
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{base}/accounts/signup/")  # a new account is asked the same details
    expect(page.get_by_label("First name")).to_be_visible()
    assert_accessible(page, f"sign up at {width}px")
    assert_fits_phone_width(page)
    sign_in(page, base, user.email)

    page.goto(f"{base}/applications/")  # where the Applications menu item leads
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("Before you go on, tell us your name")).to_be_visible()
    assert_accessible(page, f"profile at {width}px")
    assert_fits_phone_width(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Some details need attention")).to_be_visible()  # a name is required
    page.get_by_label("First name").fill("Noa")
    page.get_by_label("Last name").fill("Almeida")
    page.get_by_label("Phone").fill("(413) 555-0199")
    page.get_by_label("Preferred language").select_option(label="Haitian Creole")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Your applications")).to_be_visible()  # their place is kept

    person = Person.objects.get(user=user)
    assert (person.full_name, person.phone, person.preferred_language) == ("Noa Almeida", "(413) 555-0199", "ht")
    assert User.objects.get(pk=user.pk).full_name == "Noa Almeida"

    # later: the header's Account entry leads to the profile, where reminder emails are chosen
    account = page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Account"), include_hidden=True)
    expect(account).to_have_attribute("href", "/profile/")
    page.goto(f"{base}/profile/")
    expect(page.get_by_label("First name")).to_have_value("Noa")
    page.get_by_label("No reminder emails (I check My work)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    assert_accessible(page, f"saved profile at {width}px")
    assert_fits_phone_width(page)
    person.refresh_from_db()
    assert person.reminder_emails == Person.ReminderEmails.NONE
