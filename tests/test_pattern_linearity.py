"""Every text pattern runs in linear time: on 100,000-character adversarial inputs built
from its own examples it may take at most ``MAX_RATIO`` times as long as on 100,000
characters of real documents.

The table is read at collection time, so a pattern added to ``kggraph/patterns/*.toml``
is covered without touching this file. The inputs are what made patterns backtrack in the
hardening review (issue 13): a whitespace run of every kind blown up inside an example
(spaces, em spaces, newlines, tabs), an example repeated with such a separator, and
prefixes of an example repeated (partial matches everywhere). Each timing runs in a child
process, in CPU seconds (other jobs on the machine do not count), killed at
``HANG_SECONDS`` of CPU time: a pattern that backtracks quadratically on 100k characters runs for
minutes, a linear one for milliseconds. ``finditer`` scans the whole input, as the cleaner
and parser do.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import time
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from kggraph.patterns import pattern, pattern_table

N = 100_000
MAX_RATIO = 100.0
FLOOR_SECONDS = 0.002  # the plain time is at least this, so that ratios are not noise
HANG_SECONDS = 5.0  # CPU seconds per input
WALL_FACTOR = 20  # how much longer the wall clock may run on a busy machine
SEPARATORS = (" ", "\u2003", "\n", " \n", "\t")
TEXT = Path(__file__).parent / "fixtures" / "text"


@cache
def plain() -> str:
    """100,000 characters of real documents (the text fixtures, repeated)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(TEXT.glob("*.txt")))
    return (text * (N // len(text) + 1))[:N]


def adversarial(entry: dict[str, Any]) -> dict[str, str]:
    """Inputs of about ``N`` characters built from a pattern's examples and
    counterexamples."""
    texts = [str(e["text"]) for e in entry.get("examples", [])]
    texts += [str(t) for t in entry.get("counterexamples", [])]
    out: dict[str, str] = {}
    for i, t in enumerate(texts):
        spaces = [m.start() for m in re.finditer(r"\s", t)] or [len(t)]
        at = sorted({0, spaces[0], spaces[len(spaces) // 2], len(t)})
        for sep in SEPARATORS:
            run = sep * ((N - len(t)) // len(sep))
            for p in at:
                out[f"example {i}, {sep!r} run at {p}"] = t[:p] + run + t[p:]
            out[f"example {i} repeated with {sep!r}"] = (t + sep) * (N // (len(t) + len(sep)))
        for cut in {max(1, len(t) // 2), max(1, len(t) * 2 // 3), max(1, len(t) - 1)}:
            out[f"example {i}, first {cut} repeated"] = t[:cut] * (N // cut)
            out[f"example {i}, first {cut} + newline repeated"] = (t[:cut] + "\n") * (N // cut)
    return out


def _time(name: str, texts: list[str], conn: Connection) -> None:
    # the hang limit in CPU seconds: on a busy machine the wall clock runs ahead of it
    limit = int(HANG_SECONDS * len(texts)) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))
    regex = pattern(name)
    times = []
    for text in texts:
        started = time.process_time()  # CPU time: other jobs on the machine do not count
        for _ in regex.finditer(text):
            pass
        times.append(time.process_time() - started)
    conn.send(times)


def timed(name: str, texts: list[str]) -> list[float] | None:
    """Seconds per text for ``finditer`` over it, or None when the child hung."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_time, args=(name, texts, child))
    proc.start()
    child.close()  # the child's end: when the child is killed at its CPU limit, poll sees EOF
    try:
        if parent.poll(WALL_FACTOR * HANG_SECONDS * len(texts)):
            try:
                result: list[float] = parent.recv()
            except EOFError:
                return None
            return result
        return None
    finally:
        proc.kill()
        proc.join()


@pytest.mark.parametrize("name", sorted(pattern_table()))
def test_pattern_is_linear(name: str) -> None:
    cases = adversarial(pattern_table()[name])
    assert cases, f"{name} has no examples to build adversarial inputs from"
    base = timed(name, [plain()])
    assert base is not None, f"{name} hangs on plain text"
    plain_seconds = max(base[0], FLOOR_SECONDS)
    labels, texts = list(cases), list(cases.values())
    # one child per batch, so that a hang names its input
    for start in range(0, len(texts), 8):
        batch = texts[start : start + 8]
        times = timed(name, batch)
        if times is None:
            for label, text in zip(labels[start : start + 8], batch, strict=True):
                assert timed(name, [text]) is not None, (
                    f"{name} ran longer than {HANG_SECONDS:g} s on {label}"
                )
            continue
        worst = max(range(len(times)), key=times.__getitem__)
        seconds = times[worst]
        if seconds / plain_seconds > MAX_RATIO:
            # the machine may have been busy: best of three for both before judging
            again = timed(name, [batch[worst]] * 3 + [plain()] * 3) or [seconds] * 6
            seconds, plain_seconds = min(again[:3]), max(min(again[3:]), FLOOR_SECONDS)
        ratio = seconds / plain_seconds
        assert ratio <= MAX_RATIO, (
            f"{name}: {seconds:.3f} s on {labels[start + worst]} is {ratio:.0f}× the "
            f"{plain_seconds:.4f} s on plain text (limit {MAX_RATIO:g}×)"
        )
