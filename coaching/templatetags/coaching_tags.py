"""Template tags for coaching pages: the educator or classroom team in a Mentee Administrator's plan,
for pages whose view does not already load it (the goal form)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def plan_educator_of(pair):
    """The educator or team the MA's plan names now, or None (a CT–Mentee pair: no query)."""
    return selectors.plan_educator_current(pair)
