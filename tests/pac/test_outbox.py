"""The outbox: emails are queued with the change that causes them, sent once by a task
that takes an id, retried when the mail server fails, and never lost when Redis is down."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from pac.models import OutboundEmail
from pac.services import EmailSendError, email_queue, email_send
from pac.tasks import email_retry_unsent, email_send_task

pytestmark = pytest.mark.django_db


def test_queued_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = email_queue(
            to=["Coach@Example.org"],
            subject="Welcome",
            body_text="Hello",
            body_html="<p>Hello</p>",
            attachments=[("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    sent = mail.outbox[0]
    assert sent.to == ["coach@example.org"]
    assert sent.alternatives[0][0] == "<p>Hello</p>"
    assert sent.attachments[0][0] == "invite.ics" and sent.attachments[0][1] in ("BEGIN:VCALENDAR", b"BEGIN:VCALENDAR")


def test_same_key_is_queued_once():
    first = email_queue(to=["a@example.org"], subject="Reminder", body_text="x", key="report:1:due:a")
    second = email_queue(to=["a@example.org"], subject="Reminder", body_text="x", key="report:1:due:a")
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1


def test_sending_twice_sends_once():
    email = email_queue(to=["a@example.org"], subject="Once", body_text="x")
    assert email_send(email_id=email.pk) is True
    assert email_send(email_id=email.pk) is False
    assert email_send_task(email.pk) is False  # a redelivered task is a no-op
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_recorded_and_the_email_stays_queued():
    email = email_queue(to=["a@example.org"], subject="Retry me", body_text="x")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        with pytest.raises(EmailSendError):
            email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1 and "SMTPServerDisconnected" in email.last_error
    assert email_send(email_id=email.pk) is True  # the server is back
    assert len(mail.outbox) == 1


def test_after_max_attempts_the_email_is_marked_failed_for_staff(settings):
    settings.PAC_EMAIL_MAX_ATTEMPTS = 2
    email = email_queue(to=["a@example.org"], subject="Doomed", body_text="x")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("refused")):
        for _ in range(2):
            with pytest.raises(EmailSendError):
                email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED


def test_the_task_retries_with_backoff_on_a_worker(settings):
    email = email_queue(to=["a@example.org"], subject="Retry", body_text="x")
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("refused")),
        mock.patch.object(email_send_task, "retry", side_effect=RuntimeError("retry scheduled")) as retry,
    ):
        email_send_task.request.is_eager = False
        try:
            with pytest.raises(RuntimeError, match="retry scheduled"):
                email_send_task.run(email.pk)
        finally:
            email_send_task.request.is_eager = True
    assert retry.call_args.kwargs["countdown"] == 60


def test_broker_down_at_queue_time_loses_nothing(django_capture_on_commit_callbacks):
    with mock.patch.object(email_send_task, "delay", side_effect=ConnectionRefusedError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            email = email_queue(to=["a@example.org"], subject="Kept", body_text="x")
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    # later the sweep finds it and sends it
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert email_retry_unsent() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_the_sweep_leaves_fresh_and_recently_tried_emails_alone():
    fresh = email_queue(to=["a@example.org"], subject="Fresh", body_text="x")
    tried = email_queue(to=["a@example.org"], subject="Tried", body_text="x")
    OutboundEmail.objects.filter(pk=tried.pk).update(
        created_at=timezone.now() - timedelta(minutes=10), last_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    assert email_retry_unsent() == 0
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count() == 2
    assert fresh.pk != tried.pk
