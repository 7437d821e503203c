"""What the workflow tests share: watch a model's stage field while services run, and compare
every change seen with the model's declared workflow (pac.workflow.Workflow)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db.models.signals import post_init, pre_save

from pac.workflow import Workflow

_WAS = "_workflow_test_was"


@contextmanager
def changes_of(model, field: str):
    """Every change of ``model.<field>`` saved while the block runs, as (from, to) pairs, however
    the code wrote it (the services' ``require`` or a stray assignment). Creating a row is not a
    change; ``QuerySet.update`` bypasses it (document jobs are checked by reading the row)."""
    seen: list[tuple[str, str]] = []

    def remember(sender, instance, **kwargs):
        instance.__dict__[_WAS] = instance.__dict__.get(field)

    def compare(sender, instance, update_fields=None, **kwargs):
        if instance._state.adding or (update_fields is not None and field not in update_fields):
            return
        if _WAS not in instance.__dict__:  # loaded before the block began: ask the database
            instance.__dict__[_WAS] = sender._default_manager.filter(pk=instance.pk).values_list(field, flat=True)[0]
        was, now = instance.__dict__[_WAS], instance.__dict__.get(field)
        if was is not None and now is not None and str(was) != str(now):
            seen.append((str(was), str(now)))
        instance.__dict__[_WAS] = now

    post_init.connect(remember, sender=model, weak=False)
    pre_save.connect(compare, sender=model, weak=False)
    try:
        yield seen
    finally:
        post_init.disconnect(remember, sender=model)
        pre_save.disconnect(compare, sender=model)


def assert_follows(flow: Workflow, seen: list[tuple[str, str]], *, every: str = "arrow") -> None:
    """Every change seen is an arrow of the table, and the journey took every ``arrow`` of the
    table (or at least one arrow of every ``step``)."""
    arrows = {(source, target) for source, target, _ in flow.edges}
    stray = [change for change in seen if change not in arrows]
    assert not stray, f"{flow.name}: changes its table does not declare: {stray}"
    if every == "arrow":
        untaken = sorted(arrows - set(seen))
        assert not untaken, f"{flow.name}: arrows no service took in this journey: {untaken}"
    else:
        untaken = [t.name for t in flow.transitions.values() if not any((s, t.target) in seen for s in t.sources)]
        assert not untaken, f"{flow.name}: steps no service took in this journey: {untaken}"
