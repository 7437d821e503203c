"""People's names and contact details: asked at sign-up, kept on the profile page, required before
an application, and never replaced by the email address in what PAC sends."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from pac.models import Person, User
from pac.workflow import TransitionError
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-pass"
SIGNUP = {
    "email": "dana.newcomer@example.org",
    "first_name": "Dana",
    "last_name": "Newcomer",
    "phone": "617-555-0142",
    "preferred_language": "es",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def open_year(db):
    today = timezone.localdate()
    return ProgramYearFactory(
        name="2031–32",
        starts_on=today.replace(year=today.year + 1),
        ends_on=today.replace(year=today.year + 2),
        applications_open_on=today,
        applications_close_on=today,
    )


def sign_up_and_verify(client, capture, data=SIGNUP):
    with capture(execute=True):
        response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    client.post(link)
    return User.objects.get(email=data["email"])


def test_signup_without_a_name_is_refused(client):
    data = {k: v for k, v in SIGNUP.items() if k not in ("first_name", "last_name")}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    form = response.context["form"]
    assert "first_name" in form.errors and "last_name" in form.errors


def test_signup_asks_for_the_name_and_contact_details(client):
    page = client.get(reverse("account_signup")).content.decode()
    for label in ("First name", "Last name", "Phone", "Preferred language"):
        assert label in page


def test_signup_records_the_person_with_their_details(client, django_capture_on_commit_callbacks):
    user = sign_up_and_verify(client, django_capture_on_commit_callbacks)
    assert user.full_name == "Dana Newcomer"
    person = user.person
    assert (person.first_name, person.last_name, person.phone, person.preferred_language) == (
        "Dana",
        "Newcomer",
        "617-555-0142",
        "es",
    )
    assert client.get(reverse("pac:my_work")).status_code == 200


def test_signup_email_comes_from_pac(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    body = mail.outbox[-1].body
    assert "Hello from PAC!" in body
    assert "Hello from !" not in body
    # who asked, and where, in words the recipient knows (not the site's bare domain)
    assert "because Dana Newcomer gave this address when creating an account on PAC (http://testserver)" in body


def test_the_site_is_named_pac():
    from django.contrib.sites.models import Site

    assert Site.objects.get_current().name == "PAC"


def test_recommender_email_and_mou_carry_the_typed_name(client, open_year, django_capture_on_commit_callbacks):
    user = sign_up_and_verify(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:start", args=["ct"]), {"year": open_year.pk})
        application = Application.objects.get(applicant__user=user)
        client.post(
            reverse("applications:recommender_add", args=[application.reference]),
            {"name": "Pat Peer", "email": "pat.peer@example.org", "relationship": "professional_peer"},
        )
    letter = next(m for m in mail.outbox if m.to == ["pat.peer@example.org"])
    assert "Dana Newcomer has asked you" in letter.subject + letter.body
    assert "dana.newcomer" not in letter.subject + letter.body
    mou_text = services.mou_render(
        template=services.mou_template_for(application.role),
        application=application,
        signer_name="Lee Leader",
        signer_title="Director",
    )
    assert "Dana Newcomer" in mou_text and "dana.newcomer" not in mou_text


def test_an_account_without_a_name_completes_the_profile_before_applying(client, open_year):
    user = UserFactory(email="no.name@example.org", full_name="")
    client.force_login(user)
    response = client.get(reverse("applications:mine"))
    profile = reverse("pac:profile")
    assert response.status_code == 302 and response.url.startswith(profile)
    response = client.post(reverse("applications:start", args=["ct"]), {"year": open_year.pk})
    assert response.status_code == 302 and response.url.startswith(profile)
    assert not Application.objects.exists()

    next_url = reverse("applications:mine")
    response = client.post(
        f"{profile}?next={next_url}",
        {"first_name": "Noa", "last_name": "Name", "phone": "", "preferred_language": "en", "reminder_emails": "each"},
    )
    assert response.status_code == 302 and response.url == next_url  # their place is kept
    user.refresh_from_db()
    assert user.full_name == "Noa Name" and user.person.full_name == "Noa Name"
    assert client.get(next_url).status_code == 200


def test_profile_edits_keep_the_account_and_person_in_step_with_history(client):
    person = PersonFactory(with_account=True, first_name="Ana", last_name="Lima")
    client.force_login(person.user)
    page = client.get(reverse("pac:profile"))
    assert page.status_code == 200 and "Ana" in page.content.decode()
    response = client.post(
        reverse("pac:profile"),
        {
            "first_name": "Ana Maria",
            "last_name": "Lima",
            "phone": "508-555-0100",
            "preferred_language": "pt",
            "reminder_emails": "none",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.full_name == "Ana Maria Lima" and person.user.full_name == "Ana Maria Lima"
    assert person.phone == "508-555-0100" and person.preferred_language == "pt"
    assert person.reminder_emails == Person.ReminderEmails.NONE
    assert person.history.first().first_name == "Ana Maria" and person.history.count() == 2
    assert person.user.history.first().full_name == "Ana Maria Lima"


def test_profile_refuses_a_blank_name(client):
    person = PersonFactory(with_account=True, first_name="Ana", last_name="Lima")
    client.force_login(person.user)
    response = client.post(
        reverse("pac:profile"),
        {"first_name": " ", "last_name": "", "preferred_language": "en", "reminder_emails": "each"},
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.full_name == "Ana Lima"


def test_no_email_is_built_for_an_applicant_without_a_name(open_year, django_capture_on_commit_callbacks):
    # an application from before names were asked: the person has no name on record
    applicant = PersonFactory(with_account=True, first_name="", last_name="")
    application = Application.objects.create(
        program_year=open_year, role="ct", applicant=applicant, created_by=applicant.user
    )
    mail.outbox.clear()
    with pytest.raises(TransitionError, match="name"):
        services.recommendation_add(
            application=application,
            actor=applicant.user,
            name="Pat Peer",
            email="pat@example.org",
            relationship="professional_peer",
        )
    with pytest.raises(TransitionError, match="name"):
        services.mou_render(
            template=services.mou_template_for("ct"), application=application, signer_name="Lee", signer_title=""
        )
    assert mail.outbox == []
    assert "@" not in str(applicant) and str(applicant)


# --- emailed links follow the address the site is reached at -------------------------------


def _recommender_email_body(client, django_capture_on_commit_callbacks) -> str:
    """Rosa asks a recommender for a letter, on a request to 127.0.0.1:8765; the email's body."""
    person = PersonFactory(with_account=True, first_name="Rosa", last_name="Pereira")
    year = ProgramYearFactory(
        name="2031–32", applications_open_on=timezone.localdate(), applications_close_on=timezone.localdate()
    )
    application = Application.objects.create(program_year=year, role="ct", applicant=person, created_by=person.user)
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applications:recommender_add", args=[application.reference]),
            {"name": "Pat Peer", "email": "pat.peer@example.org", "relationship": "professional_peer"},
            HTTP_HOST="127.0.0.1:8765",
        )
    return mail.outbox[-1].body


def test_emailed_links_follow_the_request_host_when_no_base_url_is_set(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAC_BASE_URL = ""
    body = _recommender_email_body(client, django_capture_on_commit_callbacks)
    assert re.search(r"http://127\.0\.0\.1:8765/applications/r/\S+/", body), body


def test_a_set_base_url_wins_over_the_request_host(client, settings, django_capture_on_commit_callbacks):
    settings.PAC_BASE_URL = "https://pac.example.org/"
    body = _recommender_email_body(client, django_capture_on_commit_callbacks)
    assert "https://pac.example.org/applications/r/" in body


def test_staff_renaming_a_person_in_the_admin_renames_the_account(client, staff_user):
    person = PersonFactory(with_account=True, first_name="Ana", last_name="Lima", program=None)
    client.force_login(staff_user)
    form = {
        "first_name": "Ana Paula",
        "last_name": "Lima",
        "email": person.email,
        "phone": "",
        "preferred_language": "en",
        "reminder_emails": "each",
        "user": person.user_id,
        "is_active": "on",
        "job_role": "",
        "pq_registry_id": "",
        "highest_degree": "",
        "degree_field": "",
        "degree_field_name": "",
        "eec_certification": "",
        "years_as_educator": "",
        "years_supervising": "",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:pac_person_change", args=[person.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.user.refresh_from_db()
    assert person.user.full_name == "Ana Paula Lima"
    assert person.user.history.first().full_name == "Ana Paula Lima"
    user_page = client.get(reverse("admin:pac_user_change", args=[person.user_id])).content.decode()
    assert 'name="full_name"' not in user_page  # the account's name is edited on the person


def test_names_once_made_from_the_email_are_cleared():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pac.migrations.0009_forget_names_made_from_emails")
    made_up = PersonFactory(
        with_account=True, email="dana.newcomer@example.org", first_name="dana.newcomer", last_name=""
    )
    real = PersonFactory(with_account=True, email="pat@example.org", first_name="Pat", last_name="")
    migration.clear_email_names(apps, None)
    made_up.refresh_from_db()
    real.refresh_from_db()
    assert not made_up.has_name and str(made_up) == "Name not given"
    assert real.full_name == "Pat"
