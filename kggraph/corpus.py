"""Incremental, parallel corpus builds into the store (and, optionally, a remote endpoint).

The parent process walks the inputs, hashes each file and skips those whose content hash
the store already holds; the rest are built ``jobs`` at a time in limited child processes
(:mod:`kggraph.limited`: time, memory, no network), forked from a fork server that has
imported the pipeline, loaded the lexicon and harvested the shapes once
(:mod:`kggraph.build_preload`); each returns its documents laid out for the store
(:mod:`kggraph.store_layout`: the quads to add, as N-Quads) straight to the parent, where a
thread per job waits for it. The parent writes new
documents with Oxigraph's bulk loader, ``batch`` at a time (one atomic load each), and a
replaced document in its own transaction, as results arrive, with a bounded number in
flight, so memory does not grow with the corpus and a run killed at any point leaves whole
documents only — the next run skips what was stored and builds the rest.

>>> default_jobs() >= 1
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from . import DEFAULT_BASE
from .errors import KggraphError, Refused, UnreachableError
from .pipeline import DocumentResult, Failure, content_hash, expand_inputs
from .progress import Progress
from .store import CorpusStore
from .store_layout import Layout

PRUNE_SHARE = 0.10  # --prune asks for --yes before removing more of the store than this


@dataclass(frozen=True)
class Built:
    """One document built in a worker, ready to store: its graph as N-Triples (sorted) and
    laid out for the store."""

    path: str
    identifier: str
    iri: str
    content_hash: str
    ntriples: bytes
    triples: int
    violations: int
    findings: tuple[str, ...]
    layout: Layout | None = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _warm() -> None:
    """Before the first document: the documents are built in limited children forked from
    this process's fork server, which imports the pipeline, loads the lexicon and harvests
    the shapes once (:mod:`kggraph.build_preload`), so that each fresh child starts warm."""
    from .limited import preload

    preload("kggraph.build_preload")


def build_one(
    path: str, base: str = DEFAULT_BASE, validate: bool = True, *, keep_idle: int = 0
) -> list[Built] | Failure:
    """Build the documents of one file: one for nearly every file, one per Aanhangsel item
    for a page that prints several. The work runs in a limited child (time, memory, no
    network: :func:`kggraph.pipeline.process_items`), kept for the next file while it
    behaves (at most ``keep_idle`` idle ones; 0: the default); every error becomes a
    Failure with its reason."""
    from .limited import MAX_IDLE_WORKERS, run_limited
    from .pipeline import DOCUMENT_MEMORY_MB, DOCUMENT_TIMEOUT, DocumentTooLarge

    try:
        built: list[Built] = run_limited(
            "kggraph.corpus.build_here",
            (path, base, validate),
            path=path,
            timeout=DOCUMENT_TIMEOUT,
            memory_mb=DOCUMENT_MEMORY_MB,
            error=DocumentTooLarge,
            what="building the document",
            keep_idle=keep_idle or MAX_IDLE_WORKERS,
        )
    except KggraphError as exc:
        return Failure(path, exc.reason if exc.path else str(exc))
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        return Failure(path, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a batch goes on past a bug in one document
        return Failure(path, f"internal error {type(exc).__name__}: {exc}")
    return built


def build_here(path: str, base: str, validate: bool) -> list[Built]:
    """The documents of one file as N-Triples, built in this process (the limited child
    of :func:`build_one`): only bytes travel back, not graphs."""
    from .pipeline import process_items

    return [
        _built(r, base) for r in process_items(path, base=base, validate=validate, sandbox=False)
    ]


def _built(r: DocumentResult, base: str = DEFAULT_BASE) -> Built:
    import pyoxigraph as ox

    from .corpus_rows import document_rows
    from .graphio import oxigraph_quads
    from .store_layout import lay_out, ntriples

    triples = [q.triple for q in oxigraph_quads(r.graph)]
    doc = ox.NamedNode(str(r.graph.identifier))
    findings: tuple[str, ...] = ()
    violations = 0
    if r.report is not None and not r.report.conforms:
        violations = sum(1 for f in r.report.findings if f.severity == "Violation")
        findings = tuple(f.render() for f in r.report.findings)
    return Built(
        r.path,
        r.identifier,
        str(r.graph.identifier),
        r.content_hash,
        ntriples(triples),
        len(triples),
        violations,
        findings,
        lay_out(triples, doc, base).with_rows(document_rows(triples, doc)),
    )


Push = Callable[[str, bytes], None]
Remove = Callable[[str], None]


@dataclass
class CorpusBuild:
    """Settings of one build run; ``run`` does the work and returns the progress counts."""

    store: CorpusStore | None
    jobs: int = 0  # 0: default_jobs()
    prune: bool = False
    force: bool = False  # rebuild every file, even unchanged ones built by this kggraph
    base: str = DEFAULT_BASE
    validate: bool = True
    push: Push | None = None  # e.g. RemoteStore.put: send each stored graph on
    unpush: Remove | None = None  # e.g. RemoteStore.delete: for pruned graphs
    on_built: Callable[[Built], None] | None = None  # after a document is stored
    dry_run: bool = False  # change nothing: ``todo`` and ``pruned`` say what would happen
    yes: bool = False  # with prune: remove even more than ``prune_share`` of the store
    prune_share: float = PRUNE_SHARE
    batch: int = 200  # new documents written per bulk load

    def run(
        self, inputs: Iterable[str | os.PathLike[str]], progress: Progress | None = None
    ) -> Progress:
        inputs = list(inputs)
        self.pruned: list[str] = []  # removed, or with dry_run what would be
        self.refreshed = 0  # unchanged documents whose precomputed rows were computed again
        if self.prune:
            _check_prune_inputs(inputs)
        paths = [str(p) for p in expand_inputs(inputs)]
        progress = progress or Progress(len(paths))
        progress.total = len(paths)
        # graphs per content hash: a page of the archive may hold several items
        built = self.store.built() if self.store is not None else {}
        known = self._graphs_by_hash(built)
        self._seen: set[str] = set()
        self._failed_names: set[str] = set()
        self.store_failures = 0  # failures of the store or endpoint, not of a file
        self._owner: dict[str, str] = {}
        self._stale: dict[str, list[str]] = {}  # content hash → graphs to rebuild
        self._pending: list[Built] = []
        self._in_store = set(built)
        todo: list[str] = []
        for path in paths:
            try:
                digest = content_hash(path)
            except KggraphError as exc:  # missing, a FIFO, a device
                self._fail(progress, path, exc.reason)
                continue
            except OSError as exc:
                self._fail(progress, path, f"{type(exc).__name__}: {exc}")
                continue
            self._seen.add(digest)
            docs, current = known.get(digest, ([], False))
            if docs and current and not self.force:
                progress.total += len(docs) - 1
                for _ in docs:
                    progress.skipped(path)
            else:
                todo.append(path)
                if docs:
                    self._stale[digest] = docs
        self.todo = todo
        if self.dry_run:  # change nothing: say what would be built and removed
            if self.prune and self.store is not None:
                self._prune(progress)
            progress.close()
            return progress
        jobs = self.jobs or default_jobs()
        try:
            _warm()
            if jobs == 1 or len(todo) <= 1:
                for path in todo:
                    self._take(progress, build_one(path, self.base, self.validate))
            else:
                self._parallel(todo, jobs, progress)
            self._write(progress)
            if self.store is not None:  # unchanged documents, bundled queries changed
                self.store.mark_several()  # once, for a store built before the marks
                stale = self.store.stale_records()
                if stale:  # each document computes the records some document lacks
                    names = sorted(set().union(*stale.values()))
                    self.refreshed = self.store.refresh_rows(stale, names=names)
            if self.prune and self.store is not None:
                self._prune(progress)
        finally:
            if self.store is not None:
                self.store.flush()
            progress.close()
        return progress

    def _graphs_by_hash(self, built: dict[str, str]) -> dict[str, tuple[list[str], bool]]:
        """Content hash → the store's graphs built from it (``built``: each graph → its
        content hash, "" for none), and whether every one of them was built by the running
        kggraph (its code, patterns, vocabularies, shapes)."""
        if self.store is None:
            return {}
        from .buildinfo import build_id

        builds, current = self.store.builds(), build_id()
        out: dict[str, tuple[list[str], bool]] = {}
        for doc, digest in sorted((d, h) for d, h in built.items() if h):
            docs, fresh = out.get(digest, ([], True))
            out[digest] = ([*docs, doc], fresh and builds.get(doc) == current)
        return out

    def _parallel(self, todo: list[str], jobs: int, progress: Progress) -> None:
        """Build ``jobs`` documents at a time, at most ``4 × jobs`` in flight: a thread
        per job hands each file to a limited child (:func:`build_one`) and waits for its
        bytes, which come straight to this process, the writer."""
        window = jobs * 4
        pending = iter(todo)
        inflight: set[Future[list[Built] | Failure]] = set()
        pool = ThreadPoolExecutor(jobs, thread_name_prefix="kggraph-build")
        try:
            while True:
                for path in islice(pending, window - len(inflight)):
                    inflight.add(
                        pool.submit(build_one, path, self.base, self.validate, keep_idle=jobs)
                    )
                if not inflight:
                    return
                done, inflight = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    self._take(progress, fut.result())
        finally:  # on an error, the documents not started are not started
            pool.shutdown(cancel_futures=True)

    def _fail(self, progress: Progress, path: str, reason: str) -> None:
        self._failed_names.add(Path(path).name)
        progress.failed(path, reason)

    def _store_failed(self, progress: Progress, path: str, reason: str) -> None:
        """A failure of the store or the endpoint, not of the file (exit code 5, not 2)."""
        self.store_failures += 1
        self._fail(progress, path, reason)

    def _take(self, progress: Progress, results: list[Built] | Failure) -> None:
        if isinstance(results, Failure):
            self._fail(progress, results.path, results.reason)
            return
        progress.total += len(results) - 1  # the total counted files
        for result in results:
            self._store(progress, result)
        # a rebuilt file no longer yields a graph it yielded before (the parser now names
        # or splits it otherwise): that stale graph goes
        made = {r.iri for r in results}
        for digest in {r.content_hash for r in results}:
            for doc in self._stale.pop(digest, []):
                if doc not in made and self.store is not None:
                    self.store.remove(doc)
                    progress.removed(doc)

    def _store(self, progress: Progress, result: Built) -> None:
        first = self._owner.setdefault(result.iri, result.path)
        if first != result.path:
            self._fail(progress, result.path, f"same document {result.identifier} as {first}")
            return
        if self.store is None:
            self._done(progress, result)
            return
        assert result.layout is not None
        if result.iri not in self._in_store:
            self._pending.append(result)
            if len(self._pending) >= self.batch:
                self._write(progress)
            return
        self._write(progress)  # what came before is written before a replacement
        try:
            self.store.put(result.layout)
        except KggraphError as exc:
            self._store_failed(progress, result.path, str(exc))
            return
        self._done(progress, result)

    def _write(self, progress: Progress) -> None:
        """Write the pending new documents in one bulk load (atomic)."""
        batch, self._pending = self._pending, []
        if not batch or self.store is None:
            return
        try:
            self.store.add(b.layout for b in batch if b.layout is not None)
        except KggraphError as exc:
            for b in batch:
                self._store_failed(progress, b.path, str(exc))
            return
        self._in_store.update(b.iri for b in batch)
        for b in batch:
            self._done(progress, b)

    def _done(self, progress: Progress, result: Built) -> None:
        """A document is stored: push it on, count it, report it."""
        if self.push is not None:
            try:
                self.push(result.iri, result.ntriples)
            except UnreachableError as exc:
                # the endpoint is down: stop pushing (one error, not one per document);
                # the store is still built, `kggraph push` sends it later
                self.push = self.unpush = None
                self._store_failed(
                    progress,
                    result.path,
                    f"push stopped: {exc}; send the store with "
                    "`kggraph push` when the endpoint is up",
                )
                return
            except KggraphError as exc:
                self._store_failed(progress, result.path, f"push failed: {exc}")
                return
        progress.built(result.path, result.triples, result.violations)
        if self.on_built is not None:
            self.on_built(result)

    def _prune(self, progress: Progress) -> None:
        """Remove graphs built from content no input has any more.

        A graph whose source file failed in this run is kept: a failure never deletes data.
        With ``dry_run`` nothing is removed; more than ``prune_share`` of the store (and
        more than one document) is removed only with ``yes``.
        """
        assert self.store is not None
        sources = self.store.sources()
        hashes = self.store.hashes()
        gone = [
            doc
            for doc, digest in sorted(hashes.items())
            if digest not in self._seen and sources.get(doc) not in self._failed_names
        ]
        self.pruned = gone
        if self.dry_run or not gone:
            return
        if len(gone) > 1 and len(gone) > self.prune_share * len(hashes) and not self.yes:
            raise PruneRefused(
                f"--prune would remove {len(gone)} of the store's {len(hashes)} document "
                f"graphs (more than {self.prune_share:.0%}); nothing was removed. Check the "
                "inputs, look with --dry-run, and confirm with --yes",
                path=self.store.path,
            )
        for doc in gone:
            self.store.remove(doc)
            if self.unpush is not None:
                try:
                    self.unpush(doc)
                except KggraphError as exc:
                    self.store_failures += 1
                    progress.failed(doc, f"remote delete failed: {exc}")
            progress.removed(doc)


class PruneRefused(Refused):
    """``--prune`` would remove what it must not: inputs missing or empty, or too much."""


def _check_prune_inputs(inputs: list[str | os.PathLike[str]]) -> None:
    """Refuse to prune when an input is missing or holds no documents (a mistyped path,
    an unmounted disk, an empty folder): the store would be emptied."""
    if not inputs:
        raise PruneRefused("--prune needs inputs; nothing was removed")
    for item in inputs:
        p = Path(item)
        if not p.exists():
            raise PruneRefused(
                "--prune refused: this input does not exist (mistyped, or a disk not "
                "mounted?); nothing was built or removed",
                path=str(p),
            )
        if p.is_dir() and next(iter(expand_inputs([p])), None) is None:
            raise PruneRefused(
                "--prune refused: this folder holds no documents; nothing was built or removed",
                path=str(p),
            )


__all__ = ["Built", "CorpusBuild", "PruneRefused", "build_one", "default_jobs"]
