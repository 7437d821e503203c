"""Render a template to PDF with WeasyPrint, in the PAC print layout (templates/pdf/base.html).

The fonts are the DejaVu faces that matplotlib ships in its package data, loaded with @font-face
and embedded (subset) in every PDF, so a document looks the same on a laptop, in CI and in the
container whatever fonts the system has. PDFs are tagged (PDF/UA-1) so screen readers can follow
headings, tables and reading order.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename

PDF = "application/pdf"


@functools.cache
def font_directory() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def svg_data_uri(svg: str) -> str:
    """An SVG chart as an <img src>: WeasyPrint draws it as vectors, text stays text."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf_render(template_name: str, context: dict, *, title: str) -> bytes:
    """Render ``template_name`` (which extends pdf/base.html) to PDF bytes.

    ``title`` becomes the document title (running header, PDF metadata)."""
    from weasyprint import HTML

    now = timezone.localtime()
    html = render_to_string(
        template_name,
        {**context, "document_title": title, "generated_at": now, "font_directory": font_directory().as_uri()},
    )
    document = HTML(string=html, base_url=str(font_directory()))
    return document.write_pdf(font_config=_font_config(), pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def download_name(*parts: str, extension: str = "pdf") -> str:
    stem = "-".join(get_valid_filename(p).replace("_", "-") for p in parts if p)
    return f"{stem}.{extension}"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
