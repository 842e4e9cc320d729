"""A self-contained interactive HTML page for a network (offline, no CDN).

The page inlines the vendored Cytoscape.js (``kggraph/web/VENDORED.md``) and the
explorer script; the network goes in as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, and the script shows every label with
``textContent``. A Content-Security-Policy allows only the page's own two inline scripts
(by hash) and no connections, so a hostile label can neither run nor fetch anything.

>>> embed_json({"label": "</script><img src=x onerror=alert(1)>"})
'{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from importlib.resources import files
from typing import Any

import networkx as nx

from .graphio import atomic_write
from .network import NODE_TYPES

WEB = files("kggraph") / "web"
TOP_LABELS = 30


def embed_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``&``; and no
    U+2028/U+2029, which old parsers take for line ends)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _size(degree: float) -> float:
    return round(min(6.0 + 5.0 * degree**0.5, 60.0), 1)


def page_data(
    g: nx.Graph,
    positions: dict[str, tuple[float, float]],
    base: nx.DiGraph | None = None,
    title: str = "",
    top: int = TOP_LABELS,
) -> dict[str, Any]:
    """The compact JSON the explorer script reads. ``base`` is the citation graph the
    network was derived from: it says which documents cite each cited thing."""
    ids = {n: i for i, n in enumerate(g)}
    degree = dict(g.degree(weight="weight"))
    ranked = sorted(
        g, key=lambda n: (-g.nodes[n].get("strength", 0), -g.nodes[n].get("pagerank", 0.0), n)
    )
    labelled = set(ranked[:top])
    doc_index: dict[str, int] = {}
    docs: list[dict[str, str]] = []

    def doc_ref(d: str, attrs: dict[str, Any]) -> int:
        if d not in doc_index:
            doc_index[d] = len(docs)
            docs.append(
                {
                    "l": str(attrs.get("label", d)),
                    "u": str(attrs.get("url", "")),
                    "d": str(attrs.get("date", "")),
                    "ti": str(attrs.get("title", "")),
                }
            )
        return doc_index[d]

    nodes = []
    for n, a in g.nodes(data=True):
        x, y = positions.get(n, (0.0, 0.0))
        node: dict[str, Any] = {
            "id": n,
            "l": str(a.get("label", n)),
            "t": str(a.get("type", "")),
            "x": x,
            "y": y,
            "s": _size(degree.get(n, 0)),
        }
        for key, short in (
            ("kinds", "k"), ("date", "d"), ("url", "u"), ("title", "ti"), ("parties", "p"),
            ("ministries", "mi"), ("outlet", "o"), ("domain", "do"), ("strength", "w"),
            ("cited_by", "c"), ("community", "m"), ("pagerank", "pr"),
        ):  # fmt: skip
            if a.get(key) not in (None, ""):
                node[short] = a[key]
        if n in labelled:
            node["top"] = 1
        if a.get("type") != "document":
            if base is not None and n in base:
                citing = [(d, base.nodes[d]) for d in base.predecessors(n)]
            elif g.is_directed():
                citing = [(d, g.nodes[d]) for d in g.predecessors(n)]
            else:
                citing = []
            citing.sort(key=lambda da: (str(da[1].get("date", "")), da[0]), reverse=True)
            if citing:
                node["ci"] = [doc_ref(d, attrs) for d, attrs in citing]
        nodes.append(node)
    edges = []
    for a, b, attrs in g.edges(data=True):
        edge: list[Any] = [ids[a], ids[b], int(attrs.get("weight", 1))]
        if attrs.get("shared"):
            edge.append(str(attrs["shared"]))
        edges.append(edge)
    return {
        "title": title,
        "network": g.graph.get("network", ""),
        "directed": g.is_directed(),
        "types": {k: list(v) for k, v in NODE_TYPES.items()},
        "nodes": nodes,
        "edges": edges,
        "docs": docs,
    }


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def render_page(data: dict[str, Any]) -> str:
    """The whole HTML page for ``page_data`` output."""
    template = (WEB / "explorer.html").read_text(encoding="utf-8")
    library = (WEB / "vendor" / "cytoscape.min.js").read_text(encoding="utf-8")
    script = (WEB / "explorer.js").read_text(encoding="utf-8")
    style = (WEB / "explorer.css").read_text(encoding="utf-8")
    for name, code in (("cytoscape.min.js", library), ("explorer.js", script)):
        if "</script" in code.lower():
            raise ValueError(f"{name} contains '</script' and cannot be inlined")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256(library)} {_sha256(script)}",
            "style-src 'unsafe-inline'",
            "img-src data: blob:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    title = html.escape(data.get("title") or "kggraph network", quote=True)
    replacements = {
        "{{CSP}}": csp,
        "{{TITLE}}": title,
        "{{STYLE}}": style.replace("</", "<\\/"),
        "{{DATA}}": embed_json(data),
        "{{CYTOSCAPE}}": library,
        "{{SCRIPT}}": script,
    }
    # One pass over the template: text that is put in is never scanned for placeholders.
    return re.sub(r"\{\{[A-Z]+\}\}", lambda m: replacements[m.group(0)], template)


def write_page(
    g: nx.Graph,
    positions: dict[str, tuple[float, float]],
    path: str | os.PathLike[str],
    base: nx.DiGraph | None = None,
    title: str = "",
) -> None:
    """Write the interactive page for ``g`` to ``path``."""
    atomic_write(path, render_page(page_data(g, positions, base, title)).encode("utf-8"))
