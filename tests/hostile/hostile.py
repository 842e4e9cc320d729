"""Helpers of the hostile-input regressions (issue 13): real documents from
tests/fixtures, and timing as a ratio against a normal document measured in the same run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures"
TEXT = FIXTURES / "text"
PDF = FIXTURES / "pdf"
DOCS = (
    "ah-tk-20242025-545.pdf.txt",
    "ah-tk-20242025-564.pdf.txt",
    "ah-tk-20242025-610.docx.txt",
    "kamervragen-2022-ind-erkend-referenten.txt",
)
NORMAL = TEXT / "ah-tk-20242025-564.pdf.txt"


def seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def ratio(hostile: Callable[[], object], normal: Callable[[], object]) -> float:
    """How many times as long ``hostile`` takes as ``normal``, best of two for each, so
    that a moment of load on the shared machine neither flatters nor condemns either."""
    base = min(seconds(normal), seconds(normal))
    return min(seconds(hostile), seconds(hostile)) / max(base, 0.05)
