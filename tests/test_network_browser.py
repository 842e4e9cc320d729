"""The explorer page in a real headless Chromium (Debian's ``chromium``), driven over the
DevTools protocol through a pipe (``--remote-debugging-pipe``: no websocket library, no
port). Checks: the nodes render, search and a click show the details with the official
link and the citing documents, no request leaves the machine, a hostile label stays text,
no console errors. Screenshots go to tests/artifacts/ (git-ignored); set
KGGRAPH_README_SCREENSHOT=1 to refresh docs/img/network-explorer.png.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset

from kggraph.network import Filters, analyse, build_network, citation_graph, layout
from kggraph.network_page import page_data, render_page, write_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
ID = "https://w3id.org/kggraph/id/"
HOSTILE = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>'
CHROMIUM = next(
    (p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium)"
)


class Chromium:
    """Headless Chromium with the DevTools protocol on fds 3 (commands) and 4 (replies)."""

    def __init__(self) -> None:
        assert CHROMIUM is not None
        self.profile = tempfile.mkdtemp(prefix="kggraph-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child, before exec
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session: str | None = None

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self._cond:
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self._cond.notify_all()

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._next not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(method)
                self._cond.wait(left)
            reply = self._replies.pop(self._next)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open_page(self, width: int = 1280, height: int = 800) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def js(self, expression: str) -> Any:
        r = self.send(
            "Runtime.evaluate", expression=f"(() => ({expression}))()", returnByValue=True
        )
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.js(expression):
                return time.monotonic() - start
            time.sleep(0.02)
        raise TimeoutError(expression)

    def navigate(self, url: str) -> float:
        """Go to ``url``; seconds until the explorer says it is ready."""
        start = time.monotonic()
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && document.body.dataset.ready === '1'")
        return time.monotonic() - start

    def click(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type_text(self, selector: str, text: str) -> None:
        self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def press_enter(self) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Enter",
                code="Enter",
                windowsVirtualKeyCode=13,
            )

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries and dialogs."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console: {[a.get('value') for a in p.get('args', [])]}")
            elif m == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log: {p['entry'].get('text')}")
            elif m == "Page.javascriptDialogOpening":
                out.append(f"dialog: {p.get('message')}")
        return out

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture()
def browser() -> Iterator[Chromium]:
    b = Chromium()
    try:
        b.open_page()
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def corpus_data():  # type: ignore[no-untyped-def]
    from kggraph.network import load_citation_data
    from kggraph.pipeline import Failure, process_many
    from kggraph.query import RdflibBackend

    ds = Dataset(default_union=True)
    for r in process_many([FIXTURES / "text", FIXTURES / "pdf"], validate=False):
        assert not isinstance(r, Failure), r
        target = ds.graph(r.graph.identifier)
        for t in r.graph:
            target.add(t)
    return load_citation_data(RdflibBackend(ds))


def _local_only(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith(("file://", "data:", "about:"))]


def _node_point(b: Chromium, iri: str) -> tuple[float, float]:
    """Page coordinates of a node, from Cytoscape's rendered position."""
    r = b.js(
        "(() => { const i = kgExplorer.nodes.findIndex(n => n.id === "
        + json.dumps(iri)
        + "); const p = kgExplorer.cy.$id('n' + i).renderedPosition();"
        " const box = document.getElementById('cy').getBoundingClientRect();"
        " return [box.left + p.x, box.top + p.y]; })()"
    )
    return float(r[0]), float(r[1])


def test_corpus_page_renders_searches_and_clicks(
    tmp_path: Path, browser: Chromium, corpus_data
) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "citations")
    base = citation_graph(corpus_data, Filters())
    page = tmp_path / "corpus.html"
    write_page(g, layout(g), page, base, title="Citatienetwerk — testcorpus")
    load = browser.navigate(page.as_uri())
    print(f"\ncorpus page ({len(g)} nodes): ready {load:.2f} s")
    assert load < 20
    assert browser.js("kgExplorer.cy.nodes().length") == len(g)
    assert browser.js("kgExplorer.cy.edges().length") == g.number_of_edges()
    assert browser.js("document.getElementById('stats').textContent") == (
        f"{len(g)} knopen · {g.number_of_edges()} verbindingen"
    )
    shot = browser.screenshot(ARTIFACTS / "network-explorer-corpus.png")
    assert _coloured_pixels(shot, "#CC79A7") > 50  # Kamerstuk nodes are drawn

    # search → first match → details
    browser.type_text("#search", "33529")
    browser.wait_for("!document.getElementById('results').hidden")
    hits = browser.js("[...document.querySelectorAll('#results li')].map(li => li.textContent)")
    assert hits == ["Kamerstuk 33529, nr. 1219 (kst-33529-1219)Motie"]
    browser.press_enter()
    browser.wait_for("!document.getElementById('details').hidden")
    details = _details(browser)
    assert details["label"] == "Kamerstuk 33529, nr. 1219 (kst-33529-1219)"
    assert details["link"] == "https://zoek.officielebekendmakingen.nl/kst-33529-1219.html"
    assert details["citing"] == [
        ["ah-tk-20242025-610", "https://zoek.officielebekendmakingen.nl/ah-tk-20242025-610.html"],
        ["ah-tk-20242025-564", "https://zoek.officielebekendmakingen.nl/ah-tk-20242025-564.html"],
    ]

    # a real mouse click on another node
    browser.js("document.getElementById('close').click()")
    nos = next(n for n, a in g.nodes(data=True) if a.get("label", "").startswith("Shell wint"))
    # the search above zooms to its hit with an animation: let it end before moving the view
    browser.wait_for("!kgExplorer.cy.animated()")
    # the page numbers its nodes in its own order: find the node there, as _node_point does
    browser.js(
        "void kgExplorer.cy.center(kgExplorer.cy.$id('n' + kgExplorer.nodes.findIndex("
        f"n => n.id === {json.dumps(nos)})))"
    )
    time.sleep(0.3)
    browser.click(*_node_point(browser, nos))
    browser.wait_for("!document.getElementById('details').hidden")
    details = _details(browser)
    assert details["label"] == g.nodes[nos]["label"]
    assert details["link"] == g.nodes[nos]["url"]
    assert [c[0] for c in details["citing"]] == ["kv-tk-2024Z18658"]

    # type filter hides every motion
    browser.js(
        "[...document.querySelectorAll('#types input')].find(b => b.value === 'motion').click()"
    )
    motions = sum(1 for _, t in g.nodes(data="type") if t == "motion")
    assert browser.js("kgExplorer.cy.nodes('.hidden').length") == motions
    assert _local_only(browser.requests()) == []
    assert browser.problems() == []
    if os.environ.get("KGGRAPH_README_SCREENSHOT"):
        browser.js("document.getElementById('reset').click()")
        browser.js(
            "kgExplorer.focus(kgExplorer.nodes.findIndex(n => n.l.startsWith('Kamerstuk 33529')))"
        )
        time.sleep(0.6)
        _small_png(browser.screenshot(ARTIFACTS / "readme.png"), ROOT / "docs" / "img")


def _small_png(png: bytes, folder: Path) -> None:
    """The README copy: 256 colours, so that the committed file stays small."""
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    folder.mkdir(parents=True, exist_ok=True)
    img.save(folder / "network-explorer.png", optimize=True)


def _details(b: Chromium) -> dict[str, Any]:
    return dict(
        b.js(
            "({label: document.getElementById('d-label').textContent,"
            " link: document.getElementById('d-link').getAttribute('href'),"
            " citing: [...document.querySelectorAll('#d-citing li')].map(li =>"
            "   [li.firstChild.textContent, li.firstChild.getAttribute('href')])})"
        )
    )


def _coloured_pixels(png: bytes, colour: str) -> int:
    import io

    from PIL import Image

    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(
        1
        for px in img.getdata()  # type: ignore[attr-defined]
        if all(abs(a - b) <= 6 for a, b in zip(px, want, strict=True))
    )


def test_hostile_label_stays_text(tmp_path: Path, browser: Chromium) -> None:
    g = nx.DiGraph(network="citations")
    g.add_node("d", type="document", label="doc-1", date="2024-01-02", url="https://example.org/d")
    g.add_node("t", type="report", label=HOSTILE, url="javascript:alert(3)", kinds="report")
    g.add_edge("d", "t", weight=1)
    analyse(g)
    page = tmp_path / "hostile.html"
    page.write_text(render_page(page_data(g, layout(g), title=HOSTILE)), encoding="utf-8")
    browser.navigate(page.as_uri())
    assert browser.js("document.title") == HOSTILE
    browser.type_text("#search", "onerror")
    browser.wait_for("!document.getElementById('results').hidden")
    browser.press_enter()
    browser.wait_for("!document.getElementById('details').hidden")
    assert browser.js("document.getElementById('d-label').textContent") == HOSTILE
    assert browser.js("document.getElementById('d-link').hasAttribute('href')") is False
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.querySelectorAll('script').length") == 3
    browser.screenshot(ARTIFACTS / "network-explorer-hostile.png")
    assert _local_only(browser.requests()) == []
    assert browser.problems() == []


def test_five_thousand_nodes_load_and_pan(tmp_path: Path, browser: Chromium) -> None:
    """Performance on a generated network of 5,000 nodes (not real data: the fixtures are
    small): 1,000 documents citing 4,000 things with a heavy-tailed popularity."""
    import random

    rnd = random.Random(5)
    g = nx.DiGraph(network="citations")
    for i in range(4000):
        g.add_node(f"t{i}", type=rnd.choice(["kamerstuk", "law", "report", "webpage"]),
                   label=f"Ding {i}", url=f"https://example.org/{i}")  # fmt: skip
    for d in range(1000):
        g.add_node(f"d{d}", type="document", label=f"ah-tk-{d}", date=f"2024-{d % 12 + 1:02d}-01")
        for _ in range(rnd.randint(1, 8)):
            g.add_edge(f"d{d}", f"t{int(4000 * rnd.random() ** 3)}", weight=1)
    analyse(g)
    # Random positions: the spring layout of 5,000 nodes takes ~40 s on 2 cores (measured
    # separately); long random edges make rendering harder, so this is a conservative test.
    pos = {n: (float(x), float(y)) for n, (x, y) in nx.random_layout(g, seed=1).items()}
    page = tmp_path / "big.html"
    write_page(g, pos, page)
    load = browser.navigate(page.as_uri())
    fps = browser.send(
        "Runtime.evaluate",
        awaitPromise=True,
        returnByValue=True,
        expression="new Promise(done => { const cy = kgExplorer.cy; let frames = 0;"
        " const t0 = performance.now(); function step(t) { frames++;"
        " cy.panBy({x: 3, y: 2}); cy.zoom(cy.zoom() * 1.004);"
        " if (t - t0 < 2000) requestAnimationFrame(step);"
        " else done(frames / ((t - t0) / 1000)); } requestAnimationFrame(step); })",
    )["result"]["value"]
    browser.screenshot(ARTIFACTS / "network-explorer-5000.png")
    print(f"\n5,000 nodes: page ready {load:.2f} s, pan/zoom {fps:.0f} fps")
    assert browser.js("kgExplorer.cy.nodes().length") == 5000
    assert load < 30
    assert fps > 5
    assert browser.problems() == []
