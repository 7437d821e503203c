import pytest
from django.urls import reverse

from pac import my_work
from tests.factories import ParticipationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_work_shows_roles_and_nav_only_what_the_person_may_open(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Mentee" in page
    assert "Staff admin" not in page
    assert reverse("admin:index") not in page


def test_staff_my_work_links_to_the_admin_and_reports_failed_emails(client, staff_user):
    from pac.models import OutboundEmail

    OutboundEmail.objects.create(to=["x@example.org"], subject="s", body_text="b", status="failed")
    client.force_login(staff_user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Staff admin" in page
    assert "1 email could not be sent" in page


def test_a_person_with_no_role_is_told_so(client):
    client.force_login(UserFactory())
    assert "You have no PAC role yet" in client.get(reverse("pac:my_work")).content.decode()


def test_my_work_query_count_does_not_grow_with_roles(client, program_year, django_assert_max_num_queries):
    participation = ParticipationFactory(program_year=program_year)
    client.force_login(participation.person.user)
    # each app's panels cost a query or two whoever you are (a Mentee's own participation panel about
    # eight: attendance, recommended training, acknowledgement, the year's requirement, the next
    # orientation); what matters is that other people's roles add none
    with django_assert_max_num_queries(31) as small:
        client.get(reverse("pac:my_work"))
    ParticipationFactory.create_batch(30, program_year=program_year)
    with django_assert_max_num_queries(31) as large:
        client.get(reverse("pac:my_work"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_panels_are_pluggable_and_skip_none(rf, mentee):
    calls = []

    def extra(request):
        calls.append(request)
        return None

    my_work.register(extra)
    try:
        request = rf.get("/")
        request.user = mentee
        titles = [p.title for p in my_work.panels_for(request)]
        assert calls and "Your roles" in titles
    finally:
        my_work._factories.remove(extra)


def test_healthz_reports_each_dependency(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "not configured"
    assert body["down"] == []


def test_healthz_names_redis_and_worker_when_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # the database is up, so the site can serve
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == "down"
    assert "redis" in body["down"]


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from pac import views

    monkeypatch.setattr(views, "_check_database", lambda: "down")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_guessed_urls_get_a_friendly_404(client, mentee):
    client.force_login(mentee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()


def test_pages_send_a_content_security_policy(client):
    response = client.get(reverse("account_login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
