"""The RDF mapping: a parsed :class:`Document` → its named graph (docs/graph-model.md).

Never sees raw text: everything comes from the document model. Vocabulary concepts
(laws, ministries, parties, organisations, outlets) bring their own triples from
``ontology/`` so that each document graph is self-contained and validates on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import PurePath
from typing import TypeVar
from urllib.parse import urlsplit

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SKOS

from .buildinfo import build_id
from .iri import Minter, link_iri
from .lexicon import DEFAULT_BASE, Lexicon, load_lexicon
from .model import Citation, Document, KamerstukRef, PersonName, Post, Span
from .names import preferred_family, preferred_label, preferred_post, tidy
from .prefixes import PREFIXES as IRIS

KGO = Namespace("https://w3id.org/kggraph/ontology#")
SCHEMA = Namespace("https://schema.org/")
CITO = Namespace("http://purl.org/spar/cito/")
OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OFFICIAL = "https://zoek.officielebekendmakingen.nl/"
#: the IRI that rechtspraak.nl's own open data gives a decision (its RDF ``rdf:about``)
ECLI_IRI = "http://deeplink.rechtspraak.nl/uitspraak?id="
NL = "nl"  # the language of the documents' own text

PREFIXES = {name: Namespace(iri) for name, iri in IRIS.items()}  # kggraph/prefixes.py
WEB_CLASS = {"news": SCHEMA.NewsArticle, "report": SCHEMA.Report, "webpage": SCHEMA.WebPage}
#: the SKOS concept of each document kind (ontology/kggraph.ttl, kgo:DocumentKinds)
KIND_CONCEPT = {kind: KGO[f"{kind}Kind"] for kind in ("answer", "questions", "postponement")}
QUOTE = 32  # characters of context on each side of a quoted fact
PUBLICATION_CLASS = {"staatscourant": KGO.Staatscourant, "staatsblad": KGO.Staatsblad}


G = TypeVar("G", bound=Graph)


def bind_prefixes(graph: G, base: str = DEFAULT_BASE) -> G:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("kg", Namespace(base), override=True)
    return graph


class _Builder:
    def __init__(self, doc: Document, lexicon: Lexicon, base: str, content_hash: str | None):
        self.d = doc
        self.lex = lexicon
        self.m = Minter(base)
        self.g = bind_prefixes(Graph(identifier=self.m.doc(doc.identifier)), base)
        self.doc = self.m.doc(doc.identifier)
        self.hash = content_hash
        self.blocks: dict[str, list[URIRef]] = {}
        self._mention_keys: set[str] = set()

    # -- small helpers -----------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def provenance(self, node: URIRef, span: Span) -> None:
        sel = self.m.selector_of(node, "position")
        self.add(node, PROV.wasDerivedFrom, self.doc)
        self.add(node, KGO.textSelector, sel)
        self.add(sel, RDF.type, OA.TextPositionSelector)
        self.add(sel, OA.start, Literal(span.start))
        self.add(sel, OA.end, Literal(span.end))
        self.quote(node, span)
        page = self.d.source.page_at(span.start)
        if page is not None:
            self.add(node, KGO.page, Literal(page))

    def quote(self, node: URIRef, span: Span) -> None:
        """A Web Annotation text quote of the fact (exact text, 32 characters before and
        after), so that it can be found again in the official PDF or HTML."""
        text = self.d.source.text
        exact = text[span.start : span.end]
        if not exact.strip():
            return
        sel = self.m.selector_of(node, "quote")
        self.add(node, KGO.quoteSelector, sel)
        self.add(sel, RDF.type, OA.TextQuoteSelector)
        self.add(sel, OA.exact, Literal(exact))
        before, after = (
            text[max(0, span.start - QUOTE) : span.start],
            text[span.end : span.end + QUOTE],
        )
        self.add(sel, OA.prefix, Literal(before) if before else None)
        self.add(sel, OA.suffix, Literal(after) if after else None)

    def concept(self, key: str) -> URIRef:
        """The concept's IRI, with its vocabulary triples copied into this graph."""
        iri = self.m.key(key)
        vocab_iri = URIRef(DEFAULT_BASE + key)
        for _, p, o in self.lex.graph.triples((vocab_iri, None, None)):
            self.g.add((iri, p, self._rebase(o)))  # type: ignore[arg-type]
        return iri

    def _rebase(self, o: URIRef | Literal) -> URIRef | Literal:
        if isinstance(o, URIRef) and str(o).startswith(DEFAULT_BASE):
            return self.m.key(str(o)[len(DEFAULT_BASE) :])
        return o

    def names(
        self, node: URIRef, pref: URIRef, preferred: str, written: str, lang: str | None
    ) -> None:
        """The preferred name of a shared node (the same in every document, see
        ``kggraph.names``) and, when this document spells it otherwise, that spelling
        as ``skos:altLabel``."""
        self.add(node, pref, Literal(preferred, lang=lang))
        spelled = " ".join(written.split())
        if spelled != preferred:
            self.add(node, SKOS.altLabel, Literal(spelled, lang=lang))

    def mention(self, span: Span, target: URIRef, where: URIRef, surface: str | None) -> URIRef:
        k = 0
        node = self.m.mention_in(where, target)
        while str(node) in self._mention_keys:
            k += 1
            node = self.m.mention_in(where, target, k)
        self._mention_keys.add(str(node))
        self.add(node, RDF.type, KGO.Mention)
        self.add(node, KGO.mentions, target)
        self.add(node, KGO.mentionedIn, where)
        self.add(node, DCTERMS.isPartOf, self.doc)
        if surface:
            self.add(node, KGO.surface, Literal(" ".join(surface.split())))
        self.provenance(node, span)
        return node

    def references(self, where: Iterable[URIRef], target: URIRef) -> None:
        for w in where:
            self.add(w, DCTERMS.references, target)
        self.add(self.doc, DCTERMS.references, target)

    def block_nodes(self, key: str | None) -> list[URIRef]:
        if key and key.startswith("footnote:"):
            return [self.m.footnote(self.d.identifier, int(key.split(":")[1]))]
        return self.blocks.get(key or "", []) or [self.doc]

    # -- parts -------------------------------------------------------------------------

    def document(self) -> None:
        d, doc = self.d, self.doc
        cls = (
            KGO.AanhangselItem
            if d.identifier.startswith("ah-")
            else KGO.QuestionsDocument
            if d.identifier.startswith("kv-")
            else KGO.Document
        )
        self.add(doc, RDF.type, cls)
        self.add(doc, RDF.type, KGO.Document)  # explicit: validation runs without inference
        self.add(doc, DCTERMS.identifier, Literal(d.identifier))
        self.add(doc, KGO.documentKind, Literal(d.kind))
        self.add(doc, DCTERMS.type, KIND_CONCEPT.get(d.kind))
        if d.identifier.startswith(("ah-", "kv-")):
            self.add(
                doc, SCHEMA.url, Literal(f"{OFFICIAL}{d.identifier}.html", datatype=XSD.anyURI)
            )
        h = d.header
        self.add(doc, DCTERMS.title, Literal(h.subject, lang=NL) if h.subject else None)
        self.add(doc, DCTERMS.dateSubmitted, Literal(h.submitted) if h.submitted else None)
        self.add(doc, KGO.dateReceived, Literal(h.received) if h.received else None)
        if h.submitted and h.received and h.received >= h.submitted:
            self.add(doc, KGO.answerDays, Literal((h.received - h.submitted).days))
        self.add(doc, KGO.vergaderjaar, Literal(d.vergaderjaar) if d.vergaderjaar else None)
        self.add(doc, KGO.aanhangselNumber, Literal(d.number) if d.number is not None else None)
        self.add(doc, KGO.zaaknummer, Literal(d.zaaknummer) if d.zaaknummer else None)
        self.add(doc, KGO.contentHash, Literal(self.hash) if self.hash else None)
        self.add(doc, KGO.builtWith, Literal(build_id()) if self.hash else None)
        if d.source.path:
            self.add(doc, DCTERMS.source, Literal(PurePath(d.source.path).name))
        for ref in h.see_also:
            target = self.aanhangsel(ref.identifier)
            self.add(doc, RDFS.seeAlso, target)
        if d.zaaknummer and d.identifier.startswith("ah-"):
            # The questions as submitted are published as kv-tk-<zaak>: the same questions.
            questions = self.m.doc(f"kv-tk-{d.zaaknummer}")
            self.add(questions, RDF.type, KGO.QuestionsDocument)
            self.add(questions, RDF.type, KGO.Document)
            self.add(questions, DCTERMS.identifier, Literal(f"kv-tk-{d.zaaknummer}"))
            self.add(questions, KGO.zaaknummer, Literal(d.zaaknummer))
            url = f"{OFFICIAL}kv-tk-{d.zaaknummer}.html"
            self.add(questions, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
            link = KGO.postpones if d.kind == "postponement" else KGO.sameQuestionsAs
            self.add(doc, link, questions)

    def person(self, family: str, written: str, given: str | None, party: str | None) -> URIRef:
        party_iri = self.party(party) if party else None
        node = self.m.person(family, party_iri.rsplit("/", 1)[-1] if party_iri else None)
        self.add(node, RDF.type, SCHEMA.Person)
        self.names(node, SCHEMA.name, preferred_family(family), written, None)
        self.add(node, SCHEMA.familyName, Literal(preferred_family(family)))
        self.add(node, SCHEMA.givenName, Literal(given) if given else None)
        self.add(node, SCHEMA.memberOf, party_iri)
        return node

    def party(self, name: str) -> URIRef:
        concept = self.lex.lookup("parties", name)
        if concept:
            return self.concept(concept.key)
        node = self.m.party(name)
        self.add(node, RDF.type, SCHEMA.PoliticalParty)
        self.names(node, SKOS.prefLabel, tidy(name), name, "nl")
        return node

    def post(self, post: Post) -> URIRef:
        ministry = self.lex.lookup("ministries", post.portfolio)
        portfolio = self.lex.lookup("portfolios", post.portfolio)
        known = ministry or portfolio
        key = known.key.rsplit("/", 1)[-1] if known else None
        node = self.m.post(post.role, key or post.portfolio)
        self.add(node, RDF.type, ORG.Post)
        parent = self.lex.concepts.get(portfolio.parent) if portfolio and portfolio.parent else None
        pref = preferred_post(post.role, ministry, portfolio, parent)
        self.names(node, SKOS.prefLabel, pref or preferred_label(post.label), post.label, "nl")
        self.add(node, KGO.role, Literal(post.role))
        if ministry:
            self.add(node, ORG.postIn, self.concept(ministry.key))
        elif portfolio:
            self.add(node, KGO.portfolio, self.concept(portfolio.key))
            if portfolio.parent:
                self.add(node, ORG.postIn, self.concept(portfolio.parent))
        return node

    def tenure(self, post: URIRef, person: URIRef, on: date | None) -> None:
        """Who held a post when: one ``org:Membership`` per post and person, with each date
        a document shows them in it (``kgo:heldOn``, the day the answer was received).
        Across documents the dates gather, so the earliest and latest bound the tenure."""
        if on is None:
            return
        node = self.m.membership(post, person)
        self.add(node, RDF.type, ORG.Membership)
        self.add(node, ORG.member, person)
        self.add(node, KGO.post, post)
        ministry = self.g.value(post, ORG.postIn)
        self.add(node, ORG.organization, ministry if isinstance(ministry, URIRef) else None)
        self.add(node, KGO.heldOn, Literal(on))

    def header(self) -> None:
        h, doc = self.d.header, self.doc
        for asker in h.askers:
            p = asker.person
            self.add(doc, KGO.askedBy, self.person(p.family, p.written, p.given, asker.party))
        for post in h.addressees:
            self.add(doc, KGO.addressedTo, self.post(post))
        answerers: list[tuple[PersonName, Post | None]] = (
            [(h.answerer, h.answerer_post)] if h.answerer else []
        )
        answerers += [(co.person, co.post) for co in h.co_answerers]
        for name, answered_as in answerers:
            person = self.person(name.family, name.written, name.given, None)
            self.add(doc, KGO.answeredBy, person)
            if answered_as:
                held = self.post(answered_as)
                self.add(doc, KGO.answeredAs, held)
                self.add(held, ORG.heldBy, person)
                self.tenure(held, person, h.received)
        for post in h.on_behalf_of:
            self.add(doc, KGO.onBehalfOf, self.post(post))

    def questions_and_answers(self) -> None:
        d, doc = self.d, self.doc
        q_iri = {q.number: self.m.question(d.identifier, q.number) for q in d.questions}
        for q in d.questions:
            node = q_iri[q.number]
            self.add(node, RDF.type, SCHEMA.Question)
            self.add(node, KGO.number, Literal(q.number))
            self.add(node, RDFS.label, Literal(f"Vraag {q.number}", lang=NL))
            self.add(node, SCHEMA.text, Literal(q.text, lang=NL))
            self.add(node, DCTERMS.isPartOf, doc)
            self.add(doc, DCTERMS.hasPart, node)
            self.provenance(node, q.span)
            key = "question:" + ",".join(map(str, q.group or (q.number,)))
            self.blocks.setdefault(key, []).append(node)
        for a in d.answers:
            if not any(n in q_iri for n in a.numbers):
                continue  # its questions are printed elsewhere (an item of 1919–1923)
            node = self.m.answer(d.identifier, a.index)
            self.add(node, RDF.type, SCHEMA.Answer)
            self.add(node, RDFS.label, Literal(a.label, lang=NL))
            self.add(node, SCHEMA.text, Literal(a.text, lang=NL))
            self.add(node, DCTERMS.isPartOf, doc)
            self.add(doc, DCTERMS.hasPart, node)
            for n in a.numbers:
                if n in q_iri:
                    self.add(node, KGO.answers, q_iri[n])
                    self.add(q_iri[n], SCHEMA.acceptedAnswer, node)
            for n in a.refers_to:
                self.add(node, KGO.refersTo, q_iri.get(n))
            if a.referral_only:
                self.add(node, KGO.isReferral, Literal(True))
            self.provenance(node, a.span)
            self.blocks.setdefault("answer:" + ",".join(map(str, a.numbers)), []).append(node)

    def footnotes(self) -> None:
        for f in self.d.footnotes:
            node = self.m.footnote(self.d.identifier, f.number)
            self.add(node, RDF.type, KGO.Footnote)
            self.add(node, KGO.number, Literal(f.number))
            self.add(node, SCHEMA.text, Literal(f.text, lang=NL))
            self.add(node, DCTERMS.isPartOf, self.doc)
            self.add(self.doc, DCTERMS.hasPart, node)
            self.provenance(node, f.span)
            for holder in self.block_nodes(f.block):
                self.add(holder, KGO.hasFootnote, node)

    def kamerstuk(self, ref: KamerstukRef) -> URIRef:
        node = self.m.kamerstuk(ref.identifier)
        self.add(node, RDF.type, KGO.Kamerstuk)
        self.add(node, DCTERMS.identifier, Literal(ref.identifier))
        self.add(node, KGO.dossierNumber, Literal(ref.dossier))
        self.add(node, KGO.ondernummer, Literal(ref.number))
        self.add(node, KGO.toevoeging, Literal(ref.toevoeging) if ref.toevoeging else None)
        toev = f" {ref.toevoeging}" if ref.toevoeging else ""
        label = f"Kamerstuk {ref.dossier}{toev}, nr. {ref.number}"
        self.add(node, RDFS.label, Literal(label, lang=NL))
        self.add(node, SCHEMA.url, Literal(f"{OFFICIAL}{ref.identifier}.html", datatype=XSD.anyURI))
        return node

    def aanhangsel(self, identifier: str) -> URIRef:
        node = self.m.doc(identifier)
        self.add(node, RDF.type, KGO.AanhangselItem)
        self.add(node, RDF.type, KGO.Document)
        self.add(node, DCTERMS.identifier, Literal(identifier))
        self.add(node, SCHEMA.url, Literal(f"{OFFICIAL}{identifier}.html", datatype=XSD.anyURI))
        return node

    def cited(self, c: Citation) -> URIRef:
        if c.kind == "kamerstuk" and c.kamerstuk:
            return self.kamerstuk(c.kamerstuk)
        if c.kind == "aanhangsel":
            return self.aanhangsel(c.key)
        if c.kind in PUBLICATION_CLASS:
            node = self.m.publication(c.key)
            self.add(node, RDF.type, PUBLICATION_CLASS[c.kind])
            self.add(node, DCTERMS.identifier, Literal(c.key))
            self.add(node, SCHEMA.url, Literal(f"{OFFICIAL}{c.key}.html", datatype=XSD.anyURI))
            return node
        if c.kind == "ecli":
            node = self.m.ecli(c.key)
            self.add(node, RDF.type, KGO.CourtDecision)
            self.add(node, DCTERMS.identifier, Literal(c.key))
            url = f"https://uitspraken.rechtspraak.nl/details?id={c.key}"
            self.add(node, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
            self.add(node, OWL.sameAs, link_iri(ECLI_IRI + c.key))
            return node
        url = c.url or c.key
        node = self.m.web(url)
        self.add(node, RDF.type, WEB_CLASS.get(c.kind, SCHEMA.WebPage))
        self.add(node, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
        self.add(node, SCHEMA.name, Literal(c.title) if c.title else None)
        self.add(node, SCHEMA.datePublished, Literal(c.published) if c.published else None)
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        self.add(node, KGO.domain, Literal(host) if host else None)
        if c.publisher:
            self.add(node, SCHEMA.publisher, self.outlet(c.publisher, host))
        return node

    def outlet(self, name: str, host: str) -> URIRef:
        concept = self.lex.outlet_for_host(host) or self.lex.lookup("outlets", name)
        if concept is None:
            concept = self.lex.lookup("organisations", name.removeprefix("De ").strip())
        if concept:
            return self.concept(concept.key)
        node = self.m.outlet(name)
        self.add(node, RDF.type, SCHEMA.Organization)
        self.add(node, SCHEMA.name, Literal(name))
        return node

    def citations(self) -> None:
        for c in self.d.citations:
            target = self.cited(c)
            if c.footnote is not None:
                fn = self.m.footnote(self.d.identifier, c.footnote)
                self.add(fn, CITO.cites, target)
                where = fn
                holders = self.block_nodes(c.block)
            else:
                holders = self.block_nodes(c.block)
                where = holders[0]
            self.references(holders, target)
            self.mention(c.span, target, where, c.surface or c.key)

    def motions(self) -> None:
        for i, mo in enumerate(self.d.motions):  # noqa: B007 - i names unnamed motions
            if mo.kamerstuk:
                node = self.kamerstuk(mo.kamerstuk)
            else:
                # Without its Kamerstuk a motion is known within this document by its
                # submitters: every mention of "de motie Beckerman" is one node.
                node = self.m.motion(self.d.identifier, mo.submitters or (str(i),))
                self.add(node, RDFS.label, Literal(" ".join(mo.written.split()), lang=NL))
            self.add(node, RDF.type, KGO.Amendment if mo.kind == "amendment" else KGO.Motion)
            holders = self.block_nodes(mo.block)
            self.references(holders, node)
            mention = self.mention(mo.span, node, holders[0], mo.written)
            # on the motion, which gathers the names of every citing document, and on this
            # document's own mention of it
            for name in mo.submitters:
                self.add(node, KGO.submitterName, Literal(name))
                self.add(mention, KGO.submitterName, Literal(name))

    def law_by_title(self, target: URIRef, names: tuple[str, ...]) -> None:
        """A law the vocabulary does not know, found by its title: typed as a law, named
        by its title (the first one written in this document), other names as alt labels."""
        self.add(target, RDF.type, ELI.LegalResource)
        self.add(target, RDF.type, SCHEMA.Legislation)
        for name in names:
            label = Literal(name, lang="nl")
            if (target, SKOS.prefLabel, None) not in self.g:
                self.add(target, SKOS.prefLabel, label)
            elif (target, SKOS.prefLabel, label) not in self.g:
                self.add(target, SKOS.altLabel, label)

    def mentions(self) -> None:
        for mo in self.d.mentions:
            target = self.concept(mo.concept)
            if mo.names:
                self.law_by_title(target, mo.names)
            holders = self.block_nodes(mo.block)
            node = self.mention(mo.span, target, holders[0], mo.surface)
            self.references(holders, target)
            if mo.article and mo.scheme == "laws":
                article = self.m.article(mo.concept, mo.article)
                self.add(article, RDF.type, KGO.LawArticle)
                self.add(article, ELI.is_part_of, target)
                self.add(article, KGO.articleNumber, Literal(mo.article))
                label = f"artikel {mo.article} {mo.surface}"
                self.add(article, RDFS.label, Literal(label, lang=NL))
                bwb = next(
                    self.lex.graph.objects(URIRef(DEFAULT_BASE + mo.concept), ELI.id_local), None
                )
                if bwb:
                    jci = f"jci1.3:c:{bwb}&artikel={mo.article}"
                    self.add(article, KGO.juriconnect, Literal(jci))
                self.add(node, KGO.article, article)
                self.references(holders, article)


def add_links(g: Graph) -> None:
    """Every address a node carries as ``schema:url`` (a string: queries read it) also as
    a link, ``schema:sameAs <address>``, when it is a valid IRI; a broken one (a space, an
    OCR slip) stays a string only."""
    for node, url in list(g.subject_objects(SCHEMA.url)):
        iri = link_iri(str(url))
        if iri is not None:
            g.add((node, SCHEMA.sameAs, iri))


def finding_class(code: str) -> URIRef:
    """The class of a self-check finding: "question-numbering" → kgo:QuestionNumberingFinding
    (``ontology/selfcheck.ttl``)."""
    return KGO["".join(w.capitalize() for w in code.split("-")) + "Finding"]


def add_findings(b: _Builder) -> None:
    """The parser's self-check findings (issue 14), each with its message and location, and
    the measured unassigned text; shapes/kggraph-selfcheck.ttl reports them as warnings."""
    d = b.d
    if d.unassigned:
        b.add(b.doc, KGO.unassignedCharacters, Literal(d.unassigned))
    for n, f in enumerate(d.findings, 1):
        node = b.m.key(f"finding/{d.identifier}-{n}")
        b.add(node, RDF.type, KGO.SelfCheckFinding)
        b.add(node, RDF.type, finding_class(f.code))
        b.add(node, KGO.checkCode, Literal(f.code))
        b.add(node, RDFS.comment, Literal(f.message, lang="en"))
        b.add(b.doc, KGO.selfCheck, node)
        if f.span is not None:
            b.provenance(node, f.span)
        else:
            b.add(node, PROV.wasDerivedFrom, b.doc)


def to_graph(
    doc: Document,
    *,
    lexicon: Lexicon | None = None,
    base: str = DEFAULT_BASE,
    content_hash: str | None = None,
) -> Graph:
    """The named graph of ``doc`` (its identifier is the document IRI)."""
    b = _Builder(doc, lexicon or load_lexicon(), base, content_hash)
    b.document()
    b.header()
    b.questions_and_answers()
    b.footnotes()
    b.citations()
    b.motions()
    b.mentions()
    add_findings(b)
    add_links(b.g)
    return b.g
