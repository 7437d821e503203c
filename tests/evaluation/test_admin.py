"""Every evaluation model staff work with is in the admin with history and no delete, and its
list opens and searches; the reminder and review tasks have beat rows staff can edit."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from simple_history.admin import SimpleHistoryAdmin

pytestmark = pytest.mark.django_db

REGISTERED = [m for m in apps.get_app_config("evaluation").get_models() if m in admin.site._registry]


def test_the_records_staff_manage_are_registered(db):
    names = {m.__name__ for m in REGISTERED}
    assert {"Instrument", "Observation", "ObserverCertificate", "ScheduledObservation", "ReferenceFigure"} <= names
    assert {"Survey", "CoachReview"} <= names
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        # editable records keep their history; submitted answers are never editable at all
        editable = model_admin.has_change_permission(_staff_request())
        assert isinstance(model_admin, SimpleHistoryAdmin) or not editable, model
        assert not model_admin.has_delete_permission(_staff_request()), model


def _staff_request():
    from django.test import RequestFactory

    from pac.models import User

    request = RequestFactory().get("/admin/")
    request.user = User(is_staff=True, is_superuser=True)
    return request


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_staff_open_and_search_every_list(client, staff_user, model):
    client.force_login(staff_user)
    url = reverse(f"admin:evaluation_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "a"}).status_code == 200


def test_beat_rows_exist_for_evaluation_tasks():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"evaluation.tasks.coach_reviews_open_task", "evaluation.surveys.tasks.survey_reminders_sweep_task"} <= tasks
