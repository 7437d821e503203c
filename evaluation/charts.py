"""Server-side SVG charts (matplotlib, no browser JavaScript), so the pages and the PDF reports
draw the same pictures. Text stays text in the SVG (searchable, read by screen readers through
the <title>), and output is deterministic for the same data.

Colours are the Okabe–Ito palette (safe for colour-blind readers), and series differ by hatch as
well as colour.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PRE_COLOUR = "#0072B2"
MID_COLOUR = "#009E73"
POST_COLOUR = "#E69F00"
REFERENCE_COLOURS = ["#CC79A7", "#D55E00", "#56B4E9", "#000000"]


@cache
def _matplotlib():
    """matplotlib, set up on first use (importing it costs every process start most of a second)."""
    import matplotlib

    matplotlib.use("Agg")  # before any pyplot import anywhere: no display on servers or workers
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "pac",
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    from matplotlib.figure import Figure

    return Figure


@dataclass(frozen=True)
class Bar:
    label: str
    pre: float | None
    post: float | None
    mid: float | None = None


@dataclass(frozen=True)
class Threshold:
    """A horizontal reference drawn over one group of bars (a domain) or the whole chart."""

    label: str
    value: float
    group: str | None = None


@dataclass(frozen=True)
class Effect:
    label: str
    value: float | None
    low: float | None
    high: float | None


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Title": title, "Date": None})
    svg = buffer.getvalue()
    # an accessible name for the picture, and no fixed pixel size, so it scales to a phone's width
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)
    return svg


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def score_bars(bars: Sequence[Bar], *, title: str, thresholds: Sequence[Threshold] = ()) -> str:
    """Grouped bars of pre (mid) and post scores on the 1–7 CLASS scale, with thresholds drawn
    as dashed lines over the domain they apply to."""
    figure = _matplotlib()(figsize=(max(4.5, 0.9 * len(bars) + 2), 3.4))
    axes = figure.add_subplot()
    has_mid = any(b.mid is not None for b in bars)
    series = [("Pre", "pre", PRE_COLOUR, "")]
    if has_mid:
        series.append(("Mid", "mid", MID_COLOUR, ".."))
    series.append(("Post", "post", POST_COLOUR, "//"))
    width = 0.8 / len(series)
    positions = range(len(bars))
    for index, (name, attr, colour, hatch) in enumerate(series):
        xs = [x - 0.4 + width * (index + 0.5) for x in positions]
        values = [getattr(b, attr) or 0 for b in bars]
        drawn = axes.bar(xs, values, width, label=name, color=colour, hatch=hatch, edgecolor="white")
        for rect, bar in zip(drawn, bars, strict=True):
            value = getattr(bar, attr)
            if value is not None:
                axes.annotate(
                    f"{value:.2f}",
                    (rect.get_x() + rect.get_width() / 2, value),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
    labels = [b.label for b in bars]
    seen: dict[str, str] = {}
    for threshold in thresholds:
        colour = seen.setdefault(threshold.label, REFERENCE_COLOURS[len(seen) % len(REFERENCE_COLOURS)])
        if threshold.group is None:
            axes.axhline(threshold.value, color=colour, linestyle="--", linewidth=1)
        elif threshold.group in labels:
            x = labels.index(threshold.group)
            axes.hlines(threshold.value, x - 0.45, x + 0.45, colors=colour, linestyles="--", linewidth=1.2)
        else:
            continue
        axes.plot([], [], color=colour, linestyle="--", label=threshold.label)  # one legend entry a label
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    axes.legend(unique.values(), unique.keys(), fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    axes.set_xticks(list(positions), labels)
    axes.set_ylim(1, 7.4)
    axes.set_yticks(range(1, 8))
    axes.set_ylabel("CLASS score (1–7)")
    axes.set_title(title, fontsize=10)
    return _svg(figure, title)


def effect_sizes(effects: Sequence[Effect], *, title: str, references: Sequence[Threshold] = ()) -> str:
    """Effect sizes (d_z) with 95% intervals as points and whiskers, a zero line, and published
    effect sizes as labelled reference lines."""
    figure = _matplotlib()(figsize=(max(4.5, 0.9 * len(effects) + 2), 3.2))
    axes = figure.add_subplot()
    xs = list(range(len(effects)))
    for x, effect in zip(xs, effects, strict=True):
        if effect.value is None:
            axes.annotate("n too small", (x, 0), ha="center", va="bottom", fontsize=7, rotation=90)
            continue
        low = effect.value - effect.low if effect.low is not None else 0
        high = effect.high - effect.value if effect.high is not None else 0
        axes.errorbar(x, effect.value, yerr=[[low], [high]], fmt="o", color=PRE_COLOUR, capsize=4)
        axes.annotate(f"{effect.value:.2f}", (x, effect.value), xytext=(6, 0), textcoords="offset points", fontsize=7)
    axes.axhline(0, color="#666666", linewidth=0.8)
    for index, reference in enumerate(references):
        colour = REFERENCE_COLOURS[index % len(REFERENCE_COLOURS)]
        axes.axhline(reference.value, color=colour, linestyle="--", linewidth=1, label=reference.label)
    if references:
        axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1)
    axes.set_xticks(xs, [e.label for e in effects])
    axes.set_xlim(-0.6, len(effects) - 0.4)
    axes.set_ylabel("Effect size d_z (95% CI)")
    axes.set_title(title, fontsize=10)
    return _svg(figure, title)
