"""Insight pages: plots over the whole store, each with its data as CSV and the query behind it.

An insight is a few plots; a plot names its query (``kggraph/serve/queries/insight-*.rq``),
turns the query's rows into the table it draws (which is also its CSV) and draws it. The
queries aggregate in SPARQL, so a plot reads tens or hundreds of rows, never the corpus.

>>> t = reply_by_ministry([{"ministry": "m", "ministryLabel": "Ministerie van Financiën",
...     "year": "2024", "documents": "4", "totalDays": "100", "withinNorm": "1",
...     "longest": "40", "normDays": "21"}])
>>> t.rows
[('m', 'Ministerie van Financiën', 4, 25.0, 1, 25.0, 40)]
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, str | None]
TOP_SERIES = 8


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    norm: float | None = None

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.header)
        w.writerows(self.rows)
        return buf.getvalue()


def _int(v: str | None) -> int:
    try:
        return int(float(v or 0))
    except ValueError:
        return 0


def _norm(rows: Sequence[Row]) -> float | None:
    return next((float(str(r["normDays"])) for r in rows if r.get("normDays")), None)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def reply_by_ministry(rows: Sequence[Row]) -> Table:
    """Per ministry over all years: documents, mean reply days, within the norm, longest."""
    acc: dict[str, list[Any]] = {}
    for r in rows:
        key = r["ministry"] or ""
        a = acc.setdefault(key, [r["ministryLabel"] or key, 0, 0, 0, 0])
        a[1] += _int(r["documents"])
        a[2] += _int(r["totalDays"])
        a[3] += _int(r["withinNorm"])
        a[4] = max(a[4], _int(r["longest"]))
    out = [
        (m, label, n, round(total / n, 1) if n else 0.0, within, _pct(within, n), longest)
        for m, (label, n, total, within, longest) in acc.items()
    ]
    out.sort(key=lambda r: (-r[3], r[1]))
    header = ("ministry", "label", "documents", "mean_days", "within_norm", "within_norm_pct",
              "longest_days")  # fmt: skip
    return Table(header, out, _norm(rows))


def reply_by_year(rows: Sequence[Row]) -> Table:
    out = []
    for r in rows:
        n, total, within = _int(r["documents"]), _int(r["totalDays"]), _int(r["withinNorm"])
        out.append(
            (
                _int(r["year"]),
                n,
                round(total / n, 1) if n else 0.0,
                within,
                _pct(within, n),
                _int(r["longest"]),
            )  # fmt: skip
        )
    header = ("year", "documents", "mean_days", "within_norm", "within_norm_pct", "longest_days")
    return Table(header, out, _norm(rows))


def reply_by_ministry_year(rows: Sequence[Row]) -> Table:
    """Mean reply days per year for the ministries that answered most."""
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r["ministry"] or ""] += _int(r["documents"])
    top = set(sorted(totals, key=lambda m: (-totals[m], m))[:TOP_SERIES])
    out = []
    for r in rows:
        if (r["ministry"] or "") in top:
            n = _int(r["documents"])
            mean = round(_int(r["totalDays"]) / n, 1) if n else 0.0
            out.append((r["ministry"], r["ministryLabel"], _int(r["year"]), n, mean))
    header = ("ministry", "label", "year", "documents", "mean_days")
    return Table(header, out, _norm(rows))


def counts_by_year(key: str, value: str = "documents", extra: Sequence[str] = ()) -> Callable:
    """Rows of (thing, label, year, count …) for the things with the highest totals."""

    def shape(rows: Sequence[Row]) -> Table:
        totals: dict[str, int] = defaultdict(int)
        for r in rows:
            totals[r[key] or ""] += _int(r[value])
        top = sorted(totals, key=lambda k: (-totals[k], k))[:TOP_SERIES]
        rank = {k: i for i, k in enumerate(top)}
        out = [
            (
                r[key],
                r["label"] or r[key],
                _int(r["year"]),
                _int(r[value]),
                *(_int(r[e]) for e in extra),
            )  # fmt: skip
            for r in rows
            if (r[key] or "") in rank
        ]
        out.sort(key=lambda t: (rank[str(t[0] or "")], t[2]))
        return Table((key, "label", "year", value, *extra), out)

    return shape


def totals(key: str, top: int = 25) -> Callable:
    """The ``top`` things with the most documents over all years (a document has one year,
    so the sum of a thing's yearly rows)."""

    def shape(rows: Sequence[Row]) -> Table:
        label: dict[str, str] = {}
        total: dict[str, int] = defaultdict(int)
        for r in rows:
            k = r[key] or ""
            label.setdefault(k, str(r["label"] or r.get("identifier") or k))
            total[k] += _int(r["documents"])
        out = sorted(((k, label[k], n) for k, n in total.items()), key=lambda t: (-t[2], t[1]))
        return Table((key, "label", "documents"), out[:top])

    return shape


def party_by_year(rows: Sequence[Row]) -> Table:
    return counts_by_year("party", "documents")([{**r, "label": r["partyLabel"]} for r in rows])


def draw_bars(t: Table, xlabel: str, value: int, note: Callable[[tuple[Any, ...]], str]) -> Any:
    from .plots import bar_chart

    return bar_chart(
        [str(r[1]) for r in t.rows],
        [float(r[value]) for r in t.rows],
        xlabel,
        t.norm,
        f"norm: {t.norm:g} dagen" if t.norm else "",
        [note(r) for r in t.rows],
    )


def draw_lines(t: Table, ylabel: str, value: int, norm: bool = False) -> Any:
    from .plots import line_chart

    series: dict[str, dict[int, float]] = {}
    for r in t.rows:
        series.setdefault(str(r[1]), {})[int(r[2])] = float(r[value])
    n = t.norm if norm else None
    return line_chart(series, ylabel, n, f"norm: {n:g} dagen" if n else "")


def draw_year(t: Table) -> Any:
    from .plots import line_chart

    series = {"gemiddeld aantal dagen": {int(r[0]): float(r[2]) for r in t.rows}}
    notes = {int(r[0]): f"{r[4]:g}% binnen" for r in t.rows}
    norm = f"norm: {t.norm:g} dagen" if t.norm else ""
    return line_chart(series, "gemiddeld aantal dagen tot het antwoord", t.norm, norm, notes)


@dataclass(frozen=True)
class Plot:
    name: str
    title: str
    query: str
    shape: Callable[[Sequence[Row]], Table]
    draw: Callable[[Table], Any]


@dataclass(frozen=True)
class Insight:
    name: str
    title: str
    description: str
    plots: tuple[Plot, ...]


INSIGHTS: dict[str, Insight] = {
    i.name: i
    for i in (
        Insight(
            "reply-times",
            "Antwoordtermijnen",
            "Hoe lang ministeries over het beantwoorden van Kamervragen doen, per ministerie en "
            "per jaar, tegen de norm van drie weken. Een antwoord van twee bewindspersonen telt "
            "voor beide ministeries.",
            (
                Plot(
                    "per-ministry",
                    "Gemiddelde antwoordtermijn per ministerie",
                    "insight-reply-times",
                    reply_by_ministry,
                    lambda t: draw_bars(
                        t,
                        "gemiddeld aantal dagen tot het antwoord",
                        3,
                        lambda r: f"{r[5]:g}% binnen de norm · {r[2]} docs",
                    ),  # fmt: skip
                ),
                Plot(
                    "per-year",
                    "Antwoordtermijn per jaar",
                    "insight-reply-years",
                    reply_by_year,
                    draw_year,
                ),
                Plot(
                    "per-ministry-year",
                    f"Gemiddelde antwoordtermijn per jaar, {TOP_SERIES} ministeries met de "
                    "meeste antwoorden",
                    "insight-reply-times",
                    reply_by_ministry_year,
                    lambda t: draw_lines(t, "gemiddeld aantal dagen", 4, norm=True),
                ),
            ),
        ),
        Insight(
            "parties",
            "Vragen per partij en jaar",
            "Hoeveel Kamervragen (documenten) leden van elke partij per jaar stelden. Een "
            "document van leden van twee partijen telt voor beide.",
            (
                Plot(
                    "per-year",
                    f"Documenten per jaar, {TOP_SERIES} partijen met de meeste vragen",
                    "insight-party-year",
                    party_by_year,
                    lambda t: draw_lines(t, "documenten (ingezonden)", 3),
                ),
            ),
        ),
        Insight(
            "laws",
            "Meest geciteerde wetten",
            "De wetten die de meeste documenten noemen, en hoe vaak per jaar.",
            (
                Plot(
                    "totals",
                    "De 25 meest geciteerde wetten",
                    "insight-laws-year",
                    totals("law"),
                    lambda t: draw_bars(t, "documenten", 2, lambda r: ""),
                ),
                Plot(
                    "per-year",
                    f"De {TOP_SERIES} meest geciteerde wetten per jaar",
                    "insight-laws-year",
                    counts_by_year("law"),
                    lambda t: draw_lines(t, "documenten", 3),
                ),
            ),  # fmt: skip
        ),
        Insight(
            "kamerstukken",
            "Meest geciteerde Kamerstukken",
            "De Kamerstukken (moties inbegrepen) die de meeste documenten citeren, en hoe vaak "
            "per jaar.",
            (
                Plot(
                    "totals",
                    "De 25 meest geciteerde Kamerstukken",
                    "insight-kamerstukken-year",
                    totals("kamerstuk"),
                    lambda t: draw_bars(t, "documenten", 2, lambda r: ""),
                ),
                Plot(
                    "per-year",
                    f"De {TOP_SERIES} meest geciteerde Kamerstukken per jaar",
                    "insight-kamerstukken-year",
                    counts_by_year("kamerstuk"),
                    lambda t: draw_lines(t, "documenten", 3),
                ),
            ),  # fmt: skip
        ),
        Insight(
            "outlets",
            "Meest geciteerde media",
            "De uitgevers van de geciteerde nieuwsartikelen, rapporten en webpagina's, en hoe "
            "vaak per jaar.",
            (
                Plot(
                    "totals",
                    "De 25 meest geciteerde media",
                    "insight-outlets-year",
                    totals("outlet"),
                    lambda t: draw_bars(t, "documenten", 2, lambda r: ""),
                ),
                Plot(
                    "per-year",
                    f"De {TOP_SERIES} meest geciteerde media per jaar",
                    "insight-outlets-year",
                    counts_by_year("outlet", "documents", ("sources",)),
                    lambda t: draw_lines(t, "documenten", 3),
                ),
            ),  # fmt: skip
        ),
    )
}
