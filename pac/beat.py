"""PAC's own beat schedules (django-celery-beat rows): which they are, switching one off or on
with a reason, and the My work warning when one is off, missing or has stopped running.

Deleting one of these rows silently stops every reminder it sends, so the admin never deletes
them (pac.beat_admin); staff disable one with a reason instead, and My work keeps saying so.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from . import my_work
from .beat_models import ScheduleChange
from .permissions import is_eec_staff

# The schedules PAC's migrations create (coaching 0004, evaluation 0006 and 0007): they must exist.
MIGRATION_SCHEDULES = (
    "PAC coaching reminders (daily)",
    "PAC reminder digest (daily)",
    "PAC six-month coach reviews (daily)",
    "PAC survey reminders (daily)",
)
# A schedule may go this long without running before My work warns (longer when its own
# interval is longer: then one day past that interval).
LATE_AFTER = datetime.timedelta(days=2)


def pac_schedule_names() -> tuple[str, ...]:
    """PAC's own schedules: the migrations' rows and those beat installs from settings."""
    return MIGRATION_SCHEDULES + tuple(getattr(settings, "CELERY_BEAT_SCHEDULE", {}))


def is_pac_schedule(task: PeriodicTask) -> bool:
    return task.name in pac_schedule_names()


def schedule_set_enabled(*, task: PeriodicTask, enabled: bool, reason: str, actor) -> ScheduleChange:
    """Switch a schedule off or on and record why. Switching one of PAC's own off needs a reason."""
    reason = (reason or "").strip()
    if not enabled and not reason and is_pac_schedule(task):
        raise ValueError("A reason is required to disable one of PAC's schedules.")
    with transaction.atomic():
        if task.enabled != enabled:
            task.enabled = enabled
            task.save()
        return ScheduleChange.objects.create(
            task=task, enabled=enabled, reason=reason or ("Enabled" if enabled else "Disabled"), changed_by=actor
        )


def _period(task: PeriodicTask) -> datetime.timedelta:
    """The longest gap the schedule itself allows between two runs (an upper bound for crontabs)."""
    if task.interval_id:
        return datetime.timedelta(**{task.interval.period: task.interval.every})
    if task.crontab_id:
        c = task.crontab
        if c.month_of_year != "*":
            return datetime.timedelta(days=366)
        if c.day_of_month != "*":
            return datetime.timedelta(days=31)
        if c.day_of_week != "*":
            return datetime.timedelta(days=7)
    return datetime.timedelta(days=1)


def schedule_problems(now: datetime.datetime | None = None) -> list[dict]:
    """PAC's schedules that are off, missing, or have not run when they should have."""
    now = now or timezone.now()
    tasks = {
        t.name: t
        for t in PeriodicTask.objects.filter(name__in=pac_schedule_names())
        .select_related("interval", "crontab")
        .prefetch_related("pac_changes__changed_by")
    }
    problems = []
    for name in MIGRATION_SCHEDULES:
        if name not in tasks:
            problems.append({"name": name, "kind": "missing"})
    for task in sorted(tasks.values(), key=lambda t: t.name):
        url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
        if not task.enabled:
            change = next((c for c in task.pac_changes.all() if not c.enabled), None)
            problems.append({"name": task.name, "kind": "disabled", "change": change, "url": url})
            continue
        if task.one_off or task.clocked_id:
            continue
        since = task.last_run_at or task.date_changed
        allowed = max(LATE_AFTER, _period(task) + datetime.timedelta(days=1))
        if since is not None and now - since > allowed:
            problems.append(
                {"name": task.name, "kind": "late", "since": since, "never_run": not task.last_run_at, "url": url}
            )
    return problems


@my_work.register
def schedules_panel(request: HttpRequest) -> my_work.Panel | None:
    if not is_eec_staff(request.user):
        return None
    problems = schedule_problems()
    if not problems:
        return None
    return my_work.Panel(
        title="Scheduled reminders need attention",
        template="pac/panels/schedules.html",
        context={"problems": problems, "admin_url": reverse("admin:django_celery_beat_periodictask_changelist")},
        order=19,
    )
