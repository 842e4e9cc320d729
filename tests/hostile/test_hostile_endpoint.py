"""A hostile SPARQL endpoint: credentials never follow a redirect to another origin,
responses are capped in bytes and time, malformed answers are named (issue 13, point 5)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hostile import NORMAL
from oxserver import free_port  # a port nothing listens on: a server that is down

from kggraph.cli import main
from kggraph.errors import StoreError
from kggraph.remote import EndpointTimeout, RemoteBackend, RemoteStore, ResponseTooLarge
from kggraph.store import CorpusStore

ASK_TRUE = b'{"head":{},"boolean":true}'


class Server:
    """A local HTTP server whose handler is a function of (handler, path)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.seen.append((self.command, self.path, dict(self.headers.items())))
                server.reply(self)

            do_GET = do_POST = do_PUT = _any  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.reply = lambda h: None
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def servers() -> Iterator[tuple[Server, Server]]:
    a, b = Server(), Server()
    yield a, b
    a.close()
    b.close()


def answer(
    h: BaseHTTPRequestHandler, body: bytes, kind: str = "application/sparql-results+json"
) -> None:
    h.send_response(200)
    h.send_header("Content-Type", kind)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def test_credentials_do_not_follow_a_redirect_to_another_origin(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers

    def redirect(h: BaseHTTPRequestHandler) -> None:
        if h.path == "/same":  # same origin: the credentials go along
            h.send_response(307)
            h.send_header("Location", f"{a.url}/query")
            h.end_headers()
        elif h.path == "/other":
            h.send_response(307)
            h.send_header("Location", f"{b.url}/query")
            h.end_headers()
        else:
            answer(h, ASK_TRUE)

    a.reply = redirect
    b.reply = lambda h: answer(h, ASK_TRUE)
    host = a.url.removeprefix("http://")
    assert bool(RemoteBackend(f"http://kg:s3cret@{host}/same").execute("ASK {}", {})) is True
    assert [p for _, p, _ in a.seen] == ["/same", "/query"]
    assert all(h.get("Authorization") == "Basic a2c6czNjcmV0" for _, _, h in a.seen)

    assert bool(RemoteBackend(f"http://kg:s3cret@{host}/other").execute("ASK {}", {})) is True
    assert [p for _, p, _ in b.seen] == ["/query"]
    assert "Authorization" not in b.seen[0][2]


def test_an_endless_response_is_cut_at_the_byte_cap(servers: tuple[Server, Server]) -> None:
    a, _ = servers

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        chunk = (
            b'{"head":{"vars":["x"]},"results":{"bindings":['
            + b'{"x":{"type":"literal","value":"a"}},' * 5000
        )
        try:
            for _ in range(100_000):  # 2 GB if nobody stopped reading
                h.wfile.write(chunk)
        except OSError:
            pass

    a.reply = endless
    started = time.monotonic()
    with pytest.raises(
        ResponseTooLarge, match=r"the response is larger than 1,000,000 bytes; stopped"
    ):
        RemoteBackend(f"{a.url}/query", max_bytes=1_000_000).execute("SELECT * {}", {})
    assert time.monotonic() - started < 10


def test_a_declared_huge_response_is_not_read(servers: tuple[Server, Server]) -> None:
    a, _ = servers

    def declared(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(50 * 2**30))
        h.end_headers()

    a.reply = declared
    with pytest.raises(ResponseTooLarge):
        RemoteBackend(f"{a.url}/query").execute("ASK {}", {})


def test_a_dripping_response_is_stopped_at_the_time_limit(servers: tuple[Server, Server]) -> None:
    a, _ = servers

    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        try:
            for _ in range(100):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    a.reply = drip
    started = time.monotonic()
    with pytest.raises(EndpointTimeout, match=r"took longer than 1 s; stopped"):
        RemoteBackend(f"{a.url}/query", timeout=1).execute("ASK {}", {})
    assert time.monotonic() - started < 6


def test_malformed_answers_and_http_errors_are_store_errors_with_exit_5(
    servers: tuple[Server, Server], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = servers
    a.reply = lambda h: answer(h, b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
    assert main(["query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", f"{a.url}/query"]) == 5
    assert "cannot read the endpoint's answer: Parser error" in capsys.readouterr().err
    a.reply = lambda h: (h.send_response(500), h.end_headers())
    with pytest.raises(StoreError, match=r"PUT .*: HTTP 500"):
        RemoteStore(f"{a.url}/store").put("https://w3id.org/kggraph/id/doc/x", b"")
    # a refused query never reaches the endpoint
    before = len(a.seen)
    assert (
        main(
            [
                "query",
                "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
                "--endpoint",
                f"{a.url}/query",
            ]
        )
        == 3
    )
    assert len(a.seen) == before


def test_push_failures_have_the_exit_codes_of_the_table(
    servers: tuple[Server, Server], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's table: 5 when the store or the endpoint failed (down, refusing, HTTP
    errors, a connection closed without an answer), 2 for a bad argument, 0 for success —
    for `push` and for `build --endpoint` alike. Before: an endpoint that answered every PUT
    with an HTTP error gave 2, the code of a file that cannot be read."""
    a, _ = servers
    store = tmp_path / "store"
    assert main(["build", str(NORMAL), "--store", str(store), "-q"]) == 0
    capsys.readouterr()

    def push(url: str, *extra: str) -> int:
        return main(["push", "--store", str(store), "--endpoint", url, "-q", *extra])

    dead = f"http://127.0.0.1:{free_port()}/store"
    assert push(dead) == 5
    assert "cannot reach the endpoint" in capsys.readouterr().err

    a.reply = lambda h: (h.send_response(403), h.end_headers())
    assert push(f"{a.url}/store") == 5
    out = capsys.readouterr().out
    assert "HTTP 403 Forbidden" in out and "pushed 0, skipped 0, failed 1 of 1" in out

    def hang_up(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    a.reply = hang_up
    assert push(f"{a.url}/store") == 5
    assert "cannot reach the endpoint" in capsys.readouterr().err

    a.reply = lambda h: (h.send_response(204), h.end_headers())
    assert push(f"{a.url}/store") == 0
    assert push(f"{a.url}/store", "--doc", "ah-tk-20242025-999") == 2  # not in the store
    assert "not in the store" in capsys.readouterr().out

    a.reply = lambda h: (h.send_response(500), h.end_headers())
    other = tmp_path / "other"
    assert main(["build", str(NORMAL), "--store", str(other), "--endpoint", f"{a.url}/store"]) == 5
    assert "push failed" in capsys.readouterr().out
    assert len(CorpusStore.open(other, read_only=True).documents()) == 1  # still built
    assert main(["build", str(NORMAL), "--store", str(tmp_path / "o2"), "--endpoint", dead]) == 5
