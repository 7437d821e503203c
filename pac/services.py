"""Writes to the shared directory and the outbox. Keyword-only, typed, never see ``request``."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboundEmail, Participation, Person, ProgramYear, Region, User
from .roles import StaffRole

logger = logging.getLogger(__name__)


# --- people and accounts -------------------------------------------------------------


def person_link_user(*, user: User) -> Person | None:
    """Link the account to the Person known by the same email, once that email is verified.

    A leader or recommender may be in PAC by name and email before they have an account;
    linking only on a verified address stops anyone claiming a person by typing their email.
    The person's name is the one of record: the account takes it (see ``person_profile_update``).
    """
    existing = Person.objects.filter(user=user).first()
    if existing:
        return existing
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    emails = {e.lower() for e in verified}
    if not emails:
        return None
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(email__in=emails, user__isnull=True).order_by("pk").first()
        if person is None:
            return None
        person.user = user
        if not person.has_name and user.full_name.strip():
            person.first_name, _, person.last_name = user.full_name.strip().partition(" ")
        person.save()
    user_name_sync(user=user, person=person)
    return person


def user_name_sync(*, user: User, person: Person) -> None:
    """The account shows the person's name (both keep their history)."""
    if person.has_name and user.full_name != person.full_name:
        user.full_name = person.full_name
        user.save(update_fields=["full_name"])


def person_sign_up(
    *, user: User, first_name: str, last_name: str, phone: str = "", preferred_language: str = ""
) -> Person | None:
    """At sign-up the account takes the typed name, and the person behind it is recorded with their
    contact details. If PAC already knows someone by this email (a leader or recommender named by an
    applicant), that person is linked instead once the email is verified: an unverified sign-up never
    changes a person PAC already knows."""
    first, last = " ".join(first_name.split()), " ".join(last_name.split())
    user.full_name = f"{first} {last}".strip()
    user.save(update_fields=["full_name"])
    if Person.objects.filter(email=user.email.lower()).exists():
        return None
    try:
        with transaction.atomic():
            return Person.objects.create(
                user=user,
                email=user.email,
                first_name=first,
                last_name=last,
                phone=phone.strip(),
                preferred_language=preferred_language or Person.Language.ENGLISH,
            )
    except IntegrityError:  # someone recorded a person with this email at the same moment
        return None


@transaction.atomic
def person_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str,
    preferred_language: str,
    reminder_emails: str,
) -> Person:
    """A person edits their own name and contact details (profile page). The account's name follows."""
    person = person_link_user(user=user)
    if person is None:
        person = Person(user=user, email=user.email)
    else:
        person = Person.objects.select_for_update().get(pk=person.pk)
    person.first_name = " ".join(first_name.split())
    person.last_name = " ".join(last_name.split())
    person.phone = phone.strip()
    person.preferred_language = preferred_language
    person.reminder_emails = reminder_emails
    person.save()
    user_name_sync(user=user, person=person)
    return person


def person_needs_name(user: User) -> bool:
    """True when PAC has no name for the signed-in person (so nothing may be sent in their name)."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None:
        return not person.has_name
    return not user.full_name.strip()


def role_grant(*, user: User, role: StaffRole) -> None:
    """Give a staff-like role (a group). EEC staff also get admin access."""
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role == StaffRole.EEC_STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_pac_group_names", None)


def role_revoke(*, user: User, role: StaffRole) -> None:
    user.groups.remove(*Group.objects.filter(name=role.value))
    if role == StaffRole.EEC_STAFF and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_pac_group_names", None)


@transaction.atomic
def participation_record(
    *,
    person: Person,
    program_year: ProgramYear,
    role: str,
    source: str,
    source_reference: str = "",
    region: Region | None = None,
) -> Participation:
    """Record that a person holds a program role this year (idempotent: returns the active row)."""
    current = (
        Participation.objects.active()
        .select_for_update()
        .filter(person=person, program_year=program_year, role=role)
        .first()
    )
    if current:
        return current
    return Participation.objects.create(
        person=person,
        program_year=program_year,
        role=role,
        source=source,
        source_reference=source_reference,
        region=region or (person.program.region if person.program_id else None),
    )


@transaction.atomic
def participation_end(*, participation: Participation, reason: str) -> Participation:
    if participation.ended_on is None:
        participation.ended_on = timezone.localdate()
        participation.end_reason = reason
        participation.save(update_fields=["ended_on", "end_reason"])
    return participation


# --- the outbox -------------------------------------------------------------------------


_outbox_muted: ContextVar[bool] = ContextVar("pac_outbox_muted", default=False)


@contextmanager
def outbox_muted():
    """Email no one for what happens inside (demo data): ``email_queue`` returns the message
    unsaved and nothing is sent."""
    token = _outbox_muted.set(True)
    try:
        yield
    finally:
        _outbox_muted.reset(token)


def email_queue(
    *,
    to: Iterable[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    from_email: str = "",
    key: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> OutboundEmail:
    """Write an email to the outbox and send it through Celery once the transaction commits.

    With a ``key``, queueing the same email again returns the first one: safe for
    sweeps and retried tasks.
    """
    if _outbox_muted.get():
        return OutboundEmail(key=key, to=sorted({addr.strip().lower() for addr in to if addr}), subject=subject)
    if key:
        found = OutboundEmail.objects.filter(key=key).first()
        if found:
            return found
    fields = {
        "to": sorted({addr.strip().lower() for addr in to if addr}),
        "subject": subject.replace("\n", " ")[:300],
        "body_text": body_text,
        "body_html": body_html,
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        "attachments": [
            {"filename": name, "content": base64.b64encode(content).decode(), "mimetype": mimetype}
            for name, content, mimetype in attachments
        ],
    }
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(key=key, **fields)
    except IntegrityError:
        # a concurrent sender queued the same key first
        return OutboundEmail.objects.get(key=key)
    transaction.on_commit(partial(email_enqueue, email.pk))
    return email


def email_queue_message(message: EmailMultiAlternatives, *, key: str | None = None) -> OutboundEmail:
    """Queue an already-built Django message (used for allauth's emails)."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    return email_queue(
        to=list(message.to) + list(message.cc) + list(message.bcc),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        from_email=message.from_email,
        key=key,
    )


def email_enqueue(email_id: int) -> None:
    """Hand the email to a worker. If the broker is unreachable the row stays queued and
    ``email_retry_unsent`` picks it up: a web request never fails because Redis is down."""
    from .tasks import email_send_task

    try:
        email_send_task.delay(email_id)
    except Exception:  # kombu raises several unrelated types when the broker is down
        logger.warning("Could not enqueue email %s; the outbox sweep will send it", email_id, exc_info=True)


class EmailSendError(Exception):
    """Sending failed; the outbox row records why."""


def email_send(*, email_id: int) -> bool:
    """Send one queued email. Returns True if this call sent it, False if there was nothing
    to do (already sent, or given up). Raises EmailSendError if the mail server failed."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status != OutboundEmail.Status.QUEUED:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body_text, from_email=email.from_email, to=email.to
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments:
            message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
        email.attempts += 1
        email.last_attempt_at = timezone.now()
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # SMTP, socket and backend errors alike
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.PAC_EMAIL_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_attempt_at", "last_error", "status"])
            failure = exc
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = email.last_attempt_at
            email.last_error = ""
            email.save(update_fields=["attempts", "last_attempt_at", "last_error", "status", "sent_at"])
            return True
    raise EmailSendError(str(failure)) from failure


def email_retry(*, email: OutboundEmail) -> OutboundEmail:
    """Staff put a failed email back in the queue."""
    if email.status == OutboundEmail.Status.FAILED:
        email.status = OutboundEmail.Status.QUEUED
        email.attempts = 0
        email.save(update_fields=["status", "attempts"])
        transaction.on_commit(partial(email_enqueue, email.pk))
    return email


def roles_sync() -> None:
    """Create the staff-like groups and give them their admin permissions (idempotent;
    runs after every migrate, so a new model's permissions reach EEC staff at once)."""
    from django.contrib.auth.models import Permission

    from .roles import GROUP_MODEL_PERMISSIONS

    for name, grants in GROUP_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, actions in grants.items():
            perms = Permission.objects.filter(content_type__app_label=app_label)
            wanted += [p for p in perms if p.codename.split("_", 1)[0] in actions]
        group.permissions.set(wanted)
