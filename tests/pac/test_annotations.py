"""pac.annotations: the registry through which a later app adds to an earlier app's pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from evaluation import coach_reviews
from pac import annotations


def test_the_later_apps_register_their_facts_and_links():
    assert annotations._providers[annotations.PRIOR_DECISIONS] is coach_reviews.prior_decisions
    assert annotations.link("pair.workspace", 7) == reverse("coaching:workspace", args=[7])
    assert annotations.link("pair.growth", 7) == reverse("evaluation:pair_growth", args=[7])
    assert annotations.link("pair.progress_pdf", 7) == reverse("evaluation:pair_progress_pdf", args=[7])


def test_without_a_provider_an_earlier_page_gets_nothing(monkeypatch):
    monkeypatch.setattr(annotations, "_providers", {})
    monkeypatch.setattr(annotations, "_links", {})
    assert annotations.prior_decisions([1, 2], object()) == {}
    assert annotations.link("pair.workspace", 7) == ""
    html = Template(
        '{% load pac_tags %}{% link_to "pair.workspace" 7 as url %}{% if url %}<a href="{{ url }}">W</a>{% endif %}'
    ).render(Context())
    assert html == ""


def test_the_provider_gets_the_question(monkeypatch):
    asked = []
    monkeypatch.setattr(annotations, "_providers", {})
    annotations.provide(annotations.PRIOR_DECISIONS, lambda ids, before: asked.append((ids, before)) or {1: "x"})
    assert annotations.prior_decisions([1], "2026") == {1: "x"}
    assert asked == [([1], "2026")]


@pytest.mark.parametrize("key", ["pair.workspace", "pair.growth"])
def test_the_template_tag_renders_a_registered_link(key):
    html = Template("{% load pac_tags %}{% link_to key 3 as url %}{{ url }}").render(Context({"key": key}))
    assert html == annotations.link(key, 3) != ""
