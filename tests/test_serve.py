"""``kggraph serve`` over the store of the 80 real fixture documents, through real HTTP.

The pages are checked against the documents themselves (the 2024 answer about Friesland's
rainbow policy, ah-tk-20232024-1314, with its grouped "Antwoord 3, 4 en 5"; the referral
"Zie het antwoord op vraag 7" of ah-tk-20232024-1292; the postponement notice
ah-tk-20232024-1999) and against the bundled queries run by ``kggraph query --store``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from kg_serve import BASE, Served

from kggraph.cli import main


def cli_rows(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    """Rows of ``kggraph query … --format json`` (the real command, in this process)."""
    capsys.readouterr()
    assert main(["query", *args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace folded (inline elements join their
    neighbours, block elements are separated by a space)."""
    inline = re.sub(r"</?(?:a|span|code|strong|em|b|i)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def section(page: str, start: str, end: str) -> str:
    """What stands between the first ``start`` and the next ``end``."""
    i = page.index(start) + len(start)
    return page[i : page.index(end, i)]


def qa_groups(page: str) -> list[str]:
    questions_answers = section(page, 'id="h-qa"', "</section>")
    return [text(g) for g in questions_answers.split('<div class="qa"')[1:]]


def test_document_page_shows_header_questions_answers_and_sources(served: Served) -> None:
    r = served.get("/doc/ah-tk-20232024-1314")
    assert r.status == 200
    assert r.media_type == "text/html; charset=utf-8"
    page = r.text
    facts = text(section(page, '<dl class="facts">', "</dl>"))
    assert facts == (
        "Gesteld door Kostić (Partij voor de Dieren), Mutluer (GroenLinks-PvdA) "
        "Gericht aan Minister van Onderwijs, Cultuur en Wetenschap "
        "(Ministerie van Onderwijs, Cultuur en Wetenschap) "
        "Beantwoord door Dijkgraaf, Minister van Onderwijs, Cultuur en Wetenschap "
        "Ingezonden 2024-03-06 Ontvangen 2024-03-25 "
        "Antwoordtermijn 19 dagen binnen de norm van drie weken "
        "Bron ah-tk-20232024-1314.pdf"
    )
    assert '<a href="/person/kostic-pvdd">Kostić</a>' in page
    assert '<a href="/party/groenlinks-pvda">GroenLinks-PvdA</a>' in page
    assert '<a href="/ministry/ocw">Ministerie van Onderwijs, Cultuur en Wetenschap</a>' in page
    groups = qa_groups(page)
    # each question beside its answer; the grouped answer beside its three questions
    assert [re.findall(r"(?:Vraag|Antwoord) [\d, en]+?(?= p\.)", g) for g in groups] == [
        ["Vraag 1", "Antwoord 1"],
        ["Vraag 2", "Antwoord 2"],
        ["Vraag 3", "Vraag 4", "Vraag 5", "Antwoord 3, 4 en 5"],
        ["Vraag 6", "Antwoord 6"],
    ]
    assert "gegroepeerd antwoord op 3 vragen" in groups[2]
    # every block links to its page in the official PDF and to its character span
    assert (
        '<a href="https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1314.pdf#page=2"'
        ' rel="noopener noreferrer nofollow" title="Officiële PDF, pagina 2">p. 2</a>'
        in section(page, "Antwoord 3, 4 en 5", "</h3>")
    )
    assert "tekens 2690–3565" in groups[2]
    assert '<a href="/question/ah-tk-20232024-1314-1" title="Herkomst' in page
    footnotes = section(page, '<ol class="footnotes">', "</ol>")
    assert text(footnotes).startswith(
        "NOS, d.d. 1 maart 2024, «Kritiek op besluit provincie Friesland tegen actief "
        "regenboogbeleid», https://nos.nl/artikel/2510977-kritiek-op-besluit-provincie-"
        "friesland-tegen-actief-regenboogbeleid p. 1, tekens 1693–1886"
    )
    assert (
        '<a class="ext" href="https://nos.nl/artikel/2510977-kritiek-op-besluit-provincie-'
        'friesland-tegen-actief-regenboogbeleid" rel="noopener noreferrer nofollow">'
    ) in footnotes
    assert "bij Vraag 3, Vraag 4, Vraag 5" in text(footnotes)
    cited = text(section(page, 'id="h-cited">', "</section>"))
    assert "Nieuwsartikelen (1) Kritiek op besluit provincie Friesland tegen actief " in cited
    assert "regenboogbeleid · NOS · 2024-03-01 · bron" in cited


def test_referral_and_postponement(served: Served) -> None:
    page = served.get("/doc/ah-tk-20232024-1292").text
    answer8 = section(page, 'id="answer-ah-tk-20232024-1292-8">', "</article>")
    assert 'class="block answer referral"' in page
    assert text(answer8).endswith("Verwijst alleen naar Vraag 7 Zie het antwoord op vraag 7.")
    assert '<a href="#question-ah-tk-20232024-1292-7">Vraag 7</a>' in answer8

    notice = served.get("/doc/ah-tk-20232024-1999").text
    assert "Mededeling (uitstel van antwoord)" in notice
    assert text(section(notice, "<dt>Uitstelbericht</dt>", "</dd>")) == "na 8 dagen"
    assert notice.count("Nog niet beantwoord: dit document is een mededeling van uitstel.") == 3
    cited = text(section(notice, 'id="h-cited">', "</section>"))
    assert "Wetten (1) Grondwet BWBR0001840 · officieel artikel 68 Grondwet" in cited
    assert "Kamerstukken (1) Kamerstuk 36471, nr. 64 kst-36471-64 · officieel" in cited


def test_questions_and_their_answer_are_related(served: Served) -> None:
    page = served.get("/doc/kv-tk-2024Z18792").text
    related = text(section(page, 'id="h-related">', "</section>"))
    assert related.startswith("Verwante documenten Zelfde zaak (vragen en antwoord) ")
    assert "ah-tk-20242025-605" in related
    answer = served.get("/doc/ah-tk-20242025-605").text
    assert '<a href="/doc/kv-tk-2024Z18792">kv-tk-2024Z18792</a>' in answer


def test_every_fact_has_a_page_with_its_provenance(served: Served) -> None:
    r = served.get("/question/ah-tk-20232024-1314-1")
    assert r.status == 200
    assert text(section(r.text, 'id="provenance">', "</p>")) == (
        "Uit ah-tk-20232024-1314, pagina 1, tekens 509–628 van de geëxtraheerde tekst."
    )
    kst = served.get("/kamerstuk/kst-36471-64").text
    citing = text(section(kst, "Documenten die dit citeren", "</table>"))
    assert "ah-tk-20232024-1999" in citing


def test_entity_pages_list_their_documents(
    served: Served, fixture_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    askers = cli_rows(capsys, "askers", "--store", str(fixture_store))
    by_person: dict[str, set[str]] = defaultdict(set)
    by_party: dict[str, set[str]] = defaultdict(set)
    for r in askers:
        by_person[r["asker"]].add(r["docId"])
        if "party" in r:
            by_party[r["party"]].add(r["docId"])

    def listed(page: str) -> set[str]:
        table = section(page, '<table class="docs">', "</table>")
        return set(re.findall(r'<a href="/doc/[^"]+">([^<]+)</a>', table))

    person = f"{BASE}person/van-nispen-sp"
    assert listed(served.get("/person/van-nispen-sp").text) == by_person[person] != set()
    party_page = served.get("/party/sp").text
    assert "Socialistische Partij" in party_page
    assert listed(party_page) == by_party[f"{BASE}party/sp"]

    laws = cli_rows(capsys, "laws", "--store", str(fixture_store))
    citing_gw = {r["docId"] for r in laws if r["law"] == f"{BASE}law/BWBR0001840"}
    law_page = served.get("/law/BWBR0001840").text
    assert "<dt>BWB-id</dt><dd><code>BWBR0001840</code></dd>" in law_page
    assert listed(law_page) == citing_gw != set()

    answerers = cli_rows(capsys, "answerer", "--store", str(fixture_store))
    ocw = {r["docId"] for r in answerers if r.get("ministry") == f"{BASE}ministry/ocw"}
    ministry_page = served.get("/ministry/ocw").text
    assert ocw <= listed(ministry_page)
    assert "Dijkgraaf" in text(
        section(ministry_page, "Bewindspersonen die antwoordden", "</table>")
    )

    sources = cli_rows(capsys, "external-sources", "--store", str(fixture_store))
    nos = {r["docId"] for r in sources if r.get("outlet") == f"{BASE}outlet/nos"}
    outlet_page = served.get("/outlet/nos").text
    assert set(re.findall(r'<a href="/doc/[^"]+">([^<]+)</a>', outlet_page)) == nos != set()


def test_documents_are_listed_by_year_and_page(served: Served, fixture_store: Path) -> None:
    from kggraph.store import CorpusStore

    store = CorpusStore.open(fixture_store, read_only=True)
    all_docs = {d.rsplit("/", 1)[-1] for d in store.documents()}
    del store
    first = served.get("/doc").text
    years = re.findall(r"(\d{4})</(?:a|strong)> <span class=\"muted\">\((\d+)\)", first)
    assert [y for y, _ in years] == ["2024", "2022", "2014"]  # newest first, the latest shown
    assert sum(int(n) for _, n in years) == len(all_docs)
    seen: list[str] = []
    for year, count in years:
        pages = [served.get(f"/doc?year={year}&page={p}").text for p in (1, 2)]
        ids = [re.findall(r'<a href="/doc/[^"]+">([^<]+)</a>', p) for p in pages]
        assert (len(ids[0]), len(ids[1])) == (min(int(count), 50), max(int(count) - 50, 0))
        seen += ids[0] + ids[1]
    assert sorted(seen) == sorted(all_docs)
    assert 'rel="next" href="?year=2024&amp;page=2"' in first
    assert 'rel="next"' not in served.get("/doc?year=2024&page=2").text
    assert served.get("/doc?year=x").status == 404


def test_unknown_pages_are_404(served: Served) -> None:
    for path in ("/doc/ah-tk-19991900-1", "/person/nobody", "/insights/nothing", "/doc/a%2Fb"):
        r = served.get(path)
        assert r.status == 404, path
        assert "<h1>404</h1>" in r.text


def _csv(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def test_reply_times_csv_equals_the_bundled_queries(
    served: Served, fixture_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plot's data, recomputed from ``kggraph query dates`` and ``answerer``."""
    dates = {r["doc"]: r for r in cli_rows(capsys, "dates", "--store", str(fixture_store))}
    answerers = cli_rows(capsys, "answerer", "--store", str(fixture_store))
    ministries: dict[str, set[str]] = defaultdict(set)
    for r in answerers:
        if r.get("ministry"):
            ministries[r["ministry"]].add(r["doc"])
    expected = {}
    for ministry, docs in ministries.items():
        days = [
            int(dates[d]["answerDays"])
            for d in docs
            if dates[d]["kind"] == "answer" and "answerDays" in dates[d] and "received" in dates[d]
        ]
        if days:
            expected[ministry] = (len(days), round(sum(days) / len(days), 1),
                                  sum(d <= 21 for d in days), max(days))  # fmt: skip
    r = served.get("/insights/reply-times/per-ministry.csv")
    assert r.status == 200 and r.media_type == "text/csv; charset=utf-8"
    got = {
        row["ministry"]: (
            int(row["documents"]),
            float(row["mean_days"]),
            int(row["within_norm"]),
            int(row["longest_days"]),
        )  # fmt: skip
        for row in _csv(r.text)
    }
    assert got == expected
    assert len(got) == 11
    svg = served.get("/insights/reply-times/per-ministry.svg")
    assert svg.media_type == "image/svg+xml"
    assert "Ministerie van Klimaat en Groene Groei" in svg.text
    assert "<script" not in svg.text


def test_party_and_citation_insights_equal_the_bundled_queries(
    served: Served, fixture_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = {r["doc"]: r for r in cli_rows(capsys, "dates", "--store", str(fixture_store))}
    per_party: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in cli_rows(capsys, "askers", "--store", str(fixture_store)):
        submitted = dates[r["doc"]].get("submitted")
        if "party" in r and submitted:
            per_party[(r["party"], int(submitted[:4]))].add(r["doc"])
    totals: dict[str, int] = defaultdict(int)
    for (party, _), docs in per_party.items():
        totals[party] += len(docs)
    top = sorted(totals, key=lambda p: (-totals[p], p))[:8]
    expected = sorted(
        ((p, y, len(d)) for (p, y), d in per_party.items() if p in top),
        key=lambda t: (top.index(t[0]), t[1]),
    )
    got = [
        (row["party"], int(row["year"]), int(row["documents"]))
        for row in _csv(served.get("/insights/parties/per-year.csv").text)
    ]
    assert got == expected

    law_docs: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for r in cli_rows(capsys, "laws", "--store", str(fixture_store)):
        law_docs[r["law"]].add(r["doc"])
        labels[r["law"]] = min(labels.get(r["law"], r["lawLabel"]), r["lawLabel"])
    # the 25 laws cited by most documents, ties by name
    expected_laws = sorted(
        ((k, labels[k], len(v)) for k, v in law_docs.items()), key=lambda t: (-t[2], t[1])
    )[:25]
    got_laws = [
        (row["law"], row["label"], int(row["documents"]))
        for row in _csv(served.get("/insights/laws/totals.csv").text)
    ]
    assert got_laws == expected_laws

    page = served.get("/insights/laws").text
    assert '<img src="/insights/laws/totals.svg"' in page
    assert '<a href="/queries/insight-laws-year.rq"><code>insight-laws-year.rq</code></a>' in page
    assert served.get("/queries/insight-laws-year.rq").text.startswith(
        "# title: The most-cited laws over time"
    )


def test_network_explorer_is_bounded_and_offline(served: Served) -> None:
    page = served.get("/insights/network?year=2024&top=10")
    assert page.status == 200
    m = re.search(r"(\d+) knopen, (\d+) verbindingen", text(page.text))
    assert m is not None
    explorer = served.get("/insights/network/explorer?year=2024&top=10")
    assert "default-src 'none'" in explorer.headers["content-security-policy"]
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', explorer.text)
    assert data is not None
    network = json.loads(data.group(1))
    kinds = [n for n in network["nodes"] if n["t"] != "document"]
    assert len(kinds) == 10
    assert len(network["nodes"]) == int(m.group(1))
    assert len(network["edges"]) == int(m.group(2))
    rows = _csv(served.get("/insights/network/edges.csv?year=2024&top=10").text)
    assert len(rows) == len(network["edges"])


def test_security_headers(served: Served) -> None:
    r = served.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "connect-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
