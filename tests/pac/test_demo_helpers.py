"""What seed_demo is built from: distinct names at any scale, and a muted outbox."""

from __future__ import annotations

import pytest

from pac.demo import DemoContext, demo_name
from pac.models import OutboundEmail
from pac.services import email_queue, outbox_muted


def test_demo_names_are_distinct_at_any_scale():
    names = [demo_name(n) for n in range(1, 20_000)]
    assert len(set(names)) == len(names)
    ctx = DemoContext()
    assert [ctx.next_name() for _ in range(3)] == names[:3]


@pytest.mark.django_db
def test_a_muted_outbox_queues_and_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, outbox_muted():
        email = email_queue(to=["a@example.org"], subject="Hello", body_text="Hi", key="demo:1")
    assert email.pk is None and email.to == ["a@example.org"]
    assert not OutboundEmail.objects.exists() and callbacks == [] and mailoutbox == []
    email_queue(to=["a@example.org"], subject="Hello", body_text="Hi", key="demo:1")  # unmuted again
    assert OutboundEmail.objects.count() == 1
