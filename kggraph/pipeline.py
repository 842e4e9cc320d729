"""One file → one validated document graph; many files → a batch that goes on past failures.

>>> r = process_file("tests/fixtures/text/ah-tk-20242025-545.pdf.txt")
>>> r.identifier, r.document.kind, r.report.conforms
('ah-tk-20242025-545', 'postponement', True)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import DEFAULT_BASE
from .errors import InputError, KggraphError, LimitExceeded
from .extract import SUPPORTED_SUFFIXES, extract
from .model import Document

if TYPE_CHECKING:  # rdflib, the parser and pyshacl where documents are built, not in a
    # build's writer, which imports this module for its inputs and failures
    from rdflib import Graph

    from .validate import ValidationReport


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
    """sha256 of the file's bytes (a regular file only: a FIFO or ``/dev/zero`` is an
    :class:`InputError`, not a hang)."""
    from .extract import regular_file

    regular_file(path)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: per-document limits; the real corpus' largest document has 131 blocks, 17 footnotes,
#: 8 self-check findings, 64 citations, motions and mentions, 2,252 triples and 64 KB of
#: text (measured over shared/corpus and tests/fixtures); the counts are checked before RDF
#: mapping, the triples after it
MAX_BLOCKS = 2_000
MAX_FOOTNOTES = 1_000
MAX_FINDINGS = 500
MAX_REFERENCES = 2_000
MAX_TRIPLES = 50_000
DOCUMENT_TIMEOUT = 60.0  # seconds for the whole pipeline of one file
DOCUMENT_MEMORY_MB = 1536


class DocumentTooLarge(InputError, LimitExceeded):
    """A document beyond the per-document limits (blocks, footnotes, triples, time,
    memory): far beyond any real one, so it is refused rather than built."""


def _check_size(document: Document, path: str) -> None:
    blocks = len(document.questions) + len(document.answers)
    for what, n, limit in (
        ("question and answer blocks", blocks, MAX_BLOCKS),
        ("footnotes", len(document.footnotes), MAX_FOOTNOTES),
        # each finding is some 16 triples and a SHACL warning: 39,000 lines "1 " (140 KB)
        # made 628,000 triples before the triple limit could see them
        ("self-check findings", len(document.findings), MAX_FINDINGS),
        (
            "citations, motions and mentions",
            len(document.citations) + len(document.motions) + len(document.mentions),
            MAX_REFERENCES,
        ),
    ):
        if n > limit:
            raise DocumentTooLarge(f"too many {what} ({n}; the limit is {limit})", path=path)


def process_items(
    path: str | os.PathLike[str],
    *,
    identifier: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    sandbox: bool = True,
    timeout: float = DOCUMENT_TIMEOUT,
) -> list[DocumentResult]:
    """Extract and clean one file, then parse, map to RDF and (optionally) validate each
    Aanhangsel item in it — one for nearly every file, several for a page of the archive
    that prints items one after another.

    With ``sandbox`` (the default) all of it runs in a limited child process
    (:mod:`kggraph.limited`): ``timeout`` seconds and ``DOCUMENT_MEMORY_MB`` of memory, no
    network; a document over a limit raises :class:`DocumentTooLarge`."""
    if sandbox:
        from .limited import run_limited

        results: list[DocumentResult] = run_limited(
            "kggraph.pipeline.items_here",
            (str(path), identifier, base, validate),
            path=str(path),
            timeout=timeout,
            memory_mb=DOCUMENT_MEMORY_MB,
            error=DocumentTooLarge,
            what="building the document",
        )
        return results
    return items_here(str(path), identifier, base, validate)


def items_here(
    name: str, identifier: str | None, base: str, validate: bool
) -> list[DocumentResult]:
    """:func:`process_items` in this process, without a sandbox of its own."""
    from .lexicon import load_lexicon
    from .parse import parse_items
    from .rdf import to_graph
    from .validate import validate_graph

    source = extract(name, sandbox=False)
    digest = content_hash(name)
    lexicon = load_lexicon()
    documents = parse_items(
        source, identifier=identifier, fallback=f"sha-{digest[:12]}", lexicon=lexicon
    )
    results = []
    for document in documents:
        if source.findings:  # characters repaired while reading (extract.characters)
            document = replace(document, findings=(*document.findings, *source.findings))
        _check_size(document, name)
        graph = to_graph(document, lexicon=lexicon, base=base, content_hash=digest)
        if len(graph) > MAX_TRIPLES:
            raise DocumentTooLarge(
                f"too many triples ({len(graph)}; the limit is {MAX_TRIPLES})", path=name
            )
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
    "DocumentTooLarge",
    "Failure",
    "InputError",
    "process_file",
    "process_items",
    "process_many",
]
