"""Reading and writing graph files; writes are atomic (temp file + rename).

Formats by extension: ``.ttl`` (Turtle, the union of all documents), ``.trig`` and
``.nq`` (one named graph per document), ``.nt``, ``.jsonld`` (JSON-LD with graphs).
N-Triples and N-Quads are written sorted, Turtle and TriG by rdflib's sorted writers, so
the same input always gives the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rdflib import Dataset, Graph

from .errors import InputError, StoreError
from .lexicon import DEFAULT_BASE
from .rdf import bind_prefixes

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


def format_for(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unknown graph format {suffix or '(none)'}; use one of {', '.join(FORMATS)}",
            path=str(path),
        )
    return FORMATS[suffix]


@contextmanager
def atomic_stream(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces ``path`` only when the block succeeds:
    readers see the old file or the whole new one, never half of it. A failed write (disk
    full, no such folder, no permission) is a :class:`StoreError` that says so."""
    target = Path(path)
    existed = target.exists()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc, existed) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would make shared outputs private
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(target, exc, existed) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_error(target: Path, exc: OSError, existed: bool) -> StoreError:
    kept = "the existing file is unchanged" if existed else "nothing was written"
    return StoreError(f"cannot write: {exc.strerror or exc}; {kept}", path=str(target))


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_stream``)."""
    with atomic_stream(path) as fh:
        fh.write(data)


def serialize(graphs: Iterable[Graph], fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """The document graphs in ``fmt``; triple formats get their union."""
    graphs = sorted(graphs, key=lambda g: str(g.identifier))
    if fmt in QUAD_FORMATS:
        ds = bind_prefixes(Dataset(), base)
        for g in graphs:
            target = ds.graph(g.identifier)
            for t in g:
                target.add(t)
        if fmt == "json-ld":
            from .jsonld import dumps

            return dumps(ds)
        lines = sorted(set(ds.serialize(format="nquads").splitlines()))
        nquads = ("\n".join(lines) + "\n").encode()
        if fmt == "nquads":
            return nquads
        return _trig(nquads)
    union = bind_prefixes(Graph(), base)
    for g in graphs:
        for t in g:
            union.add(t)
    if fmt == "nt":
        lines = union.serialize(format="nt").splitlines()
        return ("\n".join(sorted(set(line for line in lines if line))) + "\n").encode()
    return union.serialize(format=fmt).encode()


def _trig(nquads: bytes) -> bytes:
    """Sorted N-Quads as TriG by pyoxigraph's writer: the same quads, the same bytes
    (rdflib's TriG writer follows the hash seed)."""
    import pyoxigraph as ox

    from .results import PREFIXES

    quads = ox.parse(nquads, ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""


def write_graphs(
    graphs: Iterable[Graph], path: str | os.PathLike[str], base: str = DEFAULT_BASE
) -> None:
    atomic_write(path, serialize(graphs, format_for(path), base))


def read_dataset(
    paths: Iterable[str | os.PathLike[str]], *, allow_network: bool = False
) -> Dataset:
    """Load graph files into one Dataset (a Turtle file becomes one named graph).

    Offline unless ``allow_network``: a JSON-LD file whose ``@context`` names a URL or
    another file is refused (:class:`~kggraph.offline.NetworkRefused`), and rdflib is
    stopped should it try to fetch anything else (:mod:`kggraph.offline`)."""
    from contextlib import nullcontext

    from .offline import NetworkRefused, offline

    ds = Dataset(default_union=True)
    for p in paths:
        path = Path(p)
        fmt = format_for(path)
        if not path.is_file():
            raise InputError("no such file", path=str(path))
        data = _local_jsonld(path) if fmt == "json-ld" else None
        if data is not None and not allow_network:
            _refuse_remote_contexts(data, path)
        try:
            with nullcontext() if allow_network else offline():
                if data is not None:  # kggraph's own context read from the package
                    ds.parse(data=data, format=fmt)
                elif fmt in QUAD_FORMATS:
                    ds.parse(path, format=fmt)
                else:
                    ds.graph(path.resolve().as_uri()).parse(path, format=fmt)
        except NetworkRefused as exc:
            raise NetworkRefused(exc.reason, path=str(path)) from exc
        except Exception as exc:  # noqa: BLE001 - parser errors come in many kinds
            raise InputError(f"cannot parse {fmt}: {exc}", path=str(path)) from exc
    return ds


def _local_jsonld(path: Path) -> str:
    """The JSON-LD file with kggraph's published context IRI replaced by the shipped copy."""
    from .jsonld import with_local_context

    try:
        return with_local_context(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise InputError(f"cannot parse json-ld: {exc}", path=str(path)) from exc


def _refuse_remote_contexts(data: str, path: Path) -> None:
    import json

    from .offline import NetworkRefused, remote_contexts

    contexts = remote_contexts(json.loads(data))
    if contexts:
        raise NetworkRefused(
            f"JSON-LD @context {contexts[0]!r} refused: kggraph does not fetch contexts "
            "(inline the context, or allow it with --allow-network)",
            path=str(path),
        )


def document_graphs(ds: Dataset) -> list[Graph]:
    """The non-empty named graphs of ``ds`` (the default graph too, when it holds triples)."""
    return sorted((g for g in ds.graphs() if len(g)), key=lambda g: str(g.identifier))
