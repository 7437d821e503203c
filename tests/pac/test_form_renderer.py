"""PAC's form renderer draws <select> and <input> widgets in Python: the HTML must be exactly what
Django's own templates give, for every kind of widget and value a PAC form can hold."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from pac.form_renderer import FormRenderer
from pac.models import Region

GROUPED = [
    ("", "— choose —"),
    ("Central & West", [(1, "Region 1 <West>"), (2, 'Region "2"')]),
    ("East", [(3, "Region 3 & the Islands"), ("x's", mark_safe("<b>safe</b> label"))]),
]


class EveryWidget(forms.Form):
    choice = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<b>"), (3, 4)], required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")], required=False)
    year = forms.TypedChoiceField(choices=[(2026, 2026), (2027, 2027)], coerce=int, required=False)
    region = forms.ModelChoiceField(queryset=Region.objects.order_by("number"), required=False, empty_label="All")
    boolean = forms.NullBooleanField(required=False)
    text = forms.CharField(max_length=20, required=False, help_text="<i>help</i>")
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False, max_digits=5, decimal_places=2)
    integer = forms.IntegerField(required=False, min_value=0)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True, required=False)


@pytest.fixture
def regions(db):
    Region.objects.get_or_create(number=1, defaults={"name": "Western"})
    Region.objects.get_or_create(number=2, defaults={"name": "Central & <North>"})


DATA = [
    None,  # unbound: initial values
    {},
    {
        "choice": "b",
        "grouped": "x's",
        "many": ["1", "3"],
        "year": "2027",
        "boolean": "true",
        "text": 'a "quoted" <tag> & more',
        "email": "not an email",
        "number": "12.5",
        "integer": "-3",
        "day": "2026-12-05",
        "when": "2026-12-05 09:30",
        "secret": "s3cr&t",
        "hidden": "<x>",
        "agree": "on",
        "url": "example.org",
    },
    {
        "choice": "zzz",
        "grouped": "3",
        "many": ["9"],
        "year": "x",
        "integer": "1.5",
        "day": "yesterday",
        "text": "\u00e9",
    },
]


@pytest.mark.parametrize("data", DATA)
def test_every_widget_renders_as_djangos_own_templates_render_it(regions, data):
    initial = {"choice": 3, "region": Region.objects.get(number=2), "day": datetime.date(2026, 1, 31), "agree": True}
    form = EveryWidget(data, initial=initial, files={} if data is not None else None)
    if data is not None:
        form.is_valid()
    ours, djangos = FormRenderer(), DjangoTemplates()
    for field in form:
        widget, attrs = field.field.widget, field.build_widget_attrs({"class": 'form-select x"y'})
        attrs = {**attrs, "id": field.auto_id, "aria-describedby": f"{field.auto_id}_help", "data-on": True}
        if field.field.required:
            attrs["required"] = True
        value = field.value()
        expected = widget.render(field.html_name, value, attrs, renderer=djangos)
        assert widget.render(field.html_name, value, attrs, renderer=ours) == expected, field.name


def test_selects_and_inputs_are_drawn_without_a_template(regions, monkeypatch):
    def refuse(self, template_name):
        raise AssertionError(f"{template_name} was rendered from its template")

    monkeypatch.setattr(FormRenderer, "get_template", refuse)
    form = EveryWidget(initial={"many": [2], "region": Region.objects.get(number=1)})
    drawn = [name for name in form.fields if name != "upload"]  # a file field's widget offers "Clear"
    for name in drawn:
        assert form[name].as_widget().startswith(("<select", "<input")), name


def test_pac_forms_use_it_by_default():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_widget_with_its_own_option_template_goes_to_the_templates():
    class Tagged(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Tagged(choices=[("a", "A")])
    assert widget.render("f", "a", renderer=FormRenderer()) == widget.render("f", "a", renderer=DjangoTemplates())
