"""The SPARQL guard: what may run, what is refused and how the refusal names it."""

from __future__ import annotations

import pytest

from kggraph.errors import QueryError, Refused
from kggraph.query import bundled_queries
from kggraph.sparql_guard import MAX_QUERY_CHARS, QueryRefused, check_query

DOC = "https://w3id.org/kggraph/id/doc/ah-tk-20242025-545"


@pytest.mark.parametrize("name", sorted({q.path for q in bundled_queries().values()}))
def test_every_bundled_query_passes(name: str) -> None:
    query = next(q for q in bundled_queries().values() if q.path == name)
    assert check_query(query.text) == "SELECT"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        (f"DESCRIBE <{DOC}>", "DESCRIBE"),
        # the keywords as data, in a string, an IRI and a comment, are not the constructs
        ('SELECT ?s WHERE { ?s ?p "SERVICE <http://x/> { }" }', "SELECT"),
        ("SELECT ?s WHERE { ?s <http://x/SERVICE/LOAD> ?o }", "SELECT"),
        ("# FROM <file:///etc/passwd>\nSELECT ?s WHERE { ?s ?p ?o }", "SELECT"),
        (f"SELECT ?p WHERE {{ GRAPH <{DOC}> {{ ?s ?p ?o }} }}", "SELECT"),
    ],
)
def test_reading_queries_pass(text: str, form: str) -> None:
    assert check_query(text) == form


REFUSED = [
    ("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:7878/query> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }", "SERVICE"),
    (
        "SELECT * WHERE { { SELECT ?s WHERE { { ?s ?p ?o } UNION "
        "{ SERVICE <http://e/> { ?s ?p ?o } } } } }",
        "SERVICE",
    ),
    ("ASK { FILTER EXISTS { SERVICE <http://e/> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM <http://169.254.169.254/latest/meta-data> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <file:///home/me/.ssh/id_rsa> WHERE { ?s ?p ?o }", "FROM NAMED"),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://x/> WHERE { ?s ?p ?o }", "FROM"),
]
UPDATES = [
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("LOAD <http://x/data.ttl> INTO GRAPH <http://g/>", "LOAD"),
    ("INSERT DATA { <http://a/> <http://b/> <http://c/> }", "INSERT DATA"),
    ("DELETE DATA { <http://a/> <http://b/> <http://c/> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
    ("CLEAR ALL", "CLEAR"),
    (f"DROP GRAPH <{DOC}>", "DROP"),
    ("CREATE GRAPH <http://g/>", "CREATE"),
    ("COPY DEFAULT TO <http://g/>", "COPY"),
    ("MOVE <http://g/> TO DEFAULT", "MOVE"),
    ("ADD <http://g/> TO <http://h/>", "ADD"),
]


@pytest.mark.parametrize(("text", "construct"), REFUSED + UPDATES)
def test_refused_and_named(text: str, construct: str) -> None:
    with pytest.raises(QueryRefused) as err:
        check_query(text)
    assert err.value.construct == construct
    assert str(err.value).startswith(construct)
    assert isinstance(err.value, QueryError) and isinstance(err.value, Refused)


@pytest.mark.parametrize(("text", "construct"), REFUSED)
def test_network_opt_in_allows_service_and_from(text: str, construct: str) -> None:
    assert check_query(text, allow_network=True) in ("SELECT", "ASK", "CONSTRUCT")


@pytest.mark.parametrize(("text", "construct"), UPDATES)
def test_updates_stay_refused_with_the_opt_in(text: str, construct: str) -> None:
    with pytest.raises(QueryRefused) as err:
        check_query(text, allow_network=True)
    assert err.value.construct == construct


def test_messages_name_the_target() -> None:
    with pytest.raises(QueryRefused, match=r"^SERVICE <http://evil\.example/sparql> refused"):
        check_query(REFUSED[0][0])
    with pytest.raises(QueryRefused, match=r"^SERVICE \?endpoint refused"):
        check_query(REFUSED[2][0])
    with pytest.raises(QueryRefused, match=r"^FROM <file:///etc/passwd> refused"):
        check_query(REFUSED[5][0])


def test_codepoint_escapes_are_refused() -> None:
    # rdflib decodes \u0022 before parsing (a quote that ends the string), Oxigraph only
    # inside the string (a quote character in it): the two would run different queries
    differential = 'SELECT * WHERE { ?s ?p "a\\u0022 . SERVICE <http://e/> { ?s ?p ?o } #" }'
    with pytest.raises(QueryRefused) as err:
        check_query(differential)
    assert err.value.construct == "\\u escape"
    with pytest.raises(QueryRefused):
        check_query("S\\u0045RVICE")


def test_not_sparql_is_a_query_error_not_a_refusal() -> None:
    with pytest.raises(QueryError, match=r"^SPARQL syntax error") as err:
        check_query("SELECT ?s WHERE { ?s ?p }")
    assert not isinstance(err.value, Refused)


def test_size_and_depth_limits() -> None:
    with pytest.raises(QueryError, match=r"too long \(50001 characters; the limit is 50000\)"):
        check_query("#" * (MAX_QUERY_CHARS + 1))
    deep = "SELECT * WHERE { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }"
    with pytest.raises(QueryError, match=r"nests too deeply"):
        check_query(deep)
