"""Network files for other tools: GraphML and GEXF for Gephi, JSON for web tools, CSV.

Every string attribute is cleaned of characters XML 1.0 forbids (a stray form feed from a
PDF would otherwise make the whole file unreadable); ``None`` values are left out, lists
joined. GEXF carries colour, size and position (``viz``) so Gephi opens it laid out.

>>> clean_xml("a\\x0cb\\x00c\\ud800d")
'abcd'
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import networkx as nx

from .graphio import atomic_write
from .network import NODE_TYPES, RANK_HEADER, ranking, table_csv, type_colour

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _XML_ILLEGAL.sub("", text)


def _clean_value(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return clean_xml(" | ".join(str(v) for v in value))
    return clean_xml(str(value))


def _clean_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {clean_xml(k): _clean_value(v) for k, v in attrs.items() if v is not None}


def gephi_graph(
    g: nx.Graph, positions: dict[str, tuple[float, float]] | None = None, viz: bool = False
) -> nx.Graph:
    """A copy of ``g`` with only XML-safe scalar attributes (and ``viz`` when asked)."""
    h = g.__class__()
    h.graph.update(_clean_attrs(dict(g.graph)))
    strengths = [a.get("strength", 0) for _, a in g.nodes(data=True)] or [0]
    top = max(max(strengths), 1)
    for n, attrs in g.nodes(data=True):
        node_attrs = _clean_attrs(attrs)
        if viz:
            colour = type_colour(str(attrs.get("type", "")))
            r, gr, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            size = 4.0 + 16.0 * (attrs.get("strength", 0) / top) ** 0.5
            node_attrs["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}, "size": size}
            if positions and n in positions:
                x, y = positions[n]
                node_attrs["viz"]["position"] = {"x": x * 1000.0, "y": y * 1000.0, "z": 0.0}
        h.add_node(clean_xml(str(n)), **node_attrs)
    for a, b, attrs in g.edges(data=True):
        h.add_edge(clean_xml(str(a)), clean_xml(str(b)), **_clean_attrs(attrs))
    return h


def graphml_bytes(g: nx.Graph) -> bytes:
    return "\n".join(nx.generate_graphml(gephi_graph(g))).encode("utf-8")


GEXF_NS = "http://gexf.net/1.3"


def gexf_bytes(g: nx.Graph, positions: dict[str, tuple[float, float]] | None = None) -> bytes:
    """GEXF 1.3, valid against the official schema (gexf.net/1.3, in ``tests/gexf/``).

    networkx writes GEXF 1.2draft, which its own schema rejects (``viz:`` elements it
    declares in the main namespace, a ``name`` on ``graph``); the same tree is renamed into
    the 1.3 namespace, where colour, position and size are main-namespace elements as
    well. ``meta`` names kggraph and carries no date, so the same network gives the
    same bytes on any day.
    """
    import xml.etree.ElementTree as ET

    old = "{http://www.gexf.net/1.2draft}"
    old_viz = "{http://www.gexf.net/1.2draft/viz}"
    text = "\n".join(nx.generate_gexf(gephi_graph(g, positions, viz=True)))
    root = ET.fromstring(text)
    new = f"{{{GEXF_NS}}}"
    for el in root.iter():
        el.tag = el.tag.replace(old_viz, new).replace(old, new)
    root.attrib.clear()
    root.set("version", "1.3")
    meta = root.find(f"{{{GEXF_NS}}}meta")
    if meta is not None:
        meta.attrib.clear()
        for creator in meta.iter(f"{{{GEXF_NS}}}creator"):
            creator.text = "kggraph"
    graph = root.find(f"{{{GEXF_NS}}}graph")
    if graph is not None:
        graph.attrib.pop("name", None)
    ET.register_namespace("", GEXF_NS)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def network_json(
    g: nx.Graph, positions: dict[str, tuple[float, float]] | None = None
) -> dict[str, Any]:
    """``{"network", "directed", "types", "nodes": [{id, …, x, y}], "edges": [{source,
    target, …}]}`` — node-link JSON that web tools (d3, sigma, cytoscape) read directly."""
    nodes = []
    for n, attrs in g.nodes(data=True):
        node = {"id": n, **{k: v for k, v in attrs.items() if v is not None}}
        if positions and n in positions:
            node["x"], node["y"] = positions[n]
        nodes.append(node)
    edges = [{"source": a, "target": b, **attrs} for a, b, attrs in g.edges(data=True)]
    present = {str(a.get("type")) for _, a in g.nodes(data=True)}
    types = {k: {"label": v[0], "colour": v[1]} for k, v in NODE_TYPES.items() if k in present}
    return {
        "network": g.graph.get("network", ""),
        "directed": g.is_directed(),
        "types": types,
        "nodes": nodes,
        "edges": edges,
    }


def write_network(
    g: nx.Graph,
    path: str | os.PathLike[str],
    positions: dict[str, tuple[float, float]] | None = None,
) -> None:
    """Write ``g`` as GraphML, GEXF, JSON or CSV (the ranked node table), by extension."""
    suffix = os.fspath(path).rsplit(".", 1)[-1].lower()
    if suffix == "graphml":
        data = graphml_bytes(g)
    elif suffix == "gexf":
        data = gexf_bytes(g, positions)
    elif suffix == "json":
        data = json.dumps(network_json(g, positions), ensure_ascii=False, indent=1).encode()
    elif suffix == "csv":
        data = table_csv(RANK_HEADER, ranking(g)).encode("utf-8")
    else:
        raise ValueError(f"not a network file format: {suffix}")
    atomic_write(path, data)
