"""Two ministers answering one set of questions together (issue 6): each is an answerer
with their own post, neither is "mede namens"."""

from __future__ import annotations

from conftest import PDF, TEXT
from rdflib import Dataset

from kggraph.pipeline import process_file
from kggraph.query import RdflibBackend, resolve_query, run_query

BASE = "https://w3id.org/kggraph/id/"


def _answerers(path: str) -> list[tuple[str, str]]:
    h = process_file(path).document.header
    assert h.answerer and h.answerer_post
    first = [(h.answerer.family, h.answerer_post.label)]
    return first + [(c.person.family, c.post.label) for c in h.co_answerers]


def test_en_van_minister_is_a_second_answerer() -> None:
    # "Antwoord van Staatssecretaris Van Marum (Binnenlandse Zaken en Koninkrijksrelaties)
    # en van Minister Hermans (Klimaat en Groene Groei) (ontvangen 18 november 2024)."
    assert _answerers(str(TEXT / "ah-tk-20242025-564.pdf.txt")) == [
        ("Van Marum", "Staatssecretaris van Binnenlandse Zaken en Koninkrijksrelaties"),
        ("Hermans", "Minister van Klimaat en Groene Groei"),
    ]


def test_answer_line_without_en_names_two_answerers() -> None:
    # "Antwoord van Minister Bruins Slot (BZ) van Minister Schreinemacher (Buitenlandse
    # Handel en Ontwikkelingssamenwerking)": the abbreviation is named in full, and
    # Schreinemacher holds a "voor" post.
    result = process_file(str(PDF / "ah-tk-20232024-2129.pdf"))
    assert result.report is not None and result.report.conforms
    assert result.document.header.on_behalf_of == ()
    assert _answerers(str(PDF / "ah-tk-20232024-2129.pdf")) == [
        ("Bruins Slot", "Minister van Buitenlandse Zaken"),
        ("Schreinemacher", "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking"),
    ]


def test_answerer_query_pairs_each_answerer_with_own_post() -> None:
    result = process_file(str(TEXT / "ah-tk-20242025-564.pdf.txt"))
    assert result.report is not None and result.report.conforms
    ds = Dataset(default_union=True)
    target = ds.graph(result.graph.identifier)
    for t in result.graph:
        target.add(t)
    rows = run_query(RdflibBackend(ds), resolve_query("answerer")).rows
    assert [(r[2], r[4]) for r in rows] == [
        (BASE + "person/hermans", BASE + "post/minister-kgg"),
        (BASE + "person/van-marum", BASE + "post/staatssecretaris-bzk"),
    ]
