from django import template

from pac import annotations

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def signed(value, digits: int = 2) -> str:
    """A change with its sign: +0.42, −0.10 (a true minus sign), 0.00; an em dash when missing."""
    if value is None or value == "":
        return "—"
    number = round(float(value), int(digits))
    text = f"{abs(number):.{int(digits)}f}"
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return text


@register.simple_tag(takes_context=True)
def contact_eec(context, lead: str = "contact EEC staff"):
    """Every "contact EEC staff" on the site: the words, then the address and phone number from
    settings. On a page they are links; in a plain-text email (autoescape off) plain text."""
    from django.utils.html import format_html

    from pac.contact import eec_contact

    contact = context.get("eec_contact") or eec_contact()  # the context processor's, on a page
    if not context.autoescape:
        return contact.sentence(lead)
    return format_html(
        '{} at <a href="mailto:{}">{}</a> or <a href="tel:{}">{}</a>',
        lead,
        contact.email,
        contact.email,
        contact.tel,
        contact.phone,
    )


@register.filter
def midsentence(label) -> str:
    """A choice label as it reads inside a sentence: "Granted by EEC" becomes "granted by EEC",
    where |lower would give "granted by eec". Only the first letter is lowered, and not even that
    when the first word is an acronym (QRIS, MOU) or a program word (Consultant Teacher, Mentee)."""
    text = str(label or "")
    first = text.split(" ", 1)[0]
    if not text or (len(first) > 1 and first.isupper()) or text.startswith(PROGRAM_WORDS):
        return text
    return text[0].lower() + text[1:]


PROGRAM_WORDS = ("Consultant ", "Mentee", "Program/Instructional Leader", "Program Leader", "Instructional Leader")


@register.simple_tag
def link_to(key: str, *args) -> str:
    """A later app's page, through pac.annotations: {% link_to "pair.workspace" pair.pk as url %}
    ("" when no app registered the link, so the template leaves the link out)."""
    return annotations.link(key, *args)
