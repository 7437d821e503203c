"""Tier 3 interview invitations: one calendar event per application (stable UID), a SEQUENCE one
higher on every booking, move, change and cancellation, METHOD:CANCEL with STATUS:CANCELLED when it
is called off; the applicant's copy and the panel's copy each name only their own attendees. Every
.ics is read back with icalendar."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from applications import services
from applications.models import Application, ReviewAssignment, Stage, Tier
from pac.models import OutboundEmail
from tests.applications.factories import InterviewSlotFactory
from tests.applications.test_services import make_interview, reload
from tests.coaching.factories import refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user):
    return staff_user


def _ics(email) -> Calendar:
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == ("pac-interview.ics", "text/calendar")
    return Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def _to(address: str):
    return [e for e in mail.outbox if address in e.to]


def _one_event(cal: Calendar):
    [event] = cal.events
    return event


def _book(slot, application, actor, capture):
    with capture(execute=True):
        services.slot_book(slot=slot, application=application, actor=actor)


@pytest.fixture
def booked(staff, django_capture_on_commit_callbacks):
    application = make_interview(staff)
    panel = UserFactory.create_batch(3)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=panel)
    mail.outbox.clear()
    _book(slot, application, staff, django_capture_on_commit_callbacks)
    return application, slot, panel


def test_booking_sends_the_applicant_and_the_panel_their_own_invitation(booked):
    application, slot, panel = booked
    assert reload(application).interview_sequence == 1

    [applicant_email] = _to(application.applicant.email)
    cal = _ics(applicant_email)
    event = _one_event(cal)
    assert cal["METHOD"] == "REQUEST"
    assert event["UID"].startswith(f"pac-interview-{application.pk}@")
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CONFIRMED"
    assert event.start == slot.starts_at.astimezone(datetime.UTC).replace(microsecond=0)
    assert event.start.utcoffset() == datetime.timedelta(0)  # written in UTC (DTSTART:...Z)
    assert event.end - event.start == datetime.timedelta(minutes=slot.duration_minutes)
    assert [str(a) for a in event.attendees] == [f"mailto:{application.applicant.email}"]
    assert str(event["LOCATION"]) == slot.video_link

    [panel_email] = [e for e in mail.outbox if e is not applicant_email]
    assert sorted(panel_email.to) == sorted(u.email for u in panel)
    assert panel_email.subject.startswith(f"[PAC] PAC interview panel: {application.reference}")
    panel_event = _one_event(_ics(panel_email))
    assert panel_event["UID"] == event["UID"] and panel_event["SEQUENCE"] == 1
    assert sorted(str(a) for a in panel_event.attendees) == sorted(f"mailto:{u.email}" for u in panel)
    # the panel's copy names the application, never the applicant or their address
    assert application.reference in str(panel_event["SUMMARY"])
    panel_ics = panel_email.attachments[0][1]
    panel_ics = panel_ics.decode() if isinstance(panel_ics, bytes) else panel_ics
    assert application.applicant.email not in panel_ics + panel_email.body
    assert application.applicant.last_name not in str(panel_event["SUMMARY"]) + str(panel_event["DESCRIPTION"])


def test_rebooking_moves_the_same_event_and_cancels_it_for_dropped_panel_members(
    booked, staff, django_capture_on_commit_callbacks
):
    application, first, first_panel = booked
    stays, leaves = first_panel[0], first_panel[1:]
    second_panel = [stays, *UserFactory.create_batch(2)]
    second = InterviewSlotFactory(
        program_year=application.program_year,
        panel=second_panel,
        starts_at=timezone.now() + datetime.timedelta(days=9),
        location="EEC Springfield office, room 4",
        video_link="",
    )
    mail.outbox.clear()
    _book(second, application, staff, django_capture_on_commit_callbacks)
    assert reload(application).interview_sequence == 2

    [moved] = _to(application.applicant.email)
    assert moved.subject.startswith("[PAC] Your PAC interview has changed:")
    event = _one_event(_ics(moved))
    assert event["UID"].startswith(f"pac-interview-{application.pk}@") and event["SEQUENCE"] == 2
    assert event.start == second.starts_at.astimezone(datetime.UTC).replace(microsecond=0)
    assert str(event["LOCATION"]) == "EEC Springfield office, room 4"

    [panel_request] = _to(second_panel[1].email)
    assert sorted(panel_request.to) == sorted(u.email for u in second_panel)  # the one who stays is updated
    assert _ics(panel_request)["METHOD"] == "REQUEST"

    [dropped] = _to(leaves[0].email)
    assert sorted(dropped.to) == sorted(u.email for u in leaves)
    cal = _ics(dropped)
    cancelled = _one_event(cal)
    assert cal["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == event["UID"] and cancelled["SEQUENCE"] == 2
    assert cancelled.start == first.starts_at.astimezone(datetime.UTC).replace(microsecond=0)  # the one they had
    assert sorted(str(a) for a in cancelled.attendees) == sorted(f"mailto:{u.email}" for u in leaves)
    assert stays.email not in dropped.to


def test_staff_cancel_a_booking_the_applicant_picks_again(booked, staff, django_capture_on_commit_callbacks):
    application, slot, panel = booked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_cancel(slot=slot, actor=staff, reason="Two panel members are ill.")
    slot, application = reload(slot), reload(application)
    assert slot.application is None and slot.booked_at is None
    assert application.stage == Stage.INTERVIEW and application.interview_sequence == 2
    assert not ReviewAssignment.objects.filter(
        application=application, tier=Tier.INTERVIEW, status__in=ReviewAssignment.ACTIVE
    ).exists()

    [email] = _to(application.applicant.email)
    assert email.subject.startswith("[PAC] Cancelled: your PAC interview")
    assert "Two panel members are ill." in email.body
    assert f"/applications/{application.reference}/interview/" in email.body  # choose another time
    cal = _ics(email)
    event = _one_event(cal)
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    assert [str(a) for a in event.attendees] == [f"mailto:{application.applicant.email}"]
    [panel_email] = [e for e in mail.outbox if e is not email]
    assert sorted(panel_email.to) == sorted(u.email for u in panel)
    assert _ics(panel_email)["METHOD"] == "CANCEL"


def test_a_cancellation_is_refused_without_reason_for_an_open_slot_or_a_past_interview(booked, staff):
    application, slot, _ = booked
    with refused("Say why the interview is cancelled"):
        services.slot_cancel(slot=slot, actor=staff, reason="  \n ")
    open_slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(3))
    with refused("is not booked"):
        services.slot_cancel(slot=open_slot, actor=staff, reason="No longer needed")
    type(slot).objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    with refused("has already started"):
        services.slot_cancel(slot=slot, actor=staff, reason="Too late")
    assert reload(application).interview_sequence == 1


def test_withdrawing_cancels_the_interview_in_every_calendar(booked, django_capture_on_commit_callbacks):
    application, slot, panel = booked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=application, actor=application.created_by, reason="Moving away")
    assert reload(slot).application is None
    [email] = _to(application.applicant.email)
    cal = _ics(email)
    assert cal["METHOD"] == "CANCEL" and _one_event(cal)["SEQUENCE"] == 2
    assert "choose another" not in email.body
    assert any(panel[0].email in e.to and _ics(e)["METHOD"] == "CANCEL" for e in mail.outbox)


def test_a_changed_slot_sends_the_next_sequence_and_cancels_for_members_taken_off(
    booked, django_capture_on_commit_callbacks
):
    application, slot, panel = booked
    later = slot.starts_at + datetime.timedelta(hours=2)
    type(slot).objects.filter(pk=slot.pk).update(starts_at=later)
    slot.panel.remove(panel[2])
    newcomer = UserFactory()
    slot.panel.add(newcomer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sequence = services.slot_details_changed(slot=slot, removed_panel=[panel[2]])
    assert sequence == 2 == reload(application).interview_sequence
    [email] = _to(application.applicant.email)
    assert email.subject.startswith("[PAC] Your PAC interview has changed:")
    event = _one_event(_ics(email))
    assert event["SEQUENCE"] == 2 and event.start == later.astimezone(datetime.UTC).replace(microsecond=0)
    [request] = _to(newcomer.email)
    assert _ics(request)["METHOD"] == "REQUEST"
    [cancel] = _to(panel[2].email)
    assert _ics(cancel)["METHOD"] == "CANCEL"


def test_an_open_or_past_slot_changed_sends_nothing(staff):
    application = make_interview(staff)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(3))
    assert services.slot_details_changed(slot=slot) is None
    assert reload(application).interview_sequence == 0


def test_the_invitations_are_queued_in_the_bookings_transaction(staff):
    application = make_interview(staff)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(3))
    before = OutboundEmail.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.slot_book(slot=slot, application=application, actor=staff)
        assert OutboundEmail.objects.count() == before + 2  # the applicant's and the panel's
        raise RuntimeError("the booking fails after the emails were queued")
    assert OutboundEmail.objects.count() == before  # rolled back with it: nothing is sent
    assert Application.objects.get(pk=application.pk).interview_sequence == 0
    assert reload(slot).application is None


def test_moving_a_booked_slot_in_the_admin_sends_the_changed_invitation(
    booked, client, staff, django_capture_on_commit_callbacks
):
    from tests.applications.test_admin import form_data, url_for

    application, slot, panel = booked
    client.force_login(staff)
    url = url_for(type(slot), "change", slot.pk)
    form = form_data(client.get(url))
    later = timezone.localtime(slot.starts_at + datetime.timedelta(days=1))
    form.update(
        starts_at_0=later.strftime("%Y-%m-%d"),
        starts_at_1=later.strftime("%H:%M:%S"),
        panel=[str(u.pk) for u in panel[:2]] + [str(staff.pk)],
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    assert reload(application).interview_sequence == 2
    [email] = _to(application.applicant.email)
    event = _one_event(_ics(email))
    assert event["SEQUENCE"] == 2 and timezone.localtime(event.start).date() == later.date()
    [cancel] = _to(panel[2].email)
    assert _ics(cancel)["METHOD"] == "CANCEL"
    assert any(staff.email in e.to and _ics(e)["METHOD"] == "REQUEST" for e in mail.outbox)
    # the Tier 3 reviews follow the panel: the member taken off no longer scores (nor sees the packet)
    from applications.models import ReviewAssignment

    open_reviewers = set(
        ReviewAssignment.objects.filter(
            application=application, tier=3, status__in=ReviewAssignment.ACTIVE
        ).values_list("reviewer_id", flat=True)
    )
    assert open_reviewers == {panel[0].pk, panel[1].pk, staff.pk}

    mail.outbox.clear()  # saved again unchanged: nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(client.get(url)))
    assert mail.outbox == [] and reload(application).interview_sequence == 2


def test_a_booked_slots_panel_cannot_shrink_below_three_in_the_admin(booked, client, staff):
    from tests.applications.test_admin import form_data, url_for

    application, slot, panel = booked
    client.force_login(staff)
    url = url_for(type(slot), "change", slot.pk)
    form = form_data(client.get(url))
    form.update(panel=[str(u.pk) for u in panel[:2]])
    response = client.post(url, form)
    assert response.status_code == 200
    assert "its panel needs at least three people" in response.content.decode()
    assert set(reload(slot).panel.values_list("pk", flat=True)) == {u.pk for u in panel}


def test_staff_cancel_from_the_interviews_page(booked, client, staff, mentee, django_capture_on_commit_callbacks):
    from django.urls import reverse

    application, slot, _ = booked
    page = reverse("applications:interviews") + f"?year={application.program_year_id}"
    url = reverse("applications:interview_cancel", args=[slot.pk])
    client.force_login(mentee)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(staff)
    html = client.get(page).content.decode()
    assert url in html and 'for="cancel-' in html  # each booked, future slot has its labelled form
    assert client.get(url).status_code == 405
    assert client.post(reverse("applications:interview_cancel", args=[99999999]), {"reason": "x"}).status_code == 404
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the interview is cancelled" in response.content.decode()
    assert reload(slot).application == application
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The room is closed."}, follow=True)
    assert f"The interview of {application.reference} is cancelled" in response.content.decode()
    assert reload(slot).application is None and len(mail.outbox) == 2
    response = client.post(url, {"reason": "Again"}, follow=True)  # a double submit
    assert "is not booked, so there is nothing to cancel" in response.content.decode()
    assert len(mail.outbox) == 2


def test_booking_the_same_slot_again_sends_nothing(booked, staff, django_capture_on_commit_callbacks):
    application, slot, _ = booked
    mail.outbox.clear()
    _book(slot, application, staff, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and reload(application).interview_sequence == 1
