"""The signed-in session paid once (pac.signed_in): behind a session a request reads the session and
the user (their groups, two-factor enrolment, model permissions) from the cache, and whatever
changes them — a group removed, an authenticator deleted, the account deactivated, a new password —
holds from the person's next request."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path, reverse

from pac import navigation, signed_in
from pac.permissions import is_eec_staff
from pac.roles import StaffRole
from pac.services import role_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def bare(request):
    return HttpResponse("ok")


def staff_only(request):
    if not is_eec_staff(request.user):
        raise PermissionDenied("staff only")
    return HttpResponse("staff")


def perm(request, name):
    return HttpResponse("yes" if request.user.has_perm(name) else "no")


urlpatterns = [
    path("bare/", bare),
    path("staff-only/", staff_only),
    path("perm/<str:name>/", perm),
    path("", include("pac.urls")),
]


@pytest.fixture
def cached(settings):
    """The production set-up (Redis in production; here the tests' own memory cache)."""
    settings.SESSION_ENGINE = "pac.signed_in"
    settings.PAC_CACHE_SIGNED_IN_USER = True
    signed_in._session_users.clear()
    yield
    signed_in._session_users.clear()


def warm(client, url="/bare/"):
    """The first request makes the user's entry, the second writes back what it worked out."""
    client.get(url)
    client.get(url)


def test_a_bare_page_behind_a_staff_session_asks_the_database_nothing(
    client, staff_user, cached, django_assert_num_queries
):
    client.force_login(staff_user)
    with django_assert_num_queries(2):  # the user and their authenticator (the session is in the cache)
        assert client.get("/bare/").status_code == 200
    with django_assert_num_queries(1):  # the group names, asked for the first time
        assert client.get("/staff-only/").content == b"staff"
    with django_assert_num_queries(0):
        assert client.get("/bare/").status_code == 200
        assert client.get("/staff-only/").content == b"staff"


def test_without_the_cache_every_request_reads_session_user_and_authenticator(
    client, staff_user, django_assert_num_queries
):
    client.force_login(staff_user)
    client.get("/bare/")
    with django_assert_num_queries(3):
        assert client.get("/bare/").status_code == 200


def test_a_person_outside_staff_groups_costs_no_query_either(client, reviewer, cached, django_assert_num_queries):
    client.force_login(reviewer)
    warm(client)  # the group names (is two-factor required?) are read once
    with django_assert_num_queries(0):
        assert client.get("/bare/").status_code == 200
    assert client.get("/staff-only/").status_code == 403


@pytest.mark.parametrize("how", ["role_revoke", "group.user_set.remove", "group deleted", "groups.clear"])
def test_staff_removed_from_their_group_lose_staff_pages_on_the_next_request(client, staff_user, cached, how):
    client.force_login(staff_user)
    warm(client, "/staff-only/")
    assert client.get("/staff-only/").status_code == 200
    staff_user.is_staff = False  # the group alone makes them staff here
    staff_user.save()
    assert client.get("/staff-only/").status_code == 200
    group = Group.objects.get(name=StaffRole.EEC_STAFF)
    if how == "role_revoke":
        role_revoke(user=staff_user, role=StaffRole.EEC_STAFF)
    elif how == "group.user_set.remove":
        group.user_set.remove(staff_user)
    elif how == "group deleted":
        group.delete()
    else:
        staff_user.groups.clear()
    assert client.get("/staff-only/").status_code == 403


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_staff_whose_authenticator_is_deleted_must_enrol_again_on_the_next_request(client, staff_user, cached, how):
    client.force_login(staff_user)
    warm(client, "/staff-only/")
    assert client.get("/staff-only/").status_code == 200
    if how == "instance":
        Authenticator.objects.get(user=staff_user, type=Authenticator.Type.TOTP).delete()
    else:
        Authenticator.objects.filter(user=staff_user).delete()
    response = client.get("/staff-only/")
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, mentee, cached):
    client.force_login(mentee)
    warm(client, reverse("pac:profile"))
    assert client.get(reverse("pac:profile")).status_code == 200
    mentee.is_active = False
    mentee.save()
    response = client.get(reverse("pac:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_new_password_signs_out_the_other_sessions(client, mentee, cached):
    client.force_login(mentee)
    warm(client, reverse("pac:profile"))
    mentee.set_password("a-brand-new-password")
    mentee.save()
    assert client.get(reverse("pac:profile")).status_code == 302


def test_the_password_hash_is_not_kept_in_the_cache(client, mentee, cached):
    from django.core.cache import cache

    client.force_login(mentee)
    warm(client)
    entry = cache.get(signed_in._entry_key(mentee.pk))
    assert entry is not None and "password" not in entry["fields"]
    assert mentee.password not in repr(entry)


def test_model_permissions_follow_a_change_to_the_groups_permissions(
    client, reviewer, cached, django_assert_num_queries
):
    permission = Permission.objects.get(codename="view_outboundemail")
    group = Group.objects.get(name=StaffRole.REVIEWER)
    url = "/perm/pac.view_outboundemail_model/"  # a name rules does not know: Django's ModelBackend answers
    group.permissions.add(Permission.objects.get(codename="add_outboundemail"))
    client.force_login(reviewer)
    warm(client, "/perm/pac.add_outboundemail/")
    with django_assert_num_queries(0):  # kept with the user after the first request
        assert client.get("/perm/pac.add_outboundemail/").content == b"yes"
        assert client.get(url).content == b"no"
    group.permissions.add(permission)
    assert client.get("/perm/pac.view_outboundemail/").content == b"yes"
    group.permissions.remove(permission)
    assert client.get("/perm/pac.view_outboundemail/").content == b"no"


def test_an_entry_made_from_rows_read_before_a_change_is_never_used(mentee, cached, django_assert_num_queries):
    from django.core.cache import cache

    signed_in.user_load(mentee.pk)
    keys = [signed_in.GENERATION_KEY, signed_in._version_key(mentee.pk)]
    before = cache.get_many(keys)  # a request read the stamp...
    signed_in.user_changed(mentee.pk)  # ...the user changed meanwhile...
    cache.delete(signed_in._entry_key(mentee.pk))
    signed_in.user_load(mentee.pk, before)  # ...and the request wrote an entry with the old stamp
    with django_assert_num_queries(1):  # which is not used: the user is read again
        assert signed_in.user_load(mentee.pk).pk == mentee.pk
    with django_assert_num_queries(0):
        assert signed_in.user_load(mentee.pk).pk == mentee.pk


def test_sign_in_and_sign_out_work_with_the_cached_session(client, mentee, cached):
    response = client.post(reverse("account_login"), {"login": mentee.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == reverse("pac:my_work")
    assert client.get(reverse("pac:my_work")).status_code == 200
    assert client.get(reverse("pac:profile")).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert client.get(reverse("pac:profile")).status_code == 302


def test_the_navigation_is_worked_out_once_per_request(mentee, django_assert_num_queries):
    request = RequestFactory().get("/my-work/")
    request.user = mentee
    entries = navigation.items_for(request)
    with django_assert_num_queries(0):
        assert navigation.items_for(request) is entries


def test_a_wrong_guess_of_whose_session_it_is_costs_only_a_second_look(client, mentee, reviewer, cached):
    client.force_login(mentee)
    warm(client, reverse("pac:profile"))
    key = client.cookies["sessionid"].value
    assert signed_in._session_users[key] == mentee.pk
    signed_in._session_users[key] = reviewer.pk  # as if this process had it wrong
    response = client.get(reverse("pac:profile"))
    assert response.status_code == 200 and response.wsgi_request.user.pk == mentee.pk
    assert signed_in._session_users[key] == mentee.pk
