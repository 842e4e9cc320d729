"""What footnotes and text cite: Kamerstukken, Aanhangsel items, Staatscourant,
Staatsblad, ECLI, web sources (news, reports, pages), motions, laws and organisations.

>>> [k.identifier for k in kamerstukken("Kamerstuk 35 510, nr. 21 en nr. 16")]
['kst-35510-21', 'kst-35510-16']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import urlsplit

from ..dutch import dutch, parse_date, unglue_particles
from ..lexicon import Lexicon
from ..model import Citation, KamerstukRef, Marker, Mention, Motion, Span
from ..patterns import pattern
from . import aanhangsel

URL_TRAILING = ".,;:»”’'"
REPORT_HINTS = ("/rapport", "/publicaties/", "/documenten/rapporten/", ".pdf", "/onderzoek")
SpanOf = Callable[[int, int], Span]


def kamerstukken(text: str) -> Iterator[KamerstukRef]:
    """Every Kamerstuk reference in ``text``, "nr. 21 en nr. 16" expanded."""
    for m in _kamerstuk_matches(text):
        yield from _refs(m)


def _kamerstuk_matches(text: str) -> Iterator[re.Match[str]]:
    for name in ("kamerstuk", "kamerstuk_dash", "eerste_kamer_stuk"):
        yield from pattern(name).finditer(text)


def _refs(m: re.Match[str]) -> list[KamerstukRef]:
    dossier = m["dossier"].replace(" ", "")
    groups = m.groupdict()
    toev = groups.get("toev") or groups.get("sub")
    numbers = [m["nr"]] + re.findall(r"\d{1,4}", m.groupdict().get("more") or "")
    return [KamerstukRef(dossier, n, toev) for n in dict.fromkeys(numbers)]


def clean_url(raw: str) -> str:
    """Strip punctuation that ends the sentence, not the URL; add a scheme where missing.

    >>> clean_url("www.aob.nl,d.d."), clean_url("nos.nl/artikel/1).")
    ('https://www.aob.nl', 'https://nos.nl/artikel/1')
    """
    url = raw
    while "," in url and "/" not in url.rsplit(",", 1)[1]:  # "www.aob.nl,d.d."
        url = url.rsplit(",", 1)[0]
    while url and (url[-1] in URL_TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    if not re.match(r"^https?://", url):
        url = "https://" + url
    return url


def _web_kind(url: str, outlet_known: bool, titled: bool) -> str:
    """A known news outlet → news; a report-like URL or a titled publication → report;
    else a web page."""
    if outlet_known:
        return "news"
    lowered = url.lower()
    return "report" if titled or any(h in lowered for h in REPORT_HINTS) else "webpage"


def footnote_citations(
    number: int, text: str, span_of: SpanOf, block: str | None, lexicon: Lexicon
) -> list[Citation]:
    """Citations in one footnote's text."""
    found: list[Citation] = []
    head = pattern("source_head").match(text)
    published = parse_date(head["date"]) if head else None
    title = head["title"][1:-1].strip() if head and head["title"] else None
    head_outlet = head["outlet"].strip() if head else None
    for m in pattern("url").finditer(text):
        url = clean_url(m.group(0))
        if not m.group(0).startswith("http") and "/" not in url.split("://", 1)[1].rstrip("/"):
            continue  # a bare site name ("www.aob.nl") names a source, it is no link to it
        host = urlsplit(url).hostname or ""
        outlet = lexicon.outlet_for_host(host)
        if outlet is None and head_outlet:
            outlet = lexicon.lookup("outlets", head_outlet)
        publisher = outlet.label if outlet else head_outlet
        found.append(
            Citation(
                kind=_web_kind(url, outlet is not None, head is not None and title is not None),
                key=url,
                span=span_of(m.start(), m.start() + len(m.group(0))),
                block=block,
                footnote=number,
                url=url,
                title=title,
                publisher=publisher,
                published=published,
                surface=m.group(0),
            )
        )
    found += text_citations(text, span_of, block, footnote=number)
    return found


def text_citations(
    text: str, span_of: SpanOf, block: str | None, footnote: int | None = None
) -> list[Citation]:
    """Official publications cited in ``text``."""
    out: list[Citation] = []
    for m in _kamerstuk_matches(text):
        for ref in _refs(m):
            out.append(
                Citation(
                    "kamerstuk",
                    ref.identifier,
                    span_of(m.start(), m.end()),
                    block,
                    footnote,
                    kamerstuk=ref,
                )
            )
    for m in aanhangsel.matches(text):
        vergaderjaar, nr = aanhangsel.parts(m)
        out.append(
            Citation(
                "aanhangsel",
                f"ah-tk-{vergaderjaar}-{nr}",
                span_of(m.start(), m.end()),
                block,
                footnote,
                surface=m.group(0),
            )
        )
    for kind, name, prefix in (
        ("staatscourant", "staatscourant", "stcrt"),
        ("staatsblad", "staatsblad", "stb"),
    ):
        for m in pattern(name).finditer(text):
            key = f"{prefix}-{m['year']}-{int(m['nr'])}"
            out.append(
                Citation(
                    kind, key, span_of(m.start(), m.end()), block, footnote, surface=m.group(0)
                )
            )
    for m in pattern("ecli").finditer(text):
        out.append(
            Citation(
                "ecli", m.group(0), span_of(m.start(), m.end()), block, footnote, surface=m.group(0)
            )
        )
    return out


def split_motions(word: str, names: str) -> list[tuple[str, ...]]:
    """ "moties Marijnissen c.s. en Klaver c.s." → [("Marijnissen",), ("Klaver",)]."""
    plural = word.lower() in ("moties", "amendementen")
    if plural and "c.s." in names:
        groups = [g for g in re.split(r"\s*c\.s\.\s*(?:,|en)?\s*", names) if g.strip()]
    elif plural:
        groups = pattern("name_split").split(names)
    else:
        groups = [names.replace("c.s.", "")]
    motions = []
    for g in groups:
        submitters = tuple(
            unglue_particles(" ".join(n.split()))
            for n in pattern("name_split").split(g.replace("c.s.", ""))
            if n.strip()
        )
        if submitters:
            motions.append(submitters)
    return motions


def find_motions(
    text: str,
    span_of: SpanOf,
    block_of: Callable[[int], str | None],
    markers: list[Marker],
    footnote_texts: dict[int, str],
) -> list[Motion]:
    """Motions named in ``text`` (the clean body), paired with the Kamerstukken of the
    footnote whose marker follows the name."""
    out: list[Motion] = []
    matches = list(pattern("motion").finditer(text))
    for i, m in enumerate(matches):
        groups = split_motions(m["word"], m["names"])
        marker = next((k for k in markers if m.end() <= k.position <= m.end() + 2), None)
        if marker is None:
            # Else the next marker in the same block, before the next motion, whose
            # footnote names a Kamerstuk ("… motie X c.s. … voldoen?⁵").
            limit = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            marker = next(
                (
                    k
                    for k in markers
                    if m.end() <= k.position < limit
                    and block_of(k.position) == block_of(m.start())
                    and any(kamerstukken(footnote_texts.get(k.number, "")))
                ),
                None,
            )
        refs = list(kamerstukken(footnote_texts.get(marker.number, ""))) if marker else []
        # "(amendement Beckerman, Kamerstuk 36 095, nr. 5)", "motie … (Kamerstuk 36 197, nr. 15)"
        lead = re.compile(r"\s*(?:,|\()\s*").match(text, m.end())
        inline = pattern("kamerstuk").match(text, lead.end()) if lead else None
        if not refs and inline:
            refs = _refs(inline)
        for i, submitters in enumerate(groups):
            out.append(
                Motion(
                    submitters=submitters,
                    written=m.group(0),
                    span=span_of(m.start(), m.end()),
                    block=block_of(m.start()),
                    kamerstuk=refs[i] if i < len(refs) else None,
                    footnote=marker.number if marker else None,
                    kind="amendment" if m["word"].lower().startswith("amendement") else "motion",
                )
            )
    out += _unnamed_motions(text, span_of, block_of, markers, footnote_texts, matches)
    return _same_motion_same_kamerstuk(out)


def _unnamed_motions(
    text: str,
    span_of: SpanOf,
    block_of: Callable[[int], str | None],
    markers: list[Marker],
    footnote_texts: dict[int, str],
    named: list[re.Match[str]],
) -> list[Motion]:
    """ "de aangenomen motie die …?³": a motion known only through the footnote that closes
    its sentence, when that footnote cites a Kamerstuk and says it is a motion."""
    out = []
    for m in pattern("unnamed_motion").finditer(text):
        if any(n.start() <= m.start() < n.end() for n in named):
            continue
        end = re.compile(r"[.?!](?=\s|$)").search(text, m.end())
        stop = end.end() + 1 if end else len(text)
        marker = next(
            (
                k
                for k in markers
                if m.end() <= k.position <= stop and block_of(k.position) == block_of(m.start())
            ),
            None,
        )
        note = footnote_texts.get(marker.number, "") if marker else ""
        refs = list(kamerstukken(note))
        if marker and len(refs) == 1 and pattern("motion_footnote").search(note):
            out.append(
                Motion(
                    submitters=(),
                    written=m.group(0),
                    span=span_of(m.start(), m.end()),
                    block=block_of(m.start()),
                    kamerstuk=refs[0],
                    footnote=marker.number,
                    kind="amendment" if m["word"] == "amendement" else "motion",
                )
            )
    return out


def _same_motion_same_kamerstuk(motions: list[Motion]) -> list[Motion]:
    """A motion named again later ("de motie van de leden Alkaya en Van Raan") is the one
    whose Kamerstuk an earlier or later mention gave."""
    known = {tuple(s.casefold() for s in m.submitters): m.kamerstuk for m in motions if m.kamerstuk}
    return [
        replace(m, kamerstuk=known.get(tuple(s.casefold() for s in m.submitters)))
        if m.kamerstuk is None
        else m
        for m in motions
    ]


ARTICLE_AFTER = re.compile(
    r"[\s,;:]{0,3}(?:onder\s+andere\s+|met\s+name\s+)?(?:art\.?|artikel)\s+"
    r"(?P<art>\d+[a-z]?(?:[.:]\d+[a-z]?)*)\b",
    re.IGNORECASE,
)
ARTICLE_BY_ORDINAL = re.compile(
    r"(?:het\s+)?(?P<ordinal>[a-z]+)\s+artikel\s+van\s+(?:de|het|onze|ons)\s+$", re.IGNORECASE
)
ARTICLE_BEFORE = re.compile(
    r"artikel\s+(?P<art>\d+[a-z]?(?:[.:]\d+[a-z]?)*)"
    r"(?:,?\s*\(?(?:lid|onderdeel|sub|onder)\s+[\w.]+\)?|,?\s+(?:eerste|tweede|derde|vierde)\s+lid)*"
    r",?\s+(?:van\s+(?:de|het|onze|ons)\s+)?$",
    re.IGNORECASE,
)


def law_article(text: str, start: int, end: int) -> str | None:
    """The article named with the law at ``text[start:end]``: "artikel 1 van de Grondwet",
    "het eerste artikel van de Grondwet", "Grondwet artikel 1"."""
    window = text[max(0, start - 90) : start]
    before = ARTICLE_BEFORE.search(window)
    if before:
        return str(before["art"])
    ordinal = ARTICLE_BY_ORDINAL.search(window)
    if ordinal and ordinal["ordinal"].lower() in dutch()["ordinals"]:
        return str(dutch()["ordinals"][ordinal["ordinal"].lower()])
    after = ARTICLE_AFTER.match(text, end)  # "NIS directive 2; onder andere art 21 (2)"
    return str(after["art"]) if after else None


def find_mentions(
    text: str,
    span_of: SpanOf,
    block_of: Callable[[int], str | None],
    lexicon: Lexicon,
    schemes: tuple[str, ...] = ("laws", "ministries", "organisations"),
) -> list[Mention]:
    """Vocabulary concepts named in ``text``: the first per concept, article and block."""
    out: list[Mention] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for scheme in schemes:
        for concept, start, end in lexicon.find(scheme, text):
            article = law_article(text, start, end) if scheme == "laws" else None
            block = block_of(start)
            key = (concept.key, article, block)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Mention(
                    concept.key,
                    scheme,
                    " ".join(text[start:end].split()),
                    span_of(start, end),
                    block,
                    article,
                )
            )
    return out
