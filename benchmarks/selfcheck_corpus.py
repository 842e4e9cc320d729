"""Self-check findings per corpus (issue 14): how many documents, how many findings of
each kind, how much text was left unassigned — on documents nobody annotated.

    .venv/bin/python benchmarks/selfcheck_corpus.py            # the corpora of ../shared
    .venv/bin/python benchmarks/selfcheck_corpus.py DIR ... --list

Not a test: it reads ``../shared/corpus`` (outside the repository) and prints a Markdown
table; ``--list`` also prints every finding with its document (except those of the held-out golden
documents, which are counted but never listed).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/corpus beside the checkout (or beside a folder of worktrees)
SHARED = next(
    (p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()),
    ROOT.parent / "shared" / "corpus",
)
CORPORA = {
    "official PDFs 2014–2024": [SHARED / "fetched" / "learninglion-kamervragen-pdfs"],
    "texts 2022–2024": [
        SHARED / "fetched" / "kamervragen-limburg",
        SHARED / "kamervragen-2022-ind-erkend-referenten.txt",
    ],
    "OCR 1974–1995": [SHARED / "fetched" / "sgd-aanhangsel-1974-1995"],
}


def held_out() -> set[str]:
    """File names of the held-out golden documents: their findings are not listed, so that
    nobody tunes the parser on them (issue 14)."""
    import json

    folder = ROOT / "tests" / "golden" / "holdout"
    return {
        Path(json.loads(p.read_text(encoding="utf-8"))["file"]).name for p in folder.rglob("*.json")
    }


def survey(inputs: list[Path], listing: bool) -> tuple[Counter[str], list[str]]:
    """Counts (documents, failed, with findings, per finding code, unassigned characters)."""
    from kggraph.errors import KggraphError
    from kggraph.pipeline import expand_inputs, process_items

    counts: Counter[str] = Counter()
    lines = []
    hidden = held_out()
    for path in expand_inputs(inputs):
        try:
            results = process_items(path, validate=False)
        except KggraphError as exc:
            counts["failed"] += 1
            lines.append(f"FAILED {path.name}: {exc.reason}")
            continue
        for r in results:
            d = r.document
            counts["documents"] += 1
            counts["unassigned characters"] += d.unassigned
            counts["with findings"] += bool(d.findings)
            counts[f"questions={len(d.questions) > 0}"] += 1
            for f in d.findings:
                counts[f.code] += 1
                if path.name not in hidden:
                    lines.append(f"{r.identifier}\t{f.code}\t{f.message}")
    return counts, lines if listing else []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", help="folders or files (default: the shared corpora)")
    ap.add_argument("--list", action="store_true", help="print every finding")
    args = ap.parse_args(argv)
    corpora = {"given": [Path(p) for p in args.inputs]} if args.inputs else CORPORA
    results = {name: survey(paths, args.list) for name, paths in corpora.items()}
    codes = sorted({c for counts, _ in results.values() for c in counts} - {"documents"})
    print("| count | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for code in ["documents", *codes]:
        print(f"| {code} | " + " | ".join(str(c[code]) for c, _ in results.values()) + " |")
    for _, lines in results.values():
        for line in lines:
            print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
