"""The document model: the one module every stage shares.

Extraction yields a :class:`SourceText`; cleaning a :class:`CleanText`; parsing a
:class:`Document`. All offsets (``Span``) point into ``SourceText.text`` — the text as it
came out of the file — so that provenance can always be shown to a reader.

>>> Span(3, 7).length
4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` in the source text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class PageSpan:
    """Page ``number`` (1-based) covers ``text[start:end]`` of the source text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceText:
    """One document's text as extracted, before cleaning.

    ``origin`` is ``"text"`` (plain text, e.g. what pypdf's ``extract_text`` gave),
    ``"pdf"`` (kggraph's layout-aware PDF extraction) or ``"xml"``.

    An extractor that knows the layout fills the zone fields; when they are empty the
    cleaner finds page furniture, footnote blocks and markers in the text itself.

    - ``furniture``: running headers/footers, masthead id/ISSN lines, page numbers:
      removed from the body.
    - ``footnotes``: the footnote areas at the bottom of pages; each zone holds one or more
      footnotes, each starting with its number ("1 NOS, …" or "1NOS, …").
    - ``markers``: superscript footnote reference markers in the body ("…referenten»?¹").
    - ``findings``: characters repaired while reading (:mod:`kggraph.extract.characters`).
    """

    path: str | None
    text: str
    pages: tuple[PageSpan, ...]
    origin: str = "text"
    identifier: str | None = None
    furniture: tuple[Span, ...] = ()
    footnotes: tuple[Span, ...] = ()
    markers: tuple[Span, ...] = ()
    findings: tuple[SelfCheck, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page number holding ``offset`` (None when the text has no pages)."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].end else None


@dataclass(frozen=True)
class FootnoteText:
    """A footnote as printed: its number, its text (cleaned) and where it stands.

    ``offsets[i]`` is the source offset of ``text[i]``.
    """

    number: int
    text: str
    span: Span
    offsets: tuple[int, ...] = ()

    def source_span(self, start: int, end: int) -> Span:
        if not self.offsets:
            return self.span
        last = min(max(end - 1, start), len(self.offsets) - 1)
        return Span(self.offsets[min(start, len(self.offsets) - 1)], self.offsets[last] + 1)


@dataclass(frozen=True)
class Marker:
    """A footnote reference marker: footnote ``number`` is referenced at ``span``.

    ``position`` is the offset in the clean body text where the marker stood.
    """

    number: int
    span: Span
    position: int


@dataclass(frozen=True)
class CleanText:
    """The cleaned body text plus a map from each of its characters to the source text."""

    text: str
    offsets: tuple[int, ...]
    footnotes: tuple[FootnoteText, ...] = ()
    markers: tuple[Marker, ...] = ()

    def source_span(self, start: int, end: int) -> Span:
        """Map a clean-text range back to a source-text span."""
        if not self.offsets:
            return Span(0, 0)
        s = self.offsets[min(start, len(self.offsets) - 1)]
        e = self.offsets[min(max(end - 1, start), len(self.offsets) - 1)] + 1
        return Span(s, max(e, s))

    def window(self, source_start: int, source_end: int) -> CleanText:
        """The part of this text that comes from ``source[source_start:source_end]`` (one
        Aanhangsel item of a page), with its footnotes and markers."""
        from bisect import bisect_left

        a, b = bisect_left(self.offsets, source_start), bisect_left(self.offsets, source_end)
        return CleanText(
            self.text[a:b],
            self.offsets[a:b],
            tuple(f for f in self.footnotes if source_start <= f.span.start < source_end),
            tuple(
                Marker(m.number, m.span, m.position - a)
                for m in self.markers
                if a <= m.position < b
            ),
        )


# --- parsed model ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonName:
    """A person as written: "Jasper van Dijk" → given "Jasper", family "van Dijk"."""

    written: str
    family: str
    given: str | None = None
    initials: str | None = None


@dataclass(frozen=True)
class Asker:
    person: PersonName
    party: str | None
    span: Span


@dataclass(frozen=True)
class Post:
    """A government post: role ("Minister", "Staatssecretaris", "Minister-President",
    "Minister voor …") and the ministry or portfolio as written ("Justitie en Veiligheid")."""

    role: str
    portfolio: str
    span: Span
    preposition: str = "van"

    @property
    def label(self) -> str:
        return f"{self.role} {self.preposition} {self.portfolio}"


@dataclass(frozen=True)
class AanhangselRef:
    """A reference to an Aanhangsel item: vergaderjaar "20212022" and number."""

    vergaderjaar: str
    number: int
    span: Span

    @property
    def identifier(self) -> str:
        return f"ah-tk-{self.vergaderjaar}-{self.number}"


@dataclass(frozen=True)
class CoAnswerer:
    """A second minister or state secretary answering in the same line ("… en van Minister
    Hermans (Klimaat en Groene Groei)"), not merely "mede namens"."""

    person: PersonName
    post: Post


@dataclass(frozen=True)
class Header:
    askers: tuple[Asker, ...] = ()
    addressees: tuple[Post, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    answerer: PersonName | None = None
    answerer_post: Post | None = None
    co_answerers: tuple[CoAnswerer, ...] = ()
    on_behalf_of: tuple[Post, ...] = ()
    received: date | None = None
    see_also: tuple[AanhangselRef, ...] = ()
    question_span: Span | None = None
    answer_span: Span | None = None
    submitted_span: Span | None = None  # "(ingezonden …)" where it stands apart


@dataclass(frozen=True)
class Question:
    """Question ``number``; ``group`` lists all numbers of a grouped heading "Vraag 4 en 5"."""

    number: int
    text: str
    span: Span
    group: tuple[int, ...] = ()


@dataclass(frozen=True)
class Answer:
    """An answer block. ``numbers``: the questions it answers ("Antwoord 6, 7, 9 en 11").

    ``refers_to``: question numbers whose answer this one points to ("Zie beantwoording
    vraag 11"); ``referral_only``: the block says nothing but that referral.
    """

    index: int
    numbers: tuple[int, ...]
    label: str
    text: str
    span: Span
    refers_to: tuple[int, ...] = ()
    referral_only: bool = False


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    span: Span
    block: str | None  # "question:3", "answer:2", "header" or None when no marker was found
    marker: Span | None = None


@dataclass(frozen=True)
class KamerstukRef:
    """ "35 925 VII, nr. 39" → dossier "35925", toevoeging "VII", number "39"."""

    dossier: str
    number: str
    toevoeging: str | None = None

    @property
    def identifier(self) -> str:
        parts = ["kst", self.dossier] + ([self.toevoeging] if self.toevoeging else [])
        return "-".join([*parts, self.number])


@dataclass(frozen=True)
class Citation:
    """Something a footnote or the text cites.

    ``kind``: kamerstuk, aanhangsel, staatscourant, staatsblad, ecli, news, report, webpage.
    ``key``: the official identifier ("kst-35510-21", "stcrt-2022-11349",
    "ECLI:NL:RVS:2024:3976") or, for web sources, the URL.
    """

    kind: str
    key: str
    span: Span
    block: str | None
    footnote: int | None = None
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: date | None = None
    kamerstuk: KamerstukRef | None = None
    surface: str | None = None  # the citation as written


@dataclass(frozen=True)
class Motion:
    """A motion or amendment referenced in the text: "motie Van Baarle c.s.",
    "amendement Beckerman", with its Kamerstuk."""

    submitters: tuple[str, ...]
    written: str
    span: Span
    block: str | None
    kamerstuk: KamerstukRef | None = None
    footnote: int | None = None
    kind: str = "motion"  # or "amendment"


@dataclass(frozen=True)
class Mention:
    """A vocabulary concept (law, ministry, party, organisation) named in the text.

    ``concept`` is the concept's key in the lexicon (its IRI path, e.g. "law/BWBR0001840");
    ``article`` a law article ("1", "5.4") when one is named.
    """

    concept: str
    scheme: str
    surface: str
    span: Span
    block: str | None
    article: str | None = None
    names: tuple[str, ...] = ()  # a law found by its title's shape: its title, abbreviation


@dataclass(frozen=True)
class SelfCheck:
    """A completeness finding of the parser about its own result (issue 14): ``code`` names
    the check ("question-numbering", "unanswered-question", "footnote-unmatched",
    "header-missing", "unassigned-text", "heading-in-block", …), ``message`` says what was
    found, ``span`` where in the source (None when the finding is about something absent)."""

    code: str
    message: str
    span: Span | None = None


@dataclass(frozen=True)
class Document:
    """One parsed written-questions document."""

    identifier: str
    kind: str  # "answer", "questions", "postponement"
    source: SourceText
    clean: CleanText
    header: Header
    vergaderjaar: str | None = None
    number: int | None = None
    zaaknummer: str | None = None
    questions: tuple[Question, ...] = ()
    answers: tuple[Answer, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    citations: tuple[Citation, ...] = ()
    motions: tuple[Motion, ...] = ()
    mentions: tuple[Mention, ...] = ()
    notes: tuple[str, ...] = field(default=())
    findings: tuple[SelfCheck, ...] = ()
    unassigned: int = 0  # characters of the body that belong to no header field or block
