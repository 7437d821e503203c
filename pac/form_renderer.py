"""Django's form renderer, with its three most-rendered widget templates written in Python.

A form field's widget is drawn from templates: a ``<select>`` renders ``select.html``, then
``select_option.html`` once per option, each including ``attrs.html``; an ``<input>`` renders
``input.html`` and ``attrs.html``. On a staff list (its filters, a form of fifty pairs) that is a
hundred or more template renders a page, a tenth of the page's time. ``FormRenderer`` draws these
three in Python with the same output, character for character (tests/pac/test_form_renderer.py
renders every kind of widget both ways); any other template, or a widget whose options use another
template, goes to Django's own renderer unchanged (``FORM_RENDERER`` in settings).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        *("input", "text", "email", "url", "number", "password", "search", "tel", "hidden"),
        *("date", "datetime", "time", "checkbox", "color", "file"),
    )
)


def _text(value) -> str:
    """``{{ value }}`` in a template with autoescaping on (Django's render_value_in_context)."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe."""
    formatted = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return _text(mark_safe(formatted) if isinstance(value, SafeData) else formatted)  # noqa: S308 (was safe)


def _attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"`` for each, the bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_as_string(value)}"')
    return "".join(out)


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_as_string(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and request is None:
            if template_name == SELECT:
                html = _select(widget)
                if html is not None:
                    return html.strip()
            elif template_name in INPUT_TEMPLATES:
                return _input(widget)
        return super().render(template_name, context, request=request)
