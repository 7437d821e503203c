"""Sign-in: email login, verified email, rate limit, TOTP for staff, person linking."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from pac.models import OutboundEmail
from tests.conftest import totp_code
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_person_signs_in_with_email_and_lands_on_my_work(client, mentee):
    response = login(client, mentee.email)
    assert response.status_code == 302
    assert response.url == reverse("pac:my_work")
    page = client.get(response.url)
    assert "Mentee" in page.content.decode()


def test_wrong_password_is_refused_with_a_message(client, mentee):
    response = login(client, mentee.email, "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_failed_logins_are_rate_limited_per_account(client, mentee):
    for _ in range(5):
        assert login(client, mentee.email, "wrong-password").status_code == 200
    response = login(client, mentee.email, PASSWORD)  # even the right password, for now
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_staff_sign_in_asks_for_the_authenticator_code(client, staff_user):
    response = login(client, staff_user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("pac:my_work")).status_code == 302  # not signed in yet
    bad = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert bad.status_code == 200 and "Incorrect code" in bad.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login") + "?next=/admin/pac/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fpac%2F"
    offsite = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert "evil" not in offsite.url


def test_signup_needs_email_verification_then_links_the_known_person(client, django_capture_on_commit_callbacks):
    person = PersonFactory(email="new.leader@example.org", first_name="Lee", last_name="Leader", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "New.Leader@example.org",
                "first_name": "Someone",
                "last_name": "Else",
                "phone": "617-555-0100",
                "preferred_language": "en",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
            },
        )
    assert response.status_code == 302
    assert client.get(reverse("pac:my_work")).status_code == 302  # unverified: not signed in
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.leader@example.org"]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    client.get(link)
    client.post(link)
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "new.leader@example.org"
    # an unverified sign-up never changed the person PAC knew; the account takes the name of record
    assert person.full_name == "Lee Leader" and person.phone == ""
    assert person.user.full_name == "Lee Leader"
    assert client.get(reverse("pac:my_work")).status_code == 200


def test_password_reset_email_goes_through_the_outbox(client, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": mentee.email})
    sent = OutboundEmail.objects.get()
    assert sent.to == [mentee.email] and sent.status == OutboundEmail.Status.SENT
    assert "password" in mail.outbox[0].subject.lower()


def test_inactive_account_cannot_sign_in(client):
    user = UserFactory(is_active=False)
    response = login(client, user.email)
    assert client.get(reverse("pac:my_work")).status_code == 302
    assert response.status_code in (200, 302)


def _new_staff_without_two_factor():
    from pac.roles import StaffRole
    from pac.services import role_grant

    user = UserFactory(email="new.staff@example.org")
    role_grant(user=user, role=StaffRole.EEC_STAFF)
    PersonFactory(user=user, email=user.email, program=None)
    return user


def test_new_staff_go_from_sign_in_to_two_factor_set_up_without_typing_the_password_again(client):
    user = _new_staff_without_two_factor()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith(reverse("mfa_activate_totp")), response.redirect_chain
    assert response.status_code == 200
    assert "Confirm Access" not in response.content.decode()


def test_after_the_reauthentication_timeout_setting_up_two_factor_asks_for_the_password(client):
    import time
    from unittest import mock

    from allauth.account import app_settings

    user = _new_staff_without_two_factor()
    login(client, user.email)
    later = time.time() + app_settings.REAUTHENTICATION_TIMEOUT + 1
    with (
        mock.patch("pac.adapters.time.time", return_value=later),
        mock.patch("allauth.account.internal.flows.reauthentication.time.time", return_value=later),
    ):
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
