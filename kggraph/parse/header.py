"""The header: who asked whom about what and when; who answered, in which post, when.

>>> h = parse_header(
...     "Vragen van de leden Leijten en Jasper van Dijk (beiden SP) aan de Minister van "
...     "Binnenlandse Zaken en Koninkrijksrelaties over X (ingezonden 11 mei 2022).", 0, None)
>>> [(a.person.family, a.party) for a in h.askers], h.submitted.isoformat()
([('Leijten', 'SP'), ('van Dijk', 'SP')], '2022-05-11')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from ..dutch import normalise_role, parse_date, split_name
from ..lexicon import Concept, Lexicon
from ..model import AanhangselRef, Asker, CoAnswerer, Header, PersonName, Post, Span
from ..patterns import pattern
from . import aanhangsel

SpanOf = Callable[[int, int], Span]


def _plain(a: int, b: int) -> Span:
    return Span(a, b)


def _span(offset: int, m: re.Match[str], group: str | int = 0, span_of: SpanOf = _plain) -> Span:
    return span_of(offset + m.start(group), offset + m.end(group))


def parse_askers(text: str, offset: int, span_of: SpanOf = _plain) -> tuple[Asker, ...]:
    """ "Leijten en Jasper van Dijk (beiden SP)" → two askers of the SP."""
    groups = list(pattern("asker_group").finditer(text))
    chunks: list[tuple[str, int, str | None]] = [
        (g["names"], g.start("names"), g["party"].strip()) for g in groups
    ]
    if not groups:
        chunks = [(text, 0, None)]
    askers = []
    for names, start, party in chunks:
        pos = 0
        for name in pattern("name_split").split(names):
            name = re.sub(r"^(?:en|lid|leden)\s+", "", name.strip(" ,"))
            if not name or not name[0].isalpha():
                continue
            at = names.find(name, pos)
            pos = at + len(name)
            span = span_of(offset + start + at, offset + start + at + len(name))
            askers.append(Asker(split_name(name), party, span))
    return tuple(askers)


def parse_posts(text: str, offset: int, span_of: SpanOf = _plain) -> tuple[Post, ...]:
    """ "de Minister van A en de Staatssecretaris van B" → two posts; so is "de Minister en
    de Staatssecretaris van B" (the roles share the portfolio).

    >>> [p.label for p in parse_posts("de Minister en de Staatssecretaris van Financiën", 0)]
    ['Minister van Financiën', 'Staatssecretaris van Financiën']
    """
    posts: list[Post] = []
    role = "Minister"
    pos = 0
    parts = []
    for sep in pattern("post_split").finditer(text):
        parts.append((pos, sep.start()))
        pos = sep.end()
    parts.append((pos, len(text)))
    waiting: list[tuple[str, int, int]] = []  # "de Minister en de Staatssecretaris van VWS"
    for a, b in parts:
        m = pattern("post").match(text[a:b])
        if not m or not (m["portfolio"] or m["bare"]) and not m["role"]:
            continue
        if m["role"]:
            role = normalise_role(m["role"])
        written = m["portfolio"] or m["bare"]  # "de Minister Justitie en Veiligheid" (1949)
        if written:
            portfolio = " ".join(written.split()).strip(" ,.")
            prep = m["prep"] or "van"
            for other, c, d in waiting:  # roles that share this portfolio
                posts.append(Post(other, portfolio, span_of(offset + c, offset + d), prep))
            waiting = []
            posts.append(Post(role, portfolio, span_of(offset + a, offset + b), prep))
        elif role == "Minister-President":
            posts.append(Post(role, "Algemene Zaken", span_of(offset + a, offset + b), "van"))
        else:
            waiting.append((role, a, b))
    return tuple(posts)


def _portfolio_post(role: str, portfolio: str, span: Span, lexicon: Lexicon | None) -> Post:
    """The post of an answerer: "Minister X (Rechtsbescherming)" is Minister *voor* …"""
    prep = "van"
    portfolio = pattern("portfolio_interim").sub("", " ".join(portfolio.split()))
    if lexicon is not None:
        concept = lexicon.lookup("portfolios", portfolio)
        ministry = lexicon.lookup("ministries", portfolio)
        if concept is not None and ministry is None:
            prep = "voor" if role == "Minister" else "van"
        portfolio = _ministry_name(portfolio, ministry)
    return Post(normalise_role(role), portfolio, span, prep)


def _ministry_name(written: str, ministry: Concept | None) -> str:
    """A ministry's name as the vocabulary spells it, where the text abbreviates it ("(BZ)")
    or drops its punctuation ("Volksgezondheid Welzijn en Sport") or capitals ("algemene
    zaken", OCR pages of 1991)."""
    if ministry is None:
        return written
    full = ministry.label.removeprefix("Ministerie van ").removeprefix("Ministerie voor ")
    if " " not in written or re.sub(r"\W", "", written).lower() == re.sub(r"\W", "", full).lower():
        return full
    return written


def _canonical(posts: tuple[Post, ...], lexicon: Lexicon | None) -> tuple[Post, ...]:
    if lexicon is None:
        return posts
    return tuple(
        replace(p, portfolio=_ministry_name(p.portfolio, lexicon.lookup("ministries", p.portfolio)))
        for p in posts
    )


def parse_header(
    text: str, offset: int, lexicon: Lexicon | None, span_of: SpanOf = _plain
) -> Header:
    """Parse the header ``text`` (``offset`` = its position in the clean text; ``span_of``
    maps clean positions to source spans)."""
    q = pattern("question_header").search(text)
    askers: tuple[Asker, ...] = ()
    addressees: tuple[Post, ...] = ()
    subject = None
    submitted = None
    question_span = None
    if q:
        askers = parse_askers(q["askers"], offset + q.start("askers"), span_of)
        if q["addressees"]:  # the archive's headers name none
            addressee_text = pattern("addressee_clause").sub("", q["addressees"])
            addressees = parse_posts(addressee_text, offset + q.start("addressees"), span_of)
            addressees = _canonical(addressees, lexicon)
        subject = " ".join(q["subject"].split()).strip(" .") if q["subject"] else None
        question_span = _span(offset, q, 0, span_of)
    else:
        notice = pattern("postponement_askers").search(text)
        if notice:
            askers = parse_askers(notice["askers"], offset + notice.start("askers"), span_of)
    d = pattern("submitted_date").search(text)
    submitted_span = None
    if d:
        submitted = parse_date(d["date"])
        submitted_span = _span(offset, d, 0, span_of)
    answerer: PersonName | None = None
    answerer_post: Post | None = None
    on_behalf: tuple[Post, ...] = ()
    co_answerers: list[CoAnswerer] = []
    received = None
    answer_span = None
    a = pattern("answer_header").search(text)
    old = None if a else pattern("answer_header_1920").search(text)
    if old:  # 1919–1923: "ANTWOORD van den heer X, Minister van Y (ingezonden …) op de …"
        answerer = split_name(old["name"], given_names=False)
        answerer_post = _portfolio_post(
            old["role"], old["portfolio"], _span(offset, old, "portfolio", span_of), lexicon
        )
        received = parse_date(old["date"])
        answer_span = _span(offset, old, 0, span_of)
        if not askers:
            askers = parse_askers(old["askers"], offset + old.start("askers"), span_of)
        if submitted == received:  # the answer's own date, not the questions'
            submitted = None
    if a:
        answerer = split_name(a["name"], given_names=False)  # "Minister Bruins Slot"
        answerer_post = _portfolio_post(
            a["role"], a["portfolio"], _span(offset, a, "portfolio", span_of), lexicon
        )
        received = parse_date(a["date"])
        answer_span = _span(offset, a, 0, span_of)
        more, at_more = a["more"], offset + a.start("more")
        while co := pattern("co_answerer").match(more):
            span = _span(at_more, co, "portfolio", span_of)
            post = _portfolio_post(co["role"], co["portfolio"], span, lexicon)
            co_answerers.append(CoAnswerer(split_name(co["name"], given_names=False), post))
            more, at_more = more[co.end() :], at_more + co.end()
        behalf = pattern("on_behalf").search(more)
        if behalf:
            at = at_more + behalf.start("posts")
            on_behalf = _canonical(parse_posts(behalf["posts"], at, span_of), lexicon)
    if d and submitted is None and received is not None:
        submitted = date_this_year(d["date"], received)  # "(Ingezonden 28 april jl.)"
    see_also = tuple(
        AanhangselRef(*aanhangsel.parts(ref), span_of(offset + cue.start(), offset + ref.end()))
        for cue in pattern("see_also").finditer(text)
        for ref in [aanhangsel.match_at(text, cue.end())]
        if ref is not None
    )
    return Header(
        askers=askers,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answerer=answerer,
        answerer_post=answerer_post,
        co_answerers=tuple(co_answerers),
        on_behalf_of=on_behalf,
        received=received,
        see_also=see_also,
        question_span=question_span,
        answer_span=answer_span,
        submitted_span=submitted_span,
    )


def date_this_year(written: str, reference: date) -> date | None:
    """ "28 april jl." (this year) as a date: the year of ``reference`` (the answer's date),
    or the year before when that would put it after the reference.

    >>> this_year = date_this_year
    >>> this_year("28 april jl.", date(1988, 5, 20)), this_year("3 dec jl.", date(1988, 1, 9))
    (datetime.date(1988, 4, 28), datetime.date(1987, 12, 3))
    """
    day_month = re.sub(r"\s*j\.?\s?l\.?$", "", written)
    found = parse_date(f"{day_month} {reference.year}")
    if found is not None and found > reference:
        found = found.replace(year=found.year - 1)
    return found


def header_kind(text: str) -> str:
    """ "answer", "postponement" or "questions" from the header's answer line."""
    a = pattern("answer_header").search(text)
    if a is None:
        return "answer" if pattern("answer_header_1920").search(text) else "questions"
    return "postponement" if a["kind"] == "Mededeling" else "answer"
