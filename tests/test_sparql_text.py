"""Parameters written into SPARQL text: only variables in the WHERE group change, never the
text of strings, IRIs or comments; a subquery falls back to a VALUES block."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal, URIRef

from kggraph.errors import QueryError
from kggraph.sparql_text import inline_bindings

DOC = URIRef("https://x.org/doc/1")


def test_only_variables_of_the_where_group_are_replaced() -> None:
    text = (
        "# ?doc in a comment {\n"
        "SELECT ?doc ?docId (COUNT(?q) AS ?n) WHERE {\n"
        '  ?q <https://x.org/partOf> ?doc ; <https://x.org/t> "?doc {" .\n'
        "  OPTIONAL { ?doc <https://x.org/id> ?docId } # ?doc }\n"
        "}\nGROUP BY ?doc ?docId"
    )
    assert inline_bindings(text, {"doc": DOC}) == (
        "# ?doc in a comment {\n"
        "SELECT ?doc ?docId (COUNT(?q) AS ?n) WHERE {\n"
        '  ?q <https://x.org/partOf> <https://x.org/doc/1> ; <https://x.org/t> "?doc {" .\n'
        "  OPTIONAL { <https://x.org/doc/1> <https://x.org/id> ?docId } # ?doc }\n"
        "  BIND(<https://x.org/doc/1> AS ?doc)\n"
        "}\nGROUP BY ?doc ?docId"
    )


def test_a_subquery_gets_a_values_block() -> None:
    text = "SELECT ?d ?n WHERE { { SELECT ?d (COUNT(*) AS ?n) WHERE { ?d ?p ?o } GROUP BY ?d } }"
    assert inline_bindings(text, {"d": DOC}) == (
        "SELECT ?d ?n WHERE { VALUES (?d) { (<https://x.org/doc/1>) }\n"
        " { SELECT ?d (COUNT(*) AS ?n) WHERE { ?d ?p ?o } GROUP BY ?d } }"
    )


def test_inlined_query_gives_the_rows_of_substitution() -> None:
    st = ox.Store()
    ex = "https://x.org/"
    for d, day in (("doc/1", "2022-05-11"), ("doc/2", "2023-01-02")):
        st.add(ox.Quad(ox.NamedNode(ex + d), ox.NamedNode(ex + "date"), ox.Literal(day)))
    text = "SELECT ?doc ?day WHERE { ?doc <https://x.org/date> ?day FILTER(?day >= ?from) }"
    day = Literal("2023-01-01")
    rows = [
        (s["doc"].value, s["day"].value) for s in st.query(inline_bindings(text, {"from": day}))
    ]
    assert rows == [("https://x.org/doc/2", "2023-01-02")]
    by_doc = st.query(inline_bindings(text.replace("?from", '"0"'), {"doc": DOC}))
    assert [(s["doc"].value, s["day"].value) for s in by_doc] == [
        ("https://x.org/doc/1", "2022-05-11")
    ]


def test_hostile_values_are_refused() -> None:
    with pytest.raises(QueryError, match="not a usable IRI"):
        inline_bindings("SELECT * WHERE { ?d ?p ?o }", {"d": URIRef("x> } ; DROP ALL ; <y")})
    with pytest.raises(QueryError, match="bad parameter name"):
        inline_bindings("SELECT * WHERE { ?d ?p ?o }", {"d o": Literal(1, datatype=XSD.integer)})
    with pytest.raises(QueryError, match="no WHERE group"):
        inline_bindings("ASK", {"d": DOC})
