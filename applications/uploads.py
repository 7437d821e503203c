"""Uploaded documents (resumes, letters): PDF or DOCX only, at most 10 MB.

One way in and one way out for every upload. A file is recognised by its content, never by its
name, and the whole file must read as that type (a PDF to its last byte with pypdf in strict
mode; a DOCX as an intact zip with the Word parts). It is stored, named and served under the
type it was recognised as: a PDF named ``x.html`` is stored as ``….pdf``, offered for download as
``x.pdf`` and served as ``application/pdf``."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

MAX_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # a zip bomb is refused before it is unpacked
MAX_DOCX_PARTS = 5000


@dataclass(frozen=True)
class DocumentKind:
    content_type: str
    extension: str
    label: str


PDF_KIND = DocumentKind("application/pdf", ".pdf", "PDF")
DOCX_KIND = DocumentKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word (.docx)"
)
KINDS = {kind.extension: kind for kind in (PDF_KIND, DOCX_KIND)}
PDF = PDF_KIND.content_type
DOCX = DOCX_KIND.content_type

# Markup a browser would render as a web page. None of it belongs in a PDF outside its streams,
# nor at the start of any document (the part browsers read to guess a type).
# (A PDF's own "<" opens a dictionary "<<" or a hex string "<4a6f>", never one of these words.)
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|style|img|form)\b", re.I)
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n.*?endstream", re.S)
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_SNIFF_WINDOW = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Refused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _check_pdf(data: bytes) -> None:
    import pypdf
    from pypdf.errors import PyPdfError

    if _MARKUP.search(_PDF_STREAM.sub(b"", data)):
        raise _Refused("contains web-page code as well as the document", "polyglot")
    if data.rstrip(b"\x00\t\n\f\r ")[-5:] != b"%%EOF":
        raise _Refused(
            "is incomplete (it does not end as a PDF ends); it may be damaged or only partly saved", "broken"
        )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Refused("is protected with a password; save a copy without a password", "encrypted")
        pages = reader.pages
        if len(pages) == 0:
            raise _Refused("has no pages", "broken")
        for page in pages:  # every page and its content must read
            page.get_contents()
    except _Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise _Refused(
            "could not be read as a PDF to the end; it may be damaged or only partly saved", "broken"
        ) from exc


def _check_docx(data: bytes) -> None:
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 + int.from_bytes(data[end + 20 : end + 22], "little") != len(data):
        raise _Refused("has something added after the document, or is incomplete", "broken")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_DOCX_PARTS or sum(p.file_size for p in parts) > MAX_DOCX_UNPACKED:
                raise _Refused("unpacks to far more than a document should", "too_large")
            names = {p.filename for p in parts}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _Refused("is not a Word (.docx) document", "bad_type")
            if b"wordprocessingml.document.main+xml" not in archive.read("[Content_Types].xml"):
                raise _Refused("is not a Word (.docx) document (a macro-enabled or other Office file?)", "bad_type")
            if archive.testzip() is not None:
                raise _Refused("is damaged (a part of it does not read back correctly)", "broken")
    except _Refused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        ValueError,
        RuntimeError,
        EOFError,
        KeyError,
    ) as exc:
        raise _Refused("could not be read as a Word (.docx) document; it may be damaged", "broken") from exc


def recognise_document(data: bytes) -> DocumentKind:
    """The document's type from its whole content; raises _Refused when it is not a sound PDF or DOCX."""
    if _MARKUP.search(data[:_SNIFF_WINDOW]):
        raise _Refused("contains web-page code", "polyglot")
    if _PDF_HEADER.match(data):
        _check_pdf(data)
        return PDF_KIND
    if data[:4] == b"PK\x03\x04":
        _check_docx(data)
        return DOCX_KIND
    raise _Refused("is not a PDF or Word (.docx) document", "bad_type")


def validate_document(upload) -> DocumentKind:
    """Check an uploaded file; returns its recognised kind or raises ValidationError with a clear
    message naming the file. The result is remembered on the upload, so the form and the service
    that stores it read the file once."""
    known = getattr(upload, "pac_document_kind", None)
    if known is not None:
        return known
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {upload.size / 1024 / 1024:.1f} MB; files can be at most 10 MB.", code="too_large"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        kind = recognise_document(data)
    except _Refused as refused:
        advice = (
            "Save it as PDF or DOCX and upload it again."
            if refused.code == "bad_type"
            else "Save it again as PDF or DOCX (for example with Print → Save as PDF) and upload it again."
        )
        raise ValidationError(f"“{upload.name}” {refused.message}. {advice}", code=refused.code) from None
    upload.pac_document_kind = kind
    return kind


def recognised_name(original: str, kind: DocumentKind, *, fallback: str = "document") -> str:
    """The name a person sees for the file: their name for it, with the recognised type's extension."""
    stem = _CONTROL.sub("", PurePath((original or "").replace("\\", "/")).stem).strip(" .")
    return f"{(stem or fallback)[:150]}{kind.extension}"


def store_document(field_file, upload, *, fallback: str = "document") -> str:
    """Check ``upload`` and save it into ``field_file`` (not yet the row) under a random name with
    the recognised type's extension. Returns the name to show and offer for download."""
    kind = validate_document(upload)
    upload.seek(0)
    field_file.save(f"upload{kind.extension}", upload, save=False)
    return recognised_name(upload.name, kind, fallback=fallback)


def stored_kind(field_file) -> DocumentKind | None:
    """The type a stored upload was recognised as (from the extension PAC gave it when storing)."""
    return KINDS.get(PurePath(field_file.name or "").suffix.lower())


def document_response(field_file, filename: str) -> FileResponse:
    """Serve a stored upload as an attachment under the type it was recognised as: the
    Content-Type and the file name's extension both come from that type, never from a name."""
    kind = stored_kind(field_file)
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is not available") from exc
    if kind is None:  # stored before types were recognised and not a PDF or DOCX name: bytes only
        name = PurePath(filename).stem or "document"
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    name = f"{PurePath(filename).stem or 'document'}{kind.extension}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=kind.content_type)
