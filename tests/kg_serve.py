"""A real ``kggraph serve`` process for the tests, and a plain HTTP client for it.

``Served`` starts the command as a user would (the ``kggraph`` script beside the test's
Python), waits until the home page answers, and stops it (and its query workers) at the
end. ``fetch`` returns status, headers and body for any answer, errors included.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = "https://w3id.org/kggraph/id/"


def kggraph_command() -> list[str]:
    beside = Path(sys.executable).with_name("kggraph")
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-c", "import sys; from kggraph.cli import main; sys.exit(main())"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(
    url: str,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    method: str | None = None,
    timeout: float = 60,
) -> Answer:
    req = urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch_no_redirect(url: str, headers: Mapping[str, str] | None = None) -> Answer:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=dict(headers or {}))) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


class Served:
    """``kggraph serve ARGS --port P`` on 127.0.0.1 until ``close``."""

    def __init__(self, args: list[str], log: Path, wait: float = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [*kggraph_command(), "serve", *args, "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + wait
        while True:
            try:
                if fetch(f"{self.url}/", timeout=5).status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"kggraph serve did not start: {self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Answer:
        return fetch(self.url + path, headers=headers)

    def sparql(
        self,
        query: str,
        accept: str | None = None,
        method: str = "POST",
        extra: list[tuple[str, str]] | None = None,
        endpoint: str = "/sparql",
        timeout: float = 60,
    ) -> Answer:
        fields = urllib.parse.urlencode([("query", query), *(extra or [])])
        headers = {"Accept": accept} if accept else {}
        if method == "GET":
            return fetch(f"{self.url}{endpoint}?{fields}", headers=headers, timeout=timeout)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return fetch(self.url + endpoint, fields.encode(), headers, timeout=timeout)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError):
            self._log.close()


def build_store(path: Path, *folders: Path) -> Path:
    """A corpus store of real documents, built by ``kggraph build --store`` (a process of its
    own, so that the store is closed before a server opens it)."""
    done = subprocess.run(
        [*kggraph_command(), "build", *map(str, folders), "--store", str(path), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return path
