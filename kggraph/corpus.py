"""Incremental, parallel corpus builds into the store (and, optionally, a remote endpoint).

The parent process walks the inputs, hashes each file and skips those whose content hash
the store already holds; the rest go to worker processes (``jobs``), each of which loads
the shapes and lexicon once and returns one document graph as N-Triples. The parent writes
each graph in its own transaction as results arrive, with a bounded number in flight, so
memory does not grow with the corpus and a run killed at any point leaves whole documents
only — the next run skips what was stored and builds the rest.

>>> default_jobs() >= 1
True
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .errors import KggraphError, UnreachableError
from .lexicon import DEFAULT_BASE
from .pipeline import DocumentResult, Failure, content_hash, expand_inputs
from .progress import Progress
from .store import CorpusStore


@dataclass(frozen=True)
class Built:
    """One document built in a worker, ready to store: its graph as N-Triples."""

    path: str
    identifier: str
    iri: str
    content_hash: str
    ntriples: bytes
    triples: int
    violations: int
    findings: tuple[str, ...]


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _warm(base: str, validate: bool, parent: int | None = None) -> None:
    """Worker initialiser: load the lexicon and the shapes once per process; with
    ``parent``, exit as soon as that process is gone (a killed build leaves no workers)."""
    from .lexicon import load_lexicon
    from .validate import shapes_graph

    if parent is not None:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    load_lexicon()
    if validate:
        shapes_graph()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie (killed, not yet reaped) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


def _watch(parent: int) -> None:
    while _alive(parent):
        time.sleep(1.0)
    os._exit(1)


def build_one(path: str, base: str = DEFAULT_BASE, validate: bool = True) -> list[Built] | Failure:
    """Build the documents of one file (in a worker): one for nearly every file, one per
    Aanhangsel item for a page that prints several. Every error becomes a Failure with its
    reason."""
    from .pipeline import process_items

    try:
        results = process_items(path, base=base, validate=validate)
        built = [_built(r) for r in results]
    except KggraphError as exc:
        return Failure(path, exc.reason if exc.path else str(exc))
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        return Failure(path, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a batch goes on past a bug in one document
        return Failure(path, f"internal error {type(exc).__name__}: {exc}")
    return built


def _built(r: DocumentResult) -> Built:
    nt = r.graph.serialize(format="nt", encoding="utf-8")
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
        nt,
        len(r.graph),
        violations,
        findings,
    )


Push = Callable[[str, bytes], None]
Remove = Callable[[str], None]


@dataclass
class CorpusBuild:
    """Settings of one build run; ``run`` does the work and returns the progress counts.

    Workers are started with ``forkserver`` and import the main module: a script that
    calls ``run`` with ``jobs > 1`` must do so under ``if __name__ == "__main__":``.
    """

    store: CorpusStore | None
    jobs: int = 0  # 0: default_jobs()
    prune: bool = False
    force: bool = False  # rebuild every file, even unchanged ones built by this kggraph
    base: str = DEFAULT_BASE
    validate: bool = True
    push: Push | None = None  # e.g. RemoteStore.put: send each stored graph on
    unpush: Remove | None = None  # e.g. RemoteStore.delete: for pruned graphs
    on_built: Callable[[Built], None] | None = None  # after a document is stored
    flush_every: int = 500  # flush the store's write buffers every N documents stored

    def run(
        self, inputs: Iterable[str | os.PathLike[str]], progress: Progress | None = None
    ) -> Progress:
        paths = [str(p) for p in expand_inputs(inputs)]
        progress = progress or Progress(len(paths))
        progress.total = len(paths)
        # graphs per content hash: a page of the archive may hold several items
        known = self._graphs_by_hash()
        self._seen: set[str] = set()
        self._failed_names: set[str] = set()
        self._owner: dict[str, str] = {}
        self._stale: dict[str, list[str]] = {}  # content hash → graphs to rebuild
        self._stored = 0
        todo: list[str] = []
        for path in paths:
            try:
                digest = content_hash(path)
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
        jobs = self.jobs or default_jobs()
        try:
            if jobs == 1 or len(todo) <= 1:
                _warm(self.base, self.validate)
                for path in todo:
                    self._take(progress, build_one(path, self.base, self.validate))
            else:
                self._parallel(todo, jobs, progress)
            if self.prune and self.store is not None:
                self._prune(progress)
        finally:
            if self.store is not None:
                self.store.flush()
            progress.close()
        return progress

    def _graphs_by_hash(self) -> dict[str, tuple[list[str], bool]]:
        """Content hash → the store's graphs built from it, and whether every one of them
        was built by the running kggraph (its code, patterns, vocabularies, shapes)."""
        if self.store is None:
            return {}
        from .buildinfo import build_id

        builds, current = self.store.builds(), build_id()
        out: dict[str, tuple[list[str], bool]] = {}
        for doc, digest in sorted(self.store.hashes().items()):
            docs, fresh = out.get(digest, ([], True))
            out[digest] = ([*docs, doc], fresh and builds.get(doc) == current)
        return out

    def _parallel(self, todo: list[str], jobs: int, progress: Progress) -> None:
        """Build in worker processes, at most ``4 × jobs`` documents in flight."""
        window = jobs * 4
        pending = list(reversed(todo))
        retried: set[str] = set()
        ctx = multiprocessing.get_context("forkserver")
        while pending:
            with ProcessPoolExecutor(
                jobs,
                mp_context=ctx,
                initializer=_warm,
                initargs=(self.base, self.validate, os.getpid()),
            ) as pool:
                inflight: dict[Future[list[Built] | Failure], str] = {}
                broken = False
                while (pending and not broken) or inflight:
                    while pending and not broken and len(inflight) < window:
                        path = pending.pop()
                        inflight[pool.submit(build_one, path, self.base, self.validate)] = path
                    done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                    for fut in done:
                        path = inflight.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            # a worker died (a crash, the OOM killer): every document in
                            # flight is lost; each gets one more try in a fresh pool
                            broken = True
                            if path in retried:
                                self._fail(progress, path, "worker process died building it")
                            else:
                                retried.add(path)
                                pending.append(path)
                            continue
                        self._take(progress, result)

    def _fail(self, progress: Progress, path: str, reason: str) -> None:
        self._failed_names.add(Path(path).name)
        progress.failed(path, reason)

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
        if self.store is not None:
            try:
                self.store.replace(result.iri, result.ntriples)
            except KggraphError as exc:
                self._fail(progress, result.path, str(exc))
                return
            self._stored += 1
            if self.flush_every and self._stored % self.flush_every == 0:
                # RocksDB keeps every column family's write buffer (and the write-ahead
                # log behind it) until flushed: without this, memory grows with the corpus
                self.store.flush()
        if self.push is not None:
            try:
                self.push(result.iri, result.ntriples)
            except UnreachableError as exc:
                # the endpoint is down: stop pushing (one error, not one per document);
                # the store is still built, `kggraph push` sends it later
                self.push = self.unpush = None
                self._fail(
                    progress,
                    result.path,
                    f"push stopped: {exc}; send the store with "
                    "`kggraph push` when the endpoint is up",
                )
                return
            except KggraphError as exc:
                self._fail(progress, result.path, f"push failed: {exc}")
                return
        progress.built(result.path, result.triples, result.violations)
        if self.on_built is not None:
            self.on_built(result)

    def _prune(self, progress: Progress) -> None:
        """Remove graphs built from content no input has any more.

        A graph whose source file failed in this run is kept: a failure never deletes data.
        """
        assert self.store is not None
        sources = self.store.sources()
        for doc, digest in sorted(self.store.hashes().items()):
            if digest in self._seen or sources.get(doc) in self._failed_names:
                continue
            self.store.remove(doc)
            if self.unpush is not None:
                try:
                    self.unpush(doc)
                except KggraphError as exc:
                    progress.failed(doc, f"remote delete failed: {exc}")
            progress.removed(doc)


__all__ = ["Built", "CorpusBuild", "build_one", "default_jobs"]
