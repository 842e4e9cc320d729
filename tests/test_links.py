"""Official identifiers as links (issue 10): every address a node carries as a string
(``schema:url``) is also a link (``schema:sameAs``), ministries link to their TOOI IRI,
court decisions to rechtspraak.nl's IRI, laws to wetten.overheid.nl; Dutch text is @nl.
A cited address that is no valid IRI stays a string, and the document still builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, XSD

from kggraph.pipeline import process_file
from kggraph.rdf import SCHEMA, add_links

FIXTURE = Path(__file__).parent / "fixtures" / "text" / "ah-tk-20242025-564.pdf.txt"
ID = "https://w3id.org/kggraph/id/"
OB = "https://zoek.officielebekendmakingen.nl/"
DVHN = "dvhn.nl/drenthe/noordenveld/Kloof-tussen-NAM-en-bewoners-ook-in-Drenthe-groot-29236849.html"


@pytest.fixture(scope="module")
def graph() -> Graph:
    result = process_file(FIXTURE, sandbox=False)
    assert result.report is not None and result.report.conforms
    return result.graph


def links(g: Graph, prop: URIRef) -> dict[str, str]:
    return {str(s)[len(ID) :]: str(o) for s, o in g.subject_objects(prop)}


def test_every_url_is_also_a_link(graph: Graph) -> None:
    assert links(graph, SCHEMA.sameAs) == {
        "doc/ah-tk-20242025-564": OB + "ah-tk-20242025-564.html",
        "kamerstuk/kst-36441-24": OB + "kst-36441-24.html",
        "kamerstuk/kst-36095-5": OB + "kst-36095-5.html",
        "kamerstuk/kst-33529-1219": OB + "kst-33529-1219.html",
        "law/BWBR0014168": "https://wetten.overheid.nl/BWBR0014168",
        "ecli/ECLI-NL-RVS-2024-3946": "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2024:3946",
        "ecli/ECLI-NL-RVS-2024-3951": "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2024:3951",
        "ecli/ECLI-NL-RVS-2024-3958": "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2024:3958",
        "ecli/ECLI-NL-RVS-2024-3976": "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2024:3976",
        "web/c9402a8833d3d199": "https://" + DVHN,
        "web/36e9e626869c386a": "https://www." + DVHN,
    }
    for s, o in graph.subject_objects(SCHEMA.sameAs):  # the strings stay for the queries
        assert graph.value(s, SCHEMA.url) == Literal(str(o), datatype=XSD.anyURI)


def test_identifiers_of_other_registers(graph: Graph) -> None:
    deeplink = "http://deeplink.rechtspraak.nl/uitspraak?id=ECLI:NL:RVS:2024:"
    assert links(graph, OWL.sameAs) == {
        "party/sp": "http://www.wikidata.org/entity/Q849580",
        "party/d66": "http://www.wikidata.org/entity/Q747910",
        "organisation/tweede-kamer": "http://www.wikidata.org/entity/Q233262",
        "ministry/bzk": "https://identifier.overheid.nl/tooi/id/ministerie/mnre1034",
        "ministry/kgg": "https://identifier.overheid.nl/tooi/id/ministerie/mnre1182",
        **{f"ecli/ECLI-NL-RVS-2024-{n}": deeplink + n for n in ("3946", "3951", "3958", "3976")},
    }


def test_dutch_text_is_tagged(graph: Graph) -> None:
    doc = URIRef(ID + "doc/ah-tk-20242025-564")
    title = graph.value(doc, DCTERMS.title)
    assert isinstance(title, Literal) and title.language == "nl"
    q1 = URIRef(ID + "question/ah-tk-20242025-564-1")
    assert graph.value(q1, RDFS.label) == Literal("Vraag 1", lang="nl")
    assert graph.value(q1, SCHEMA.text).language == "nl"  # type: ignore[union-attr]
    kst = URIRef(ID + "kamerstuk/kst-33529-1219")
    assert graph.value(kst, RDFS.label) == Literal("Kamerstuk 33529, nr. 1219", lang="nl")
    untagged = {
        str(p)
        for _, p, o in graph
        if isinstance(o, Literal)
        and o.language is None
        and p in (DCTERMS.title, SCHEMA.text, RDFS.label)
    }
    assert untagged == set()


def test_a_broken_address_stays_a_string(tmp_path: Path) -> None:
    copy = tmp_path / FIXTURE.name
    text = FIXTURE.read_text(encoding="utf-8")
    copy.write_text(text.replace("2024, " + DVHN, "2024, " + DVHN.replace("noord", "noord%zz"), 1))
    result = process_file(copy, sandbox=False)
    assert result.report is not None and result.report.conforms
    broken = "https://" + DVHN.replace("noord", "noord%zz")
    (node,) = result.graph.subjects(SCHEMA.url, Literal(broken, datatype=XSD.anyURI))
    assert list(result.graph.objects(node, SCHEMA.sameAs)) == []


def test_add_links_skips_what_is_no_iri() -> None:
    g = Graph()
    ok, spaced, bare = (URIRef(f"{ID}web/{n}") for n in ("a", "b", "c"))
    g.add((ok, SCHEMA.url, Literal("https://nos.nl/artikel/1", datatype=XSD.anyURI)))
    g.add((spaced, SCHEMA.url, Literal("https://www.rijksoverheid.nl/a b", datatype=XSD.anyURI)))
    g.add((bare, SCHEMA.url, Literal("nos.nl/artikel/1", datatype=XSD.anyURI)))
    add_links(g)
    assert set(g.subject_objects(SCHEMA.sameAs)) == {(ok, URIRef("https://nos.nl/artikel/1"))}
