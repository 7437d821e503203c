"""Before a pair is confirmed: the Mentee's or MA's confidentiality acknowledgement (signed online,
the exact text kept) and, when the program year asks for it, their orientation attendance.

Orientation attendance is coaching's record (a later layer): pairings asks for it through
``pac.annotations.orientation_attended``, which coaching fills. With nobody to ask, an enforced
requirement refuses rather than lets the pair through.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from applications.signatures import signature_matches
from pac import annotations
from pac.contact import eec_contact
from pac.models import Participation, Person, ProgramRole, ProgramYear, User
from pac.workflow import TransitionError

from .participation_models import (
    SIGNING_ROLES,
    ConfidentialityAcknowledgement,
    ConfidentialityText,
    ConfirmationRequirement,
)

MISSING_ORIENTATION = "attendance at pre-service orientation (none recorded)"
MISSING_ACKNOWLEDGEMENT = "the signed confidentiality acknowledgement"
ORIENTATION_UNKNOWN = (
    "attendance at pre-service orientation (it cannot be checked: no attendance records are available)"
)


# --- reads ---------------------------------------------------------------------------------------


def participation_required(program_year: ProgramYear) -> bool:
    """Whether the year asks for orientation and the acknowledgement before a pair is confirmed."""
    return ConfirmationRequirement.objects.filter(program_year=program_year, participation_required=True).exists()


def confidentiality_text_current() -> ConfidentialityText | None:
    return ConfidentialityText.objects.filter(is_active=True).order_by("-version").first()


def acknowledgements_of(
    person_ids: Iterable[int], program_year: ProgramYear, *, texts: bool = True
) -> dict[int, ConfidentialityAcknowledgement]:
    """{person id: their acknowledgement for the year}, in one query. ``texts=False`` (a list of
    people: who signed, when, which version) leaves out the signed text and the text's body, the
    two long fields of every row."""
    rows = ConfidentialityAcknowledgement.objects.filter(
        person_id__in=list(person_ids), program_year=program_year
    ).select_related("text")
    if not texts:
        rows = rows.defer("signed_text", "text__body")
    return {row.person_id: row for row in rows}


def signing_participations(user, *, today=None) -> list[Participation]:
    """The user's active Mentee and MA roles in program years not yet over, latest year first: the
    years they sign the acknowledgement for."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    return list(
        Participation.objects.active()
        .filter(person__user=user, role__in=SIGNING_ROLES, program_year__ends_on__gte=today)
        .select_related("program_year", "person__program")
        .order_by("-program_year__starts_on")
    )


def missing_before_confirmation(
    person_ids: Iterable[int],
    program_year: ProgramYear,
    *,
    required: bool | None = None,
    attended: set[int] | None = None,
    signed: dict | None = None,
) -> dict[int, list[str]]:
    """{person id: what they still lack before their pair may be confirmed} for the year; every list is
    empty when the year does not require it. A fixed number of queries for any number of people.
    ``attended`` (who attended orientation) and ``signed`` (``acknowledgements_of``), when the caller
    has read them for these people already, are not read again."""
    person_ids = list(person_ids)
    if required is None:
        required = participation_required(program_year)
    if not person_ids or not required:
        return {pk: [] for pk in person_ids}
    if attended is None:
        attended = annotations.orientation_attended(person_ids, program_year)
    if signed is None:
        signed = acknowledgements_of(person_ids, program_year)
    out = {}
    for pk in person_ids:
        missing = []
        if attended is None:
            missing.append(ORIENTATION_UNKNOWN)
        elif pk not in attended:
            missing.append(MISSING_ORIENTATION)
        if pk not in signed:
            missing.append(MISSING_ACKNOWLEDGEMENT)
        out[pk] = missing
    return out


def check_ready_to_confirm(*, mentee: Person, program_year: ProgramYear, role_label: str) -> None:
    """Refuse, naming what is missing, when the year requires orientation and the acknowledgement
    and the Mentee or MA lacks either. Called by ``pair_confirm``."""
    missing = missing_before_confirmation([mentee.pk], program_year)[mentee.pk]
    if missing:
        steps = []
        if any(item != MISSING_ACKNOWLEDGEMENT for item in missing):
            steps.append("record their orientation attendance on PLC and training")
        if MISSING_ACKNOWLEDGEMENT in missing:
            steps.append("they sign the acknowledgement from their My work")
        raise TransitionError(
            f"{mentee.full_name}'s pair cannot be confirmed yet. In {program_year} a {role_label} must attend "
            "pre-service orientation and sign the confidentiality acknowledgement before their pair is confirmed; "
            f"missing: {' and '.join(missing)}. Next: {'; '.join(steps)}."
        )


# --- writes --------------------------------------------------------------------------------------


@transaction.atomic
def requirement_set(
    *, program_year: ProgramYear, required: bool, actor: User, note: str = ""
) -> ConfirmationRequirement:
    """Turn the year's requirement on or off (kept in history with who did it)."""
    row = ConfirmationRequirement.objects.select_for_update().filter(program_year=program_year).first()
    row = row or ConfirmationRequirement(program_year=program_year)
    row.participation_required = required
    row.note = note.strip()[:300]
    row._history_user = actor
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # set for the same year at the same moment
        raise TransitionError(
            "Someone else set this year's requirement at the same moment; reload and try again."
        ) from exc
    return row


@transaction.atomic
def confidentiality_text_save(
    *, text: ConfidentialityText | None, title: str, body: str, actor: User | None
) -> tuple[ConfidentialityText, bool]:
    """Save the acknowledgement's wording. A new text, or a change to a version someone has signed,
    becomes a new version (the signed one is kept unchanged and no longer active); a version nobody
    has signed is corrected in place. Returns the saved text and whether it is a new version."""
    title = title.strip()
    body = body.replace("\r\n", "\n").strip()
    if not title or not body:
        raise TransitionError("The acknowledgement needs a title and its text.")
    candidate = ConfidentialityText(title=title, body=body)
    try:
        candidate.clean()
    except Exception as exc:  # ValidationError with the unknown placeholders
        raise TransitionError(exc.messages[0]) from exc
    if text is not None and text.pk:
        stored = ConfidentialityText.objects.select_for_update().get(pk=text.pk)
        if (stored.title, stored.body) == (title, body):
            return stored, False
        if not stored.acknowledgements.exists():
            stored.title, stored.body = title, body
            stored._history_user = actor
            stored.save(update_fields=["title", "body"])
            return stored, False
    # a new version: lock the active one, retire it, publish the new one
    for active in ConfidentialityText.objects.select_for_update().filter(is_active=True):
        active.is_active = False
        active._history_user = actor
        active.save(update_fields=["is_active"])
    version = (ConfidentialityText.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    created = ConfidentialityText(version=version, title=title, body=body, is_active=True, created_by=actor)
    created._history_user = actor
    created.save()
    return created, True


def _role_label(role: str) -> str:
    return ProgramRole(role).label


@transaction.atomic
def acknowledgement_sign(
    *,
    person: Person,
    program_year: ProgramYear,
    signature_name: str,
    confirmed: bool,
    user: User,
    ip: str | None = None,
    user_agent: str = "",
    shown_text_id: int | None = None,
) -> ConfidentialityAcknowledgement:
    """The Mentee or MA signs the year's confidentiality acknowledgement, typing their name as PAC has
    it. The rendered text is stored with the signature; a signed acknowledgement never changes."""
    # one signature at a time per person: a double submit waits here and is then refused below
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id != user.pk:
        raise TransitionError("Only the person named signs their confidentiality acknowledgement.")
    role = (
        Participation.objects.active()
        .filter(person=person, program_year=program_year, role__in=SIGNING_ROLES)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise TransitionError(
            f"You are not a Mentee or Mentee Administrator in {program_year}; only they sign this acknowledgement."
        )
    earlier = ConfidentialityAcknowledgement.objects.filter(person=person, program_year=program_year).first()
    if earlier is not None:
        raise TransitionError(
            f"You signed the confidentiality acknowledgement for {program_year} on "
            f"{timezone.localtime(earlier.signed_at):%B %-d, %Y}; a signed acknowledgement cannot change."
        )
    if not person.has_name:
        raise TransitionError(
            "PAC has no name for you yet, and the acknowledgement is signed in your name: add it on your profile "
            "(Account), then sign."
        )
    text = confidentiality_text_current()
    if text is None:
        raise TransitionError(
            "The confidentiality acknowledgement is not ready to sign yet; "
            + eec_contact().sentence("please contact EEC staff")
            + "."
        )
    if shown_text_id is not None and shown_text_id != text.pk:
        raise TransitionError(
            "EEC staff updated the acknowledgement while you were reading it. Read the text as it is now, "
            "then sign again."
        )
    if not confirmed:
        raise TransitionError("Tick the box to confirm that you have read the acknowledgement and agree to it.")
    typed = " ".join((signature_name or "").split())
    if not signature_matches(typed, person.full_name):
        if not typed:
            raise TransitionError(f"Type your name as shown, {person.full_name}, to sign.")
        raise TransitionError(
            f"“{typed}” is not your name as PAC has it ({person.full_name}). Type it as shown to sign; if PAC has "
            "your name wrong, correct it on your profile (Account) first."
        )
    label = _role_label(role)
    try:
        with transaction.atomic():
            acknowledgement = ConfidentialityAcknowledgement(
                person=person,
                program_year=program_year,
                role=role,
                text=text,
                signed_text=text.render(name=person.full_name, role=label, program_year=program_year.name),
                signature_name=typed,
                signed_at=timezone.now(),
                signed_ip=ip,
                signed_user_agent=(user_agent or "")[:300],
                signed_by_user=user,
            )
            acknowledgement._history_user = user
            acknowledgement.save()
    except IntegrityError as exc:  # signed at the same moment from another tab
        raise TransitionError(
            f"You have already signed the confidentiality acknowledgement for {program_year}."
        ) from exc
    return acknowledgement
