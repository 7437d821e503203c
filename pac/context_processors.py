from . import navigation as nav


def navigation(request):
    """Navigation items the signed-in person may open."""
    return {"nav_items": nav.items_for(request)}


def eec_contact(request):
    """EEC staff's address and phone number, for any template (see pac.contact)."""
    from .contact import eec_contact as contact

    return {"eec_contact": contact()}
