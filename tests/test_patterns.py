"""Every text pattern (kggraph/patterns/*.toml) against its own real examples."""

from __future__ import annotations

import pytest

from kggraph.patterns import pattern, pattern_table

CASES = [
    (name, i, example)
    for name, entry in sorted(pattern_table().items())
    for i, example in enumerate(entry.get("examples", []))
]
COUNTER = [
    (name, text)
    for name, entry in sorted(pattern_table().items())
    for text in entry.get("counterexamples", [])
]


def test_every_pattern_has_examples() -> None:
    missing = [name for name, entry in pattern_table().items() if not entry.get("examples")]
    assert missing == []


@pytest.mark.parametrize(("name", "i", "example"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_example_matches(name: str, i: int, example: dict[str, object]) -> None:
    m = pattern(name).search(str(example["text"]))
    assert m is not None, f"{name} does not match {example['text']!r}"
    if "match" in example:
        assert m.group(0) == example["match"]
    for group, value in dict(example.get("groups", {})).items():  # type: ignore[call-overload]
        assert m.group(group) == value, f"{name}: group {group}"


@pytest.mark.parametrize(("name", "text"), COUNTER, ids=[f"{n}-not" for n, _ in COUNTER])
def test_counterexample_does_not_match(name: str, text: str) -> None:
    m = pattern(name).search(text)
    assert m is None, f"{name} wrongly matches {m.group(0)!r} in {text!r}"
