"""PAC's own beat schedules (issue 12, last "Faults" bullet): staff cannot delete them in the
admin (one by one, in bulk, or by deleting their crontab), can disable one only with a reason
that is recorded with who and when, and staff's My work warns when one is off, missing, or has
not run for two days (or one day past its own interval, when that is longer)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from pac.beat import MIGRATION_SCHEDULES, schedule_problems
from pac.beat_models import ScheduleChange

pytestmark = pytest.mark.django_db

REMINDERS = "PAC coaching reminders (daily)"


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.raise_request_exception = False
    return client


def _task(name=REMINDERS) -> PeriodicTask:
    return PeriodicTask.objects.get(name=name)


def _change_url(task):
    return reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])


def test_the_migrations_create_every_schedule_pac_protects():
    assert set(MIGRATION_SCHEDULES) <= set(PeriodicTask.objects.values_list("name", flat=True))


def test_staff_cannot_delete_a_pac_schedule(staff):
    task = _task()
    url = reverse("admin:django_celery_beat_periodictask_delete", args=[task.pk])
    assert staff.get(url).status_code == 403
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert PeriodicTask.objects.filter(pk=task.pk).exists()
    assert "Delete" not in staff.get(_change_url(task)).content.decode().split("submit-row")[-1]


def test_the_bulk_delete_action_is_gone_and_refused(staff):
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")
    page = staff.get(changelist).content.decode()
    assert 'value="delete_selected"' not in page
    ids = [str(pk) for pk in PeriodicTask.objects.values_list("pk", flat=True)]
    staff.post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert PeriodicTask.objects.filter(name__in=MIGRATION_SCHEDULES).count() == len(MIGRATION_SCHEDULES)


def test_deleting_the_crontab_under_a_pac_schedule_is_refused(staff):
    crontab = _task().crontab
    url = reverse("admin:django_celery_beat_crontabschedule_delete", args=[crontab.pk])
    response = staff.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)  # Django's "you may not delete the related objects" page
    assert PeriodicTask.objects.filter(name=REMINDERS).exists()


def test_staff_can_still_delete_a_schedule_of_their_own(staff):
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    mine = PeriodicTask.objects.create(name="Staff test", task="pac.tasks.email_retry_unsent", interval=every_hour)
    url = reverse("admin:django_celery_beat_periodictask_delete", args=[mine.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not PeriodicTask.objects.filter(pk=mine.pk).exists()


def test_list_actions_cannot_switch_a_pac_schedule_off(staff):
    task = _task()
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")
    for action in ("disable_tasks", "toggle_tasks"):
        response = staff.post(changelist, {"action": action, "_selected_action": [task.pk]}, follow=True)
        assert "is PAC&#x27;s own" in response.content.decode()
        task.refresh_from_db()
        assert task.enabled


def _form_data(task, **changes):
    data = {
        "name": task.name,
        "regtask": task.task,
        "task": task.task,
        "description": task.description,
        "crontab": task.crontab_id or "",
        "interval": task.interval_id or "",
        "args": "[]",
        "kwargs": "{}",
        "headers": "{}",
        "pac_changes-TOTAL_FORMS": "0",
        "pac_changes-INITIAL_FORMS": "0",
        "pac_changes-MIN_NUM_FORMS": "0",
        "pac_changes-MAX_NUM_FORMS": "0",
    }
    if task.enabled:
        data["enabled"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_disabling_a_pac_schedule_needs_a_reason_and_records_who_and_when(staff, staff_user):
    task = _task()
    response = staff.post(_change_url(task), _form_data(task, enabled=None))
    assert response.status_code == 200
    assert "Say why this schedule is being disabled" in response.content.decode()
    task.refresh_from_db()
    assert task.enabled

    response = staff.post(_change_url(task), _form_data(task, enabled=None, change_reason="Summer break"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    task.refresh_from_db()
    assert not task.enabled
    change = ScheduleChange.objects.get(task=task)
    assert (change.enabled, change.reason, change.changed_by) == (False, "Summer break", staff_user)
    assert timezone.now() - change.changed_at < datetime.timedelta(minutes=1)
    assert "Summer break" in staff.get(_change_url(task)).content.decode()  # the history is on the page


def test_my_work_warns_staff_of_a_disabled_schedule_with_its_reason(staff, staff_user, client):
    from pac.beat import schedule_set_enabled

    page = staff.get(reverse("pac:my_work")).content.decode()
    assert "Scheduled reminders need attention" not in page  # fresh schedules: nothing to say

    schedule_set_enabled(task=_task(), enabled=False, reason="Summer break", actor=staff_user)
    page = staff.get(reverse("pac:my_work")).content.decode()
    assert "Scheduled reminders need attention" in page
    assert REMINDERS in page and "Summer break" in page and staff_user.email in page


def test_my_work_is_silent_about_schedules_for_everyone_else(client, mentee, staff_user):
    from pac.beat import schedule_set_enabled

    schedule_set_enabled(task=_task(), enabled=False, reason="Summer break", actor=staff_user)
    client.force_login(mentee)
    assert "Scheduled reminders" not in client.get(reverse("pac:my_work")).content.decode()


def test_a_reason_is_required_by_the_service_too(staff_user):
    from pac.beat import schedule_set_enabled

    with pytest.raises(ValueError):
        schedule_set_enabled(task=_task(), enabled=False, reason="  ", actor=staff_user)
    assert _task().enabled


def _late(name):
    return {p["name"] for p in schedule_problems() if p["kind"] == "late"}


def test_a_daily_schedule_is_late_after_two_days_run_or_never_run():
    now = timezone.now()
    PeriodicTask.objects.filter(name=REMINDERS).update(last_run_at=now - datetime.timedelta(days=1, hours=20))
    assert REMINDERS not in _late(REMINDERS)
    PeriodicTask.objects.filter(name=REMINDERS).update(last_run_at=now - datetime.timedelta(days=2, hours=1))
    assert REMINDERS in _late(REMINDERS)
    # never run, created three days ago
    PeriodicTask.objects.filter(name=REMINDERS).update(last_run_at=None, date_changed=now - datetime.timedelta(days=3))
    assert REMINDERS in _late(REMINDERS)


def test_a_weekly_schedule_is_compared_with_its_own_interval():
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*"
    )
    now = timezone.now()
    PeriodicTask.objects.filter(name=REMINDERS).update(crontab=weekly, last_run_at=now - datetime.timedelta(days=5))
    assert REMINDERS not in _late(REMINDERS)
    PeriodicTask.objects.filter(name=REMINDERS).update(last_run_at=now - datetime.timedelta(days=9))
    assert REMINDERS in _late(REMINDERS)


def test_a_missing_schedule_is_reported(staff):
    PeriodicTask.objects.filter(name=REMINDERS).delete()  # as an older PAC let staff do
    assert {"name": REMINDERS, "kind": "missing"} in schedule_problems()
    assert "deleted outside the admin" in staff.get(reverse("pac:my_work")).content.decode()
