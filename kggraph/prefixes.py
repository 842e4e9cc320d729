"""The prefixes of kggraph's vocabularies, as plain IRIs: written by the graph and answer
writers, and importable without rdflib (``kggraph.rdf`` makes rdflib namespaces of them)."""

PREFIXES = {
    "kgo": "https://w3id.org/kggraph/ontology#",
    "schema": "https://schema.org/",
    "cito": "http://purl.org/spar/cito/",
    "oa": "http://www.w3.org/ns/oa#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
}
