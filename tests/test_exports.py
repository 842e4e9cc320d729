"""Every export format of every fixture corpus: the same bytes in every process, and read
by two independent RDF parsers (rdflib and pyoxigraph) as the same quads (issue 10).

The exports are those of the session fixture ``exports`` (tests/conftest.py): two child
processes with different ``PYTHONHASHSEED`` write them; tests/test_audit_terms.py reads the
same files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CORPORA, FILE_FORMATS, STORE_FORMATS
from rdflib import Dataset

from kggraph.jsonld import CONTEXT_IRI, with_local_context


def names() -> list[str]:
    files = [f"{c}{e}" for c in CORPORA for e in FILE_FORMATS]
    stores = [f"{c}.store{e}" for c in CORPORA for e in STORE_FORMATS]
    return files + stores + [f"{c}.void.ttl" for c in CORPORA]


OX_FORMAT = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB_FORMAT = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
}


@pytest.mark.parametrize("name", names())
def test_export_is_byte_identical_across_hash_seeds(name: str, exports: tuple[Path, Path]) -> None:
    a, b = (d / name for d in exports)
    assert a.read_bytes() == b.read_bytes(), name
    assert a.stat().st_size > 1000


def _quads(data: bytes, ext: str) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """The quads, once as rdflib reads them and once as pyoxigraph reads them."""
    if ext == ".jsonld":
        data = with_local_context(data).encode()
    ds = Dataset()
    ds.parse(data=data, format=RDFLIB_FORMAT[ext])
    nquads = ds.serialize(format="nquads", encoding="utf-8")
    default = ox.NamedNode("urn:x-rdflib:default")
    by_rdflib = {
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        if q.graph_name == default
        else q
        for q in ox.parse(nquads, ox.RdfFormat.N_QUADS)
    }
    return by_rdflib, set(ox.parse(data, OX_FORMAT[ext]))


@pytest.mark.parametrize("name", names())
def test_export_reads_the_same_in_rdflib_and_pyoxigraph(
    name: str, exports: tuple[Path, Path]
) -> None:
    ext = Path(name).suffix
    data = (exports[0] / name).read_bytes()
    by_rdflib, by_ox = _quads(data, ext)
    assert by_rdflib == by_ox
    assert len(by_ox) > 100
    if ext in (".trig", ".nq", ".jsonld"):  # one named graph per document
        assert all(not isinstance(q.graph_name, ox.DefaultGraph) for q in by_ox)


def test_jsonld_names_the_published_context_and_is_compact(exports: tuple[Path, Path]) -> None:
    import json

    doc = json.loads((exports[0] / "text.jsonld").read_bytes())
    assert doc["@context"] == CONTEXT_IRI
    first = doc["@graph"][0]["@graph"][0]
    assert any(k.startswith(("schema:", "kgo:", "dcterms:")) for k in first)
    with pytest.raises(SyntaxError, match="remote context"):
        list(ox.parse((exports[0] / "text.jsonld").read_bytes(), ox.RdfFormat.JSON_LD))


def test_the_merged_export_of_all_fixtures_conforms_with_one_name_per_node(
    exports: tuple[Path, Path],
) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SKOS

    from kggraph.rdf import SCHEMA
    from kggraph.validate import validate_graph

    merged = Graph()
    for corpus in CORPORA:
        merged.parse(exports[0] / f"{corpus}.ttl", format="turtle")
    report = validate_graph(merged, name="all fixtures")
    violations = [f.render() for f in report.findings if f.severity == "Violation"]
    assert not violations, violations[:5]
    # the minister as 545, 593 and the PDFs spell her: one name, the spellings beside it
    faber = URIRef("https://w3id.org/kggraph/id/person/faber-van-de-klashorst")
    assert list(merged.objects(faber, SCHEMA.name)) == [Literal("Faber-Van de Klashorst")]
    spellings = {str(o) for o in merged.objects(faber, SKOS.altLabel)}
    assert "Faber – van de Klashorst" in spellings
    bzk = URIRef("https://w3id.org/kggraph/id/post/minister-bzk")
    assert list(merged.objects(bzk, SKOS.prefLabel)) == [
        Literal("Minister van Binnenlandse Zaken en Koninkrijksrelaties", lang="nl")
    ]
    # "… en koninkrijksrelaties" differs only in capitals: it takes the vocabulary's spelling;
    # the short "Minister van Binnenlandse Zaken" stays beside it
    assert set(merged.objects(bzk, SKOS.altLabel)) == {
        Literal("Minister van Binnenlandse Zaken", lang="nl")
    }


def test_who_held_a_post_when_across_the_fixtures(exports: tuple[Path, Path]) -> None:
    """ "Who held staatssecretaris BZK": each holder with the first and last day a document
    shows them in the post, from the tenures (org:Membership) every answer records."""
    store = ox.Store()
    for corpus in ("text", "pdf"):
        store.load(path=str(exports[0] / f"{corpus}.nq"), format=ox.RdfFormat.N_QUADS)
    query = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX kgo: <https://w3id.org/kggraph/ontology#>
    SELECT ?member (MIN(?on) AS ?first) (MAX(?on) AS ?last) WHERE {
      ?t a org:Membership ; org:member ?member ; kgo:heldOn ?on ;
         kgo:post <https://w3id.org/kggraph/id/post/staatssecretaris-bzk> .
    } GROUP BY ?member ORDER BY ?first ?member"""
    rows = [
        (s["member"].value.rsplit("/", 1)[1], s["first"].value, s["last"].value)
        for s in store.query(query, use_default_graph_as_union=True)  # type: ignore[union-attr]
    ]
    assert rows == [
        ("van-huffelen", "2024-01-26", "2024-03-07"),
        ("van-marum", "2024-11-18", "2024-11-18"),
        ("szabo", "2024-11-19", "2024-11-19"),
    ]


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_the_description_names_every_input_and_conforms(
    corpus: str, exports: tuple[Path, Path]
) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, VOID

    from kggraph.buildinfo import build_id
    from kggraph.dataset import CC0, SPDX, dataset_iri
    from kggraph.rdf import KGO
    from kggraph.validate import validate_graph

    g = Graph().parse(exports[0] / f"{corpus}.void.ttl", format="turtle")
    ds = dataset_iri()
    assert g.value(ds, DCTERMS.license) == CC0
    store = Dataset().parse(exports[0] / f"{corpus}.store.nq", format="nquads")
    docs = {g.identifier for g in store.graphs() if len(g)}
    assert set(g.subjects(VOID.inDataset, ds)) == docs
    build = g.value(ds, PROV.wasGeneratedBy)
    assert list(g.objects(build, KGO.builtWith)) == [Literal(build_id())]
    hashes = {str(o) for d in docs for o in store.graph(URIRef(str(d))).objects(d, KGO.contentHash)}
    used = {
        str(g.value(g.value(s, SPDX.checksum), SPDX.checksumValue))
        for s in g.objects(build, PROV.used)
    }
    assert used == hashes  # a file of several Aanhangsel items is one input
    report = validate_graph(g)
    assert report.conforms, report.findings
