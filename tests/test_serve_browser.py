"""``kggraph serve`` in a real headless Chromium (``tests/kg_chromium.py``): the pages render
without console errors, every request stays on the local server, hostile titles, names and
URLs stay inert text, and YASGUI runs a bundled query. Screenshots go to tests/artifacts/;
``KGGRAPH_README_SCREENSHOT=1`` refreshes docs/img/serve-document.png and serve-insight.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
from kg_chromium import CHROMIUM, Chromium
from kg_serve import ROOT, Served, build_store

ARTIFACTS = ROOT / "tests" / "artifacts"
FIXTURES = ROOT / "tests" / "fixtures"
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium)"
)
LOADED = "document.readyState === 'complete'"


@pytest.fixture()
def browser() -> Iterator[Chromium]:
    b = Chromium()
    try:
        b.open_page(1280, 900)
        yield b
    finally:
        b.close()


def _foreign(b: Chromium, server: Served) -> list[str]:
    """Every request the page made that did not go to the local server."""
    return [u for u in b.requests() if not u.startswith((server.url + "/", "data:"))]


def _visit(b: Chromium, server: Served, path: str, ready: str = "true") -> None:
    b.navigate(server.url + path, ready)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Kamervragen en antwoorden"),
        ("/doc/ah-tk-20232024-1314",
         "het bericht «Kritiek op besluit provincie Friesland tegen actief regenboogbeleid»"),
        ("/person/dijkgraaf", "Dijkgraaf"),
        ("/party/sp", "Socialistische Partij"),
        ("/ministry/ocw", "Ministerie van Onderwijs, Cultuur en Wetenschap"),
        ("/law/BWBR0001840", "Grondwet"),
        ("/outlet/nos", "NOS"),
        ("/insights/reply-times", "Antwoordtermijnen"),
        ("/doc", "Documenten 2024"),
    ],
)  # fmt: skip
def test_pages_render_without_errors_or_outside_requests(
    browser: Chromium, served: Served, path: str, heading: str
) -> None:
    _visit(browser, served, path)
    assert browser.js("document.querySelector('h1').textContent") == heading
    # every image (the plots) has loaded
    browser.wait_for("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert browser.problems() == []
    assert _foreign(browser, served) == []


def test_document_page_in_the_browser(browser: Chromium, served: Served) -> None:
    _visit(browser, served, "/doc/ah-tk-20232024-1314")
    groups = browser.js(
        "[...document.querySelectorAll('.qa')].map(g => [g.querySelectorAll('.question').length,"
        " [...g.querySelectorAll('.answer h3 > a')].map(a => a.textContent)])"
    )
    assert groups == [[1, ["Antwoord 1"]], [1, ["Antwoord 2"]], [3, ["Antwoord 3, 4 en 5"]],
                      [1, ["Antwoord 6"]]]  # fmt: skip
    # question and answer stand side by side
    left, right = browser.js(
        "(() => { const g = document.querySelectorAll('.qa')[2];"
        " return [g.querySelector('.q').getBoundingClientRect().left,"
        " g.querySelector('.a').getBoundingClientRect().left]; })()"
    )
    assert right > left + 300
    # the footnote marker of Vraag 3 leads to footnote 2
    browser.js("document.querySelector('#question-ah-tk-20232024-1314-3 .fnrefs a').click()")
    assert browser.js("location.hash") == "#fn-2"
    shot = browser.screenshot(ARTIFACTS / "serve-document.png")
    if os.environ.get("KGGRAPH_README_SCREENSHOT"):
        _readme_png(shot, "serve-document.png")
    assert browser.problems() == []
    assert _foreign(browser, served) == []


def test_insight_page_and_network_explorer(browser: Chromium, served: Served) -> None:
    _visit(browser, served, "/insights/reply-times")
    browser.wait_for("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert browser.js("document.images.length") == 3
    assert browser.js(
        "[...document.querySelectorAll('figcaption a[download]')].map(a => a.getAttribute('href'))"
    ) == [
        "/insights/reply-times/per-ministry.csv",
        "/insights/reply-times/per-year.csv",
        "/insights/reply-times/per-ministry-year.csv",
    ]
    shot = browser.screenshot(ARTIFACTS / "serve-insight.png")
    if os.environ.get("KGGRAPH_README_SCREENSHOT"):
        _readme_png(shot, "serve-insight.png")
    _visit(browser, served, "/insights/network?year=2024&top=20")
    browser.wait_for(
        "document.querySelector('iframe').contentDocument?.body?.dataset.ready === '1'"
    )
    nodes = browser.js(
        "document.querySelector('iframe').contentWindow.kgExplorer.cy.nodes().length"
    )
    assert nodes == int(
        browser.js("document.querySelector('.lead').textContent.match(/(\\d+) knopen/)[1]")
    )
    assert browser.problems() == []
    assert _foreign(browser, served) == []


def _readme_png(png: bytes, name: str) -> None:
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
    img.save(ROOT / "docs" / "img" / name, optimize=True)


# --- hostile data -------------------------------------------------------------------------

HOSTILE_GRAPH = """
@prefix kgo: <https://w3id.org/kggraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/kggraph/id/> .
id:doc/ah-tk-20242025-9999 a kgo:Document, kgo:AanhangselItem ;
  dcterms:identifier "ah-tk-20242025-9999" ; kgo:documentKind "answer" ;
  dcterms:title {h} ; schema:url "javascript:alert(3)"^^xsd:anyURI ;
  dcterms:dateSubmitted "2024-10-01"^^xsd:date ; kgo:dateReceived "2024-10-30"^^xsd:date ;
  kgo:answerDays 29 ; kgo:askedBy id:person/evil ; kgo:answeredBy id:person/evil ;
  kgo:answeredAs id:post/evil ; kgo:addressedTo id:post/evil ;
  dcterms:references id:web/evil, id:web/quote ;
  dcterms:hasPart id:question/ah-tk-20242025-9999-1, id:footnote/ah-tk-20242025-9999-1 .
id:person/evil a schema:Person ; schema:name {h} ; schema:memberOf id:party/evil .
id:party/evil a schema:PoliticalParty ; skos:prefLabel {h} .
id:post/evil a org:Post ; skos:prefLabel {h} ; org:heldBy id:person/evil ;
  org:postIn id:ministry/evil .
id:ministry/evil a schema:GovernmentOrganization ; skos:prefLabel {h} .
id:question/ah-tk-20242025-9999-1 a schema:Question ; kgo:number 1 ; rdfs:label {h} ;
  dcterms:isPartOf id:doc/ah-tk-20242025-9999 ; schema:text {h} ;
  kgo:hasFootnote id:footnote/ah-tk-20242025-9999-1 .
id:footnote/ah-tk-20242025-9999-1 a kgo:Footnote ; kgo:number 1 ;
  schema:text "javascript:alert(4)" ; dcterms:isPartOf id:doc/ah-tk-20242025-9999 ;
  cito:cites id:web/evil .
id:web/evil a schema:WebPage ; schema:url "javascript:alert(5)"^^xsd:anyURI ; schema:name {h} .
id:web/quote a schema:NewsArticle ; schema:name {h} ; schema:publisher id:outlet/evil ;
  schema:url "https://example.org/a\\"><script>alert(6)</script>"^^xsd:anyURI .
id:outlet/evil a schema:NewsMediaOrganization ; skos:prefLabel {h} .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Two real documents and one whose every text and URL is hostile."""
    folder = tmp_path_factory.mktemp("hostile-docs")
    for name in ("ah-tk-20242025-545.pdf.txt", "ah-tk-20242025-564.pdf.txt"):
        (folder / name).write_bytes((FIXTURES / "text" / name).read_bytes())
    store = build_store(tmp_path_factory.mktemp("hostile") / "store", folder)
    literal = '"' + HOSTILE.replace("\\", "\\\\").replace('"', '\\"') + '"'
    graph = re.sub(r"\bid:([a-z]+/[\w-]+)", r"<https://w3id.org/kggraph/id/\1>", HOSTILE_GRAPH)
    graph = graph.replace("{h}", literal)
    script = textwrap.dedent(
        """
        import sys, pyoxigraph as ox
        from kggraph.store import CorpusStore
        doc = "https://w3id.org/kggraph/id/doc/ah-tk-20242025-9999"
        quads = ox.parse(sys.stdin.buffer.read(), format=ox.RdfFormat.TURTLE)
        nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        CorpusStore.open(sys.argv[1]).replace(doc, nt)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(store)], input=graph.encode(),
                          capture_output=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    server = Served(["--store", str(store)], tmp_path_factory.mktemp("hostile-log") / "log")
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize(
    "path",
    [
        "/doc/ah-tk-20242025-9999",
        "/person/evil",
        "/party/evil",
        "/ministry/evil",
        "/outlet/evil",
        "/web/evil",
        "/question/ah-tk-20242025-9999-1",
        "/doc",
        "/party",
        "/insights/reply-times",
        "/insights/outlets",
    ],
)
def test_hostile_text_and_urls_stay_inert(browser: Chromium, hostile: Served, path: str) -> None:
    _visit(browser, hostile, path)
    browser.wait_for("[...document.images].every(i => i.complete)")
    assert browser.js("document.querySelectorAll('script').length") == 0
    assert (
        browser.js("[...document.images].filter(i => !i.src.startsWith(location.origin)).length")
        == 0
    )
    assert (
        browser.js(
            "[...document.querySelectorAll('[href], [src]')].filter(e =>"
            " !/^(https?:|data:|#|\\/|\\?)/.test(e.getAttribute('href') ?? e.getAttribute('src')))"
            ".map(e => e.outerHTML)"
        )
        == []
    )
    body = browser.js("document.body.innerText")
    if path not in ("/doc", "/party") and not path.startswith("/insights"):
        assert HOSTILE in body
    browser.screenshot(ARTIFACTS / f"serve-hostile{path.replace('/', '-')}.png")
    assert browser.problems() == []
    assert _foreign(browser, hostile) == []


def test_hostile_document_title_and_links(browser: Chromium, hostile: Served) -> None:
    _visit(browser, hostile, "/doc/ah-tk-20242025-9999")
    assert browser.js("document.title") == f"{'ah-tk-20242025-9999'} · kggraph"
    assert browser.js("document.querySelector('h1').textContent") == HOSTILE
    # a javascript: URL is shown as text, never as a link; an http URL with quotes stays one link
    assert browser.js("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert "javascript:alert(5)" in browser.js("document.body.innerText")
    quote = browser.js(
        "[...document.querySelectorAll('a.ext')].map(a => a.getAttribute('href'))"
        ".filter(h => h.startsWith('https://example.org/'))"
    )
    assert quote == ['https://example.org/a"><script>alert(6)</script>']
    assert browser.problems() == []


def test_yasgui_runs_a_bundled_query(browser: Chromium, served: Served) -> None:
    import json

    _visit(browser, served, "/query?q=01-askers", "document.body.dataset.ready === '1'")
    # the example buttons are the bundled queries; one opens its query in a new tab
    assert browser.js("document.querySelectorAll('#examples button').length") == 14
    browser.js("document.querySelector('#examples button[data-query=\"04-dates\"]').click()")
    assert browser.js("kgYasgui.getTab().getName()") == "04-dates"
    assert browser.js("kgYasgui.getTab().getQuery()").startswith(
        "# title: When the questions were submitted and answered"
    )
    browser.js("document.querySelector('.yasqe_queryButton').click()")
    browser.wait_for("document.querySelectorAll('.yasr .dataTable tbody tr').length > 0")
    expected = json.loads(served.sparql(browser.js("kgYasgui.getTab().getQuery()")).body)
    rows = len(expected["results"]["bindings"])
    assert browser.js("document.querySelectorAll('.yasr .dataTable tbody tr').length") == min(
        rows, 50
    )
    first = browser.js(
        "[...document.querySelectorAll('.yasr .dataTable tbody tr')[0].cells].map(c => c.innerText)"
    )
    assert expected["results"]["bindings"][0]["docId"]["value"] in first
    browser.screenshot(ARTIFACTS / "serve-yasgui.png")
    assert browser.problems() == []
    assert _foreign(browser, served) == []
