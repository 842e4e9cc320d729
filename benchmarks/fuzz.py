"""Seeded fuzzing of the whole per-document pipeline: PDF and text mutants of the real
fixtures, each built as ``kggraph build`` builds a file (the sandboxed pipeline), and every
outcome classified. A crash is an outcome that is not a named kggraph error (an exception
the pipeline does not name, a child killed by a signal other than the limits'); a hang is
a document stopped at the time limit. Peak memory is the largest resident set of any
child process and of this one.

    python benchmarks/fuzz.py --pdf 500 --text 500 --seed 13

Prints one line per outcome class, the reasons named most often, and a JSON summary.
The run is deterministic for a seed (mutants are generated from ``random.Random(seed)``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
HANG_SECONDS = 20.0
SPACES = "\u00a0\u2002\u2003\u2009\u200a\u3000\u202f "
NASTY = ["\x1b[2J", "\u202e", "\x00", "\ufeff", "\u0301", "\r", "\x0c", "Antwoord 1\n", "Vraag 1\n"]


def pdf_mutant(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        i = rng.randrange(len(b))
        if op == 0:  # flip bytes
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 1:  # truncate
            del b[i:]
            if not b:
                b = bytearray(data[:100])
        elif op == 2:  # delete a chunk
            del b[i : i + rng.randint(1, 2000)]
        elif op == 3:  # duplicate a chunk
            j = min(len(b), i + rng.randint(1, 5000))
            b[i:i] = b[i:j] * rng.randint(1, 20)
        elif op == 4:  # random bytes
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 500)))
        else:  # a number made huge (lengths, counts, object numbers)
            pos = b.find(b" ", i)
            if pos != -1:
                b[pos:pos] = str(rng.choice([0, -1, 2**31, 10**12])).encode()
    return bytes(b)


def text_mutant(rng: random.Random, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(8)
        i = rng.randrange(len(lines)) if lines else 0
        if op == 0 and lines:  # duplicate lines
            lines[i:i] = lines[i : i + rng.randint(1, 30)] * rng.randint(1, 50)
        elif op == 1 and lines:  # delete lines
            del lines[i : i + rng.randint(1, 20)]
        elif op == 2:  # a long run of one Unicode space
            run = rng.choice(SPACES) * rng.choice([100, 5000, 40000])
            lines.insert(i, run + (rng.choice(lines) if lines else ""))
        elif op == 3 and lines:  # shuffle a window
            window = lines[i : i + 20]
            rng.shuffle(window)
            lines[i : i + 20] = window
        elif op == 4:  # nasty characters
            lines.insert(i, rng.choice(NASTY) * rng.randint(1, 200))
        elif op == 5:  # many headings
            lines.insert(
                i, rng.choice(["Antwoord 1\n", "Vraag 2\n", "1 \n"]) * rng.randint(10, 3000)
            )
        elif op == 6 and lines:  # cut a line in two
            line = lines[i]
            k = rng.randrange(len(line) + 1)
            lines[i : i + 1] = [line[:k], "\n", line[k:]]
        elif op == 7:  # leading whitespace
            lines.insert(0, " " * rng.choice([10, 1000, 32000]))
    data = "".join(lines).encode("utf-8")
    if rng.random() < 0.2:  # some bytes that are not UTF-8
        b = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            b.insert(rng.randrange(len(b) + 1), rng.choice([0x80, 0xC3, 0xFF, 0xED]))
        data = bytes(b)
    return data


class PeakMemory:
    """The largest resident set of this process's descendants (the fork server's limited
    children are not this process's own children, so ``RUSAGE_CHILDREN`` misses them):
    sampled from /proc every 0.2 s."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.2):
            parents: dict[int, int] = {}
            rss: dict[int, int] = {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    status = Path(f"/proc/{entry}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                parents[int(entry)] = int(fields.get("PPid", "0").strip())
                rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
            family, frontier = set(), {me}
            while frontier:
                frontier = {p for p, pp in parents.items() if pp in frontier} - family
                family |= frontier
            for pid in family:
                self.peak_kb = max(self.peak_kb, rss.get(pid, 0))


def classify(path: Path) -> tuple[str, str]:
    from kggraph.errors import KggraphError
    from kggraph.pipeline import process_items

    try:
        results = process_items(path, timeout=HANG_SECONDS)
    except KggraphError as exc:
        reason = exc.reason
        if "took longer than" in reason:
            return "hang", reason
        if (
            "building the document failed" in reason
            or "process died" in reason
            or ("signal" in reason and "signal 9" not in reason)
        ):
            return "crash", reason
        return "named error", reason.split(":")[0][:70]
    except Exception as exc:  # noqa: BLE001 - exactly what the fuzzer looks for
        return "crash", f"{type(exc).__name__}: {exc}"
    return "built", f"{len(results)} document(s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdf", type=int, default=500)
    ap.add_argument("--text", type=int, default=500)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pdfs = sorted((FIXTURES / "pdf").glob("*.pdf"))
    texts = sorted((FIXTURES / "text").glob("*.txt"))
    started = time.monotonic()
    peak = PeakMemory()
    outcomes: Counter[tuple[str, str]] = Counter()
    reasons: dict[str, Counter[str]] = {}
    worst: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        jobs: list[tuple[str, Path]] = []
        for i in range(args.pdf):
            p = Path(tmp) / f"pdf-{i:04d}.pdf"
            p.write_bytes(pdf_mutant(rng, rng.choice(pdfs).read_bytes()))
            jobs.append(("pdf", p))
        for i in range(args.text):
            p = Path(tmp) / f"text-{i:04d}.txt"
            p.write_bytes(text_mutant(rng, rng.choice(texts).read_text(encoding="utf-8")))
            jobs.append(("text", p))

        def run(job: tuple[str, Path]) -> tuple[str, str, str, float]:
            kind, path = job
            t = time.monotonic()
            outcome, reason = classify(path)
            return kind, outcome, reason, time.monotonic() - t

        with ThreadPoolExecutor(args.jobs) as pool:
            for kind, outcome, reason, seconds in pool.map(run, jobs):
                outcomes[(kind, outcome)] += 1
                reasons.setdefault(outcome, Counter())[reason] += 1
                worst[kind] = max(worst.get(kind, 0.0), seconds)
    elapsed = time.monotonic() - started
    peak.stop.set()
    peak_children = peak.peak_kb / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for (kind, outcome), n in sorted(outcomes.items()):
        print(f"{kind:5} {outcome:12} {n:5}")
    for outcome in ("crash", "hang", "named error"):
        for reason, n in reasons.get(outcome, Counter()).most_common(8):
            print(f"  {outcome}: {n:4} × {reason}")
    summary = {
        "seed": args.seed,
        "pdf_mutants": args.pdf,
        "text_mutants": args.text,
        "crashes": sum(n for (_, o), n in outcomes.items() if o == "crash"),
        "hangs": sum(n for (_, o), n in outcomes.items() if o == "hang"),
        "built": sum(n for (_, o), n in outcomes.items() if o == "built"),
        "named_errors": sum(n for (_, o), n in outcomes.items() if o == "named error"),
        "slowest_pdf_s": round(worst.get("pdf", 0.0), 2),
        "slowest_text_s": round(worst.get("text", 0.0), 2),
        "peak_rss_child_mb": round(peak_children),  # one child process, sampled
        "peak_rss_parent_mb": round(peak_self),
        "seconds": round(elapsed, 1),
    }
    print(json.dumps(summary))
    sys.exit(1 if summary["crashes"] or summary["hangs"] else 0)


if __name__ == "__main__":
    main()
