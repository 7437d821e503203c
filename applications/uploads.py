"""Uploaded documents (resumes, letters): PDF or DOCX only, recognised by their content, at most 10 MB."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniff_document(data: bytes) -> str | None:
    """The document's real type from its bytes, or None if it is neither PDF nor DOCX."""
    if data[:5] == b"%PDF-":
        return PDF
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def validate_document(upload) -> str:
    """Check an uploaded file; returns its content type or raises ValidationError with a clear message."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {upload.size / 1024 / 1024:.1f} MB; files can be at most 10 MB.", code="too_large"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff_document(data)
    if kind is None:
        raise ValidationError(
            f"“{upload.name}” is not a PDF or Word (.docx) document. Save it as PDF or DOCX and upload it again.",
            code="bad_type",
        )
    return kind
