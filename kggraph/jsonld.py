"""JSON-LD compacted with kggraph's published context, and read back without fetching it.

Written files say ``"@context": "https://w3id.org/kggraph/context.jsonld"``; the context
itself ships with the package (``ontology/context.jsonld``). Reading a file that names
that IRI uses the shipped copy — a local document loader, so nothing is fetched at read
time. rdflib compacts; the arrays are then put in a fixed order, so the same graphs give
the same bytes in every process.

>>> CONTEXT_IRI in dumps(Dataset()).decode()
True
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rdflib import Dataset

from .resources import resource_dir

CONTEXT_IRI = "https://w3id.org/kggraph/context.jsonld"


@cache
def context() -> dict[str, Any]:
    """The shipped context: the term definitions of ``{"@context": {…}}``."""
    path = resource_dir("ontology") / "context.jsonld"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return data


def _ordered(value: Any) -> Any:
    """Every array sorted (JSON-LD arrays are unordered unless ``@list``), keys kept."""
    if isinstance(value, dict):
        return {
            k: v if k == "@list" and isinstance(v, list) else _ordered(v) for k, v in value.items()
        }
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def dumps(ds: Dataset) -> bytes:
    """``ds`` as compacted JSON-LD that names the published context by its IRI."""
    text = ds.serialize(format="json-ld", context=context())
    data = _ordered(json.loads(text))
    if isinstance(data, dict):
        data.pop("@context", None)
        data = {"@context": CONTEXT_IRI, **data}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _localise(value: Any) -> Any:
    if value == CONTEXT_IRI:
        return context()
    if isinstance(value, list):
        return [_localise(v) for v in value]
    return value


def with_local_context(data: bytes | str) -> str:
    """The JSON-LD document ``data`` with kggraph's context IRI replaced by the shipped
    context, ready for any JSON-LD parser (rdflib, pyoxigraph) without network access."""
    doc = json.loads(data)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: _localise(v) if k == "@context" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return json.dumps(walk(doc), ensure_ascii=False)
