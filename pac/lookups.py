"""Small tables a page would otherwise join into every row.

A page of fifty rows that shows each row's CLASS tool or program year could join those tables in
its query (``select_related``), but each join widens the query PostgreSQL has to plan: the
observer's assignments joined eleven tables, and planning them took longer than running them
(7 ms against 4 at ``seed_demo --scale 20``). A table of a few rows is cheaper read once for the
page's rows and set on them: ``attach`` reads the table in one query and sets each object's
relation as ``select_related`` would have (no further query when a template follows it).
"""

from __future__ import annotations

from collections.abc import Iterable


def attach(objects: Iterable, *fields: str, model=None) -> None:
    """Set the forward relations ``fields`` (foreign keys to one small table) on each of ``objects``,
    from one query reading that table whole: a call is always exactly one query, whatever the rows
    (a page's query count does not depend on its data), and only for tables of a few rows (CLASS
    tools, program years). ``None`` among the objects is skipped; ``model`` names the table when
    there may be no objects to learn it from."""
    objects = [obj for obj in objects if obj is not None]
    if model is None:
        if not objects:
            raise ValueError("attach() needs model= when there may be no objects")
        model = type(objects[0])
    meta = model._meta
    relations = [meta.get_field(name) for name in fields]
    table = relations[0].related_model
    if any(relation.related_model is not table for relation in relations):
        raise ValueError("attach() sets relations to one table at a time")
    rows = {row.pk: row for row in table._default_manager.all()}
    for obj in objects:
        for relation in relations:
            row = rows.get(getattr(obj, relation.attname))
            if row is not None:  # a null key reads as None without a query already
                setattr(obj, relation.name, row)
