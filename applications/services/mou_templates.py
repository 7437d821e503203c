"""MOU template versions: the text staff maintain for each role.

A version somebody has signed is never changed (``MOUTemplate.save`` refuses it, as a signed MOU
refuses any change): editing its title or text here saves the next version for the role and
retires the signed one, which the signed MOUs keep pointing at. A version nobody has signed is
edited in place; changing only whether it is active keeps its text byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max

from pac.models import User
from pac.workflow import TransitionError

from ..models import MOUTemplate


@dataclass(frozen=True)
class TemplateSaved:
    template: MOUTemplate  # the version that now holds the text
    superseded: MOUTemplate | None = None  # the signed version kept unchanged (now inactive), if any


def _text(value: str) -> str:
    """Text as compared for "has it changed": line endings and surrounding whitespace do not count."""
    return value.replace("\r\n", "\n").strip()


def _stored(value: str) -> str:
    return value.replace("\r\n", "\n")  # browsers send CRLF; keep the stored text uniform


def _next_version(role: str) -> int:
    # lock the role's versions so two saves at once do not both take the same number
    list(MOUTemplate.objects.select_for_update().filter(role=role).values_list("pk", flat=True))
    return (MOUTemplate.objects.filter(role=role).aggregate(v=Max("version"))["v"] or 0) + 1


def _insert(template: MOUTemplate, actor: User | None) -> MOUTemplate:
    template.clean()  # the placeholders the MOU text may use
    template._history_user = actor
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:  # the first version of a role, saved twice at the same moment
        raise TransitionError("Someone saved this MOU template at the same moment; reload and try again.") from exc
    return template


@transaction.atomic
def mou_template_create(*, role: str, title: str, body: str, is_active: bool = True, actor: User | None) -> MOUTemplate:
    """A new template for a role: the role's next version."""
    template = MOUTemplate(role=role, version=_next_version(role), title=title, body=_stored(body), is_active=is_active)
    return _insert(template, actor)


@transaction.atomic
def mou_template_edit(
    *, template: MOUTemplate, title: str, body: str, is_active: bool, actor: User | None
) -> TemplateSaved:
    """Save staff's edit of a version. A signed version whose title or text changes is kept as
    it was and retired; the edit becomes the role's next version."""
    stored = MOUTemplate.objects.select_for_update().get(pk=template.pk)
    stored._history_user = actor
    if (_text(stored.title), _text(stored.body)) == (_text(title), _text(body)):
        # only the flags changed: keep the text byte for byte as it was
        if stored.is_active != is_active:
            stored.is_active = is_active
            stored.save(update_fields=["is_active"])
        return TemplateSaved(stored)
    if not stored.is_signed():
        stored.title, stored.body, stored.is_active = title, _stored(body), is_active
        stored.clean()
        stored.save(update_fields=["title", "body", "is_active"])
        return TemplateSaved(stored)
    stored.is_active = False
    stored.save(update_fields=["is_active"])
    new = MOUTemplate(
        role=stored.role, version=_next_version(stored.role), title=title, body=_stored(body), is_active=is_active
    )
    return TemplateSaved(_insert(new, actor), superseded=stored)
