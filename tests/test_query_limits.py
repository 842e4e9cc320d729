"""Queries under limits on the real engines: time, rows, no network, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kggraph.cli import main
from kggraph.corpus import CorpusBuild
from kggraph.errors import KggraphError, QueryError
from kggraph.limited import run_limited
from kggraph.offline import NetworkRefused
from kggraph.query import resolve_query
from kggraph.query_limits import QueryLimits, QueryStopped, Source, execute
from kggraph.sparql_guard import QueryRefused
from kggraph.store import CorpusStore

TEXT = Path(__file__).parent / "fixtures" / "text"
DOCS = ("ah-tk-20242025-545.pdf.txt", "ah-tk-20242025-564.pdf.txt")
BASE = "https://w3id.org/kggraph/id/"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("limits")
    store = root / "store"
    CorpusBuild(CorpusStore.open(store), jobs=1).run([TEXT / d for d in DOCS])
    graphs = root / "two.trig"
    assert main(["build", *(str(TEXT / d) for d in DOCS), "-o", str(graphs), "-q"]) == 0
    return {"store": store, "graphs": graphs}


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096))
            except OSError:
                self.hits.append(b"")
            conn.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.stop = True
    lst.thread.join(2)
    lst.sock.close()


def source(built: dict[str, Path], kind: str) -> Source:
    return (
        Source("store", (str(built["store"]),))
        if kind == "store"
        else Source("graphs", (str(built["graphs"]),))
    )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


@pytest.mark.parametrize("kind", ["store", "graphs"])
def test_rows_of_a_bundled_query(built: dict[str, Path], kind: str) -> None:
    answer = execute(
        source(built, kind), resolve_query("askers"), {"doc": "ah-tk-20242025-545"}, "csv"
    )
    assert not answer.truncated
    rows = csv_rows(answer.data)
    assert rows[0] == ["doc", "docId", "asker", "name", "party", "partyLabel"]
    assert [(r[3], r[5]) for r in rows[1:]] == [("Podt", "Democraten 66")]


@pytest.mark.parametrize("kind", ["store", "graphs"])
@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "tsv", "table"])
def test_row_cap_keeps_the_first_rows_and_says_so(
    built: dict[str, Path], kind: str, fmt: str
) -> None:
    q = resolve_query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    full = execute(source(built, kind), q, fmt=fmt, limits=QueryLimits(max_rows=10**6))
    capped = execute(source(built, kind), q, fmt=fmt, limits=QueryLimits(max_rows=7))
    assert capped.truncated and not full.truncated
    if fmt == "csv":
        assert csv_rows(capped.data) == csv_rows(full.data)[:8]
        exact = execute(
            source(built, kind),
            q,
            fmt=fmt,
            limits=QueryLimits(max_rows=len(csv_rows(full.data)) - 1),
        )
        assert not exact.truncated and exact.data == full.data
    elif fmt == "json":
        assert (
            json.loads(capped.data)["results"]["bindings"]
            == (json.loads(full.data)["results"]["bindings"][:7])
        )
    elif fmt == "table":
        assert capped.data.decode().rstrip().endswith("(7 rows)")


def test_row_cap_on_a_construct(built: dict[str, Path]) -> None:
    q = resolve_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    full = execute(source(built, "store"), q, fmt="ntriples")
    capped = execute(source(built, "store"), q, fmt="ntriples", limits=QueryLimits(max_rows=5))
    assert capped.truncated and not full.truncated
    assert capped.data.splitlines() == full.data.splitlines()[:5]


@pytest.mark.parametrize("kind", ["store", "graphs"])
def test_time_limit_stops_the_engine(built: dict[str, Path], kind: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryStopped, match=r"query took longer than 1 s; stopped"):
        execute(source(built, kind), resolve_query(CROSS), limits=QueryLimits(timeout=1))
    assert time.monotonic() - started < 6


@pytest.mark.parametrize("kind", ["store", "graphs"])
def test_service_is_refused_and_nothing_is_contacted(
    built: dict[str, Path], kind: str, listener: Listener
) -> None:
    q = resolve_query(
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}"
    )
    with pytest.raises(QueryRefused, match=r"^.*SERVICE <http://127\.0\.0\.1:\d+/q> refused"):
        execute(source(built, kind), q)
    time.sleep(0.3)
    assert listener.hits == []


def test_offline_child_stops_python_sockets(listener: Listener) -> None:
    with pytest.raises(NetworkRefused, match=r"^x: network access refused: 127\.0\.0\.1 "):
        run_limited(
            "socket.create_connection", (("127.0.0.1", listener.port),), path="x", timeout=10
        )
    assert listener.hits == []


def test_offline_child_stops_oxigraph_service_even_past_the_guard(
    built: dict[str, Path], listener: Listener
) -> None:
    """Defence in depth: the guard is told the network is allowed, the child is not."""
    status = run_limited("kggraph.offline.status", (), path="x", timeout=10)
    if not status["namespace"]:
        pytest.skip("this kernel gives unprivileged processes no network namespace")
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}"
    src = Source("store", (str(built["store"]),))
    with pytest.raises(QueryError, match=r"SPARQL evaluation error"):
        run_limited(
            "kggraph.query_limits.run_here",
            (src, text, {}, "json", BASE, 10, True),
            path="x",
            timeout=10,
        )
    time.sleep(0.3)
    assert listener.hits == []


def test_with_the_opt_in_service_does_go_out(built: dict[str, Path], listener: Listener) -> None:
    q = resolve_query(
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}"
    )
    with pytest.raises(KggraphError):  # the listener answers nothing
        execute(source(built, "store"), q, limits=QueryLimits(allow_network=True, timeout=10))
    assert len(listener.hits) == 1 and listener.hits[0].startswith(b"POST /q ")


def test_jsonld_remote_context_is_refused(tmp_path: Path, listener: Listener) -> None:
    doc = {
        "@context": f"http://127.0.0.1:{listener.port}/context.jsonld",
        "@id": "http://example.org/a",
        "name": "x",
    }
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps(doc))
    with pytest.raises(NetworkRefused, match=r"remote\.jsonld: JSON-LD @context 'http://127"):
        execute(Source("graphs", (str(path),)), resolve_query("SELECT * WHERE { ?s ?p ?o }"))
    local = tmp_path / "local.jsonld"
    local.write_text(json.dumps({**doc, "@context": [{"@import": "/etc/passwd"}]}))
    assert main(["validate", str(local)]) == 3
    time.sleep(0.3)
    assert listener.hits == []


def test_cli_exit_codes(built: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store = str(built["store"])
    assert main(["query", "askers", "--store", store]) == 0
    assert main(["query", "SELECT * WHERE { ?s ?p ?o }", "--store", store, "--max-rows", "2"]) == 4
    out, err = capsys.readouterr()
    assert out.rstrip().endswith("(2 rows)")
    assert "stopped at --max-rows 2" in err
    assert main(["query", CROSS, "--store", store, "--timeout", "1"]) == 4
    assert main(["query", "LOAD <file:///etc/passwd>", "--store", store]) == 3
    assert main(["query", "SELECT * WHERE { ?s ?p }", "--store", store]) == 2
    err = capsys.readouterr().err
    assert "query took longer than 1 s" in err
    assert "LOAD refused: SPARQL updates are not run" in err
    assert "SPARQL syntax error" in err


def test_no_child_outlives_its_timeout(built: dict[str, Path]) -> None:
    """The killed query's process is gone, not left computing."""
    # the child that will run the query: an idle one, warmed with the same limits
    pid = run_limited("os.getpid", (), path="x", timeout=10, memory_mb=2048, what="query")
    with pytest.raises(QueryStopped):
        execute(source(built, "store"), resolve_query(CROSS), limits=QueryLimits(timeout=1))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
