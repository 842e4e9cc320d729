"""Text patterns as data: ``kggraph/patterns/*.toml``, each with real examples.

A pattern file maps a name to ``regex`` (Python syntax), optional ``flags``
("MULTILINE", "IGNORECASE", "VERBOSE", joined with "|"), ``examples`` (text that must
match, with the exact ``match`` and named ``groups`` where given) and
``counterexamples`` (text that must not match). The tests run every example.

>>> pattern("running_footer").search("Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 2")["page"]
'2'
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

PATTERN_DIR = Path(__file__).resolve().parent / "patterns"


@cache
def pattern_table() -> dict[str, dict[str, Any]]:
    """Every pattern entry of every file, by name (names are unique across files)."""
    table: dict[str, dict[str, Any]] = {}
    for path in sorted(PATTERN_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for name, entry in tomllib.load(fh).items():
                if name in table:
                    raise ValueError(f"pattern {name!r} defined twice ({path.name})")
                table[name] = {**entry, "file": path.name}
    return table


def _flags(spec: str | None) -> int:
    flags = 0
    for part in (spec or "").split("|"):
        if part.strip():
            flags |= getattr(re, part.strip())
    return flags


@cache
def pattern(name: str) -> re.Pattern[str]:
    """The compiled pattern ``name``."""
    entry = pattern_table()[name]
    return re.compile(entry["regex"], _flags(entry.get("flags")))
