"""A description of a build, for catalogues and for whoever checks where the data came from:
VoID and DCAT for the dataset, a PROV activity for the build that names the kggraph that
made the graphs, each input file with its SHA-256, and the licence.

It holds no clock time, so the same graphs always give the same bytes (the description is
written like every other export, sorted, by :func:`kggraph.graphio.serialize`).

>>> doc = DEFAULT_BASE + "doc/ah-tk-20212022-2942"
>>> g = describe([Input(doc, "a.pdf", "ab" * 32, "kggraph 0.1.0 (…)")], 10)
>>> str(g.value(dataset_iri(), VOID.triples))
'10'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, VOID

from . import __version__
from .lexicon import DEFAULT_BASE
from .rdf import KGO, SCHEMA, bind_prefixes

if TYPE_CHECKING:
    from .store import CorpusStore

#: CC0 1.0: the documents are official publications, which carry no copyright (Auteurswet
#: art. 11; /work/shared/corpus/fetched/README.md); kggraph waives any right in the graphs
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
KGGRAPH = URIRef("https://w3id.org/kggraph/software")
#: file checksums as DCAT 3 gives them (spdx:checksum → spdx:Checksum)
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOCABULARIES = (
    "https://w3id.org/kggraph/ontology#",
    "https://schema.org/",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/org#",
    "http://purl.org/spar/cito/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://data.europa.eu/eli/ontology#",
    "http://rdfs.org/ns/void#",
    "http://www.w3.org/ns/dcat#",
    "http://spdx.org/rdf/terms#",
)


@dataclass(frozen=True)
class Input:
    """One document graph of the build: its IRI, the file it was built from, the file's
    SHA-256 and the kggraph that built it (``kgo:builtWith``)."""

    document: str
    source: str | None
    sha256: str | None
    built_with: str | None


def dataset_iri(base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}dataset")


def describe(inputs: Iterable[Input], triples: int, base: str = DEFAULT_BASE) -> Graph:
    """The description graph of a build of ``inputs`` (``triples`` in all)."""
    items = sorted(inputs, key=lambda i: i.document)
    g = bind_prefixes(Graph(identifier=URIRef(f"{base}dataset/description")), base)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    ds = dataset_iri(base)
    key = hashlib.sha256(
        "\n".join(f"{i.document}\t{i.sha256}\t{i.built_with}" for i in items).encode()
    ).hexdigest()[:16]
    build = URIRef(f"{base}build/{key}")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Kamervragen en antwoorden als kennisgraaf", lang="nl")))
    english = "Dutch parliamentary written questions and answers as a knowledge graph"
    g.add((ds, DCTERMS.title, Literal(english, lang="en")))
    g.add((ds, DCTERMS.license, CC0))
    g.add(
        (
            ds,
            DCTERMS.rights,
            Literal(
                "The documents are official publications of the Tweede Kamer and the "
                "government, which carry no copyright (Auteurswet art. 11); the graphs "
                "derived from them are dedicated to the public domain (CC0 1.0).",
                lang="en",
            ),
        )
    )
    g.add((ds, VOID.uriSpace, Literal(base)))
    g.add((ds, VOID.triples, Literal(triples)))
    g.add((ds, VOID.documents, Literal(len(items))))
    for v in VOCABULARIES:
        g.add((ds, VOID.vocabulary, URIRef(v)))
    g.add((ds, PROV.wasGeneratedBy, build))
    g.add((build, RDF.type, PROV.Activity))
    g.add((build, PROV.wasAssociatedWith, KGGRAPH))
    g.add((KGGRAPH, RDF.type, PROV.SoftwareAgent))
    g.add((KGGRAPH, RDFS.label, Literal("kggraph")))
    g.add((KGGRAPH, SCHEMA.softwareVersion, Literal(__version__)))
    for built_with in sorted({i.built_with for i in items if i.built_with}):
        g.add((build, KGO.builtWith, Literal(built_with)))
    for i in items:
        doc = URIRef(i.document)
        g.add((doc, VOID.inDataset, ds))
        if i.sha256 is None:
            continue
        source = URIRef(f"{base}source/{i.sha256}")
        g.add((build, PROV.used, source))
        g.add((doc, PROV.wasDerivedFrom, source))
        g.add((source, RDF.type, PROV.Entity))
        checksum = URIRef(f"{base}checksum/{i.sha256}")
        g.add((source, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(i.sha256, datatype=XSD.hexBinary)))
        if i.source:
            g.add((source, DCTERMS.source, Literal(i.source)))
    return g


def describe_store(store: CorpusStore, base: str = DEFAULT_BASE) -> Graph:
    """The description of what a corpus store holds (``kggraph describe --store``)."""
    hashes, sources, builds = store.hashes(), store.sources(), store.builds()
    inputs = [Input(d, sources.get(d), hashes.get(d), builds.get(d)) for d in store.documents()]
    return describe(inputs, store.triple_count(), base)
