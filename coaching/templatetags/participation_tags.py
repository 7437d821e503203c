"""The Mentee's or MA's participation on the pair's workspace (coaching.participation)."""

from __future__ import annotations

from django import template

from coaching import participation

register = template.Library()


@register.inclusion_tag("coaching/_mentee_participation.html")
def mentee_participation(pair, role: str) -> dict:
    """Orientation, training days, recommended training and the confidentiality acknowledgement of the
    pair's Mentee or MA (three to six queries, whatever the pair's history)."""
    return {"pair": pair, "role": role, **participation.for_workspace(pair)}
