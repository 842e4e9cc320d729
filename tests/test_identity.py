"""One node per real-world thing across documents (issue 6): people, Kamerstukken, the
same questions in a kv-tk and an ah-tk document — and no wrong merges."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from conftest import IND, TEXT
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS

from kggraph.pipeline import process_file
from kggraph.query import OxigraphBackend, RdflibBackend, resolve_query, run_query
from kggraph.rdf import KGO, SCHEMA

BASE = "https://w3id.org/kggraph/id/"


def _dataset(*paths: str) -> Dataset:
    ds = Dataset(default_union=True)
    for p in paths:
        g = process_file(p).graph
        target = ds.graph(g.identifier)
        for t in g:
            target.add(t)
    return ds


def test_one_minister_however_the_name_is_spelled() -> None:
    # "Faber – van de Klashorst" (545), "Faber-van de Klashorst" (593).
    ds = _dataset(
        str(TEXT / "ah-tk-20242025-545.pdf.txt"), str(TEXT / "ah-tk-20242025-593.pdf.txt")
    )
    faber = URIRef(BASE + "person/faber-van-de-klashorst")
    answered = sorted(str(d) for d in ds.subjects(KGO.answeredBy, faber))
    assert answered == [BASE + "doc/ah-tk-20242025-545", BASE + "doc/ah-tk-20242025-593"]


def test_same_surname_other_party_stays_apart() -> None:
    # kv-tk-2024Z18890 is asked by "Inge van Dijk (CDA)" and "Dijk (SP)".
    ds = _dataset(str(TEXT / "kv-tk-2024Z18890.docx.txt"))
    askers = sorted(str(p) for p in ds.objects(None, KGO.askedBy))
    assert BASE + "person/van-dijk-cda" in askers
    assert BASE + "person/dijk-sp" in askers


def test_same_member_across_documents_is_one_node() -> None:
    # Inge van Dijk (CDA) asks in kv-tk-2024Z18882 and kv-tk-2024Z18890.
    ds = _dataset(str(TEXT / "kv-tk-2024Z18882.docx.txt"), str(TEXT / "kv-tk-2024Z18890.docx.txt"))
    inge = URIRef(BASE + "person/van-dijk-cda")
    assert len(set(ds.subjects(KGO.askedBy, inge))) == 2
    assert (inge, SCHEMA.memberOf, URIRef(BASE + "party/cda")) in ds


def test_answer_and_questions_documents_are_linked() -> None:
    # The Word answer ah-tk-20242025-605 carries zaak 2024Z18792: the questions as submitted.
    ds = _dataset(str(TEXT / "ah-tk-20242025-605.docx.txt"), str(TEXT / "kv-tk-2024Z18792.pdf.txt"))
    answer = URIRef(BASE + "doc/ah-tk-20242025-605")
    questions = URIRef(BASE + "doc/kv-tk-2024Z18792")
    assert (answer, KGO.sameQuestionsAs, questions) in ds
    assert (questions, KGO.zaaknummer, None) in ds


def test_postponement_points_to_the_questions_it_postpones() -> None:
    ds = _dataset(str(TEXT / "ah-tk-20242025-600.docx.txt"))
    assert (
        URIRef(BASE + "doc/ah-tk-20242025-600"),
        KGO.postpones,
        URIRef(BASE + "doc/kv-tk-2024Z17067"),
    ) in ds


def test_a_kamerstuk_cited_by_two_documents_is_one_node() -> None:
    # Both cite Kamerstuk 33 529, nr. 1219: 564 as "Kamerstuk33 529, nr. 1219", 610 as
    # "Kamerstuk 33529, nr. 1219".
    ds = _dataset(
        str(TEXT / "ah-tk-20242025-564.pdf.txt"), str(TEXT / "ah-tk-20242025-610.docx.txt")
    )
    kst = URIRef(BASE + "kamerstuk/kst-33529-1219")
    citing = sorted(str(d) for d in ds.subjects(DCTERMS.references, kst) if "/doc/" in str(d))
    assert citing == [BASE + "doc/ah-tk-20242025-564", BASE + "doc/ah-tk-20242025-610"]
    assert sorted(str(o) for o in ds.objects(kst, KGO.dossierNumber)) == ["33529"]


def test_renamed_ministry_keeps_its_lineage() -> None:
    # Justitie en Veiligheid (since 2017) replaces Veiligheid en Justitie, per the vocabulary.
    g = process_file(TEXT / "kamervragen-2022-ind-erkend-referenten.txt").graph
    jenv = URIRef(BASE + "ministry/jenv")
    assert (jenv, DCTERMS.replaces, URIRef(BASE + "ministry/venj")) in g


def test_motion_submitters_are_those_each_document_writes(tmp_path: Path) -> None:
    # Two documents cite the same motion (kst-35925-VII-39 through footnote 11) under two
    # names; the shared motion node holds both, but each document's row names only its own.
    other = tmp_path / "other.txt"
    other.write_text(
        IND.read_text(encoding="utf-8").replace("motie Van Baarle c.s.11", "motie Kuzu c.s.11"),
        encoding="utf-8",
    )
    ds = _dataset()
    for path, ident in ((IND, "ind"), (other, "other")):
        g = process_file(path, identifier=ident).graph
        target = ds.graph(g.identifier)
        for t in g:
            target.add(t)
    motion = URIRef(BASE + "kamerstuk/kst-35925-VII-39")
    assert sorted(str(n) for n in ds.objects(motion, KGO.submitterName)) == [
        "Kuzu",
        "Van Baarle",
    ]
    st = ox.Store()
    st.load(ds.serialize(format="nquads").encode(), format=ox.RdfFormat.N_QUADS)
    for backend in (RdflibBackend(ds), OxigraphBackend(st)):
        for ident, name in (("ind", "Van Baarle"), ("other", "Kuzu")):
            rows = run_query(backend, resolve_query("motions"), {"doc": ident}).rows
            assert [r[5] for r in rows if r[2] == str(motion)] == [name]
