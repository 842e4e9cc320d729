"""Deterministic IRIs under one base, minted from official identifiers — never from
pasted text: keys are slugged or percent-encoded.

>>> m = Minter("https://w3id.org/kggraph/id/")
>>> str(m.kamerstuk("kst-35925-VII-39"))
'https://w3id.org/kggraph/id/kamerstuk/kst-35925-VII-39'
>>> slug("Faber – van de Klashorst")
'faber-van-de-klashorst'
>>> m.web("https://nos.nl/artikel/1/") == m.web("HTTPS://NOS.nl/artikel/1#top")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

from rdflib import URIRef

SAFE_KEY = re.compile(r"[^A-Za-z0-9._~-]")


def slug(text: str) -> str:
    """Lower-case ASCII with runs of anything else folded to '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def safe_key(key: str) -> str:
    """Percent-encode everything outside the unreserved characters."""
    return quote(key, safe="-._~")


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment and a trailing slash of the path."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(
        (parts.scheme.lower() or "https", parts.netloc.lower(), path, parts.query, "")
    )


#: what an IRI kggraph links to may not hold, beyond what RFC 3987 forbids: the characters
#: that Turtle, N-Triples and SPARQL writers cannot carry unescaped (shapes: kgs:SafeIriShape)
UNSAFE_IRI = re.compile(r'[\s"<>{}|\\^`]')


def link_iri(address: str) -> URIRef | None:
    """``address`` as an IRI to link to, or None when it is not a valid http(s) IRI
    (a space or a broken escape from a PDF's text): then it stays a string only.

    >>> str(link_iri("https://nos.nl/artikel/2431234-ind"))
    'https://nos.nl/artikel/2431234-ind'
    >>> link_iri("https://www.rijksoverheid.nl/documenten/ rapport"), link_iri("nos.nl/x")
    (None, None)
    >>> link_iri("https://example.org/%zz")
    """
    import pyoxigraph as ox

    if UNSAFE_IRI.search(address) or not address.startswith(("http://", "https://")):
        return None
    if not urlsplit(address).hostname:
        return None
    try:
        ox.NamedNode(address)  # Oxigraph's RFC 3987 parser: what the store will accept
    except ValueError:
        return None
    return URIRef(address)


class Minter:
    """Mints the IRIs of docs/graph-model.md under ``base``."""

    def __init__(self, base: str):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _iri(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{safe_key(key)}")

    def key(self, key: str) -> URIRef:
        """A vocabulary concept by its key ("law/BWBR0001840")."""
        kind, _, rest = key.partition("/")
        return self._iri(kind, rest)

    def doc(self, identifier: str) -> URIRef:
        return self._iri("doc", identifier)

    def question(self, doc_id: str, n: int) -> URIRef:
        return self._iri("question", f"{doc_id}-{n}")

    def answer(self, doc_id: str, i: int) -> URIRef:
        return self._iri("answer", f"{doc_id}-{i}")

    def footnote(self, doc_id: str, n: int) -> URIRef:
        return self._iri("footnote", f"{doc_id}-{n}")

    def local(self, iri: URIRef) -> str:
        """An IRI minted here as one key: its path after the base, "/" as "-"
        ("question/ah-tk-20212022-2942-3" → "question-ah-tk-20212022-2942-3")."""
        return str(iri).removeprefix(self.base).replace("/", "-")

    def selector_of(self, node: URIRef, kind: str) -> URIRef:
        """The ``kind`` ("position", "quote") selector of an extracted node, named by
        the node: it stays when other parts of the text move."""
        return self._iri("selector", f"{self.local(node)}-{kind}")

    def membership(self, post: URIRef, person: URIRef) -> URIRef:
        """One person's tenure of one post (``membership/post-…-person-…``)."""
        return self._iri("membership", f"{self.local(post)}-{self.local(person)}")

    def mention_in(self, where: URIRef, target: URIRef, k: int = 0) -> URIRef:
        """The ``k``-th mention of ``target`` in block ``where``, named by both: it stays
        when other parts of the text move."""
        key = f"{self.local(where)}-{self.local(target)}"
        return self._iri("mention", key + (f"-{k}" if k else ""))

    def person(self, family: str, party: str | None) -> URIRef:
        return self._iri("person", slug(family) + (f"-{slug(party)}" if party else ""))

    def party(self, name: str) -> URIRef:
        return self._iri("party", slug(name))

    def post(self, role: str, portfolio: str) -> URIRef:
        return self._iri("post", f"{slug(role)}-{slug(portfolio)}")

    def motion(self, doc_id: str, submitters: tuple[str, ...]) -> URIRef:
        """A motion whose Kamerstuk is unknown, within its document."""
        return self._iri("motion", f"{doc_id}-" + "-".join(slug(s) for s in submitters))

    def kamerstuk(self, kst_id: str) -> URIRef:
        return self._iri("kamerstuk", kst_id)

    def publication(self, key: str) -> URIRef:
        return self._iri("publication", key)

    def ecli(self, ecli: str) -> URIRef:
        return self._iri("ecli", ecli.replace(":", "-"))

    def web(self, url: str) -> URIRef:
        digest = hashlib.sha1(normalise_url(url).encode()).hexdigest()[:16]
        return self._iri("web", digest)

    def outlet(self, name: str) -> URIRef:
        return self._iri("outlet", slug(name))

    def article(self, law_key: str, article: str) -> URIRef:
        return self._iri("article", f"{law_key.rsplit('/', 1)[-1]}-{slug(article)}")
