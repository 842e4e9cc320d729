"""Where the server's queries run: worker processes over the store, or a remote endpoint.

Oxigraph evaluates a query without ever returning to Python, so a query that runs forever
cannot be stopped in the server process. ``WorkerPool`` keeps a few child processes
(``kggraph.serve.worker``), each with the store opened read-only; a query goes to an idle
worker, and when its time is up the worker is killed and a fresh one started in the
background. The server process itself never evaluates SPARQL, so it keeps answering.

``StoreExecutor`` has two pools, one for the pages (bounded queries the server writes)
and one for the SPARQL endpoint (anyone's queries), so that slow endpoint queries never
hold up a page. ``RemoteExecutor`` sends the same requests to a SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import KggraphError, QueryError, StoreError
from ..query import Rows
from .defaults import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT


class QueryTimeout(QueryError):
    """The query did not finish within the time limit; its worker was stopped."""


class NotAcceptable(QueryError):
    """No result format the client accepts fits the query's form."""


class ResultTooLarge(QueryError):
    """The serialised result is larger than the server allows."""


class Busy(StoreError):
    """Every worker stayed busy for the whole time limit."""


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    memory_mb: int = DEFAULT_MEMORY_MB


class Executor(Protocol):
    """What the pages and the endpoint need from a store."""

    limits: Limits

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def rows(self, query: str) -> Rows: ...

    async def results(
        self,
        query: str,
        solutions_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]: ...


def _reply(reply: tuple[Any, ...]) -> tuple[Any, ...]:
    """Raise the error a worker reported."""
    if reply[0] != "error":
        return reply
    kind, message = reply[1], reply[2]
    if kind == "refused":
        raise QueryError(message)
    if kind == "syntax":
        raise QueryError(f"SPARQL syntax error: {message}")
    if kind == "not-acceptable":
        raise NotAcceptable(message)
    if kind == "too-large":
        raise ResultTooLarge(message)
    raise StoreError(message)


class _Worker:
    """One child process and its pipes; ``call`` blocks (run it in a thread)."""

    def __init__(self, path: str, limits: Limits):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kggraph.serve.worker",
                path,
                str(limits.max_bytes),
                str(limits.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        ready = self._read()
        if ready[0] != "ready":
            self.kill()
            _reply(ready)

    def _read(self) -> tuple[Any, ...]:
        assert self.proc.stdout is not None
        try:
            reply: tuple[Any, ...] = pickle.load(self.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise StoreError(f"the query worker stopped (exit code {self.proc.poll()})") from exc
        return reply

    def call(self, job: tuple[Any, ...]) -> tuple[Any, ...]:
        assert self.proc.stdin is not None
        try:
            pickle.dump(job, self.proc.stdin)
            self.proc.stdin.flush()
        except OSError as exc:
            raise StoreError("the query worker stopped") from exc
        return self._read()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe:
                    pipe.close()


class WorkerPool:
    """``size`` workers over the store at ``path``; each call gets ``limits.timeout``
    seconds, waiting for an idle worker included."""

    def __init__(self, path: str, size: int, limits: Limits, name: str = "query"):
        self.path, self.size, self.limits, self.name = path, size, limits, name
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=size * 2 + 1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers stopped at their time limit, for tests and logs

    def _spawn(self) -> _Worker:
        worker = _Worker(self.path, self.limits)
        with self._lock:
            self._all.add(worker)
        return worker

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size))
        )
        for w in workers:
            self._idle.put_nowait(w)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its successor without making the caller wait."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        if self._closed:
            return
        loop = asyncio.get_running_loop()

        def replaced(fut: asyncio.Future[_Worker]) -> None:
            if fut.cancelled() or fut.exception() is not None:
                print(f"kggraph serve: cannot restart a {self.name} worker", file=sys.stderr)
                return
            self._idle.put_nowait(fut.result())

        loop.run_in_executor(self._threads, self._spawn).add_done_callback(replaced)

    async def call(self, job: tuple[Any, ...]) -> tuple[Any, ...]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.limits.timeout)
        except TimeoutError:
            raise Busy(
                f"all {self.size} {self.name} workers stayed busy for "
                f"{self.limits.timeout:g} s; try again later"
            ) from None
        fut = loop.run_in_executor(self._threads, worker.call, job)
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            reply = await asyncio.wait_for(asyncio.shield(fut), max(deadline - loop.time(), 0))
        except TimeoutError:
            self.killed += 1
            self._retire(worker)
            raise QueryTimeout(
                f"the query ran longer than the time limit of {self.limits.timeout:g} s "
                "and was stopped"
            ) from None
        except asyncio.CancelledError:  # the client went away: its query may run on
            self._retire(worker)
            raise
        except StoreError:
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        return _reply(reply)

    async def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()
        self._threads.shutdown(wait=False, cancel_futures=True)


#: The pages' own queries are bounded but some aggregate the whole store (the insights):
#: they get at least this long, whatever the endpoint's limit.
PAGE_TIMEOUT = 120.0


class StoreExecutor:
    """Pages and endpoint over an on-disk store, each with its own pool of workers."""

    def __init__(
        self, path: str, limits: Limits | None = None, workers: int = 2, page_workers: int = 2
    ):
        self.limits = limits or Limits()
        page_limits = Limits(max(self.limits.timeout, PAGE_TIMEOUT), self.limits.max_bytes,
                             self.limits.memory_mb)  # fmt: skip
        self.pages = WorkerPool(path, page_workers, page_limits, "page")
        self.sparql = WorkerPool(path, workers, self.limits, "sparql")

    async def start(self) -> None:
        await asyncio.gather(self.pages.start(), self.sparql.start())

    async def close(self) -> None:
        await asyncio.gather(self.pages.close(), self.sparql.close())

    async def rows(self, query: str) -> Rows:
        _, variables, rows = await self.pages.call(("rows", query))
        return Rows(tuple(variables), tuple(tuple(r) for r in rows))

    async def results(
        self,
        query: str,
        solutions_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]:
        job = ("results", query, solutions_type, graph_type, default_graphs, named_graphs)
        _, media_type, body = await self.sparql.call(job)
        return media_type, body


class RemoteExecutor:
    """The same requests sent to a SPARQL 1.1 Protocol endpoint (its default graph must be
    the union of the document graphs, see docs/corpus.md)."""

    def __init__(self, endpoint: str, limits: Limits | None = None):
        from ..remote import RemoteBackend

        self.limits = limits or Limits()
        self.endpoint = endpoint
        self.backend = RemoteBackend(endpoint, timeout=self.limits.timeout)
        self._threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="remote")

    async def start(self) -> None:
        """Nothing to start: each request opens its own connection."""

    async def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def _run(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._threads, fn, *args), self.limits.timeout + 1
            )
        except TimeoutError:
            raise QueryTimeout(
                f"the endpoint did not answer within {self.limits.timeout:g} s"
            ) from None

    async def rows(self, query: str) -> Rows:
        rows: Rows = await self._run(self.backend.select, query, {})
        return rows

    async def results(
        self,
        query: str,
        solutions_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]:
        from .guard import check_query

        await self._run(check_query, query)  # the endpoint behind reaches out as it likes
        accept = ", ".join(t for t in (solutions_type, graph_type) if t)
        fields = [("query", query)]
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}

        def send() -> tuple[str, bytes]:
            from ..remote import RemoteBackend

            client = RemoteBackend(self.endpoint, timeout=self.limits.timeout)  # one per call
            try:
                data = client.request("POST", client.url, body, headers)
            except StoreError as exc:
                if "HTTP 400" in str(exc):
                    raise QueryError(f"SPARQL error from the endpoint: {exc.reason}") from exc
                raise
            if len(data) > self.limits.max_bytes:
                raise ResultTooLarge(
                    f"the result is larger than {self.limits.max_bytes // 1_000_000} MB"
                )
            return str(getattr(client, "content_type", "")), data

        result: tuple[str, bytes] = await self._run(send)
        return result


__all__ = [
    "Busy",
    "Executor",
    "KggraphError",
    "Limits",
    "NotAcceptable",
    "QueryTimeout",
    "RemoteExecutor",
    "ResultTooLarge",
    "StoreExecutor",
    "WorkerPool",
]
