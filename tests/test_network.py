"""Citation networks (issue 5) on the real fixtures: the IND document and the whole corpus.

Expected values are read off the documents themselves: e.g. Kamerstuk 33 529, nr. 1219 is
cited in ah-tk-20242025-564 (PDF text) and ah-tk-20242025-610 (Word text), and NOS
articles (nos.nl) are cited in five documents.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset

from kggraph.cli import main
from kggraph.network import (
    Filters,
    build_network,
    citation_graph,
    layout,
    load_citation_data,
    outlet_counts,
    ranking,
)
from kggraph.network_draw import draw_network
from kggraph.network_export import clean_xml, gexf_bytes, graphml_bytes, network_json
from kggraph.network_page import embed_json, page_data, render_page
from kggraph.query import OxigraphBackend, RdflibBackend

FIXTURES = Path(__file__).parent / "fixtures"
IND = FIXTURES / "text" / "kamervragen-2022-ind-erkend-referenten.txt"
IND_ID = "kamervragen-2022-ind-erkend-referenten"
ID = "https://w3id.org/kggraph/id/"
HOSTILE = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>'


def _dataset(graphs) -> Dataset:  # type: ignore[no-untyped-def]
    ds = Dataset(default_union=True)
    for g in graphs:
        target = ds.graph(g.identifier)
        for t in g:
            target.add(t)
    return ds


@pytest.fixture(scope="module")
def ind_data():  # type: ignore[no-untyped-def]
    from kggraph.pipeline import process_file

    result = process_file(IND, identifier=IND_ID)
    return load_citation_data(RdflibBackend(_dataset([result.graph])))


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """All of tests/fixtures (text and PDF) built into one TriG file."""
    from kggraph.graphio import write_graphs
    from kggraph.pipeline import Failure, process_many

    results = list(process_many([FIXTURES / "text", FIXTURES / "pdf"], validate=False))
    failures = [r for r in results if isinstance(r, Failure)]
    assert not failures, failures
    path = tmp_path_factory.mktemp("corpus") / "corpus.trig"
    write_graphs([r.graph for r in results], path)  # type: ignore[union-attr]
    return path


@pytest.fixture(scope="module")
def corpus_data(corpus_file):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(corpus_file), format=ox.RdfFormat.TRIG)
    return load_citation_data(OxigraphBackend(store))


def _by_type(g: nx.Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n, a in g.nodes(data=True):
        for kind in str(a.get("kinds") or a["type"]).split():
            out.setdefault(kind, set()).add(n.removeprefix(ID))
    return out


def test_ind_document_network_has_its_citations_typed(ind_data) -> None:  # type: ignore[no-untyped-def]
    g = citation_graph(ind_data)
    types = _by_type(g)
    assert types["document"] == {f"doc/{IND_ID}"}
    assert types["motion"] == {
        "kamerstuk/kst-35510-21",  # motie Marijnissen c.s.
        "kamerstuk/kst-35510-16",  # motie Klaver c.s.
        "kamerstuk/kst-26643-835",  # motie Bouchallikh en Dekker-Abdulaziz
        "kamerstuk/kst-35925-VII-39",  # motie Van Baarle c.s.
        "kamerstuk/kst-35510-33",  # motie Azarkan
    }
    assert types["kamerstuk"] == types["motion"] | {
        "kamerstuk/kst-30950-281",
        "kamerstuk/kst-26643-570",
    }
    assert types["law"] == {
        "law/BWBR0001840",  # Grondwet
        "law/BWBR0005252",  # Wob
        "law/BWBR0014194",  # Wjsg
        "law/BWBR0022463",  # Wpg
        "law/BWBR0033715",  # Wet BRP
        "law/BWBR0045754",  # Woo
        "law/celex-32016R0679",  # AVG
        "law/stb-2010-290",  # Wet modern migratiebeleid
    }
    web = {n for n, a in g.nodes(data=True) if a["type"] in ("news", "report", "webpage")}
    assert len(web) == 8
    assert {g.nodes[n]["url"] for n in web} == {
        "https://www.vpro.nl/argos/lees/onderwerpen/artikelen/2022/"
        "ind-registreerde-afkomst-voor-risicoprofilering.html",
        "https://www.nrc.nl/nieuws/2022/05/06/ind-verzweeg-een-dikke-error-met-kennismigranten-a4123661",
        "https://www.rijksoverheid.nl/documenten/rapporten/2021/02/25/"
        "impact-assessment-mensenrechten-en-algoritme",
        "https://www.cip-overheid.nl/media/1574/20170507-handleiding-privacy-by-design-v3_0.pdf",
        "https://www.rijksoverheid.nl/documenten/rapporten/2021/06/10/"
        "handreiking-non-discriminatie-by-design",
        "https://www.rekenkamer.nl/onderwerpen/algoritmes/algoritmes-toetsingskader",
        "https://www.rekenkamer.nl/publicaties/rapporten/2021/01/26/aandacht-voor-algoritmes",
        "https://www.raadvanstate.nl/@112661/w04-18-0230/",
    }
    doc = g.nodes[f"{ID}doc/{IND_ID}"]
    assert (doc["date"], doc["parties"]) == ("2022-06-24", "Socialistische Partij")
    assert g.nodes[f"{ID}kamerstuk/kst-35925-VII-39"]["url"] == (
        "https://zoek.officielebekendmakingen.nl/kst-35925-VII-39.html"
    )
    assert all(g.has_edge(f"{ID}doc/{IND_ID}", n) for n in g if n != f"{ID}doc/{IND_ID}")


def test_ind_cocitation_links_the_motions_cited_together(ind_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(ind_data, "cocitation", Filters(types=frozenset({"motion"})))
    assert len(g) == 5
    assert g.number_of_edges() == 10  # one document cites all five: a clique
    assert {w for _, _, w in g.edges(data="weight")} == {1}


def test_filters_party_ministry_date(ind_data) -> None:  # type: ignore[no-untyped-def]
    assert len(citation_graph(ind_data, Filters(party="sp"))) == len(citation_graph(ind_data))
    assert len(citation_graph(ind_data, Filters(party="VVD"))) == 0
    assert len(citation_graph(ind_data, Filters(ministry="justitie en veiligheid"))) > 0
    assert len(citation_graph(ind_data, Filters(ministry="Defensie"))) == 0
    assert len(citation_graph(ind_data, Filters(date_from=date(2022, 6, 25)))) == 0
    assert len(citation_graph(ind_data, Filters(date_to=date(2022, 6, 24)))) > 0


def test_corpus_most_cited_kamerstukken_and_outlets(corpus_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "citations")
    top = ranking(g, 3, types=["kamerstuk"])
    assert (top[0][1], top[0][3]) == ("Kamerstuk 33529, nr. 1219 (kst-33529-1219)", "2")
    assert g.nodes[f"{ID}kamerstuk/kst-33529-1219"]["kinds"] == "motion kamerstuk"
    assert all(int(row[3]) == 1 for row in top[1:])  # every other Kamerstuk is cited once
    kst = f"{ID}kamerstuk/kst-33529-1219"
    assert {p.removeprefix(ID) for p in g.predecessors(kst)} == {
        "doc/ah-tk-20242025-564",
        "doc/ah-tk-20242025-610",
    }
    outlets = outlet_counts(g)
    assert outlets[0] == ("NOS", "nos.nl", "5", "5", "5")
    nos = {p.removeprefix(ID) for n, a in g.nodes(data=True) if a.get("domain") == "nos.nl"
           for p in g.predecessors(n)}  # fmt: skip
    assert nos == {
        "doc/ah-tk-20232024-1314",
        "doc/ah-tk-20232024-2395",
        "doc/ah-tk-20242025-597",
        "doc/ah-tk-20242025-599",
        "doc/kv-tk-2024Z18658",
    }
    assert outlet_counts(build_network(corpus_data, "sources"))[0] == outlets[0]


def test_corpus_coupling_links_documents_citing_the_same_kamerstuk(corpus_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "coupling", Filters(types=frozenset({"kamerstuk"})))
    a, b = f"{ID}doc/ah-tk-20242025-564", f"{ID}doc/ah-tk-20242025-610"
    assert set(g.edges()) == {(a, b)} or set(g.edges()) == {(b, a)}
    assert g[a][b]["weight"] == 1
    assert g[a][b]["shared"] == "Kamerstuk 33529, nr. 1219 (kst-33529-1219)"
    assert g.nodes[a]["community"] == g.nodes[b]["community"]


def test_min_weight_and_date_filters_on_the_corpus(corpus_data) -> None:  # type: ignore[no-untyped-def]
    full = build_network(corpus_data, "citations")
    g = build_network(corpus_data, "citations", Filters(min_weight=2))
    things = {n for n, t in full.nodes(data="type") if t != "document"}
    kept = {n for n, t in g.nodes(data="type") if t != "document"}
    assert kept == {n for n in things if full.in_degree(n) >= 2}
    assert f"{ID}kamerstuk/kst-33529-1219" in kept and len(kept) < len(things)
    assert all(g.degree(n) > 0 for n in g)
    november = build_network(
        corpus_data, "citations", Filters(date_from=date(2024, 11, 1), date_to=date(2024, 11, 30))
    )
    dates = {a["date"] for _, a in november.nodes(data=True) if a["type"] == "document"}
    expected = {d.date for d in corpus_data.docs.values() if d.date.startswith("2024-11")}
    assert dates == expected and dates


def test_rdflib_and_oxigraph_give_the_same_network(corpus_file, corpus_data) -> None:  # type: ignore[no-untyped-def]
    from kggraph.graphio import read_dataset

    slow = load_citation_data(RdflibBackend(read_dataset([corpus_file])))
    assert slow.edges == corpus_data.edges
    assert slow.targets == corpus_data.targets
    assert slow.docs == corpus_data.docs


def _hostile_graph() -> nx.DiGraph:
    g = nx.DiGraph(network="citations")
    g.add_node("d", type="document", label="doc\x0c1\x00", date="2024-01-02", url="", title=HOSTILE)
    g.add_node("t", type="report", label=HOSTILE, url="javascript:alert(3)", kinds="report")
    g.add_edge("d", "t", weight=1)
    from kggraph.network import analyse

    analyse(g)
    return g


def test_gephi_files_round_trip_with_types_labels_dates_weights(corpus_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "coupling")
    pos = layout(g)
    for data in (graphml_bytes(g), gexf_bytes(g, pos)):
        ET.fromstring(data)  # well-formed XML
    back = nx.read_graphml(_tmp(graphml_bytes(g), ".graphml"))
    a = f"{ID}doc/ah-tk-20242025-564"
    assert back.nodes[a]["type"] == "document"
    assert back.nodes[a]["label"] == "ah-tk-20242025-564"
    assert back.nodes[a]["date"] == corpus_data.docs[a].date
    root = gexf_valid(gexf_bytes(g, pos))
    ns = {"g": "http://gexf.net/1.3"}
    titles = {a.get("id"): a.get("title") for a in root.iterfind(".//g:attribute", ns)}
    node = root.find(f".//g:node[@id='{a}']", ns)
    assert node is not None and node.get("label") == "ah-tk-20242025-564"
    values = {titles[v.get("for")]: v.get("value") for v in node.iterfind(".//g:attvalue", ns)}
    assert values["type"] == "document"
    assert node.find("g:position", ns) is not None
    weights = {frozenset((a, b)): float(w) for a, b, w in g.edges(data="weight")}
    edges = root.findall(".//g:edge", ns)
    assert {
        frozenset((e.get("source"), e.get("target"))): float(e.get("weight")) for e in edges
    } == weights
    assert len(edges) == g.number_of_edges()


GEXF_SCHEMA = Path(__file__).parent / "gexf" / "1.3" / "gexf.xsd"


def gexf_valid(data: bytes) -> Any:
    """``data`` parsed with lxml after validating it against the official GEXF 1.3 schema."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    doc = etree.fromstring(data)
    assert schema.validate(doc), [e.message for e in schema.error_log][:5]
    return doc


@pytest.mark.parametrize("kind", ["citations", "coupling", "cocitation", "sources"])
def test_every_gexf_export_validates_against_the_gexf_schema(corpus_data, kind: str) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, kind)
    data = gexf_bytes(g, layout(g))
    root = gexf_valid(data)
    assert len(root.findall(".//{http://gexf.net/1.3}node")) == g.number_of_nodes() > 0
    assert data == gexf_bytes(g, layout(g))  # no date or other run-dependent content


def test_xml_illegal_characters_are_stripped() -> None:
    g = _hostile_graph()
    data = graphml_bytes(g)
    ET.fromstring(data)
    gexf_valid(gexf_bytes(g))
    assert nx.read_graphml(_tmp(data, ".graphml")).nodes["d"]["label"] == "doc1"
    assert clean_xml("ok\x01\ufffe\U0001f600") == "ok\U0001f600"


def test_json_for_web_tools(corpus_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "citations")
    data = json.loads(json.dumps(network_json(g, layout(g))))
    assert (len(data["nodes"]), len(data["edges"])) == (len(g), g.number_of_edges())
    assert data["directed"] is True and "kamerstuk" in data["types"]
    assert all(-1.01 <= n["x"] <= 1.01 and -1.01 <= n["y"] <= 1.01 for n in data["nodes"])


def test_static_pictures(tmp_path: Path, corpus_data) -> None:  # type: ignore[no-untyped-def]
    g = build_network(corpus_data, "citations")
    pos = layout(g)
    draw_network(g, pos, tmp_path / "net.png")
    draw_network(g, pos, tmp_path / "net.svg")
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "net.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)
    for legend in ("Motie", "Kamerstuk", "Aanhangsel item", "Webpagina"):
        assert legend in svg
    strongest = max(g.nodes(data=True), key=lambda na: (na[1]["strength"], -na[1]["pagerank"]))
    assert strongest[1]["label"][:30] in svg  # the most-cited node is labelled


def test_page_keeps_hostile_text_as_data() -> None:
    g = _hostile_graph()
    html = render_page(page_data(g, layout(g), title=HOSTILE))
    assert "<img src=x" not in html and "<script>alert" not in html
    start = html.index('<script type="application/json" id="kg-data">') + 45
    payload = json.loads(html[start : html.index("</script>", start)])
    assert {n["l"] for n in payload["nodes"]} == {"doc\x0c1\x00", HOSTILE}
    assert embed_json("a</script>&") == '"a\\u003c/script\\u003e\\u0026"'
    assert "https://" not in html.split("<script", 1)[0].replace("https://w3id", "")


def test_page_allows_only_its_own_scripts() -> None:
    import base64
    import hashlib
    import re

    html = render_page(page_data(_hostile_graph(), {}))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 2
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)
    assert (
        "default-src 'none'" in csp.group(1)
        and "unsafe-inline" not in csp.group(1).split("style-src")[0]
    )


def test_cli_network_from_files_and_store(tmp_path: Path, corpus_file, capsys) -> None:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    outs = [tmp_path / f"net.{ext}" for ext in ("graphml", "gexf", "json", "csv", "svg", "html")]
    args = ["network", str(corpus_file), "--type", "kamerstuk", "--top", "3"]
    assert main([*args, *(a for o in outs for a in ("-o", str(o)))]) == 0
    table = capsys.readouterr().out
    assert "kst-33529-1219" in table.splitlines()[2]
    assert all(o.stat().st_size > 0 for o in outs)
    gexf_valid((tmp_path / "net.gexf").read_bytes())  # the file the command wrote
    csv_rows = (tmp_path / "net.csv").read_text(encoding="utf-8").splitlines()
    assert csv_rows[0] == "rank,label,type,cited_by,strength,pagerank,community,url"
    from kggraph.store import CorpusStore

    store_dir = tmp_path / "store"
    store = CorpusStore.open(store_dir)  # each graph of the file, laid out as a build does
    graphs: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(path=str(corpus_file), format=ox.RdfFormat.TRIG):
        graphs.setdefault(q.graph_name.value, []).append(q.triple)  # type: ignore[union-attr]
    for name, triples in sorted(graphs.items()):
        store.replace(name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    store.flush()
    del store
    assert main(["network", "--store", str(store_dir), "--kind", "sources", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "NOS" in out and "nos.nl" in out
    assert main(["network", str(corpus_file), "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["network"]) == 2


def _tmp(data: bytes, suffix: str) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as fh:
        fh.write(data)
    return fh.name
