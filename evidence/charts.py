"""The pictures of video feedback: the breakdown of comments by type and CLASS dimension (a server-
side SVG, drawn as the evaluation pages draw theirs) and the clip's timeline markers.

Each comment type has a colour from the Okabe–Ito palette and a shape of its own, so the types
differ for colour-blind readers and in greyscale print; pages list the comments as text beside the
picture."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.charts import _matplotlib, _svg

from .models import Comment

# type: (colour, shape name, hatch for the bars)
STYLES = {
    Comment.Kind.STRENGTH: ("#009E73", "circle", ""),
    Comment.Kind.GROWTH: ("#D55E00", "triangle", "//"),
    Comment.Kind.QUESTION: ("#0072B2", "square", ".."),
    Comment.Kind.NOTE: ("#CC79A7", "diamond", "xx"),
}


def shape_path(shape: str, x: float, y: float = 20, r: float = 11) -> str:
    """An SVG path of the marker's shape centred on (x, y)."""
    if shape == "circle":
        return f"M{x - r},{y} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == "triangle":
        return f"M{x},{y - r} L{x + r},{y + r} L{x - r},{y + r} Z"
    if shape == "square":
        s = r * 0.85
        return f"M{x - s},{y - s} H{x + s} V{y + s} H{x - s} Z"
    return f"M{x},{y - r} L{x + r},{y} L{x},{y + r} L{x - r},{y} Z"


@dataclass(frozen=True)
class Marker:
    comment_id: int
    seconds: float
    x: float
    path: str
    colour: str
    label: str


def timeline(comments, duration: float) -> list[Marker]:
    """One marker per top-level comment (private notes included for their author, who alone is
    given them), placed along the clip's length."""
    markers = []
    for comment in comments:
        colour, shape, _ = STYLES[comment.kind]
        seconds = comment.at_ms / 1000
        share = min(1.0, seconds / duration) if duration else 0.0
        kind = "Private note" if comment.is_private else comment.get_kind_display()
        markers.append(
            Marker(
                comment_id=comment.pk,
                seconds=seconds,
                # a percentage of the timeline's width (the page places each marker in an <svg x="..%">,
                # so shapes keep their form at any width), 2% in from each end
                x=round(2 + share * 96, 2),
                path=shape_path(shape, 0),
                colour=colour,
                label=f"{comment.timecode}: {kind}",
            )
        )
    return markers


def legend() -> list[tuple[str, str, str]]:
    """(label, colour, path of the shape at the origin) for each type, as the page's key."""
    return [(label, STYLES[kind][0], shape_path(STYLES[kind][1], 10, 10, 7)) for kind, label in Comment.Kind.choices]


def breakdown_chart(breakdown, *, title: str) -> str:
    """Horizontal stacked bars: one bar per CLASS dimension (and one for comments without one), a
    segment per comment type, each type in its colour and hatch."""
    rows = breakdown.by_dimension
    figure = _matplotlib()(figsize=(6.4, max(1.8, 0.42 * len(rows) + 1.3)))
    axes = figure.add_subplot()
    labels = [label for label, _ in rows]
    positions = list(range(len(rows)))
    left = [0] * len(rows)
    for kind, name in Comment.Kind.choices:
        colour, _, hatch = STYLES[kind]
        values = [counts[kind] for _, counts in rows]
        if not any(values):
            continue
        axes.barh(positions, values, left=left, color=colour, hatch=hatch, edgecolor="white", label=f"{name}")
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("Comments")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=4)
    axes.set_title(title, fontsize=10)
    return _svg(figure, title)
