"""Every upload is recognised by its whole content, stored and served under that type: generated
PDFs (pypdf, WeasyPrint) and DOCX (zipfile), a misnamed file, PDF/HTML polyglots, truncated and
damaged files."""

from __future__ import annotations

import io
import zipfile

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import Recommendation
from applications.uploads import DOCX, PDF, validate_document
from pac.workflow import TransitionError
from tests.applications.factories import ApplicationFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML as Page

    return Page(string="<h1>Résumé</h1><p>Ten years in early education.</p>").write_pdf()


def handmade_pdf(comment: bytes = b"") -> bytes:
    """A one-page PDF written by hand with exact xref offsets; ``comment`` goes in a comment line
    after the header, so the file is still a valid PDF (a PDF/HTML polyglot when it is markup)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = b"%PDF-1.4\n" + (b"%" + comment + b"\n" if comment else b"")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)


def docx_bytes(content_types: str = CONTENT_TYPES, *, with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        if with_document:
            archive.writestr(
                "word/document.xml",
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                'main"><w:body><w:p><w:r><w:t>A letter for Rosa.</w:t></w:r></w:p></w:body></w:document>' * 20,
            )
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- recognition ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf_bytes(), PDF),
        (pdf_bytes(3), PDF),
        (handmade_pdf(), PDF),
        (handmade_pdf(b"just a comment"), PDF),
        (docx_bytes(), DOCX),
    ],
)
def test_sound_pdfs_and_docx_are_recognised(data, kind):
    assert validate_document(upload("any.name", data)).content_type == kind


def test_a_weasyprint_pdf_is_recognised():
    assert validate_document(upload("resume.pdf", weasyprint_pdf())).content_type == PDF


def test_the_polyglot_is_a_valid_pdf_to_a_strict_reader():
    """So the refusal below is PAC's own rule, not a side effect of a broken file."""
    assert len(pypdf.PdfReader(io.BytesIO(handmade_pdf(HTML)), strict=True).pages) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (handmade_pdf(HTML), "contains web-page code"),  # PDF/HTML polyglot, offsets correct
        (pdf_bytes() + HTML, "contains web-page code"),  # HTML after the end of the PDF
        (pdf_bytes() + b"\n" + b"x" * 2000, "is incomplete"),  # anything else after the end
        (pdf_bytes()[: len(pdf_bytes()) // 2], "is incomplete"),  # truncated
        (pdf_bytes()[:-40] + b"%%EOF\n", "could not be read as a PDF"),  # truncated, end marker faked
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "could not be read"),
        (HTML + pdf_bytes(), "contains web-page code"),
        (b"MZ\x90\x00 an executable", "is not a PDF or Word (.docx) document"),
        (docx_bytes()[:-30], "is incomplete"),  # truncated DOCX
        (docx_bytes() + b"\x00 more bytes", "has something added after the document"),
        (b"junk" + docx_bytes(), "is not a PDF or Word (.docx) document"),
        (docx_bytes(with_document=False), "is not a Word (.docx) document"),
        (docx_bytes("<Types/>"), "is not a Word (.docx) document"),
    ],
)
def test_unsound_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ValidationError) as info:
        validate_document(upload("resume.pdf", data))
    assert message in info.value.messages[0] and "“resume.pdf”" in info.value.messages[0]


def test_a_docx_whose_part_is_damaged_is_refused():
    data = bytearray(docx_bytes())
    start = data.index(b"word/document.xml") + len(b"word/document.xml") + 10  # inside the compressed part
    data[start] ^= 0xFF
    with pytest.raises(ValidationError, match="damaged"):
        validate_document(upload("letter.docx", bytes(data)))


# --- storing and serving under the recognised type --------------------------------------------------


def _edit_form(application) -> dict:
    from tests.applications.test_views import _edit_form as form

    return form(application)


def test_a_pdf_named_html_is_stored_and_served_as_a_pdf(client, program_year):
    application = ApplicationFactory(program_year=program_year, resume="", resume_name="")
    client.force_login(application.applicant.user)
    data = pdf_bytes()
    response = client.post(
        reverse("applications:edit", args=[application.reference]),
        {**_edit_form(application), "resume_upload": upload("x.html", data)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.resume.name.endswith(".pdf") and application.resume_name == "x.pdf"
    download = client.get(reverse("applications:resume", args=[application.reference]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert b"".join(download.streaming_content) == data


def test_a_docx_named_pdf_is_stored_and_served_as_a_docx(program_year):
    application = ApplicationFactory(program_year=program_year, resume="", resume_name="")
    services.application_update(
        application=application, actor=application.created_by, data={}, resume=upload("cv.pdf", docx_bytes())
    )
    application.refresh_from_db()
    assert application.resume.name.endswith(".docx") and application.resume_name == "cv.docx"


def test_the_storing_service_refuses_a_polyglot_even_without_the_form(program_year):
    application = ApplicationFactory(program_year=program_year, resume="", resume_name="")
    with pytest.raises(TransitionError, match="contains web-page code"):
        services.application_update(
            application=application, actor=application.created_by, data={}, resume=upload("cv.pdf", handmade_pdf(HTML))
        )
    application.refresh_from_db()
    assert not application.resume


def test_a_recommender_uploading_a_polyglot_is_refused_and_keeps_their_letter(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    recommendation = RecommendationFactory(application=application, status=Recommendation.Status.REQUESTED)
    services.recommendation_send(recommendation=recommendation, actor=None)
    from tests.applications.test_views import _token_for

    token = _token_for(recommendation)
    url = reverse("applications:recommend", args=[token])
    response = client.post(
        url, {"letter_text": "My carefully written letter.", "letter_file": upload("letter.pdf", handmade_pdf(HTML))}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "“letter.pdf” contains web-page code" in body and "My carefully written letter." in body
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.REQUESTED and not recommendation.letter_file
    # a truncated PDF the same way
    response = client.post(url, {"letter_text": "", "letter_file": upload("letter.pdf", pdf_bytes()[:200])})
    assert response.status_code == 400 and "is incomplete" in response.content.decode()
    # a Word letter named .html is accepted, kept and later served as Word
    client.post(url, {"letter_text": "", "letter_file": upload("letter.html", docx_bytes())})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RECEIVED
    assert recommendation.letter_file.name.endswith(".docx") and recommendation.letter_filename == "letter.docx"


def test_letters_are_served_under_their_recognised_type(client, program_year, staff_user):
    application = ApplicationFactory(program_year=program_year)
    recommendation = RecommendationFactory(application=application, status=Recommendation.Status.REQUESTED)
    services.recommendation_send(recommendation=recommendation, actor=None)
    from tests.applications.test_views import _token_for

    services.recommendation_receive(token=_token_for(recommendation), letter_file=upload("a letter.htm", pdf_bytes()))
    client.force_login(staff_user)
    download = client.get(reverse("applications:letter", args=[application.reference, recommendation.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="a letter.pdf"'
