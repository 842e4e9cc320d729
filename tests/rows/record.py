"""Record the reference answers that tests/test_same_rows.py compares against.

    .venv/bin/python tests/rows/record.py [--work DIR] [--out tests/rows/expected.json]

Builds the fixture documents and the seeded 1,000-document synthetic corpus into stores
with the current code and writes, per corpus: the exported graphs' digest, the build's and
``kggraph validate --store``'s SHACL verdicts, and a digest of the rows of every bundled
query (whole corpus, and one document for a sample of documents), plus the verdicts of the
hand-written graphs of tests/shapes/. Run it on the code whose answers are the reference,
e.g. a plain copy of main taken before a change to the store or the shapes::

    git archive main | tar -x -C /tmp/main-snap && cp -r tests/rows /tmp/main-snap/tests/
    cd /tmp/main-snap && PYTHONPATH=. /work/wt/speed/.venv/bin/python tests/rows/record.py \
        --commit $(git -C /work/wt/speed rev-parse main) --out /work/wt/speed/tests/rows/X.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rowcheck import (  # noqa: E402
    ROOT,
    SYNTHETIC_COUNT,
    corpus_record,
    fixture_files,
    shape_fixture_verdicts,
    synthetic_folder,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/kggraph-rows"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "expected.json")
    ap.add_argument("--commit", help="the commit of the code recorded (default: HEAD here)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    commit = (
        args.commit
        or subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    )
    files = fixture_files()
    fixtures = corpus_record([ROOT / f for f in files], args.work / "fixtures")
    fixtures["files"] = files
    print(f"fixtures: {fixtures['built']} documents, {len(fixtures['rows'])} row sets")
    folder = synthetic_folder(args.work, SYNTHETIC_COUNT)
    synthetic = corpus_record([folder], args.work / "synthetic")
    print(f"synthetic: {synthetic['built']} documents, {len(synthetic['rows'])} row sets")
    record = {
        "commit": commit,
        "corpora": {"fixtures": fixtures, f"synthetic-{SYNTHETIC_COUNT}": synthetic},
        "shape_fixtures": shape_fixture_verdicts(),
    }
    args.out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
