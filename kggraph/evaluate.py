"""Extraction quality against golden annotations (``tests/golden/``, format in its README).

Each field is compared as a set of normalised items; precision, recall and F1 are
counted per field and micro-averaged overall; every miss is listed.

>>> score(3, 4, 4).f1
0.75
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KggraphError
from .lexicon import Lexicon, load_lexicon
from .model import Document, Post
from .pipeline import DocumentResult, process_items

FIELDS = (
    "identifier",
    "kind",
    "zaaknummer",
    "askers",
    "addressees",
    "answerer",
    "on_behalf_of",
    "submitted",
    "received",
    "see_also",
    "questions",
    "answers",
    "footnotes",
    "footnote_urls",
    "kamerstukken",
    "motions",
    "laws",
    "aanhangsel_cited",
    "staatscourant",
    "staatsblad",
    "ecli",
)
OFFICIAL_ID = re.compile(r"^(?:ah-[te]k|kv-tk)-")


@dataclass(frozen=True)
class Score:
    tp: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(tp: int, predicted: int, expected: int) -> Score:
    return Score(tp, predicted, expected)


@dataclass
class Evaluation:
    per_field: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0, 0] for f in FIELDS})
    misses: list[str] = field(default_factory=list)
    documents: int = 0
    failures: list[str] = field(default_factory=list)
    # each annotation file's own counts, misses and failure, to score any subset of them
    per_document: dict[Path, tuple[dict[str, list[int]], list[str], str | None]] = field(
        default_factory=dict
    )
    eras: dict[Path, str] = field(default_factory=dict)

    def subset(self, paths: Iterable[Path]) -> Evaluation:
        """The evaluation of the given annotation files only."""
        ev = Evaluation()
        for path in paths:
            counts, misses, failure = self.per_document[path]
            ev.documents += 1
            ev.misses += misses
            ev.failures += [failure] if failure else []
            for name, (tp, got, want) in counts.items():
                total = ev.per_field[name]
                total[0], total[1], total[2] = total[0] + tp, total[1] + got, total[2] + want
        return ev

    def field_score(self, name: str) -> Score:
        return Score(*self.per_field[name])

    def overall(self) -> Score:
        return Score(*(sum(v[i] for v in self.per_field.values()) for i in range(3)))

    def table(self) -> list[tuple[str, str, str, str, str, str]]:
        rows = []
        for name in (*FIELDS, "overall"):
            s = self.overall() if name == "overall" else self.field_score(name)
            rows.append(
                (
                    name,
                    str(s.tp),
                    str(s.predicted),
                    str(s.expected),
                    f"{s.precision:.3f} / {s.recall:.3f}",
                    f"{s.f1:.3f}",
                )
            )
        return rows


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("’", "'").split()).casefold()


def _surname(name: str) -> str:
    """The last word of a submitter's name: "Pia Dijkstra" and "Dijkstra", "Van Raan" and
    "van Raan" compare equal (motions are cited by surname, sometimes with a first name)."""
    return _norm(name).split(" ")[-1] if name.strip() else ""


def _url(url: str | None) -> str:
    """URLs compare without their scheme: the golden files keep "www.x.nl/…" as written."""
    return re.sub(r"^https?://", "", url or "")


def _post(post: Post) -> str:
    if post.role == "Minister-President" and post.portfolio == "Algemene Zaken":
        return _norm("Minister-President")
    return _norm(f"{post.role} {post.preposition} {post.portfolio}")


def _party(lexicon: Lexicon, name: str | None) -> str:
    """A party by its concept in the vocabulary ("P.v.d.A." and "PvdA" compare equal; OCR's
    "WD" is the VVD), else by its name."""
    concept = lexicon.lookup("parties", name) if name else None
    return concept.key if concept else _norm(name)


def _law(lexicon: Lexicon, name: str, found: dict[str, str] | None = None) -> str:
    """A law by its vocabulary key, else by the key of a law the parser found by its title
    or abbreviation (``found``: name → key), else by its name."""
    concept = lexicon.lookup("laws", name)
    if concept:
        return concept.key
    return (found or {}).get(_norm(name), _norm(name))


def law_names(doc: Document) -> dict[str, str]:
    """The names (title, abbreviation) of the laws found by their title's shape → key."""
    return {_norm(n): m.concept for m in doc.mentions for n in m.names}


def predicted(doc: Document, lexicon: Lexicon) -> dict[str, set[Any]]:
    """The document's values in the comparable form of each field."""
    h = doc.header
    kst = {c.key for c in doc.citations if c.kind == "kamerstuk"}
    kst |= {m.kamerstuk.identifier for m in doc.motions if m.kamerstuk}
    return {
        "identifier": {doc.identifier},
        "kind": {doc.kind},
        "zaaknummer": {doc.zaaknummer} - {None},
        "askers": {(_norm(a.person.family), _party(lexicon, a.party)) for a in h.askers},
        "addressees": {_post(p) for p in h.addressees},
        "answerer": (
            {(_norm(h.answerer.family), _post(h.answerer_post))}
            if h.answerer and h.answerer_post
            else set()
        )
        | {(_norm(c.person.family), _post(c.post)) for c in h.co_answerers},
        "on_behalf_of": {_post(p) for p in h.on_behalf_of},
        "submitted": {h.submitted.isoformat()} if h.submitted else set(),
        "received": {h.received.isoformat()} if h.received else set(),
        "see_also": {r.identifier for r in h.see_also},
        "questions": {q.number for q in doc.questions},
        "answers": {(a.numbers, tuple(sorted(a.refers_to)), a.referral_only) for a in doc.answers},
        "footnotes": {(f.number, f.block) for f in doc.footnotes},
        "footnote_urls": {(c.footnote, _url(c.url)) for c in doc.citations if c.footnote and c.url},
        "kamerstukken": kst,
        "motions": {
            (
                tuple(_surname(s) for s in m.submitters),
                m.kamerstuk.identifier if m.kamerstuk else None,
            )
            for m in doc.motions
        },
        "laws": {(m.concept, m.article) for m in doc.mentions if m.scheme == "laws"},
        "aanhangsel_cited": {c.key for c in doc.citations if c.kind == "aanhangsel"},
        "staatscourant": {c.key for c in doc.citations if c.kind == "staatscourant"},
        "staatsblad": {c.key for c in doc.citations if c.kind == "staatsblad"},
        "ecli": {c.key for c in doc.citations if c.kind == "ecli"},
    }


def expected(
    gold: dict[str, Any], lexicon: Lexicon, found: dict[str, str] | None = None
) -> dict[str, set[Any]]:
    """The golden values in the same form."""
    answerer = gold.get("answerer")
    return {
        "identifier": {gold["identifier"]} if OFFICIAL_ID.match(gold["identifier"]) else set(),
        "kind": {gold["kind"]},
        "zaaknummer": {gold["zaaknummer"]} - {None},
        "askers": {(_norm(a["family"]), _party(lexicon, a.get("party"))) for a in gold["askers"]},
        "addressees": {_norm(p) for p in gold["addressees"]},
        "answerer": {
            (_norm(a["family"]), _norm(a["post"]))
            for a in ([answerer] if answerer else []) + gold.get("co_answerers", [])
        },
        "on_behalf_of": {_norm(p) for p in gold["on_behalf_of"]},
        "submitted": {gold["submitted"]} - {None},
        "received": {gold["received"]} - {None},
        "see_also": set(gold["see_also"]),
        "questions": set(gold["questions"]),
        "answers": {
            (tuple(a["answers"]), tuple(sorted(a["refers_to"])), a["referral_only"])
            for a in gold["answers"]
        },
        "footnotes": {(f["number"], f["block"]) for f in gold["footnotes"]},
        "footnote_urls": {(f["number"], _url(u)) for f in gold["footnotes"] for u in f["urls"]},
        "kamerstukken": set(gold["kamerstukken"]),
        "motions": {
            (tuple(_surname(s) for s in m["submitters"]), m["kamerstuk"]) for m in gold["motions"]
        },
        "laws": {(_law(lexicon, law["name"], found), law["article"]) for law in gold["laws"]},
        "aanhangsel_cited": set(gold["aanhangsel_cited"]),
        "staatscourant": set(gold["staatscourant"]),
        "staatsblad": set(gold["staatsblad"]),
        "ecli": set(gold["ecli"]),
    }


# The golden sets (tests/golden/README.md): where each lies, whether it is held out.
SETS = {
    "modern, developed against": ("text", "pdf"),
    "modern, annotated for issue 14": ("modern-new",),
    "OCR 1974–1995": ("ocr",),
    "held out: modern": ("holdout/modern",),
    "held out: OCR 1974–1995": ("holdout/ocr",),
}
SETS_ELSEWHERE = ("holdout", "modern-new", "ocr")  # not in the default (first) set


def golden_files(golden_dir: Path) -> list[Path]:
    """The annotation files: ``*.json`` in the folder and below, except ``scores.json`` and
    the sets that are scored on their own (held-out, new and OCR annotations)."""
    return sorted(
        p
        for p in golden_dir.rglob("*.json")
        if p.name != "scores.json"
        and not set(p.relative_to(golden_dir).parts[:-1]) & set(SETS_ELSEWHERE)
    )


def golden_sets(golden_dir: Path, *, holdout: bool = False) -> dict[str, list[Path]]:
    """The annotation files of each set present under ``golden_dir`` (held-out sets only
    when asked: they are scored last, never developed against)."""
    out = {}
    for name, folders in SETS.items():
        if name.startswith("held out") and not holdout:
            continue
        files = sorted(f for d in folders for f in (golden_dir / d).glob("*.json"))
        if files:
            out[name] = files
    return out


def era(gold: dict[str, Any]) -> str:
    """ "1974–1995" for the archive's documents, "1995–today" for the rest, by the
    identifier's session (an OCR item without a legible number counts as archive)."""
    m = re.match(r"ah-[te]k-(\d{4})", gold["identifier"])
    if gold["file"].startswith("ocr/") or (m and int(m[1]) < 1995):
        return "1974–1995"
    return "1995–today"


def _the_item(results: list[DocumentResult], gold: dict[str, Any]) -> DocumentResult:
    """The annotated item among a file's documents: by identifier, else by its position on
    the page (``item``, 1-based), else the file's only document."""
    for r in results:
        if r.identifier == gold["identifier"]:
            return r
    item = gold.get("item", 1)
    if len(results) >= item:
        return results[item - 1]
    raise KggraphError(f"no item {item} among the file's {len(results)} document(s)")


def evaluate(
    golden: Iterable[Path], fixtures: Path, *, lexicon: Lexicon | None = None
) -> Evaluation:
    """Run the pipeline on every annotated document and compare."""
    lexicon = lexicon or load_lexicon()
    ev = Evaluation()
    for path in golden:
        gold = json.loads(path.read_text(encoding="utf-8"))
        source = fixtures / gold["file"]
        failed_before = len(ev.failures)
        found: dict[str, str] = {}
        explicit = None if OFFICIAL_ID.match(gold["identifier"]) else gold["identifier"]
        try:
            results = process_items(source, identifier=explicit, validate=False)
            result = _the_item(results, gold)
        except KggraphError as exc:
            ev.failures.append(f"{gold['file']}: {exc.reason}")
            got: dict[str, set[Any]] = {f: set() for f in FIELDS}
        else:
            got = predicted(result.document, lexicon)
            found = law_names(result.document)
            if explicit:  # an identifier we gave cannot be scored as extracted
                got["identifier"] = set()
        want = expected(gold, lexicon, found)
        counts: dict[str, list[int]] = {}
        misses: list[str] = []
        for name in FIELDS:
            tp = got[name] & want[name]
            counts[name] = [len(tp), len(got[name]), len(want[name])]
            for item in sorted(map(repr, want[name] - got[name])):
                misses.append(f"{gold['identifier']}\t{name}\tmissed\t{item}")
            for item in sorted(map(repr, got[name] - want[name])):
                misses.append(f"{gold['identifier']}\t{name}\tspurious\t{item}")
        failure = ev.failures[-1] if len(ev.failures) > failed_before else None
        ev.per_document[path] = (counts, misses, failure)
        ev.eras[path] = era(gold)
    whole = ev.subset(ev.per_document)
    ev.per_field, ev.misses, ev.documents = whole.per_field, whole.misses, whole.documents
    return ev
