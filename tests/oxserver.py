"""A real Oxigraph server (the `oxigraph` command of the `oxigraph` PyPI package) for tests.

``running(folder, union=…)`` starts one on a free port of 127.0.0.1 and stops it after;
tests that need one are skipped only when the command cannot be found.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kggraph.remote import RemoteBackend, RemoteStore


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, url: str):
        self.url = url
        self.store = RemoteStore(f"{url}/store")
        self.query = RemoteBackend(f"{url}/query")

    def graph_names(self) -> list[str]:
        q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
        return [r[0] for r in self.query.select(q, {}).rows if r[0]]


@contextmanager
def running(folder: Path, union: bool = True, store: Path | None = None) -> Iterator[Server]:
    """An Oxigraph server storing into ``folder``; ``union``: ``--union-default-graph``;
    ``store``: serve this existing store read-only instead (``serve-read-only``)."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the `oxigraph` server command is not installed (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = folder / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    args = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    if store is not None:
        args[1:4] = ["serve-read-only", "--location", str(store)]
    proc = subprocess.Popen(
        [*args, *(["--union-default-graph"] if union else [])],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "oxigraph server did not start: " + log_path.read_text(errors="replace")
                    ) from None
                time.sleep(0.1)
        yield Server(url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
