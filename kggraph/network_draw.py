"""A static picture of a network for reports: SVG or PNG through matplotlib (Agg).

Nodes are coloured by type (legend), sized by strength; the ``top`` strongest nodes get
labels. The output is deterministic for a given graph and layout (no timestamps).
"""

from __future__ import annotations

import io
import os
import textwrap

import networkx as nx

from .graphio import atomic_write
from .network import NODE_TYPES, type_colour

TITLES = {
    "citations": "Citation network: documents → cited things",
    "coupling": "Bibliographic coupling: documents sharing citations",
    "cocitation": "Co-citation: things cited together",
    "sources": "Cited web sources by outlet",
}


def node_area(degree: float) -> float:
    """Marker area in points² for a node of this weighted degree (grows like √degree)."""
    return min(10.0 + 28.0 * degree**0.5, 400.0)


def draw_network(
    g: nx.Graph,
    positions: dict[str, tuple[float, float]],
    path: str | os.PathLike[str],
    top: int = 15,
    title: str | None = None,
) -> None:
    """Draw ``g`` at ``positions`` into ``path`` (``.svg`` or ``.png``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fmt = os.fspath(path).rsplit(".", 1)[-1].lower()
    if fmt not in ("svg", "png"):
        raise ValueError(f"not a picture format: {fmt}")
    plt.rcParams["svg.hashsalt"] = "kggraph"
    fig, ax = plt.subplots(figsize=(13, 9), dpi=100)
    ax.set_axis_off()
    ax.set_title(title or TITLES.get(str(g.graph.get("network")), "Network"), loc="left")
    if len(g):
        strengths = dict(g.nodes(data="strength", default=0))
        degree = dict(g.degree(weight="weight"))
        nodes = list(g)
        nx.draw_networkx_edges(
            g,
            positions,
            ax=ax,
            edge_color="#9a9a9a",
            alpha=0.35,
            width=0.6,
            arrows=False,
        )
        nx.draw_networkx_nodes(
            g,
            positions,
            ax=ax,
            nodelist=nodes,
            node_size=[node_area(degree[n]) for n in nodes],
            node_color=[type_colour(str(g.nodes[n].get("type"))) for n in nodes],
            linewidths=0.3,
            edgecolors="#ffffff",
        )
        ranked = sorted(
            nodes,
            key=lambda n: (-strengths[n], -float(g.nodes[n].get("pagerank", 0.0)), n),
        )[:top]
        for n in ranked:
            x, y = positions[n]
            label = textwrap.shorten(str(g.nodes[n].get("label", n)), 48, placeholder="…")
            ax.annotate(
                label,
                (x, y),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7.5,
                color="#222222",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    present = [k for k in NODE_TYPES if any(t == k for _, t in g.nodes(data="type"))]
    handles = [
        Line2D([], [], marker="o", ls="", color=NODE_TYPES[k][1], label=NODE_TYPES[k][0])
        for k in present
    ]
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=8,
            frameon=False,
        )
    fig.tight_layout()
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buf, format=fmt, metadata=metadata)
    plt.close(fig)
    atomic_write(path, buf.getvalue())
