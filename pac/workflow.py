"""What every app's workflows share: the refusal of a step, the refusal of an emailed link, the
token behind such a link, and the handling of a refused step in a view.

Services raise ``TransitionError`` with a message in the program's words when a step is not allowed
now (a closed window, a signed MOU, a report already approved). Views run the step inside
``attempt``: a refusal becomes the person's message (on the form, or as a flash message) and the
view goes on to show the page again, never a 500::

    with attempt(form=form) as step:
        meeting = services.meeting_log(pair=pair, actor=request.user, **form.cleaned_data)
    if step.ok:
        messages.success(request, "Meeting saved.")
        return redirect(...)

The stages a record moves between are declared once, beside its model, as a ``Workflow`` of named
steps (``Application.workflow``, ``Pair.workflow``, ``ThirtyDayReport.workflow``,
``DocumentJob.workflow``); services take each new stage from the table, and docs/workflows.md draws
them (``manage.py workflows_doc``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Choices


class TransitionError(ValidationError):
    """A workflow step that is not allowed now; the message says why, in the program's words."""


class LinkError(Exception):
    """An emailed link that cannot be used: unknown, used, expired. The message is for the person;
    ``status`` is 404 for a link we do not know and 410 for one that worked once but no longer does."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """An unguessable link token and the hash we store (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class attempt:  # noqa: N801 - used as a statement, like contextlib's helpers
    """Run a service step; a ``TransitionError`` becomes the person's message instead of an error page.

    With ``form`` the message goes on the form (shown above its fields, what was typed kept; a
    refusal that names a field, ``TransitionError({"signature_name": ...})``, goes on that field);
    otherwise, with ``request``, it is flashed. ``step.ok`` tells whether the step went through and
    ``step.error`` holds the refusal's message."""

    def __init__(self, request=None, *, form=None):
        if request is None and form is None:
            raise TypeError("attempt() needs the request (to flash a refusal) or a form (to show it on)")
        self.request = request
        self.form = form
        self.error: str | None = None

    def __enter__(self) -> attempt:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None or not issubclass(exc_type, TransitionError):
            return False
        self.error = exc.messages[0]
        if self.form is not None:
            self.form.add_error(None, exc if hasattr(exc, "error_dict") else self.error)
        else:
            messages.error(self.request, self.error)
        return True

    @property
    def ok(self) -> bool:
        return self.error is None


# --- declared workflows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One named step: the states it may start from and the state it leads to. ``label`` is the
    step in the program's words, drawn on the arrow in docs/workflows.md."""

    name: str
    sources: tuple[str, ...]
    target: str
    label: str = ""


class Workflow:
    """The stages a record moves between, declared in one place beside its model.

    Steps are named because a stage can be reached in more than one way, each from its own stages
    (an application reaches "awaiting decision" by skipping the interview from Tier 2, or when the
    panel has scored the interview). A service asks the table for its step::

        application.stage = Application.workflow.require("submit", application.stage)

    which returns the step's target, or raises ``TransitionError`` when the record is not in one of
    the step's source stages (with the service's own words, if it passes ``refusal``)."""

    registry: dict[str, Workflow] = {}

    def __init__(
        self,
        name: str,
        states: type[Choices],
        transitions: Iterable[Transition],
        *,
        initial: str,
        noun: str = "",
        field: str = "status",
        register: bool = True,
    ):
        self.name = name
        self.noun = noun or name.lower()
        self.field = field
        self.model = None  # set when the table is declared on a model (contribute_to_class)
        self.states = states
        self.initial = str(initial)
        self.transitions: dict[str, Transition] = {}
        values = set(states.values)
        for declared in transitions:
            # stored as plain strings, so the table reads the same from a model field or an enum member
            transition = Transition(
                declared.name, tuple(str(s) for s in declared.sources), str(declared.target), declared.label
            )
            if transition.name in self.transitions:
                raise ImproperlyConfigured(f"{name}: the step {transition.name!r} is declared twice")
            unknown = {*transition.sources, transition.target} - values
            if unknown or not transition.sources:
                raise ImproperlyConfigured(f"{name}: the step {transition.name!r} names unknown stages {unknown}")
            self.transitions[transition.name] = transition
        if initial not in values:
            raise ImproperlyConfigured(f"{name}: the initial stage {initial!r} is not one of its stages")
        if register:
            Workflow.registry[name] = self

    def contribute_to_class(self, cls, name: str) -> None:
        """Declared in a model's body (``workflow = Workflow(...)``): remember the model, for the docs."""
        self.model = cls
        setattr(cls, name, self)

    def __repr__(self) -> str:
        return f"<Workflow {self.name}: {len(self.transitions)} steps>"

    def step(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise LookupError(f"{self.name} has no step {name!r}; declare it in the workflow's table") from None

    def sources(self, name: str) -> tuple[str, ...]:
        return self.step(name).sources

    def target(self, name: str) -> str:
        return self.step(name).target

    def can(self, name: str, current: str) -> bool:
        """Whether the step ``name`` may start from ``current``."""
        return current in self.step(name).sources

    def allowed(self, source: str, target: str) -> bool:
        """Whether any step leads from ``source`` to ``target``."""
        return any(source in t.sources and t.target == target for t in self.transitions.values())

    def require(self, name: str, current: str, *, refusal: str | None = None) -> str:
        """The target of step ``name`` from ``current``; ``TransitionError`` if the step does not
        start there."""
        transition = self.step(name)
        if current not in transition.sources:
            raise TransitionError(
                refusal
                or f"This {self.noun} is “{self.label(current)}”; it cannot move to “{self.label(transition.target)}” "
                "from there."
            )
        return transition.target

    def label(self, state: str) -> str:
        return str(dict(self.states.choices).get(state, state))

    @property
    def edges(self) -> list[tuple[str, str, str]]:
        """(source, target, step) for every arrow, in the order the steps are declared."""
        return [(source, t.target, t.name) for t in self.transitions.values() for source in t.sources]

    @property
    def finals(self) -> list[str]:
        """Stages no step leaves."""
        leaving = {source for source, _, _ in self.edges}
        return [value for value in self.states.values if value not in leaving]

    def mermaid(self) -> str:
        """A Mermaid state diagram of the table."""
        lines = ["stateDiagram-v2", "    direction LR"]
        for value, label in self.states.choices:
            lines.append(f'    state "{_mermaid_text(str(label))}" as {value}')
        lines.append(f"    [*] --> {self.initial}")
        for transition in self.transitions.values():
            text = _mermaid_text(transition.label or transition.name.replace("_", " "))
            lines.extend(f"    {source} --> {transition.target}: {text}" for source in transition.sources)
        lines.extend(f"    {value} --> [*]" for value in self.finals)
        return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    """Mermaid labels: no colons or semicolons (they end a label), quotes, angle brackets or #."""
    return re.sub(r"[\"<>#]", "", text.replace(":", " –").replace(";", ",")).strip()


# --- docs/workflows.md -----------------------------------------------------------------------------

DOC_BEGIN = "<!-- BEGIN generated by `manage.py workflows_doc` from the transition tables: do not edit -->"
DOC_END = "<!-- END generated -->"


def workflows_markdown(workflows: Iterable[Workflow]) -> str:
    """A section per workflow: its state diagram and its table of steps."""
    parts = []
    for flow in workflows:
        where = f"`{flow.model._meta.label}.{flow.field}`" if flow.model else f"`{flow.field}`"
        rows = [
            f"| `{t.name}` | {', '.join(flow.label(s) for s in t.sources)} | {flow.label(t.target)} | {t.label} |"
            for t in flow.transitions.values()
        ]
        parts.append(
            "\n".join(
                [
                    f"### {flow.name}",
                    "",
                    f"Field {where}; a new {flow.noun} starts as “{flow.label(flow.initial)}”.",
                    "",
                    "```mermaid",
                    flow.mermaid(),
                    "```",
                    "",
                    "| Step | From | To | What happens |",
                    "| --- | --- | --- | --- |",
                    *rows,
                ]
            )
        )
    return "\n\n".join(parts)


def workflows_doc(current: str, workflows: Iterable[Workflow]) -> str:
    """``current`` (the text of docs/workflows.md) with its generated part replaced."""
    generated = f"{DOC_BEGIN}\n\n{workflows_markdown(workflows)}\n\n{DOC_END}"
    if DOC_BEGIN in current and DOC_END in current:
        before, _, rest = current.partition(DOC_BEGIN)
        _, _, after = rest.partition(DOC_END)
        return before + generated + after
    return current.rstrip("\n") + ("\n\n" if current.strip() else "") + generated + "\n"
