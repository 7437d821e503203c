from django import template

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
