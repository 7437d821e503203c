from . import navigation as nav


def navigation(request):
    """Navigation items the signed-in person may open."""
    return {"nav_items": nav.items_for(request)}
