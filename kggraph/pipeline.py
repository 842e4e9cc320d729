"""One file → one validated document graph; many files → a batch that goes on past failures.

>>> r = process_file("tests/fixtures/text/ah-tk-20242025-545.pdf.txt")
>>> r.identifier, r.document.kind, r.report.conforms
('ah-tk-20242025-545', 'postponement', True)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import InputError, KggraphError
from .extract import SUPPORTED_SUFFIXES, extract
from .lexicon import DEFAULT_BASE, load_lexicon
from .model import Document
from .parse import parse_items
from .rdf import to_graph
from .validate import ValidationReport, validate_graph


@dataclass(frozen=True)
class DocumentResult:
    path: str
    identifier: str
    content_hash: str
    document: Document
    graph: Graph
    report: ValidationReport | None


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str


def content_hash(path: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_items(
    path: str | os.PathLike[str],
    *,
    identifier: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    sandbox: bool = True,
) -> list[DocumentResult]:
    """Extract and clean one file, then parse, map to RDF and (optionally) validate each
    Aanhangsel item in it — one for nearly every file, several for a page of the archive
    that prints items one after another."""
    name = str(path)
    source = extract(path, sandbox=sandbox)
    digest = content_hash(path)
    lexicon = load_lexicon()
    documents = parse_items(
        source, identifier=identifier, fallback=f"sha-{digest[:12]}", lexicon=lexicon
    )
    results = []
    for document in documents:
        graph = to_graph(document, lexicon=lexicon, base=base, content_hash=digest)
        report = validate_graph(graph, name=document.identifier) if validate else None
        results.append(DocumentResult(name, document.identifier, digest, document, graph, report))
    return results


def process_file(
    path: str | os.PathLike[str],
    *,
    identifier: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    sandbox: bool = True,
) -> DocumentResult:
    """Extract, clean, parse, map to RDF and (optionally) validate a file of one document;
    a file that holds several Aanhangsel items is an error here (see :func:`process_items`)."""
    results = process_items(
        path, identifier=identifier, base=base, validate=validate, sandbox=sandbox
    )
    if len(results) != 1:
        ids = ", ".join(r.identifier for r in results)
        raise InputError(f"holds {len(results)} Aanhangsel items ({ids})", path=str(path))
    return results[0]


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files as given; directories walked for supported files, sorted."""
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            yield from sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield p


def process_many(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    identifier: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
) -> Iterator[DocumentResult | Failure]:
    """Each input's result, or its failure with a reason; never stops early."""
    for path in expand_inputs(inputs):
        try:
            yield from process_items(path, identifier=identifier, base=base, validate=validate)
        except KggraphError as exc:
            yield Failure(str(path), exc.reason if exc.path else str(exc))
        except (OSError, ValueError, RecursionError, MemoryError) as exc:
            yield Failure(str(path), f"{type(exc).__name__}: {exc}")


__all__ = [
    "DocumentResult",
    "Failure",
    "InputError",
    "process_file",
    "process_items",
    "process_many",
]
