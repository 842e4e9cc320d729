"""Hostile documents end in a named error or the same result as the normal document, with
the exit code that says so, in bounded time (a ratio against a normal document), and
without losing what else the batch builds (issue 13, points 1 and 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import NORMAL, TEXT, ratio
from rdflib import Dataset

from kggraph.cli import main
from kggraph.limited import run_limited
from kggraph.pipeline import DocumentTooLarge, process_file, process_items

# every Unicode space that cleaning did not fold before, mixed
SPACES = "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u3000\u202f\u205f"
MAX_RATIO = 10.0


def test_a_unicode_space_run_in_the_header_is_folded(tmp_path: Path) -> None:
    """Before: the addressee split grew with the cube of the run (800 characters: 0.6 s;
    a 4.9 KB PDF: 83 s). Now the run folds to one space and the document parses as the
    normal one does."""
    text = NORMAL.read_text(encoding="utf-8")
    assert text.count(" aan de\n") == 1
    hostile = tmp_path / "ah-tk-20242025-564.pdf.txt"
    hostile.write_text(text.replace(" aan de\n", " aan" + SPACES * 2000 + "de\n"), "utf-8")
    normal, bad = process_file(NORMAL), process_file(hostile)

    def summary(d: object) -> tuple[object, ...]:
        h = d.header  # type: ignore[attr-defined]
        return (h.subject, h.submitted, len(h.askers), len(h.addressees), h.received)

    assert summary(bad.document) == summary(normal.document)
    assert len(normal.document.header.addressees) == 1
    assert len(bad.graph) == len(normal.graph)
    assert ratio(lambda: process_file(hostile), lambda: process_file(NORMAL)) < MAX_RATIO


def test_leading_whitespace_before_a_word_preamble(tmp_path: Path) -> None:
    """Before: the Word-preamble pattern took 16 s on 32,000 leading spaces."""
    source = TEXT / "ah-tk-20242025-610.docx.txt"
    hostile = tmp_path / source.name
    hostile.write_text(" " * 32_000 + source.read_text(encoding="utf-8"), "utf-8")
    assert process_file(hostile).identifier == "ah-tk-20242025-610"
    assert ratio(lambda: process_file(hostile), lambda: process_file(source)) < MAX_RATIO


def amplifier(tmp_path: Path) -> Path:
    """1 MB of 'Antwoord 1' lines after a real header (before: 397 s and 2.7 GB)."""
    path = tmp_path / "ah-tk-20242025-999.pdf.txt"
    path.write_text(NORMAL.read_text(encoding="utf-8") + "Antwoord 1\n" * 90_000, "utf-8")
    return path


def test_block_amplification_is_a_named_error_in_bounded_time(tmp_path: Path) -> None:
    path = amplifier(tmp_path)
    with pytest.raises(
        DocumentTooLarge, match=r"too many question and answer blocks \(9\d{4}; the limit is 2000\)"
    ):
        process_items(path)
    assert (
        ratio(
            lambda: pytest.raises(DocumentTooLarge, process_items, path),
            lambda: process_items(NORMAL),
        )
        < 40
    )


def test_the_batch_goes_on_and_writes_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.trig"
    bad = amplifier(tmp_path)
    code = main(["build", str(NORMAL), str(bad), "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"FAILED {bad}: too many question and answer blocks" in err
    ds = Dataset()
    ds.parse(out, format="trig")
    assert [str(g.identifier).rsplit("/", 1)[-1] for g in ds.graphs() if len(g)] == [
        "ah-tk-20242025-564"
    ]


def test_the_whole_pipeline_has_a_time_limit_and_its_process_ends(tmp_path: Path) -> None:
    """Parsing, RDF mapping and SHACL run in the limited child too: at the limit the
    child is killed, the error names the file."""
    big = tmp_path / "ah-tk-20242025-998.pdf.txt"
    questions = "".join(
        f"Vraag {i}\nWaarom {i}?\nAntwoord {i}\nDaarom {i}.\n" for i in range(1, 900)
    )
    big.write_text(NORMAL.read_text(encoding="utf-8").split("Vraag 1\n")[0] + questions, "utf-8")
    pid = run_limited(
        "os.getpid",
        (),
        path="x",
        timeout=10,
        memory_mb=1536,
        error=DocumentTooLarge,
        what="building the document",
    )
    with pytest.raises(
        DocumentTooLarge, match=rf"^{big}: building the document took longer than 0\.5 s; stopped$"
    ):
        process_items(big, timeout=0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
