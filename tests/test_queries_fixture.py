"""The bundled SPARQL queries over the hand-written example graph, on rdflib and on Oxigraph.

Both engines query the union of the named graphs as default graph; both must give the same
rows in the same order, and the rows must be the ones the example graph holds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pytest
from rdflib import XSD, Dataset, Literal, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.query import ResultRow

from kggraph.sparql_text import inline_bindings

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "graphs" / "ind-erkend.trig"
TEXT = Path(__file__).resolve().parent / "fixtures" / "text"
BASE = "https://w3id.org/kggraph/id/"
DOC = BASE + "doc/kamervragen-2022-ind-erkend-referenten"
ID = "kamervragen-2022-ind-erkend-referenten"
PARAM = re.compile(
    r"^# param: (\w+)\s+(document|iri|string|date|integer)\s+(optional|required)\s+(\S.*)$"
)
QUERY_FILES = sorted(QUERIES.glob("*.rq"))

Row = tuple[Any, ...]
# Oxigraph stores xsd:integer-derived literals (oa:start's xsd:nonNegativeInteger) as xsd:integer.
INTEGER_TYPES = {str(XSD[t]) for t in ("nonNegativeInteger", "positiveInteger", "int", "long")}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(EXAMPLE, format="trig")
    return ds


@pytest.fixture(scope="module")
def store() -> ox.Store:
    st = ox.Store()
    st.load(path=str(EXAMPLE), format=ox.RdfFormat.TRIG)
    return st


def _rdflib_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = str(term.datatype or (RDF.langString if term.language else XSD.string))
        if datatype in INTEGER_TYPES:
            datatype = str(XSD.integer)
        return (str(term), datatype, term.language)
    return str(term)


def _ox_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return (term.value, term.datatype.value, term.language)
    return term.value


def run_rdflib(ds: Dataset, name: str, **bind: str) -> tuple[list[str], list[Row]]:
    result = ds.query(
        (QUERIES / name).read_text(encoding="utf-8"),
        initBindings={Variable(k): URIRef(v) for k, v in bind.items()},
    )
    names = [str(v) for v in result.vars or []]
    rows = [cast(ResultRow, row) for row in result]
    return names, [tuple(_rdflib_term(row[v]) for v in names) for row in rows]


def run_oxigraph(st: ox.Store, name: str, **bind: str) -> tuple[list[str], list[Row]]:
    # the parameters as `kggraph query` binds them on Oxigraph: written into the query
    text = inline_bindings(
        (QUERIES / name).read_text(encoding="utf-8"), {k: URIRef(v) for k, v in bind.items()}
    )
    result = st.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return names, [tuple(_ox_term(s[v]) for v in names) for s in result]


def run(ds: Dataset, st: ox.Store, name: str, **bind: str) -> list[dict[str, Any]]:
    """Rows of query ``name`` as dicts of plain values (IRIs with the base cut off, literals'
    lexical forms), after checking both engines agree term for term and in order."""
    names1, rows1 = run_rdflib(ds, name, **bind)
    names2, rows2 = run_oxigraph(st, name, **bind)
    assert names1 == names2
    assert rows1 == rows2, f"{name}: rdflib and Oxigraph disagree"

    def plain(term: Any) -> Any:
        if isinstance(term, tuple):
            return term[0]
        return term.removeprefix(BASE) if isinstance(term, str) else term

    return [{k: plain(v) for k, v in zip(names1, row, strict=True)} for row in rows1]


def cols(rows: list[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(r[n] for n in names) for r in rows]


# --- headers --------------------------------------------------------------------------------


def test_query_set() -> None:
    """One query per competency question, plus the citation edges (other views may add
    their own queries beside them)."""
    bundled = [p.name for p in QUERY_FILES if p.name[:2].isdigit() or p.name == "citation_edges.rq"]
    assert bundled == [
        "01-askers.rq",
        "02-addressees.rq",
        "03-answerer.rq",
        "04-dates.rq",
        "05-questions-answers.rq",
        "06-laws.rq",
        "07-motions.rq",
        "08-external-sources.rq",
        "09-parliamentary-documents.rq",
        "10-referral-answers.rq",
        "11-provenance.rq",
        "citation_edges.rq",
    ]


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# title: \S.+", lines[0]), lines[0]
    assert re.fullmatch(r"# description: \S.+", lines[1]), lines[1]
    body = "\n".join(line for line in lines if not line.startswith("#"))
    assert re.search(r"\bORDER BY\b", body)
    if not path.name.startswith("network_"):
        # the competency queries read the union of the document graphs; only the network
        # queries match a shared node's facts inside one document graph
        assert not re.search(r"\bGRAPH\b", body)
    for line in lines[2:]:
        if not line.startswith("#"):
            break
        m = PARAM.match(line)
        assert m, f"malformed header line {line!r}"
        var = m.group(1)
        assert f"?{var}" in body
        # a parameter must work both bound and unbound
        assert not re.search(rf"VALUES\s+\??{var}\b|BOUND\s*\(\s*\?{var}\s*\)", body)


def params(name: str) -> list[tuple[str, ...]]:
    lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
    return [m.groups() for line in lines if (m := PARAM.match(line))]


def test_params_declared() -> None:
    for path in QUERY_FILES[:10]:
        assert [p[:3] for p in params(path.name)] == [("doc", "document", "optional")]
    assert [p[:3] for p in params("11-provenance.rq")] == [("node", "iri", "optional")]
    assert params("citation_edges.rq") == []


# --- rows from the example graph ------------------------------------------------------------


def test_01_askers(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "01-askers.rq")
    assert cols(rows, "docId", "asker", "name", "party", "partyLabel") == [
        (ID, "person/van-dijk-sp", "Jasper van Dijk", "party/sp", "SP"),
        (ID, "person/leijten-sp", "Leijten", "party/sp", "SP"),
    ]
    assert run(dataset, store, "01-askers.rq", doc=DOC) == rows
    assert run(dataset, store, "01-askers.rq", doc=BASE + "doc/ah-tk-20212022-2942") == []


def test_02_addressees(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "02-addressees.rq", doc=DOC)
    assert cols(rows, "postLabel", "ministry") == [
        ("Minister van Binnenlandse Zaken en Koninkrijksrelaties", "ministry/bzk"),
        ("Staatssecretaris van Justitie en Veiligheid", "ministry/jenv"),
    ]


def test_03_answerer(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "03-answerer.rq")
    assert cols(rows, "answererName", "postLabel", "ministryLabel", "onBehalfOfLabel") == [
        (
            "Van der Burg",
            "Staatssecretaris van Justitie en Veiligheid",
            "Ministerie van Justitie en Veiligheid",
            "Minister van Binnenlandse Zaken en Koninkrijksrelaties",
        )
    ]


def test_04_dates(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "04-dates.rq", doc=DOC)
    assert cols(rows, "docId", "kind", "submitted", "received", "answerDays") == [
        (ID, "answer", "2022-05-11", "2022-06-24", "44")
    ]
    _, typed = run_oxigraph(store, "04-dates.rq")
    xsd = str(XSD)
    assert [t[1] for t in typed[0][3:]] == [xsd + "date", xsd + "date", xsd + "integer"]


def test_05_questions_and_answers(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "05-questions-answers.rq", doc=DOC)
    assert cols(rows, "number", "answerLabel") == [
        ("1", "Antwoord 1"),
        ("2", "Antwoord 2"),
        ("6", "Antwoord 6"),
        ("6", "Antwoord 6, 7, 9 en 11"),
        ("7", "Antwoord 6, 7, 9 en 11"),
        ("7", "Antwoord 7"),
        ("9", "Antwoord 6, 7, 9 en 11"),
        ("9", "Antwoord 9"),
        ("10", "Antwoord 10"),
        ("11", "Antwoord 6, 7, 9 en 11"),
    ]
    by_answer = {r["answerLabel"]: r["answerText"] for r in rows}
    assert by_answer["Antwoord 6"] == "Zie beantwoording vraag 11 voor antwoord 6, 7, 9 en 11."
    assert by_answer["Antwoord 6, 7, 9 en 11"].startswith(
        "Een uitputtend overzicht waar risicoprofilering wordt gebruikt binnen de overheid"
    )
    assert rows[-1]["questionText"] == (
        "Bent u bereid om risicoprofilering door overheidsdiensten te staken totdat helder is dat "
        "de profielen wetenschappelijk deugdelijk zijn en proportioneel op hun uitkomst?"
    )


def test_06_laws(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "06-laws.rq")
    assert cols(rows, "lawLabel", "bwbId", "articleNumber", "blockLabel", "surface") == [
        (
            "Algemene verordening gegevensbescherming",
            None,
            None,
            "Antwoord 10",
            "Algemene Verordening Gegevens bescherming (AVG)",
        ),
        ("Grondwet", "BWBR0001840", "1", "Antwoord 10", "artikel 1 van de Grondwet"),
        ("Wet politiegegevens", "BWBR0022463", None, "Antwoord 10", "Wet Politiegegevens (Wpg)"),
    ]
    assert rows[1]["article"] == "article/BWBR0001840-1"


def test_07_motions(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "07-motions.rq", doc=DOC)
    assert cols(rows, "kamerstuk", "submitter") == [
        ("kst-26643-835", "Bouchallikh"),
        ("kst-26643-835", "Dekker-Abdulaziz"),
        ("kst-35510-16", "Klaver"),
        ("kst-35510-21", "Marijnissen"),
        ("kst-35510-33", "Azarkan"),
        ("kst-35925-VII-39", "Van Baarle"),
    ]
    assert rows[3]["url"] == "https://zoek.officielebekendmakingen.nl/kst-35510-21.html"


def test_08_external_sources(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "08-external-sources.rq")
    assert cols(rows, "kind", "outletLabel", "published", "title") == [
        ("news", "NRC", "2022-05-06", "IND maakte zich schuldig aan etnisch profileren"),
        ("news", "Argos", "2022-05-07", "IND registreerde afkomst voor risicoprofilering"),
        ("report", None, None, None),
    ]
    assert [r["url"] for r in rows] == [
        "https://www.nrc.nl/nieuws/2022/05/06/ind-verzweeg-een-dikke-error-met-kennismigranten-a4123661",
        "https://www.vpro.nl/argos/lees/onderwerpen/artikelen/2022/"
        "ind-registreerde-afkomst-voor-risicoprofilering.html",
        "https://www.rijksoverheid.nl/documenten/rapporten/2021/02/25/"
        "impact-assessment-mensenrechten-en-algoritme",
    ]


def test_09_parliamentary_documents(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "09-parliamentary-documents.rq", doc=DOC)
    assert cols(rows, "kind", "identifier") == [
        ("aanhangsel", "ah-tk-20212022-2942"),
        ("kamerstuk", "kst-26643-835"),
        ("kamerstuk", "kst-35510-16"),
        ("kamerstuk", "kst-35510-21"),
        ("kamerstuk", "kst-35510-33"),
        ("kamerstuk", "kst-35925-VII-39"),
        ("staatscourant", "stcrt-2022-11349"),
    ]


def test_10_referral_answers(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "10-referral-answers.rq")
    assert cols(rows, "answerLabel", "questionNumber", "targetLabel") == [
        ("Antwoord 6", "11", "Antwoord 6, 7, 9 en 11"),
        ("Antwoord 7", "11", "Antwoord 6, 7, 9 en 11"),
        ("Antwoord 9", "11", "Antwoord 6, 7, 9 en 11"),
    ]
    assert {r["target"] for r in rows} == {"answer/kamervragen-2022-ind-erkend-referenten-11"}


def test_11_provenance(dataset: Dataset, store: ox.Store) -> None:
    text = (TEXT / "kamervragen-2022-ind-erkend-referenten.txt").read_text(encoding="utf-8")
    rows = run(dataset, store, "11-provenance.rq")
    kinds = [r["kind"] for r in rows]
    assert (len(rows), kinds.count("question"), kinds.count("answer")) == (32, 7, 7)
    assert (kinds.count("footnote"), kinds.count("mention")) == (8, 10)
    assert {(r["docId"], r["source"], r["page"]) for r in rows} == {
        (ID, "kamervragen-2022-ind-erkend-referenten.txt", None)
    }
    node = BASE + "answer/kamervragen-2022-ind-erkend-referenten-11"
    [row] = run(dataset, store, "11-provenance.rq", node=node)
    assert (row["kind"], row["start"], row["end"]) == ("answer", "11767", "15624")
    span = text[int(row["start"]) : int(row["end"])]
    assert span.startswith("Antwoord 6, 7, 9 en 11\nEen uitputtend overzicht")
    assert span.endswith("Staatscommissie tegen Discriminatie en Racisme14.")
    mention = BASE + "mention/kamervragen-2022-ind-erkend-referenten-8985"
    [row] = run(dataset, store, "11-provenance.rq", node=mention)
    assert text[int(row["start"]) : int(row["end"])] == "artikel 1 van de Grondwet"


def test_citation_edges(dataset: Dataset, store: ox.Store) -> None:
    rows = run(dataset, store, "citation_edges.rq")
    assert {(r["docLabel"], r["date"]) for r in rows} == {(ID, "2022-06-24")}
    assert cols(rows, "kind", "targetLabel") == [
        ("aanhangsel", "ah-tk-20212022-2942"),
        ("law", "Grondwet"),
        ("law", "Wet politiegegevens"),
        ("law", "Algemene verordening gegevensbescherming"),
        ("ministry", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"),
        ("motion", "kst-26643-835"),
        ("motion", "kst-35510-16"),
        ("motion", "kst-35510-21"),
        ("motion", "kst-35510-33"),
        ("motion", "kst-35925-VII-39"),
        ("news", "IND registreerde afkomst voor risicoprofilering"),
        ("news", "IND maakte zich schuldig aan etnisch profileren"),
        ("organisation", "Immigratie- en Naturalisatiedienst"),
        (
            "report",
            "https://www.rijksoverheid.nl/documenten/rapporten/2021/02/25/"
            "impact-assessment-mensenrechten-en-algoritme",
        ),
        ("staatscourant", "stcrt-2022-11349"),
    ]
