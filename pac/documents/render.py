"""Render a template to PDF with WeasyPrint, in the PAC print layout (templates/pdf/base.html).

The fonts are the DejaVu faces that matplotlib ships in its package data, loaded with @font-face
and embedded (subset) in every PDF, so a document looks the same on a laptop, in CI and in the
container whatever fonts the system has. PDFs are tagged (PDF/UA-1) so screen readers can follow
headings, tables and reading order.

What does not change between documents is set up once per process and reused by every render:
the font configuration (the @font-face files are registered with fontconfig once) and the parsed
print stylesheet (``print.css``: its rules, selectors and font faces), so a render pays only for
its own document (docs/benchmarks/documents.md compares it with a bare WeasyPrint page and the
layout with a trivial body).
"""

from __future__ import annotations

import atexit
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

    # let go of it (and its copies of the font files) at exit, while the modules its clean-up uses remain
    atexit.register(_font_config.cache_clear)
    atexit.register(print_stylesheet.cache_clear)  # run first: the stylesheet holds the configuration
    return FontConfiguration()


STYLESHEET = Path(__file__).with_name("print.css")


@functools.cache
def print_stylesheet():
    """The PAC print layout, parsed once (with its font faces registered in the shared font
    configuration) and applied to every document."""
    from weasyprint import CSS

    return CSS(filename=STYLESHEET, base_url=font_directory().as_uri() + "/", font_config=_font_config())


def svg_data_uri(svg: str) -> str:
    """An SVG chart as an <img src>: WeasyPrint draws it as vectors, text stays text."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def print_context(title: str) -> dict:
    """What pdf/base.html prints on every page besides the document: its title and when it was made."""
    return {"document_title": title, "generated_at": timezone.localtime()}


def pdf_render(template_name: str, context: dict, *, title: str) -> bytes:
    """Render ``template_name`` (which extends pdf/base.html) to PDF bytes.

    ``title`` becomes the document title (running header, PDF metadata)."""
    return pdf_write(render_to_string(template_name, {**context, **print_context(title)}))


def pdf_write(html: str) -> bytes:
    """HTML of a template extending pdf/base.html, laid out as PDF in the print layout."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(font_directory()))
    return document.write_pdf(
        stylesheets=[print_stylesheet()],
        font_config=_font_config(),
        pdf_variant="pdf/ua-1",
        uncompressed_pdf=False,
    )


def download_name(*parts: str, extension: str = "pdf") -> str:
    stem = "-".join(get_valid_filename(p).replace("_", "-") for p in parts if p)
    return f"{stem}.{extension}"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
