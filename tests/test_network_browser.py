"""The explorer page in a real headless Chromium (Debian's ``chromium``), driven over the
DevTools protocol through a pipe (``tests/kg_chromium.py``). Checks: the nodes render,
search and a click show the details with the official link and the citing documents, no
request leaves the machine, a hostile label stays text, no console errors. Screenshots go
to tests/artifacts/ (git-ignored); set KGGRAPH_README_SCREENSHOT=1 to refresh
docs/img/network-explorer.png.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from kg_chromium import CHROMIUM, Chromium
from rdflib import Dataset

from kggraph.network import Filters, analyse, build_network, citation_graph, layout
from kggraph.network_page import page_data, render_page, write_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
ID = "https://w3id.org/kggraph/id/"
HOSTILE = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>'
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium)"
)


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
