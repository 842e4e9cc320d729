"""The ontology and the SKOS vocabularies of ``ontology/``, parsed with real rdflib.

Checks the vocabularies as data: every IRI is absolute (any tool reads the same IRIs), every
concept is well formed, no label names two concepts of one scheme, BWB ids are well formed
and key their concept, the laws of issue 2 carry their official ids, every ``kgo:`` term in
use is declared with English and Dutch labels, and every party / ministry / portfolio form
printed in the fixtures' headers resolves to a concept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "https://w3id.org/kggraph/id/"
KGO = Namespace("https://w3id.org/kggraph/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
VOCABULARIES = ("laws.ttl", "ministries.ttl", "parties.ttl", "organisations.ttl")
CASE_EXACT_MAX = 5  # labels this short (abbreviations) compare case-exactly

# Issue 2: the laws the graph must know, by a label the texts use, with their official key.
ISSUE_LAWS = {
    "Grondwet": "BWBR0001840",
    "Uitvoeringswet AVG": "BWBR0040940",
    "Wet politiegegevens": "BWBR0022463",
    "Wpg": "BWBR0022463",
    "Wet justitiële en strafvorderlijke gegevens": "BWBR0014194",
    "Wjsg": "BWBR0014194",
    "Wet basisregistratie personen": "BWBR0033715",
    "Wet BRP": "BWBR0033715",
    "Wet open overheid": "BWBR0045754",
    "Woo": "BWBR0045754",
    "Wet openbaarheid van bestuur": "BWBR0005252",
    "Wob": "BWBR0005252",
    "Vreemdelingenwet 2000": "BWBR0011823",
}


# --- loading ----------------------------------------------------------------------------


@cache
def vocabulary(name: str) -> Graph:
    return Graph().parse(ONTOLOGY / name, format="turtle")


@cache
def vocabularies() -> Graph:
    graph = Graph()
    for name in VOCABULARIES:
        graph += vocabulary(name)
    return graph


@cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "kggraph.ttl", format="turtle")


def concepts(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef))


def key(label: str) -> str:
    """How labels are compared: short ones case-exactly, longer ones case-insensitively."""
    label = " ".join(label.split())
    return label if len(label) <= CASE_EXACT_MAX else label.casefold()


def labels(graph: Graph, concept: URIRef) -> list[str]:
    props = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
    return [str(o) for p in props for o in graph.objects(concept, p)]


def scheme_of(graph: Graph, concept: URIRef) -> str:
    return str(graph.value(concept, SKOS.inScheme)).removeprefix(BASE + "scheme/")


@cache
def label_index() -> dict[tuple[str, str], set[str]]:
    """(scheme, compared label) → concept keys."""
    graph = vocabularies()
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in concepts(graph):
        for label in labels(graph, c):
            index[(scheme_of(graph, c), key(label))].add(str(c).removeprefix(BASE))
    return index


# --- absolute IRIs -----------------------------------------------------------------------


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_iri_is_absolute_so_any_tool_reads_the_same_iris(name: str) -> None:
    text = (ONTOLOGY / name).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(?:@base|BASE)\b", text, re.MULTILINE), name
    # Whatever base a reader assumes (rdflib: the file path; Jena: the file URL), the
    # triples are the same: a relative IRI would move with the base.
    elsewhere = Graph().parse(ONTOLOGY / name, format="turtle", publicID="http://x.test/kg/")
    assert set(vocabulary(name)) == set(elsewhere)
    iris = {t for triple in vocabulary(name) for t in triple if isinstance(t, URIRef)}
    stray = sorted(i for i in iris if not str(i).startswith(("http://", "https://")))
    assert not stray, f"{name}: IRIs that are not absolute http(s) IRIs: {stray[:5]}"
    for c in concepts(vocabulary(name)):
        assert c.startswith(BASE), f"{name}: {c} is not under the instance base"


def test_grondwet_has_its_iri_under_the_default_base() -> None:
    graph = vocabulary("laws.ttl")
    grondwet = URIRef("https://w3id.org/kggraph/id/law/BWBR0001840")
    assert graph.value(grondwet, SKOS.prefLabel) == Literal("Grondwet", lang="nl")
    assert (grondwet, SKOS.inScheme, URIRef(BASE + "scheme/laws")) in graph


def test_a_relative_iri_in_a_vocabulary_is_refused_with_the_file_name(tmp_path: Path) -> None:
    from kggraph.lexicon import _relative_iris

    bad = tmp_path / "laws.ttl"
    bad.write_text('<law/X> <http://www.w3.org/2004/02/skos/core#prefLabel> "X" .\n')
    with pytest.raises(ValueError, match=r"laws\.ttl: relative IRI resolved to file:"):
        _relative_iris(Graph().parse(bad, format="turtle"), bad)


# --- concepts and labels ---------------------------------------------------------------------


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_concept_has_one_dutch_preflabel_and_a_declared_scheme(name: str) -> None:
    graph = vocabulary(name)
    found = concepts(graph)
    assert len(found) >= 15
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    for c in found:
        pref = graph.objects(c, SKOS.prefLabel)
        pref_nl = [o for o in pref if isinstance(o, Literal) and o.language == "nl"]
        assert len(pref_nl) == 1, f"{c}: {len(pref_nl)} @nl prefLabels"
        in_scheme = list(graph.objects(c, SKOS.inScheme))
        assert len(in_scheme) == 1 and in_scheme[0] in schemes, f"{c}: scheme {in_scheme}"
        local = str(c).removeprefix(BASE).split("/", 1)[1]
        if not local.startswith(("BWBR", "celex-")):
            assert re.fullmatch(r"[a-z0-9-]+", local), f"{c}: key is not lowercase ASCII"
        for label in labels(graph, c):
            assert label == " ".join(label.split()) and label, f"{c}: label {label!r}"


def test_no_label_names_two_concepts_of_one_scheme() -> None:
    clashes = {k: v for k, v in label_index().items() if len(v) > 1}
    assert not clashes, f"ambiguous labels: {clashes}"


def test_schemes_hold_the_expected_concept_kinds() -> None:
    graph = vocabularies()
    expected = {
        "laws": ("law/", ELI.LegalResource),
        "ministries": ("ministry/", SCHEMA.GovernmentOrganization),
        "portfolios": ("portfolio/", SKOS.Concept),
        "parties": ("party/", SCHEMA.PoliticalParty),
        "organisations": ("organisation/", SCHEMA.Organization),
        "outlets": ("outlet/", SCHEMA.NewsMediaOrganization),
    }
    seen: set[str] = set()
    for c in concepts(graph):
        scheme = scheme_of(graph, c)
        seen.add(scheme)
        prefix, cls = expected[scheme]
        assert str(c).startswith(BASE + prefix), f"{c} in scheme {scheme}"
        types = set(graph.objects(c, RDF.type))
        if scheme == "organisations":
            assert types & {SCHEMA.Organization, SCHEMA.GovernmentOrganization}, c
        else:
            assert cls in types, f"{c} lacks {cls}"
        if scheme == "portfolios":
            ministry = graph.value(c, KGO.portfolioOf)
            assert isinstance(ministry, URIRef), c
            assert scheme_of(graph, ministry) == "ministries", c
    assert seen == set(expected)


def test_outlets_map_their_host_names() -> None:
    graph = vocabularies()
    hosts: dict[str, str] = {}
    for c in concepts(graph):
        for d in graph.objects(c, KGO.domain):
            assert scheme_of(graph, c) == "outlets", f"kgo:domain on {c}"
            assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", str(d)), d
            assert not str(d).startswith("www."), d
            assert str(d) not in hosts, f"{d} maps to {hosts[str(d)]} and {c}"
            hosts[str(d)] = str(c).removeprefix(BASE)
    assert hosts["nos.nl"] == "outlet/nos"
    assert hosts["eenvandaag.avrotros.nl"] == "outlet/eenvandaag"
    assert hosts["fd.nl"] == "outlet/fd"
    # Every news host cited in these fixtures' footnotes is known.
    for host in ("nrc.nl", "ad.nl", "volkskrant.nl", "telegraaf.nl", "dvhn.nl", "ftm.nl"):
        assert host in hosts, host


# --- laws ----------------------------------------------------------------------------------


def test_bwb_ids_are_well_formed_and_key_their_concept() -> None:
    graph = vocabulary("laws.ttl")
    ids = list(graph.subject_objects(ELI.id_local))
    assert len(ids) >= 30
    for law, bwb in ids:
        assert re.fullmatch(r"BWBR\d{7}", str(bwb)), bwb
        assert str(law) == f"{BASE}law/{bwb}"
        assert graph.value(law, KGO.juriconnect) == Literal(f"jci1.3:c:{bwb}")
        assert str(graph.value(law, SCHEMA.url)) == f"https://wetten.overheid.nl/{bwb}"
    for law in concepts(graph):
        local = str(law).removeprefix(BASE + "law/")
        if local.startswith("BWBR"):
            assert graph.value(law, ELI.id_local) == Literal(local)
        else:
            assert graph.value(law, ELI.id_local) is None, f"{law} keyed by slug but has an id"


def test_issue_laws_are_present_with_their_ids() -> None:
    index = label_index()
    for label, bwb in ISSUE_LAWS.items():
        assert index[("laws", key(label))] == {f"law/{bwb}"}, label
    assert index[("laws", key("AVG"))] == {"law/celex-32016R0679"}
    assert index[("laws", key("Algemene verordening gegevensbescherming"))] == {
        "law/celex-32016R0679"
    }
    assert index[("laws", key("Wet modern migratiebeleid"))] == {"law/stb-2010-290"}
    graph = vocabulary("laws.ttl")
    avg = URIRef(BASE + "law/celex-32016R0679")
    assert set(graph.objects(avg, OWL.sameAs)) == {
        URIRef("http://data.europa.eu/eli/reg/2016/679/oj"),
        URIRef("http://www.wikidata.org/entity/Q1172506"),
    }
    wmm = URIRef(BASE + "law/stb-2010-290")
    assert graph.value(wmm, KGO.amends) == URIRef(BASE + "law/BWBR0011823")
    wob = URIRef(BASE + "law/BWBR0005252")
    assert graph.value(wob, DCTERMS.isReplacedBy) == URIRef(BASE + "law/BWBR0045754")


def test_ministries_record_their_renamings() -> None:
    graph = vocabulary("ministries.ttl")

    def m(k: str) -> URIRef:
        return URIRef(f"{BASE}ministry/{k}")

    assert (m("venj"), DCTERMS.isReplacedBy, m("jenv")) in graph
    assert (m("jenv"), DCTERMS.replaces, m("venj")) in graph
    assert set(graph.objects(m("ezk"), DCTERMS.isReplacedBy)) == {m("ez"), m("kgg")}
    index = label_index()
    assert index[("ministries", key("Justitie en Veiligheid"))] == {"ministry/jenv"}
    assert index[("ministries", key("JenV"))] == {"ministry/jenv"}
    assert index[("portfolios", key("Rechtsbescherming"))] == {"portfolio/rechtsbescherming"}


# --- the kgo ontology --------------------------------------------------------------------------


def kgo_terms_in_use() -> dict[str, set[str]]:
    """kgo terms used by the graph model, the shapes and the package, with where."""
    uses: dict[str, set[str]] = defaultdict(set)
    doc = (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8")
    for term in re.findall(r"\bkgo:(\w+)", doc):
        uses[term].add("docs/graph-model.md")
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        for term in re.findall(r"\bkgo:(\w+)", path.read_text(encoding="utf-8")):
            uses[term].add(f"shapes/{path.name}")
    for path in sorted((ROOT / "kggraph").rglob("*.py")):
        for term in re.findall(r"\bKGO\.(\w+)", path.read_text(encoding="utf-8")):
            uses[term].add(str(path.relative_to(ROOT)))
    for name in VOCABULARIES:
        for p in vocabulary(name).predicates():
            if str(p).startswith(str(KGO)):
                uses[str(p).removeprefix(str(KGO))].add(f"ontology/{name}")
    return uses


def test_every_kgo_term_in_use_is_declared_with_english_and_dutch_labels() -> None:
    graph = ontology()
    uses = kgo_terms_in_use()
    assert {"AanhangselItem", "answers", "sameQuestionsAs", "postpones", "domain"} <= set(uses)
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    concepts = {SKOS.Concept, SKOS.ConceptScheme}  # the document kinds and their scheme
    for term, where in sorted(uses.items()):
        iri = KGO[term]
        types = set(graph.objects(iri, RDF.type))
        assert types & (kinds | concepts), f"kgo:{term} ({sorted(where)})"
        for prop in (SKOS.prefLabel,) if types & concepts else (RDFS.label, RDFS.comment):
            langs = {o.language for o in graph.objects(iri, prop) if isinstance(o, Literal)}
            assert {"en", "nl"} <= langs, f"kgo:{term} {prop} languages {langs}"


def test_ontology_header_and_hierarchy() -> None:
    graph = ontology()
    header = URIRef("https://w3id.org/kggraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in graph
    assert graph.value(header, OWL.versionInfo) is not None
    assert graph.value(header, DCTERMS.license) is not None
    assert (KGO.Document, RDFS.subClassOf, DCTERMS.BibliographicResource) in graph
    for sub in (KGO.AanhangselItem, KGO.QuestionsDocument):
        assert (sub, RDFS.subClassOf, KGO.Document) in graph
    assert (KGO.Motion, RDFS.subClassOf, KGO.Kamerstuk) in graph
    assert (KGO.sameQuestionsAs, RDF.type, OWL.SymmetricProperty) in graph
    # Every term the ontology declares is one that is used (no dead terms).
    declared = {
        str(s).removeprefix(str(KGO))
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(str(KGO))  # not the unions that some domains and ranges are
    }
    assert declared - set(kgo_terms_in_use()) <= {"sameQuestionsAs", "postpones", "initials"}


# --- forms printed in the fixtures' headers ------------------------------------------------------

QUESTION_HEADER = re.compile(
    r"(?:Mondelinge\s+)?Vra(?:ag|gen)\s+van\s+(?:de|het)\s+(?:leden|lid)\b"
)
ANSWER_HEADER = re.compile(
    r"(?:Antwoord|Mededeling)\s+van\s+(?:[Mm]inister|[Ss]taatssecretaris)\b[^\n]*(?:\n[^\n]*){0,3}"
)
SUBJECT = re.compile(r"\s(?:over|inzake)(?=\s|de\s|het\s)")
ABSENCE = re.compile(r",?\s*bij afwezigheid van de\s*\w+,?")
POST_SPLIT = re.compile(r"(?:,\s*|\s+en\s+)(?=(?:van|voor|de)\s)")
ROLE = re.compile(
    r"^(?:de\s+)?(?:[Mm]inister(?:s|-[Pp]resident)?|[Ss]taatssecretaris(?:sen)?)?\s*(?:van|voor)?\s*"
)
PAREN = re.compile(r"\(([^()]+)(?:\)|$)")


def fixture_texts() -> dict[str, str]:
    texts = {
        p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "text").glob("*.txt"))
    }
    for pdf in sorted((FIXTURES / "pdf").glob("*.pdf")):
        texts[pdf.name] = PdfReader(pdf).pages[0].extract_text()
    return texts


def portfolios_of(clause: str) -> list[str]:
    """ "Ministers van A, van B en de Staatssecretaris van C" → [A, B, C]."""
    clause = ABSENCE.sub("", clause)
    found = []
    for piece in POST_SPLIT.split(clause):
        portfolio = ROLE.sub("", piece.strip()).strip(" ,.")
        if portfolio:
            found.append(portfolio)
    return found


@cache
def header_forms() -> dict[str, dict[str, set[str]]]:
    """{"parties" | "posts": {form: files}} from every fixture's header lines."""
    forms: dict[str, dict[str, set[str]]] = {"parties": defaultdict(set), "posts": defaultdict(set)}
    for name, text in fixture_texts().items():
        q = QUESTION_HEADER.search(text)
        if q:
            header = " ".join(text[q.start() : q.start() + 900].split())
            header = header.split("(ingezonden")[0]
            askers, _, rest = header.partition(" aan de ")
            if not rest:
                askers, _, rest = header.partition(") aan de ")
            for group in PAREN.findall(askers):
                party = re.sub(r"^(?:beiden|allen)\s+", "", group.strip())
                forms["parties"][party].add(name)
            for portfolio in portfolios_of(SUBJECT.split(rest, 1)[0]):
                forms["posts"][portfolio].add(name)
        a = ANSWER_HEADER.search(text)
        if a:
            answer = " ".join(a.group(0).split()).split("(ontvangen")[0]
            own, _, behalf = answer.partition("mede namens")
            for group in PAREN.findall(own):
                forms["posts"][group.strip()].add(name)
            for portfolio in portfolios_of(behalf):
                forms["posts"][portfolio].add(name)
    return forms


def squeeze(label: str) -> str:
    return re.sub(r"\s+", "", label).casefold()


def resolve(form: str, schemes: tuple[str, ...]) -> tuple[set[str], bool]:
    """Concept keys a form names, and whether only the space-insensitive match found them
    (pypdf drops spaces at some line joins: "Klimaaten Groene Groei", "enSport")."""
    index = label_index()
    hits = set().union(*(index.get((s, key(form)), set()) for s in schemes))
    if hits or len(form) <= CASE_EXACT_MAX:
        return hits, False
    glued = {
        c
        for (s, label), cs in index.items()
        if s in schemes and len(label) > CASE_EXACT_MAX
        # only spaces lost, never added
        if squeeze(label) == squeeze(form) and form.count(" ") < label.count(" ")
        for c in cs
    }
    return glued, True


def test_header_extraction_finds_the_forms_printed_in_the_fixtures() -> None:
    forms = header_forms()
    parties, posts = set(forms["parties"]), set(forms["posts"])
    assert {"SP", "Nieuw Sociaal Contract", "GroenLinks-PvdA", "FVD", "Groep Van Haga"} <= parties
    assert {"Asiel en Migratie", "BZ", "Financiën – Fiscaliteit en Belastingdienst"} <= posts
    assert {
        "Rechtsbescherming",
        "Klimaat en Energie",
        "Buitenlandse Handel en Ontwikkelingshulp",
    } <= posts
    assert len(set().union(*forms["parties"].values())) >= 45  # documents with askers


def test_every_party_in_the_fixture_headers_resolves() -> None:
    unknown = {}
    for form, files in header_forms()["parties"].items():
        hits, _ = resolve(form, ("parties",))
        if len(hits) != 1:
            unknown[form] = sorted(files)
    assert not unknown, f"parties without a (unique) concept in ontology/parties.ttl: {unknown}"


def test_every_ministry_and_portfolio_in_the_fixture_headers_resolves() -> None:
    unknown, glued = {}, set()
    for form, files in header_forms()["posts"].items():
        hits, by_squeeze = resolve(form, ("ministries", "portfolios"))
        if len(hits) != 1:
            unknown[form] = sorted(files)
        elif by_squeeze:
            glued.add(form)
    assert not unknown, f"posts without a (unique) concept in ontology/ministries.ttl: {unknown}"
    # pypdf's glued line joins (kv-tk-2024Z18438, kv-tk-2024Z18439) need the
    # space-insensitive match; everything else matches a label as printed.
    assert {"Klimaaten Groene Groei", "Volksgezondheid, Welzijn enSport"} <= glued


def test_another_base_carries_the_vocabulary_triples_to_the_moved_concepts() -> None:
    from conftest import TEXT

    from kggraph.pipeline import process_file

    other = "http://example.org/kg/"
    result = process_file(TEXT / "kamervragen-2022-ind-erkend-referenten.txt", base=other)
    g = result.graph
    sp = URIRef(other + "party/sp")
    assert g.value(sp, SKOS.prefLabel) == Literal("Socialistische Partij", lang="nl")
    assert (sp, SKOS.inScheme, URIRef(other + "scheme/parties")) in g
    wpg = URIRef(other + "law/BWBR0022463")
    assert g.value(wpg, ELI.id_local) == Literal("BWBR0022463")
    stray = {t for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(BASE)}
    assert not stray
    assert result.report is not None and result.report.conforms


def test_every_term_is_defined_by_the_ontology_with_domain_and_range() -> None:
    g = ontology()
    onto = URIRef("https://w3id.org/kggraph/ontology")
    terms = sorted(s for s in g.subjects(RDF.type, None) if str(s).startswith(str(KGO)))
    assert len(terms) >= 60
    assert [t for t in terms if g.value(t, RDFS.isDefinedBy) != onto] == []
    props = sorted(
        set(g.subjects(RDF.type, OWL.ObjectProperty))
        | set(g.subjects(RDF.type, OWL.DatatypeProperty))
    )
    assert [p for p in props if g.value(p, RDFS.domain) is None] == []
    assert [p for p in props if g.value(p, RDFS.range) is None] == []
    # "the converse direction is schema:acceptedAnswer", said as OWL
    assert g.value(KGO.answers, OWL.inverseOf) == SCHEMA.acceptedAnswer


def test_document_kinds_are_skos_concepts_and_every_document_has_one(ind_result) -> None:  # type: ignore[no-untyped-def]
    g = ontology()
    kinds = sorted(g.subjects(SKOS.inScheme, KGO.DocumentKinds))
    assert [str(g.value(k, SKOS.notation)) for k in kinds] == [
        "answer",
        "postponement",
        "questions",
    ]
    for k in kinds:
        assert {o.language for o in g.objects(k, SKOS.prefLabel)} == {"en", "nl"}  # type: ignore[attr-defined]
    doc = URIRef(BASE + "doc/kamervragen-2022-ind-erkend-referenten")
    assert ind_result.graph.value(doc, DCTERMS.type) == KGO.answerKind
    assert ind_result.graph.value(doc, KGO.documentKind) == Literal("answer")
