"""The shared handling of a refused workflow step (pac.workflow.attempt)."""

import io
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import models
from django.test import RequestFactory

from pac.workflow import (
    DOC_BEGIN,
    DOC_END,
    Transition,
    TransitionError,
    Workflow,
    attempt,
    hash_token,
    new_token,
    workflows_doc,
)


class _Form(forms.Form):
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_step_that_goes_through_is_ok_and_says_nothing():
    request = _request()
    with attempt(request) as step:
        done = "yes"
    assert step.ok and step.error is None and done == "yes"
    assert list(get_messages(request)) == []


def test_a_refused_step_is_flashed_with_the_services_words():
    request = _request()
    with attempt(request) as step:
        raise TransitionError("The window closed on 1 March.")
    assert not step.ok
    assert [str(m) for m in get_messages(request)] == ["The window closed on 1 March."]


def test_a_refused_step_with_a_form_goes_on_the_form_and_keeps_what_was_typed():
    form = _Form(data={"note": "kept"})
    assert form.is_valid()
    with attempt(form=form) as step:
        raise TransitionError("Already approved.")
    assert not step.ok
    assert form.non_field_errors() == ["Already approved."]
    assert form["note"].value() == "kept"


def test_a_refusal_that_names_a_field_goes_on_that_field():
    form = _Form(data={"note": "x"})
    assert form.is_valid()
    with attempt(form=form) as step:
        raise TransitionError({"note": "Type the whole note."})
    assert step.error == "Type the whole note."
    assert form.errors == {"note": ["Type the whole note."]}


def test_other_errors_are_not_swallowed():
    with pytest.raises(KeyError), attempt(_request()):
        raise KeyError("a bug stays a bug")


def test_attempt_needs_somewhere_to_say_a_refusal():
    with pytest.raises(TypeError):
        attempt()


def test_a_link_token_is_stored_only_as_its_hash():
    token, digest = new_token()
    assert digest == hash_token(token) and token not in digest and len(digest) == 64


# --- declared workflows (pac.workflow.Workflow) --------------------------------------------------------


class _Light(models.TextChoices):
    RED = "red", "Red: stop"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"


def _lights(**kwargs) -> Workflow:
    return Workflow(
        "Light",
        _Light,
        [
            Transition("go", (_Light.RED,), _Light.GREEN, "go"),
            Transition("slow", (_Light.GREEN,), _Light.AMBER),
            Transition("stop", (_Light.AMBER, _Light.GREEN), _Light.RED, "stop; now"),
        ],
        initial=_Light.RED,
        register=False,
        **kwargs,
    )


def test_a_step_from_one_of_its_sources_gives_its_target():
    flow = _lights()
    assert flow.require("stop", "green") == "red" and flow.require("stop", _Light.AMBER) == "red"
    assert flow.can("go", "red") and not flow.can("go", "green")
    assert flow.allowed("green", "red") and not flow.allowed("red", "amber")


def test_a_step_from_elsewhere_is_refused_in_the_services_words_or_plainly():
    flow = _lights(noun="traffic light")
    with pytest.raises(TransitionError) as plain:
        flow.require("go", "amber")
    assert plain.value.messages == ["This traffic light is “Amber”; it cannot move to “Green” from there."]
    with pytest.raises(TransitionError) as worded:
        flow.require("go", "amber", refusal="Wait for red.")
    assert worded.value.messages == ["Wait for red."]


def test_a_step_the_table_does_not_declare_is_a_programming_error():
    with pytest.raises(LookupError, match="Light has no step 'reverse'"):
        _lights().require("reverse", "red")


@pytest.mark.parametrize(
    "transitions",
    [
        [Transition("go", ("red",), "blue")],
        [Transition("go", (), "green")],
        [Transition("go", ("red",), "green"), Transition("go", ("green",), "red")],
    ],
    ids=["unknown stage", "no source", "declared twice"],
)
def test_a_table_with_a_mistake_does_not_load(transitions):
    with pytest.raises(ImproperlyConfigured):
        Workflow("Light", _Light, transitions, initial="red", register=False)


def test_the_diagram_has_every_stage_arrow_start_and_end():
    flow = Workflow(
        "Light",
        _Light,
        [Transition("go", (_Light.RED,), _Light.GREEN, "go: now"), Transition("slow", (_Light.GREEN,), _Light.AMBER)],
        initial=_Light.RED,
        register=False,
    )
    assert flow.finals == ["amber"]
    assert flow.mermaid().splitlines() == [
        "stateDiagram-v2",
        "    direction LR",
        '    state "Red – stop" as red',
        '    state "Green" as green',
        '    state "Amber" as amber',
        "    [*] --> red",
        "    red --> green: go – now",
        "    green --> amber: slow",
        "    amber --> [*]",
    ]


def test_every_model_workflow_is_declared_on_its_model_and_drawn():
    from applications.models import Application
    from coaching.models import ThirtyDayReport
    from pac.documents.models import DocumentJob
    from pac.management.commands.workflows_doc import declared_workflows
    from pairings.models import Pair

    flows = declared_workflows()
    assert flows[:3] == [Application.workflow, Pair.workflow, ThirtyDayReport.workflow]
    assert DocumentJob.workflow in flows
    for flow in flows:
        assert flow.model is not None and flow.model.workflow is flow
        field = flow.model._meta.get_field(flow.field)
        assert {value for value, _ in field.choices} == set(flow.states.values)
        assert field.default in (flow.initial, models.NOT_PROVIDED)


def test_docs_workflows_md_matches_the_tables():
    """After changing a table, run ``manage.py workflows_doc`` and commit docs/workflows.md."""
    call_command("workflows_doc", "--check", stdout=io.StringIO())


def test_the_generated_part_is_replaced_and_the_prose_kept():
    flow = _lights()
    text = workflows_doc("# Workflows\n\nProse.\n", [flow])
    assert text.startswith("# Workflows\n\nProse.\n\n" + DOC_BEGIN) and text.endswith(DOC_END + "\n")
    assert "| `stop` | Green, Amber | Red: stop | stop; now |" in text.replace("Amber, Green", "Green, Amber")
    again = workflows_doc(text.replace("Prose.", "Prose, edited."), [flow])
    assert again == text.replace("Prose.", "Prose, edited.")


# A stage field is written only from its table: services ask ``Model.workflow.require`` (or, for
# document jobs, ``_move``); assigning a stage directly goes around the table.
STRAY_WRITE = re.compile(
    r"\.(?:stage|status)\s*=\s*(?:Application\.)?Stage\.[A-Z_]+"
    r"|\.status\s*=\s*(?:Pair|ThirtyDayReport|DocumentJob)\.Status\.[A-Z_]+"
    r"|\.update\([^)]*\b(?:stage|status)\s*=\s*(?:Stage|(?:Pair|ThirtyDayReport|DocumentJob)?\.?Status)\."
)


def test_no_code_writes_a_stage_around_its_table():
    root = Path(settings.BASE_DIR)
    stray = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(root) or ".venv" in path.parts:
            continue
        for source in path.rglob("*.py"):
            if "migrations" in source.parts or source.name == "demo.py":  # demo data writes history as it was
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
                if STRAY_WRITE.search(line):
                    stray.append(f"{source.relative_to(root)}:{number}: {line.strip()}")
    assert not stray, "take the step from the model's workflow table instead:\n" + "\n".join(stray)
