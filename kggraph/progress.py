"""A progress bar for corpus builds (rate and ETA on a terminal) and the final summary.

The bar is drawn on stderr only when stderr is a terminal, at most ten times a second;
elsewhere (CI, a pipe, a log file) it stays silent and only the summary is printed.

>>> p = Progress(3, enabled=False)
>>> p.built("a", 120); p.skipped("b"); p.failed("c.pdf", "not a PDF")
>>> print(p.summary(elapsed=2.0))
built 1, skipped 1, failed 1 of 3 document(s); 120 triples; 2.0 s (1.5 documents/s)
  failed c.pdf: not a PDF
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


@dataclass
class Progress:
    """Counts outcomes as they come and draws the bar."""

    total: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    enabled: bool | None = None  # None: draw only when ``stream`` is a terminal
    width: int = 28
    built_count: int = 0
    skipped_count: int = 0
    removed_count: int = 0
    violating: int = 0
    triples: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _drawn: float = 0.0

    def __post_init__(self) -> None:
        if self.enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            self.enabled = bool(isatty and isatty())

    @property
    def done(self) -> int:
        return self.built_count + self.skipped_count + len(self.failures)

    def built(self, name: str, triples: int, violations: int = 0) -> None:
        self.built_count += 1
        self.triples += triples
        self.violating += 1 if violations else 0
        self._tick()

    def skipped(self, name: str) -> None:
        self.skipped_count += 1
        self._tick()

    def failed(self, name: str, reason: str) -> None:
        self.failures.append((name, reason))
        self._tick()

    def removed(self, name: str) -> None:
        self.removed_count += 1

    def line(self, now: float | None = None) -> str:
        """The bar: ``[#####-----] 512/1000  51% 23.4 doc/s ETA 00:21 (built 500 …)``."""
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        frac = self.done / self.total if self.total else 1.0
        filled = int(self.width * frac)
        rate = self.done / elapsed
        eta = _clock((self.total - self.done) / rate) if rate > 0 else "--:--"
        return (
            f"[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} "
            f"{frac:4.0%} {rate:6.1f} doc/s ETA {eta} "
            f"(built {self.built_count}, skipped {self.skipped_count}, "
            f"failed {len(self.failures)})"
        )

    def _tick(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1 and self.done < self.total:
            return
        self._drawn = now
        self.stream.write("\r\x1b[2K" + self.line(now))
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line so that later output starts clean."""
        if self.enabled:
            self._tick(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def summary(self, elapsed: float | None = None) -> str:
        """Built, skipped, failed (with reasons), triples and time."""
        elapsed = time.monotonic() - self.started if elapsed is None else elapsed
        rate = self.done / elapsed if elapsed > 0 else 0.0
        parts = [
            f"built {self.built_count}, skipped {self.skipped_count}, "
            f"failed {len(self.failures)} of {self.total} document(s)"
        ]
        if self.violating:
            parts.append(f"{self.violating} with violations")
        if self.removed_count:
            parts.append(f"{self.removed_count} removed")
        parts.append(f"{self.triples} triples")
        parts.append(f"{elapsed:.1f} s ({rate:.1f} documents/s)")
        lines = ["; ".join(parts)]
        lines += [f"  failed {name}: {reason}" for name, reason in self.failures]
        return "\n".join(lines)


__all__ = ["Progress"]
