"""Issue 2's must-hold list on the real 2022 IND document, end to end (text → graph)."""

from __future__ import annotations

from datetime import date

from rdflib import Literal, URIRef

from kggraph.rdf import KGO, SCHEMA

BASE = "https://w3id.org/kggraph/id/"


def test_header(ind_result) -> None:  # type: ignore[no-untyped-def]
    h = ind_result.document.header
    assert [(a.person.family, a.person.given, a.party) for a in h.askers] == [
        ("Leijten", None, "SP"),
        ("van Dijk", "Jasper", "SP"),
    ]
    assert [p.label for p in h.addressees] == [
        "Minister van Binnenlandse Zaken en Koninkrijksrelaties",
        "Staatssecretaris van Justitie en Veiligheid",
    ]
    assert h.answerer is not None and h.answerer.family == "Van der Burg"
    assert h.answerer_post is not None
    assert h.answerer_post.label == "Staatssecretaris van Justitie en Veiligheid"
    assert [p.label for p in h.on_behalf_of] == [
        "Minister van Binnenlandse Zaken en Koninkrijksrelaties"
    ]
    assert (h.submitted, h.received) == (date(2022, 5, 11), date(2022, 6, 24))
    assert [r.identifier for r in h.see_also] == ["ah-tk-20212022-2942"]


def test_questions_and_grouped_answers(ind_result) -> None:  # type: ignore[no-untyped-def]
    d = ind_result.document
    assert [q.number for q in d.questions] == list(range(1, 14))
    assert len(d.answers) == 13
    by_label = {a.label: a for a in d.answers}
    assert by_label["Antwoord 6, 7, 9 en 11"].numbers == (6, 7, 9, 11)
    assert by_label["Antwoord 12 en 13"].numbers == (12, 13)
    for n in (6, 7, 9):
        assert by_label[f"Antwoord {n}"].refers_to == (11,)
        assert by_label[f"Antwoord {n}"].referral_only
    assert by_label["Antwoord 12"].refers_to == (13,)
    assert not by_label["Antwoord 6, 7, 9 en 11"].referral_only


def test_footnotes_attached_to_their_blocks(ind_result) -> None:  # type: ignore[no-untyped-def]
    blocks = {f.number: f.block for f in ind_result.document.footnotes}
    assert len(blocks) == 17
    assert blocks[1] == blocks[2] == "question:1"
    assert blocks[3] == "answer:2"
    assert blocks[12] == blocks[13] == blocks[14] == "answer:6,7,9,11"
    assert blocks[15] == blocks[16] == blocks[17] == "question:12"
    texts = {q.number: q.text for q in ind_result.document.questions}
    assert "Argos, 7 mei 2022" not in texts[2]
    answer5 = next(a for a in ind_result.document.answers if a.label == "Antwoord 5")
    assert "uitvoering te geven aan dit advies, omdat er in praktijk" in answer5.text
    assert "Besluit op Wob-verzoek" not in answer5.text


def test_all_urls_complete(ind_result) -> None:  # type: ignore[no-untyped-def]
    urls = [c.url for c in ind_result.document.citations if c.url]
    assert urls == [
        "https://www.vpro.nl/argos/lees/onderwerpen/artikelen/2022/"
        "ind-registreerde-afkomst-voor-risicoprofilering.html",
        "https://www.nrc.nl/nieuws/2022/05/06/ind-verzweeg-een-dikke-error-met-kennismigranten-a4123661",
        "https://www.rijksoverheid.nl/documenten/rapporten/2021/02/25/"
        "impact-assessment-mensenrechten-en-algoritme",
        "https://www.cip-overheid.nl/media/1574/20170507-handleiding-privacy-by-design-v3_0.pdf",
        "https://www.rijksoverheid.nl/documenten/rapporten/2021/06/10/"
        "handreiking-non-discriminatie-by-design",
        "https://www.rekenkamer.nl/onderwerpen/algoritmes/algoritmes-toetsingskader",
        "https://www.rekenkamer.nl/publicaties/rapporten/2021/01/26/aandacht-voor-algoritmes",
        "https://www.raadvanstate.nl/@112661/w04-18-0230/",
    ]


def test_kamerstukken_and_motions(ind_result) -> None:  # type: ignore[no-untyped-def]
    d = ind_result.document
    kst = {c.key for c in d.citations if c.kind == "kamerstuk"}
    assert kst == {
        "kst-35510-21",
        "kst-35510-16",
        "kst-30950-281",
        "kst-26643-835",
        "kst-35925-VII-39",
        "kst-35510-33",
        "kst-26643-570",
    }
    motions = [(m.submitters, m.kamerstuk.identifier if m.kamerstuk else None) for m in d.motions]
    assert motions == [
        (("Marijnissen",), "kst-35510-21"),
        (("Klaver",), "kst-35510-16"),
        (("Bouchallikh", "Dekker-Abdulaziz"), "kst-26643-835"),
        (("Van Baarle",), "kst-35925-VII-39"),
        (("Azarkan",), "kst-35510-33"),
    ]
    assert {c.key for c in d.citations if c.kind == "staatscourant"} == {"stcrt-2022-11349"}


def test_laws_with_official_identifiers(ind_result) -> None:  # type: ignore[no-untyped-def]
    laws = {(m.concept, m.article) for m in ind_result.document.mentions if m.scheme == "laws"}
    concepts = {c for c, _ in laws}
    assert {
        "law/celex-32016R0679",  # AVG
        "law/BWBR0022463",  # Wpg
        "law/BWBR0014194",  # Wjsg
        "law/BWBR0033715",  # Wet BRP
        "law/BWBR0001840",  # Grondwet
        "law/BWBR0045754",  # Woo
        "law/BWBR0005252",  # Wob
        "law/stb-2010-290",  # Wet modern migratiebeleid
    } <= concepts
    assert ("law/BWBR0001840", "1") in laws


def test_graph_links_official_identifiers(ind_result) -> None:  # type: ignore[no-untyped-def]
    g = ind_result.graph
    kst = URIRef(BASE + "kamerstuk/kst-35925-VII-39")
    assert (kst, KGO.dossierNumber, Literal("35925")) in g
    assert (kst, KGO.toevoeging, Literal("VII")) in g
    assert (kst, SCHEMA.url, None) in g
    doc = URIRef(BASE + "doc/kamervragen-2022-ind-erkend-referenten")
    assert (doc, KGO.answerDays, Literal(44)) in g
    grondwet = URIRef(BASE + "law/BWBR0001840")
    article = URIRef(BASE + "article/BWBR0001840-1")
    assert (article, KGO.juriconnect, Literal("jci1.3:c:BWBR0001840&artikel=1")) in g
    assert (doc, URIRef("http://purl.org/dc/terms/references"), grondwet) in g


def test_graph_conforms(ind_result) -> None:  # type: ignore[no-untyped-def]
    report = ind_result.report
    assert report is not None
    assert report.conforms, "\n".join(f.render() for f in report.findings)
