"""The daily reminder sweep: due soon, due today, overdue (and to EEC staff), no meeting last
month; idempotent; digests; email failures retried; a fixed number of queries."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching import selectors, services
from coaching.models import Reminder, ReminderSettings, ThirtyDayReport
from coaching.tasks import reminders_sweep_task
from pac.models import OutboundEmail, Person
from pac.roles import StaffRole
from pac.services import role_grant
from pac.tasks import email_retry_unsent
from tests.coaching.factories import active_pair, meeting
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
T = datetime.date(2026, 11, 20)  # "today" for the sweep; last calendar month is October 2026


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep as the beat task would: committed, so queued emails are sent."""

    def run(today=T):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_sweep(today=today)

    return run


def staff_person(role=StaffRole.EEC_STAFF, **kw):
    user = UserFactory(**kw)
    role_grant(user=user, role=role)
    return PersonFactory(user=user, email=user.email, program=None)


def reminder_emails():
    """Outbox rows of reminders (confirming a pair also emails its members)."""
    return OutboundEmail.objects.filter(key__startswith="reminder:")


# --- no pairs: the sweep itself runs --------------------------------------------------------------


def test_sweep_with_no_pairs_sends_nothing(sweep):
    assert sweep() == 0
    assert not Reminder.objects.exists() and not reminder_emails().exists()


def test_the_task_runs_with_no_pairs():
    assert reminders_sweep_task() == 0


def test_a_pair_not_yet_started_is_ignored(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 40 * DAY)
    type(pair).objects.filter(pk=pair.pk).update(started_on=None)
    assert sweep() == 0
    assert not ThirtyDayReport.objects.exists()


# --- report stages ----------------------------------------------------------------------------


def test_due_in_five_days_reminds_the_coach_once(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)  # period 1 due T + 5
    assert sweep() == 1
    reminder = Reminder.objects.get()
    assert reminder.stage == Reminder.Stage.DUE_SOON and reminder.recipient == pair.coach
    assert reminder.report.period == 1 and reminder.report.due_on == T + 5 * DAY
    assert reminder.message == "30-day report 1 is due on November 25"
    assert reminder.email is not None and reminder.email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pair.coach.email.lower()]
    assert "30-day report 1 is due on November 25" in mail.outbox[0].subject
    assert f"/{reminder.report.pk}" in mail.outbox[0].body


def test_running_the_sweep_twice_creates_and_sends_nothing_new(program_year, staff_user, sweep):
    active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    assert sweep() == 1
    assert sweep() == 0
    assert Reminder.objects.count() == 1
    assert reminder_emails().count() == 1
    assert len(mail.outbox) == 1


def test_six_days_before_due_is_too_early(program_year, staff_user, sweep):
    active_pair(program_year, staff_user, started_on=T - 24 * DAY)  # due T + 6
    assert sweep() == 0
    assert not Reminder.objects.exists()


def test_due_today(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 30 * DAY)  # period 1 due T
    sweep()
    reminder = Reminder.objects.get()
    assert reminder.stage == Reminder.Stage.DUE_TODAY and reminder.recipient == pair.coach
    assert reminder.message == "30-day report 1 is due today"


def test_the_stages_follow_each_other_day_by_day(program_year, staff_user, sweep):
    ReminderSettings.objects.update(remind_no_meeting=False)  # the sweep runs into December
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    for offset in range(0, 13):
        sweep(T + offset * DAY)
    stages = sorted(Reminder.objects.filter(recipient=pair.coach).values_list("stage", flat=True))
    assert stages == sorted([Reminder.Stage.DUE_SOON, Reminder.Stage.DUE_TODAY, Reminder.Stage.OVERDUE])
    staff_stage = Reminder.objects.filter(stage=Reminder.Stage.OVERDUE_STAFF)
    assert list(staff_stage.values_list("recipient__user", flat=True)) == [staff_user.pk]  # from T + 12


def test_a_submitted_report_gets_no_reminder(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    services.reports_ensure(pair=pair, today=T)
    ThirtyDayReport.objects.filter(pair=pair, period=1).update(status=ThirtyDayReport.Status.SUBMITTED)
    assert sweep() == 0


def test_overdue_by_seven_days_tells_the_coach_and_every_eec_staff_person(program_year, staff_user, sweep):
    other_staff = staff_person(email="staff2@example.org")
    superuser = PersonFactory(user=UserFactory(is_superuser=True, is_staff=True), program=None)
    reviewer = staff_person(StaffRole.REVIEWER)
    inactive = staff_person(is_active=False)
    pair = active_pair(program_year, staff_user, started_on=T - 37 * DAY)  # period 1 due T - 7

    sweep()
    coach = Reminder.objects.get(recipient=pair.coach)
    assert coach.stage == Reminder.Stage.OVERDUE
    assert coach.message == "30-day report 1 is overdue (due November 13)"
    staff_reminders = Reminder.objects.filter(stage=Reminder.Stage.OVERDUE_STAFF)
    recipients = set(staff_reminders.values_list("recipient", flat=True))
    assert recipients == {staff_user.person.pk, other_staff.pk, superuser.pk}
    assert reviewer.pk not in recipients and inactive.pk not in recipients
    assert all("is 7 days overdue" in r.message and pair.coach.full_name in r.message for r in staff_reminders)
    addressed = sorted(m.to[0] for m in mail.outbox)
    assert addressed == sorted(
        [pair.coach.email.lower(), "staff@example.org", "staff2@example.org", superuser.email.lower()]
    )
    # next day: nothing new for anyone
    sweep(T + DAY)
    assert Reminder.objects.count() == 4 and len(mail.outbox) == 4


def test_overdue_by_six_days_is_not_yet_for_staff(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 36 * DAY)
    sweep()
    assert list(Reminder.objects.values_list("stage", "recipient")) == [(Reminder.Stage.OVERDUE, pair.coach.pk)]


def test_settings_days_before_due(program_year, staff_user, sweep):
    ReminderSettings.objects.update(days_before_due=2)
    assert ReminderSettings.current().days_before_due == 2
    active_pair(program_year, staff_user, started_on=T - 25 * DAY)  # due T + 5
    assert sweep() == 0
    assert sweep(T + 2 * DAY) == 0  # due in 3 days
    assert sweep(T + 3 * DAY) == 1  # due in 2 days
    assert Reminder.objects.get().stage == Reminder.Stage.DUE_SOON


def test_settings_days_overdue_before_staff(program_year, staff_user, sweep):
    ReminderSettings.objects.update(days_overdue_before_staff=3)
    active_pair(program_year, staff_user, started_on=T - 33 * DAY)  # overdue by 3
    sweep()
    assert Reminder.objects.filter(stage=Reminder.Stage.OVERDUE_STAFF).count() == 1


# --- no meeting last calendar month -----------------------------------------------------------------


def test_no_meeting_in_the_previous_month_reminds_the_coach_once(program_year, staff_user, sweep):
    quiet = active_pair(program_year, staff_user, started_on=datetime.date(2026, 9, 15))
    meeting(quiet, datetime.date(2026, 9, 20))
    meeting(quiet, datetime.date(2026, 11, 2))  # this month does not count
    meeting(quiet, datetime.date(2026, 10, 8), purpose="leader_check_in")  # not a coaching meeting
    busy = active_pair(program_year, staff_user, started_on=datetime.date(2026, 9, 15), region=2)
    meeting(busy, datetime.date(2026, 10, 31))
    new = active_pair(program_year, staff_user, started_on=datetime.date(2026, 10, 2), region=3)

    sweep()
    sweep()
    no_meeting = Reminder.objects.filter(stage=Reminder.Stage.NO_MEETING)
    assert list(no_meeting.values_list("pair", "recipient")) == [(quiet.pk, quiet.coach.pk)]
    assert no_meeting.get().message == f"No coaching meeting with {quiet.mentee.full_name} was logged in October 2026"
    assert not no_meeting.filter(pair=new).exists()
    assert OutboundEmail.objects.filter(key__contains="no_meeting").count() == 1


def test_no_meeting_reminders_can_be_turned_off(program_year, staff_user, sweep):
    ReminderSettings.objects.update(remind_no_meeting=False)
    active_pair(program_year, staff_user, started_on=datetime.date(2026, 9, 15))
    sweep()
    assert not Reminder.objects.filter(stage=Reminder.Stage.NO_MEETING).exists()


# --- digest -------------------------------------------------------------------------------------------


def test_a_digest_person_gets_one_email_a_day(program_year, staff_user, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - 30 * DAY)  # period 1 due today
    other = active_pair(program_year, staff_user, started_on=today - 25 * DAY, region=2)
    Person.objects.filter(pk=pair.coach.pk).update(reminder_emails=Person.ReminderEmails.DIGEST)
    ReminderSettings.objects.update(remind_no_meeting=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(today=today)
    mine = Reminder.objects.get(recipient=pair.coach)
    assert mine.email is None
    assert [m.to for m in mail.outbox] == [[other.coach.email.lower()]]  # only the immediate person

    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send(today=today) == 1
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [pair.coach.email.lower()]
    assert "1 reminder for" in digest.subject
    assert "30-day report 1 is due today" in digest.body
    assert "is due on" not in digest.body  # the other coach's reminder is not in it

    with django_capture_on_commit_callbacks(execute=True):
        services.digest_send(today=today)
    assert len(mail.outbox) == 2
    assert OutboundEmail.objects.filter(key__startswith="digest:").count() == 1


def test_digest_with_no_reminders_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 0
    assert not mail.outbox


# --- email failure ------------------------------------------------------------------------------------


def test_a_failed_send_stays_queued_and_is_retried_later(program_year, staff_user, sweep):
    active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("connection refused")):
        assert sweep() == 1
    email = reminder_emails().get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1 and "OSError" in email.last_error
    assert not mail.outbox

    # a rerun of the sweep does not queue it again
    sweep()
    assert reminder_emails().count() == 1

    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=long_ago, last_attempt_at=long_ago)
    assert email_retry_unsent() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


# --- query count ----------------------------------------------------------------------------------------


def _sweep_queries(program_year, staff_user, count, django_assert_max_num_queries) -> tuple[int, int]:
    """Add ``count`` pairs with nothing due yet; (queries of the run that makes their drafts,
    queries of the next run, which has nothing to do)."""
    for n in range(count):
        active_pair(program_year, staff_user, started_on=T - 10 * DAY, region=n % 6 + 1)
    runs = []
    for _ in range(2):
        with django_assert_max_num_queries(1000) as ctx:
            services.reminders_sweep(today=T)
        runs.append(len(ctx.captured_queries))
    return tuple(runs)


def test_sweep_query_count_does_not_grow_with_pairs(program_year, staff_user, django_assert_max_num_queries):
    first_two, steady_two = _sweep_queries(program_year, staff_user, 2, django_assert_max_num_queries)
    first_eight, steady_eight = _sweep_queries(program_year, staff_user, 6, django_assert_max_num_queries)  # 8 now
    assert ThirtyDayReport.objects.count() == 8
    assert steady_eight == steady_two
    assert first_eight == first_two


def test_a_repeat_sweep_with_reports_due_soon_does_not_grow_with_pairs(
    program_year, staff_user, django_assert_max_num_queries
):
    def repeat_run(count):
        for n in range(count):
            active_pair(program_year, staff_user, started_on=T - 25 * DAY, region=n % 6 + 1)  # due soon
        services.reminders_sweep(today=T)  # sends the new reminders
        with django_assert_max_num_queries(1000) as ctx:
            assert services.reminders_sweep(today=T) == 0  # nothing new to send
        return len(ctx.captured_queries)

    two = repeat_run(2)
    eight = repeat_run(6)
    assert Reminder.objects.count() == 8
    assert eight == two


# --- the Celery task --------------------------------------------------------------------------------------


def test_the_task_runs_the_sweep(program_year, staff_user, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    active_pair(program_year, staff_user, started_on=today - 25 * DAY)
    ReminderSettings.objects.update(remind_no_meeting=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_sweep_task() == 1
    assert Reminder.objects.get().stage == Reminder.Stage.DUE_SOON
    assert len(mail.outbox) == 1


def test_a_draft_made_by_the_sweep_is_prefilled_when_first_opened(program_year, staff_user, sweep, client):
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    sweep()
    report = ThirtyDayReport.objects.get(pair=pair, period=1)
    meeting(pair, T - 20 * DAY, notes="Modelled transitions")
    assert "Modelled transitions" in selectors.report_draft_answers(report)["actions"]
    # the coach's page shows it, and opening the page saves nothing: the coach's Save does
    client.force_login(pair.coach.user)
    assert "Modelled transitions" in client.get(reverse("coaching:report", args=[report.pk])).content.decode()
    report.refresh_from_db()
    assert not any(report.answers.values())
    # once the coach has written something it is left alone
    services.report_save(report=report, actor=pair.coach.user, answers={"actions": "My own words"})
    report.refresh_from_db()
    assert selectors.report_draft_answers(report)["actions"] == "My own words"


def test_a_person_who_takes_no_reminder_emails_sees_them_in_my_work_only(
    program_year, staff_user, client, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - 30 * DAY)  # period 1 due today
    Person.objects.filter(pk=pair.coach.pk).update(reminder_emails=Person.ReminderEmails.NONE)
    ReminderSettings.objects.update(remind_no_meeting=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(today=today)
        assert services.digest_send(today=today) == 0
    reminder = Reminder.objects.get(recipient=pair.coach)
    assert reminder.email is None and mail.outbox == []
    client.force_login(pair.coach.user)
    assert reminder.message in client.get(reverse("pac:my_work")).content.decode()


# --- a worker killed between the reminder and its email -----------------------------------------------


class WorkerKilled(BaseException):
    """Stands for the process dying (SIGKILL, out of memory): not an Exception, nothing catches it."""


def test_a_sweep_killed_between_the_reminder_and_its_email_loses_no_email(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)  # period 1 due soon
    other = active_pair(program_year, staff_user, started_on=T - 25 * DAY, region=2)
    real_queue = services.email_queue
    calls = []

    def dies_on_second_email(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 2:  # the second reminder row is written; the worker dies before its email
            raise WorkerKilled
        return real_queue(**kwargs)

    with mock.patch("coaching.services.email_queue", side_effect=dies_on_second_email), pytest.raises(WorkerKilled):
        sweep()
    # whatever survived the kill, no reminder is left without its email
    assert not Reminder.objects.filter(email__isnull=True).exists()

    sweep()  # the next run (a restarted worker, or tomorrow's beat)
    reminders = Reminder.objects.order_by("pk")
    assert {r.recipient for r in reminders} == {pair.coach, other.coach}
    for reminder in reminders:
        assert reminder.email is not None
        assert OutboundEmail.objects.filter(key=f"reminder:{reminder.key}").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.coach.email.lower(), other.coach.email.lower()])


def test_the_sweep_heals_a_reminder_recorded_without_its_email(program_year, staff_user, sweep):
    """A row left by a worker that died before reminders and emails were one transaction."""
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    sweep()
    reminder = Reminder.objects.get()
    OutboundEmail.objects.all().delete()  # as if the email had never been queued
    Reminder.objects.filter(pk=reminder.pk).update(email=None)
    mail.outbox.clear()

    sweep()
    reminder.refresh_from_db()
    assert reminder.email is not None and reminder.email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[pair.coach.email.lower()]]
    sweep()
    assert len(mail.outbox) == 1  # healed once


def test_healing_leaves_a_digest_reminder_to_the_digest(program_year, staff_user, sweep):
    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    Person.objects.filter(pk=pair.coach.pk).update(reminder_emails=Person.ReminderEmails.DIGEST)
    sweep()
    sweep()
    assert Reminder.objects.get().email is None
    assert not mail.outbox


KILL_SWEEP = """
import os, signal, datetime, django
django.setup()
from unittest import mock
from coaching import selectors, services
real_queue = services.email_queue
def dies(**kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the worker is killed: the reminder row is written, its email not
with mock.patch("coaching.services.email_queue", side_effect=dies):
    services.reminders_sweep(today=datetime.date.fromisoformat(os.environ["SWEEP_DAY"]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_in_the_sweep_leaves_no_reminder_without_its_email(
    seeded_transactional_db, program_year, staff_user, django_capture_on_commit_callbacks
):
    """The real thing: a separate process runs the sweep on the committed data and is SIGKILLed
    between writing a reminder and queueing its email."""
    import os
    import signal
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    pair = active_pair(program_year, staff_user, started_on=T - 25 * DAY)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pac.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SWEEP_DAY": T.isoformat(),
    }
    worker = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "-c", KILL_SWEEP], env=env, cwd=settings.BASE_DIR, capture_output=True, timeout=120
    )
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]
    assert not Reminder.objects.filter(email__isnull=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(today=T)
    reminder = Reminder.objects.get(recipient=pair.coach)
    assert reminder.email is not None and reminder.email.status == OutboundEmail.Status.SENT
    assert reminder_emails().count() == 1
    assert [m.to for m in mail.outbox if m.subject == reminder.email.subject] == [[pair.coach.email.lower()]]
