"""Server-side SVG plots with matplotlib (no JavaScript): horizontal bars and yearly lines,
each with an optional norm line. Figures are made without pyplot, so drawing is safe in
the server's threads; text stays text in the SVG (``svg.fonttype = none``) and matplotlib
escapes it, so a hostile label is shown, never run.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: Okabe–Ito colours (distinguishable with colour blindness), then greys.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000", "#888888", "#332288", "#AA4499", "#44AA99")  # fmt: skip
NORM_COLOUR = "#B00020"


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document (text kept as text)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kggraph"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    xlabel: str,
    norm: float | None = None,
    norm_label: str = "",
    notes: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars, first label at the top, with a vertical norm line."""
    height = max(2.2, 0.36 * len(labels) + 1.0)
    fig = Figure(figsize=(8.5, height))
    ax = fig.subplots()
    ys = list(range(len(labels)))[::-1]
    colours = [NORM_COLOUR if norm is not None and v > norm else COLOURS[0] for v in values]
    ax.barh(ys, values, color=colours, height=0.7)
    ax.set_yticks(ys, [_short(label) for label in labels])
    ax.set_xlabel(xlabel)
    if norm is not None:
        ax.axvline(norm, color=NORM_COLOUR, linestyle="--", linewidth=1.2, label=norm_label)
        ax.legend(loc="lower right", frameon=False)
    for y, v, note in zip(ys, values, notes or [""] * len(values), strict=True):
        ax.text(v, y, f" {note}", va="center", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.15)
    return fig


def line_chart(
    series: Mapping[str, Mapping[int, float]],
    ylabel: str,
    norm: float | None = None,
    norm_label: str = "",
    notes: Mapping[int, str] | None = None,
) -> Figure:
    """One line per series over the years, with a horizontal norm line; ``notes`` label
    the first series' points."""
    fig = Figure(figsize=(8.5, 4.2))
    ax = fig.subplots()
    for i, (name, points) in enumerate(series.items()):
        years = sorted(points)
        ax.plot(
            years,
            [points[y] for y in years],
            marker="o",
            markersize=3.5,
            linewidth=1.6,
            color=COLOURS[i % len(COLOURS)],
            label=_short(name),
        )
    first = next(iter(series.values()), {})
    for year, note in (notes or {}).items():
        if year in first:
            ax.annotate(note, (year, first[year]), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7)  # fmt: skip
    if norm is not None:
        ax.axhline(norm, color=NORM_COLOUR, linestyle="--", linewidth=1.2, label=norm_label)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    if series or norm is not None:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    return fig


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
