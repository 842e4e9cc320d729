"""The command line on real documents and on bad input: messages, exit codes, outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import IND, PDF, TEXT
from rdflib import Dataset, Graph

from kggraph.cli import main


def test_build_turtle_and_query_askers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ind.ttl"
    code = main(
        ["build", str(IND), "--id", "kamervragen-2022-ind-erkend-referenten", "-o", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert (
        "kamervragen-2022-ind-erkend-referenten: answer, 13 questions, 13 answers, 17 footnotes"
        in printed
    )
    assert "conforms" in printed
    g = Graph().parse(out, format="turtle")
    assert len(g) > 500
    assert main(["query", "askers", str(out), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert any("Leijten" in r and "Socialistische Partij" in r for r in rows)
    assert any("Van Dijk" in r and "party/sp," in r for r in rows)


def test_turtle_output_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    doc = str(TEXT / "ah-tk-20242025-545.pdf.txt")
    assert main(["build", doc, "-o", str(a), "-q"]) == 0
    assert main(["build", doc, "-o", str(b), "-q"]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_trig_keeps_one_named_graph_per_document(tmp_path: Path) -> None:
    out = tmp_path / "two.trig"
    docs = [str(TEXT / "ah-tk-20242025-545.pdf.txt"), str(TEXT / "kv-tk-2024Z18441.pdf.txt")]
    assert main(["build", *docs, "-o", str(out), "-q"]) == 0
    ds = Dataset()
    ds.parse(out, format="trig")
    names = sorted(str(g.identifier) for g in ds.graphs() if len(g))
    assert names == [
        "https://w3id.org/kggraph/id/doc/ah-tk-20242025-545",
        "https://w3id.org/kggraph/id/doc/kv-tk-2024Z18441",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty document"),
        ("binary.txt", b"\x00\x01\x02PK", "binary data, not a text document"),
        ("recipe.txt", b"Neem 200 gram bloem en roer.\n", "not a Kamervragen document"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type .docx"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "broken.pdf"),
    ],
)
def test_bad_input_is_named_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "ah-tk-20242025-545.pdf.txt"
    shutil.copy(TEXT / good.name, good)
    out = tmp_path / "out.nq"
    code = main(["build", str(bad), str(good), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert f"FAILED {bad}" in captured.err
    assert reason in captured.err
    assert "built 1 document(s)" in captured.out and "1 failed" in captured.out
    assert "ah-tk-20242025-545" in out.read_text(encoding="utf-8")


def test_failed_run_leaves_existing_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("# the previous, complete output\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["build", str(empty), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "# the previous, complete output\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unknown_output_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["build", str(TEXT / "ah-tk-20242025-545.pdf.txt"), "-o", str(tmp_path / "x.rdf")])
    assert code == 2
    assert "unknown graph format .rdf" in capsys.readouterr().err


def test_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.trig"
    assert main(["build", str(TEXT / "ah-tk-20242025-545.pdf.txt"), "-o", str(good), "-q"]) == 0
    assert main(["validate", str(good)]) == 0
    bad = Path(__file__).parent / "shapes" / "violating" / "question-without-number.ttl"
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Violation" in out and "kgo:number" in out
    assert main(["validate", str(tmp_path / "missing.ttl")]) == 2


def test_query_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = tmp_path / "g.ttl"
    assert main(["build", str(TEXT / "ah-tk-20242025-545.pdf.txt"), "-o", str(graph), "-q"]) == 0
    assert main(["query", "no-such-query", str(graph)]) == 2
    assert "unknown query 'no-such-query'" in capsys.readouterr().err
    assert main(["query", "SELECT ?x WHERE { ?x ?y }", str(graph)]) == 2
    assert "SPARQL" in capsys.readouterr().err


def test_console_script_and_pdf(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "kggraph"
    out = tmp_path / "pdf.ttl"
    done = subprocess.run(
        [str(exe), "build", str(PDF / "ah-tk-20232024-1314.pdf"), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ah-tk-20232024-1314: answer, 6 questions, 4 answers, 2 footnotes" in done.stdout
    assert done.stderr == ""
