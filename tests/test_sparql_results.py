"""Standard SPARQL answers, the same on every documented setup (issue 10).

A corpus with shared triples — the questions kv-tk-2024Z18792 and their answer document
ah-tk-20242025-605 both describe the questions document; 564 and 610 both cite Kamerstuk
33 529, nr. 1219 and name the same parties — is queried as graph files, as an on-disk
store, and through real Oxigraph servers with and without ``--union-default-graph``.
Answers are written by pyoxigraph's serializers and read back with rdflib's SPARQL result
parsers; the server's own answer to the same query is the reference.
"""

from __future__ import annotations

import io
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEXT
from oxserver import Server, running
from rdflib import XSD, Literal, URIRef
from rdflib.query import Result

from kggraph.cli import main
from kggraph.corpus import CorpusBuild
from kggraph.progress import Progress
from kggraph.query import bind_params, bundled_queries
from kggraph.sparql_text import inline_bindings
from kggraph.store import CorpusStore

ID = "https://w3id.org/kggraph/id/"
SHARED = (
    "kv-tk-2024Z18792.pdf.txt",
    "ah-tk-20242025-605.docx.txt",
    "ah-tk-20242025-564.pdf.txt",
    "ah-tk-20242025-610.docx.txt",
)
NUMBERED = sorted(n for n in bundled_queries() if n[0].isdigit())
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four documents built into graph files and into a store, in one folder."""
    root = tmp_path_factory.mktemp("shared")
    docs = root / "docs"
    docs.mkdir()
    for name in SHARED:
        shutil.copy(TEXT / name, docs / name)
    progress = CorpusBuild(CorpusStore.open(root / "store"), jobs=1).run(
        [docs], Progress(0, enabled=False)
    )
    assert (progress.built_count, progress.failures) == (4, [])
    assert main(["build", str(docs), "-o", str(root / "corpus.trig"), "-q"]) == 0
    return root


@pytest.fixture(scope="module")
def servers(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """Two Oxigraph servers holding the pushed store: with a union default graph, and
    without one (push --merge-default puts the merge there)."""
    root = tmp_path_factory.mktemp("servers")
    with running(root / "union") as union, running(root / "plain", union=False) as plain:
        store = str(corpus / "store")
        assert main(["push", "--store", store, "--endpoint", f"{union.url}/store", "-q"]) == 0
        push = ["push", "--store", store, "--endpoint", f"{plain.url}/store", "--merge-default"]
        assert main([*push, "-q"]) == 0
        yield {"union": union, "plain": plain}


def server_answer(server: Server, name: str, params: dict[str, str], fmt: str) -> bytes:
    """What the server itself returns for the query (parameters written in as kggraph does)."""
    q = bundled_queries()[name]
    text = inline_bindings(q.text, bind_params(q, params))
    body = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(f"{server.url}/query", data=body, headers={"Accept": MEDIA[fmt]})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data: bytes = resp.read()
    return data


def kggraph_answer(
    tmp_path: Path, source: list[str], name: str, params: dict[str, str], fmt: str
) -> bytes:
    out = tmp_path / f"answer.{fmt}"
    args = ["query", name, *source, "--format", fmt, "-o", str(out)]
    assert main([*args, *(f"--param={k}={v}" for k, v in params.items())]) == 0
    return out.read_bytes()


def parsed(data: bytes, fmt: str) -> list[tuple[object, ...]]:
    """Rows as rdflib reads them back (its SPARQL JSON/XML/CSV/TSV result parsers)."""
    result = Result.parse(io.BytesIO(data), format=fmt)
    variables = result.vars or []
    return [tuple(row[v] for v in variables) for row in result]  # type: ignore[index, call-overload]


def sources(corpus: Path, servers: dict[str, Server]) -> dict[str, list[str]]:
    return {
        "files": [str(corpus / "corpus.trig")],
        "store": ["--store", str(corpus / "store")],
        "union server": ["--endpoint", f"{servers['union'].url}/query"],
        "plain server": ["--endpoint", f"{servers['plain'].url}/query"],
    }


def test_the_corpus_shares_triples_between_document_graphs(corpus: Path) -> None:
    """Two documents say the same triple: both document graphs hold it (as exported and
    pushed), and the store keeps it once, in the graph of the node it is about."""
    store = CorpusStore.open(corpus / "store", read_only=True)
    kv = f"{ID}doc/kv-tk-2024Z18792"
    identifier = "http://purl.org/dc/terms/identifier"
    saying = [
        d
        for d in store.documents()
        if any(q.subject.value == kv and q.predicate.value == identifier for q in store.quads(d))
    ]
    assert saying == [f"{ID}doc/ah-tk-20242025-605", kv]
    q = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{kv}> <{identifier}> ?i }} }}"
    graphs = sorted(r["g"].value for r in store.store.query(q))  # type: ignore[union-attr]
    assert graphs == [kv]


@pytest.mark.parametrize("name", NUMBERED)
def test_every_bundled_query_gives_the_same_rows_on_every_setup(
    name: str, corpus: Path, servers: dict[str, Server], tmp_path: Path
) -> None:
    for params in ({}, {"doc": "ah-tk-20242025-564"}):
        if params and not any(p.name == "doc" for p in bundled_queries()[name].params):
            continue
        want = parsed(server_answer(servers["plain"], name, params, "json"), "json")
        assert want or params, f"{name}: no rows"
        assert len(set(want)) == len(want), f"{name}: duplicate rows"
        for setup, source in sources(corpus, servers).items():
            got = parsed(kggraph_answer(tmp_path, source, name, params, "json"), "json")
            assert got == want, (name, params, setup)


@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_each_result_format_reads_back_as_the_servers_own_answer(
    fmt: str, corpus: Path, servers: dict[str, Server], tmp_path: Path
) -> None:
    for name in ("01-askers", "04-dates", "06-laws"):
        want = parsed(server_answer(servers["union"], name, {}, fmt), fmt)
        for setup, source in sources(corpus, servers).items():
            data = kggraph_answer(tmp_path, source, name, {}, fmt)
            assert parsed(data, fmt) == want, (name, fmt, setup)
            if fmt == "csv":  # one record per row and the header; no stray empty record
                assert data.endswith(b"\r\n") and not data.endswith(b"\r\n\r\n")
                assert data.count(b"\r\n") == len(want) + 1 or b'"' in data


def test_json_results_keep_iris_typed_literals_and_language_tags(
    corpus: Path, tmp_path: Path
) -> None:
    store = ["--store", str(corpus / "store")]
    rows = parsed(
        kggraph_answer(tmp_path, store, "askers", {"doc": "ah-tk-20242025-564"}, "json"), "json"
    )
    doc, doc_id, asker, name, party, party_label = rows[0]
    assert doc == URIRef(f"{ID}doc/ah-tk-20242025-564")
    assert doc_id == Literal("ah-tk-20242025-564")
    assert asker == URIRef(f"{ID}person/bamenga-d66")
    assert party == URIRef(f"{ID}party/d66")
    assert party_label == Literal("Democraten 66", lang="nl")
    # "(ingezonden 11 oktober 2024)", "(ontvangen 18 november 2024)": 38 days
    dates = parsed(
        kggraph_answer(tmp_path, store, "dates", {"doc": "ah-tk-20242025-564"}, "json"), "json"
    )
    assert dates == [
        (
            URIRef(f"{ID}doc/ah-tk-20242025-564"),
            Literal("ah-tk-20242025-564"),
            Literal("answer"),
            Literal("2024-10-11", datatype=XSD.date),
            Literal("2024-11-18", datatype=XSD.date),
            Literal("38", datatype=XSD.integer),
        )
    ]


ASK = "ASK { ?q a <https://schema.org/Question> ; <http://purl.org/dc/terms/isPartOf> ?doc }"
CONSTRUCT = (
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "CONSTRUCT { ?doc dcterms:references ?k } WHERE { ?doc dcterms:references ?k . "
    "?k a <https://w3id.org/kggraph/ontology#Kamerstuk> }"
)
DESCRIBE = f"DESCRIBE <{ID}kamerstuk/kst-33529-1219>"


@pytest.mark.parametrize(
    ("query", "params", "fmt", "expected"),
    [
        (
            ASK,
            ["--param", f"doc={ID}doc/ah-tk-20242025-605"],
            "json",
            b'{"head":{},"boolean":true}',
        ),
        (ASK, ["--param", f"doc={ID}doc/none"], "table", b"false\n"),
        (ASK, ["--param", f"doc={ID}doc/ah-tk-20242025-605"], "xml", b"<boolean>true</boolean>"),
        (
            CONSTRUCT,
            ["--param", f"doc={ID}doc/ah-tk-20242025-564"],
            "ntriples",
            b"kst-33529-1219> .\n",
        ),
        (CONSTRUCT, [], "turtle", b"@prefix dcterms: <http://purl.org/dc/terms/> ."),
        (DESCRIBE, [], "ntriples", b'"kst-33529-1219" .\n'),
        (
            DESCRIBE,
            [],
            "jsonld",
            b'"@context": "https://w3id.org/kggraph/context.jsonld",\n "@id": "https://w3id.org/kggraph/id/kamerstuk/kst-33529-1219"',
        ),
    ],
)
def test_ask_construct_describe_answer_alike_on_files_store_and_servers(
    query: str,
    params: list[str],
    fmt: str,
    expected: bytes,
    corpus: Path,
    servers: dict[str, Server],
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    outputs = {}
    for setup, source in sources(corpus, servers).items():
        assert main(["query", query, *source, *params, "--format", fmt]) == 0, setup
        outputs[setup] = capsysbinary.readouterr().out
    assert len(set(outputs.values())) == 1, outputs
    assert expected in outputs["store"]


def test_graph_answers_parse_as_rdf(corpus: Path, tmp_path: Path) -> None:
    import pyoxigraph as ox
    from rdflib import Graph

    out = tmp_path / "kst.ttl"
    assert main(["query", DESCRIBE, "--store", str(corpus / "store"), "-o", str(out)]) == 0
    g = Graph().parse(out, format="turtle")
    kst = URIRef(f"{ID}kamerstuk/kst-33529-1219")
    assert g.value(kst, URIRef("http://purl.org/dc/terms/identifier")) == Literal("kst-33529-1219")
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))) == len(g)


def test_unknown_parameter_and_wrong_format_are_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(corpus / "store")]
    assert main(["query", "askers", *store, "--param", "document=ah-tk-20242025-564"]) == 2
    assert "unknown parameter 'document': query 01-askers takes doc" in capsys.readouterr().err
    assert main(["query", ASK, *store, "--param", "dok=x"]) == 2
    assert "has no variable ?dok" in capsys.readouterr().err
    assert main(["query", "askers", *store, "--format", "turtle"]) == 2
    assert "rows are table, csv, tsv, json or xml" in capsys.readouterr().err
    assert main(["query", "askers", *store, "-o", str(tmp_path / "x.pdf")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
