"""Printable application documents: the packet PDF, the audit bundle (ZIP), the signed MOU PDF,
and the committee bundle, which runs as a document job (registered here, imported from AppConfig.ready).

The packet is what a reviewer reads: answers, attachments, letters, the MOU's signature record and
Tier 1 screening. It never holds review data (scores, score comments, overall comments, results):
nothing here reads ReviewAssignment beyond choosing which applications a committee bundle covers.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst, get_valid_filename

from pac.documents import registry
from pac.documents.registry import Built, DocumentKind, Progress
from pac.documents.render import download_name, pdf_render
from pac.models import User
from pac.permissions import is_eec_staff

from .models import MOU, Application, Committee, CommitteeMember, Recommendation, ReviewAssignment, ScreeningCheck
from .permissions import review_is_blind
from .selectors import current_mou

ZIP = "application/zip"
COMMITTEE_BUNDLE = "applications.committee_bundle"

# identifying answers are hidden in blind review
IDENTIFYING_FIELDS = {"pq_registry_id"}


def application_for_packet(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Everything a packet prints, in a fixed number of queries however many applications."""
    return queryset.select_related("applicant", "program__region", "program_year").prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.filter(status=Recommendation.Status.RECEIVED).order_by("received_at", "pk"),
            to_attr="received_letters",
        ),
        Prefetch("mous", queryset=MOU.objects.select_related("template").order_by("-created_at", "-pk")),
        Prefetch(
            "screening_checks",
            queryset=ScreeningCheck.objects.select_related("overridden_by").order_by("category", "pk"),
        ),
        "tags",
    )


# --- the packet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    label: str
    name: str  # the name shown and used inside a bundle (never the stored random name)
    size: int | None  # None when the file is missing from storage
    field_file: object
    pages: int | None = None  # a PDF's page count (None for DOCX, or a PDF that cannot be read)


def _suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def _size(field_file) -> int | None:
    try:
        return field_file.size
    except (FileNotFoundError, OSError):
        return None


def _pdf_pages(field_file, name: str) -> int | None:
    """How many pages an uploaded PDF has, so the packet says what the reviewer will be opening.
    Uploads were checked to be PDF or DOCX when they arrived; anything unreadable just has no count."""
    if not name.lower().endswith(".pdf"):
        return None
    import pypdf

    try:
        with field_file.open("rb") as handle:
            return len(pypdf.PdfReader(handle).pages)
    except Exception:  # a damaged or encrypted file, or one missing from storage
        return None
    finally:
        field_file.close()


def attachments(application: Application, *, blind: bool) -> list[Attachment]:
    """The uploaded originals: the resume and uploaded letters, named safely (generic names in blind review)."""
    found = []
    if application.resume:
        original = application.resume.name  # stored under the type its content was recognised as
        name = application.resume_name if application.resume_name and not blind else "resume"
        name = _safe_name(PurePath(name).stem, fallback="resume") + _suffix(original)
        found.append(
            Attachment(
                "Resume", name, _size(application.resume), application.resume, _pdf_pages(application.resume, original)
            )
        )
    for number, letter in enumerate(application.received_letters, start=1):
        if not letter.letter_file:
            continue
        original = letter.letter_file.name  # stored under the type its content was recognised as
        who = "" if blind else f"-{_safe_name(letter.name, fallback='')}"
        name = f"letter-{number}{who}"[:80] + _suffix(original)
        label = f"Recommendation letter {number}" + ("" if blind else f" from {letter.name}")
        pages = _pdf_pages(letter.letter_file, original)
        found.append(Attachment(label, name, _size(letter.letter_file), letter.letter_file, pages))
    return found


def _display(application: Application, name: str) -> str:
    field = Application._meta.get_field(name)
    value = getattr(application, name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return getattr(application, f"get_{name}_display")()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def answers(application: Application, *, blind: bool) -> list[tuple[str, str]]:
    rows = [("Role", application.get_role_display())]
    if application.program_id:
        region = f"Region {application.program.region.number}" if application.program.region_id else ""
        rows.append(("Program", region if blind else ", ".join(p for p in (application.program.name, region) if p)))
    for name in Application.ANSWER_FIELDS:
        if blind and name in IDENTIFYING_FIELDS:
            continue
        rows.append((capfirst(Application._meta.get_field(name).verbose_name), _display(application, name)))
    return rows


def packet_context(application: Application, *, blind: bool) -> dict:
    """``application`` comes from :func:`application_for_packet`; nothing here queries per row."""
    letters = application.received_letters
    return {
        "application": application,
        "blind": blind,
        "answers": answers(application, blind=blind),
        "tags": list(application.tags.all()),
        "letters": letters,
        "attachments": attachments(application, blind=blind),
        "mou": current_mou(application),
        "checks": list(application.screening_checks.all()),
    }


def packet_pdf(application: Application, *, blind: bool = False) -> bytes:
    """The application packet as a PDF. Pass ``blind=True`` for a reviewer in a blind-review year."""
    return pdf_render(
        "applications/pdf/packet.html",
        packet_context(application, blind=blind),
        title=f"Application packet {application.reference}",
    )


def packet_filename(application: Application) -> str:
    return download_name("packet", application.reference)


# --- bundles ---------------------------------------------------------------------------------------


def _safe_name(text: str, *, fallback: str) -> str:
    """A file name safe in any ZIP tool: ASCII letters, digits, dot, dash; no path, no leading dot."""
    name = get_valid_filename(text.encode("ascii", "ignore").decode()).replace("_", "-") if text else ""
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip(".-")
    return name[:60] or fallback


def _write(archive: zipfile.ZipFile, path: str, data: bytes, *, compress: bool = False) -> str:
    archive.writestr(path, data, compress_type=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
    return hashlib.sha256(data).hexdigest()


def _copy(archive: zipfile.ZipFile, path: str, field_file) -> tuple[str, int] | None:
    """Stream a stored file into the archive, hashing as it goes; None if it is missing from storage."""
    digest = hashlib.sha256()
    size = 0
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        return None
    try:
        with archive.open(zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6]), "w") as out:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    finally:
        field_file.close()
    return digest.hexdigest(), size


def _manifest(title: str, rows: list[tuple[str, int | None, str | None, str]]) -> bytes:
    lines = [
        title,
        f"Generated {timezone.localtime():%Y-%m-%d %H:%M %Z} by PAC (Massachusetts EEC Peer Assistance and Coaching).",
        "Each file with its size in bytes and SHA-256 hash (check with: sha256sum <file>).",
        "",
    ]
    for path, size, sha, description in rows:
        if sha is None:
            lines.append(f"{path}  MISSING from storage: {description}")
        else:
            lines.append(f"{path}  {size} bytes  sha256 {sha}  {description}")
    return ("\n".join(lines) + "\n").encode()


def _add_application(
    archive: zipfile.ZipFile, application: Application, *, blind: bool, with_mou: bool, folder: str = ""
) -> list[tuple[str, int | None, str | None, str]]:
    """Write one application's packet and originals under ``folder``; returns the manifest rows."""
    rows = []
    packet = packet_pdf(application, blind=blind)
    path = f"{folder}{packet_filename(application)}"
    rows.append((path, len(packet), _write(archive, path, packet), "Application packet (PDF)"))
    if with_mou:
        mou = current_mou(application)
        if mou is not None and mou.signed_at:
            pdf = mou_pdf(mou)
            path = f"{folder}{mou_filename(mou)}"
            rows.append((path, len(pdf), _write(archive, path, pdf), "Signed MOU with its signature record (PDF)"))
    for attachment in attachments(application, blind=blind):
        path = f"{folder}originals/{attachment.name}"
        copied = _copy(archive, path, attachment.field_file)
        if copied is None:
            rows.append((path, None, None, attachment.label))
        else:
            rows.append((path, copied[1], copied[0], f"{attachment.label} (original upload)"))
    return rows


def audit_bundle(application: Application, *, blind: bool = False, with_mou: bool = False) -> bytes:
    """A ZIP of the packet PDF, the original uploads and manifest.txt with each file's SHA-256.

    ``with_mou`` adds the signed MOU PDF (for readers allowed to see it: staff)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        rows = _add_application(archive, application, blind=blind, with_mou=with_mou)
        _write(archive, "manifest.txt", _manifest(f"Audit bundle for {application.reference}", rows), compress=True)
    return buffer.getvalue()


def audit_bundle_filename(application: Application) -> str:
    return download_name("audit-bundle", application.reference, extension="zip")


# --- the signed MOU --------------------------------------------------------------------------------


def mou_for_pdf(queryset: QuerySet[MOU]) -> QuerySet[MOU]:
    return queryset.select_related(
        "application__applicant",
        "application__program_year",
        "application__program",
        "template",
        "signed_by_user",
        "signer_person",
    )


def mou_signed_text(mou: MOU) -> str:
    """The text the leader signed: stored with the signature. (Every MOU signed in PAC has it; for an
    older row without it, the template version as it was at signing is filled in again.)"""
    if mou.signed_text:
        return mou.signed_text
    from .services import mou_render

    try:
        template = mou.template.history.as_of(mou.signed_at)
    except ObjectDoesNotExist:  # no history row from then: a signed version never changes anyway
        template = mou.template
    return mou_render(
        template=template, application=mou.application, signer_name=mou.signer_name, signer_title=mou.signer_title
    )


def mou_pdf(mou: MOU) -> bytes:
    """The signed MOU: the exact text signed and the signature record. ``mou`` must be signed."""
    if not mou.signed_at:
        raise ValueError("This MOU has not been signed.")
    return pdf_render(
        "applications/pdf/mou.html",
        {"mou": mou, "application": mou.application, "text": mou_signed_text(mou)},
        title=f"Signed MOU {mou.application.reference}",
    )


def mou_filename(mou: MOU) -> str:
    return download_name("mou", mou.application.reference, "signed")


# --- the committee bundle (a document job) ---------------------------------------------------------


def committee_bundle_params(user, committee: Committee) -> dict:
    """Staff get every packet the committee reviews; a member only the packets they may open
    themselves (assigned, conflict declared, not recused), so the bundle never shows them more
    than PAC does."""
    if is_eec_staff(user):
        return {"committee": committee.pk}
    return {"committee": committee.pk, "reviewer": user.pk}


def _committee_bundle_allowed(user, params: dict) -> bool:
    committee_id = params.get("committee")
    if not getattr(user, "is_authenticated", False) or not isinstance(committee_id, int):
        return False
    if is_eec_staff(user):
        return Committee.objects.filter(pk=committee_id).exists()
    return (
        params.get("reviewer") == user.pk
        and CommitteeMember.objects.filter(committee_id=committee_id, user=user).exists()
    )


def committee_applications(committee: Committee, *, reviewer_id: int | None = None) -> QuerySet[Application]:
    assignments = ReviewAssignment.objects.filter(committee=committee)
    if reviewer_id is None:
        assignments = assignments.filter(status__in=ReviewAssignment.ACTIVE)
    else:
        assignments = assignments.filter(reviewer_id=reviewer_id, status__in=ReviewAssignment.OPENED)
    return application_for_packet(
        Application.objects.filter(pk__in=assignments.values("application_id")).order_by("reference")
    )


def committee_bundle(params: dict, progress: Progress) -> Built:
    committee = Committee.objects.select_related("program_year").get(pk=params["committee"])
    reviewer_id = params.get("reviewer")
    reviewer = User.objects.filter(pk=reviewer_id).first() if reviewer_id is not None else None
    applications = list(committee_applications(committee, reviewer_id=reviewer_id))
    buffer = io.BytesIO()
    rows = []
    total = len(applications)
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, application in enumerate(applications, start=1):
            progress(int((number - 1) * 100 / max(total, 1)), f"Packet {number} of {total}")
            # a member's bundle is blind when their packet page is; a staff bundle (no reviewer) never is
            blind = reviewer_id is not None and review_is_blind(reviewer, application)
            folder = f"{_safe_name(application.reference, fallback=f'application-{number}')}/"
            # staff (auditors) also get the signed MOU; a reviewer's bundle holds only what the packet shows
            own = _add_application(archive, application, blind=blind, with_mou=reviewer_id is None, folder=folder)
            _write(archive, f"{folder}manifest.txt", _manifest(f"Packet {application.reference}", own), compress=True)
            rows.extend(own)
        heading = f"Packets for offline review: {committee.name} ({committee.program_year})"
        if reviewer_id is not None:
            waiting = ReviewAssignment.objects.filter(
                committee=committee, reviewer_id=reviewer_id, status=ReviewAssignment.Status.ASSIGNED
            ).count()
            if waiting:
                heading += (
                    f"\n{waiting} more assignment{'s' if waiting != 1 else ''} need a conflict-of-interest declaration"
                    " in PAC before their packets are included."
                )
        if not applications:
            heading += "\nNo packets: no applications are assigned for review yet."
        _write(archive, "manifest.txt", _manifest(heading, rows), compress=True)
    progress(99, "Finishing the ZIP")
    return Built(
        content=buffer.getvalue(),
        filename=download_name("packets", _safe_name(committee.name, fallback="committee"), extension="zip"),
        content_type=ZIP,
    )


def _committee_bundle_source(params: dict) -> str:
    return reverse("applications:reviews")


registry.register(
    DocumentKind(
        key=COMMITTEE_BUNDLE,
        label="Committee packets for offline review",
        build=committee_bundle,
        allowed=_committee_bundle_allowed,
        source_url=_committee_bundle_source,
    )
)
