"""``kggraph query NAME --store S --param doc=ID``, the whole process (issue 11): the same
rows as Oxigraph gives for the query text with the document written in, cut at
``--max-rows`` exactly at row ends (CSV cells with line breaks included), the exit codes,
and no temporary file left behind."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import TEXT

from kggraph import query_early, store_layout
from kggraph.cli import _main, main
from kggraph.corpus import CorpusBuild
from kggraph.output_safety import neutralise_csv
from kggraph.query import bundled_queries, param_terms
from kggraph.query_answer import _Cut, _LineCut, _SafeCsv
from kggraph.query_early import LAYOUT_MARK
from kggraph.sparql_text import inline_terms
from kggraph.store import CorpusStore

DOC = "ah-tk-20242025-564"
DOCS = ("ah-tk-20242025-545.pdf.txt", "ah-tk-20242025-564.pdf.txt")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("one-doc") / "store"
    CorpusBuild(CorpusStore.open(path), jobs=1).run([TEXT / d for d in DOCS])
    return path


def kggraph(*args: str) -> tuple[int, bytes, str]:
    """The command as a user runs it, in its own process through the console script's
    entry: exit code, standard output, standard error."""
    code = "from kggraph.launch import run; run()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=False)
    return done.returncode, done.stdout, done.stderr.decode("utf-8")


def oxigraph_csv(store: Path, name: str, doc: str) -> bytes:
    """The bare engine's answer: the query text with the document written in, as CSV."""
    q = bundled_queries()[name]
    text = inline_terms(q.text, param_terms(q, {"doc": doc}))
    result = ox.Store.read_only(str(store)).query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result.serialize(format=ox.QueryResultsFormat.CSV) or b""


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


ONE_DOC = sorted(
    n
    for n, q in bundled_queries().items()
    if n[0].isdigit() and "doc" in (p.name for p in q.params)
)


@pytest.mark.parametrize("name", ONE_DOC)
def test_each_bundled_query_answers_as_oxigraph_does(
    store: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "answer.csv"
    done = kggraph("query", name, "--store", str(store), "--param", f"doc={DOC}", "-o", str(out))
    assert done == (0, b"", "")
    assert out.read_bytes() == oxigraph_csv(store, name, DOC)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.csv"]  # no temp file left


def test_cut_at_max_rows(store: Path, tmp_path: Path) -> None:
    full = oxigraph_csv(store, "05-questions-answers", DOC)
    want = rows(full)
    assert len(want) > 4
    out = tmp_path / "cut.csv"
    args = ("query", "questions-answers", "--store", str(store), "--param", f"doc={DOC}")
    code, _, err = kggraph(*args, "-o", str(out), "--max-rows", "3")
    assert code == 4
    assert "kggraph: stopped at --max-rows 3: the query has more results" in err
    assert rows(out.read_bytes()) == want[:4]
    assert kggraph(*args, "-o", str(out), "--max-rows", str(len(want) - 1)) == (0, b"", "")
    assert out.read_bytes() == full


def test_csv_cells_with_line_breaks_are_cut_at_row_ends(store: Path, tmp_path: Path) -> None:
    q = 'SELECT ?v WHERE { VALUES ?v { "a\\r\\nb" "c\\nd,e" "f\\"g\\nh" "i" } } ORDER BY ?v'
    out = tmp_path / "cut.csv"
    code, _, err = kggraph("query", q, "--store", str(store), "--max-rows", "2", "-o", str(out))
    assert (code, "stopped at --max-rows 2" in err) == (4, True)
    assert out.read_bytes() == b'v\r\n"a\r\nb"\r\n"c\nd,e"\r\n'
    assert kggraph("query", q, "--store", str(store), "--max-rows", "4", "-o", str(out))[0] == 0
    assert rows(out.read_bytes()) == [["v"], ["a\r\nb"], ["c\nd,e"], ['f"g\nh'], ["i"]]


def test_exit_codes_and_messages_of_the_whole_process(store: Path, tmp_path: Path) -> None:
    s = str(store)
    bad = kggraph("query", "askers", "--store", s, "--param", "who=x")
    assert bad == (2, b"", "kggraph: error: unknown parameter 'who': query 01-askers takes doc\n")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = kggraph("query", "askers", "--store", s, "-o", str(blocker / "a.csv"))
    assert code == 5
    assert err.startswith(f"kggraph: error: {blocker / 'a.csv'}: cannot write: ")
    code, _, err = kggraph("query", "askers", "--store", str(tmp_path / "none"), "--param", "doc=x")
    assert code == 2
    assert err.startswith(f"kggraph: error: {tmp_path / 'none'}: no store here")
    answer = kggraph("query", "dates", "--store", s, "--param", f"doc={DOC}", "--format", "csv")
    assert answer == (0, oxigraph_csv(store, "04-dates", DOC), "")


def test_an_older_or_empty_store_is_judged_as_corpus_store_judges_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = ox.Store(str(tmp_path / "old"))
    doc = ox.NamedNode(f"https://w3id.org/kggraph/id/doc/{DOC}")
    old.add(ox.Quad(doc, doc, ox.Literal("x")))
    del old
    args = ("askers", "--param", f"doc={DOC}", "--format", "csv")
    assert main(["query", *args, "--store", str(tmp_path / "old")]) == 5
    assert "was written by an older kggraph" in capsys.readouterr().err
    ox.Store(str(tmp_path / "empty"))
    assert main(["query", *args, "--store", str(tmp_path / "empty")]) == 0
    assert capsys.readouterr().out == "doc,docId,asker,name,party,partyLabel\r\n"


def test_the_layout_mark_is_the_stores() -> None:
    book, layout, version = LAYOUT_MARK
    mark = (store_layout.BOOK, store_layout.LAYOUT, store_layout.VERSION)
    assert (ox.NamedNode(book), ox.NamedNode(layout), ox.Literal(version)) == mark


class Chunks(io.BytesIO):
    """Collects what a cutter passes on."""


def feed(cutter: _LineCut, *chunks: bytes) -> bool:
    """Write ``chunks`` as a serializer would; whether the cutter stopped it."""
    try:
        for chunk in chunks:
            cutter.write(chunk)
    except _Cut:
        return True
    return False


def test_a_row_after_the_last_allowed_one_is_noticed_at_a_chunk_boundary() -> None:
    out = Chunks()
    # the header and two rows end exactly where the first chunk ends; a third row follows
    assert feed(_LineCut(out, 3), b"?a\n<x>\n<y>\n", b"<z>\n")
    assert out.getvalue() == b"?a\n<x>\n<y>\n"
    out = Chunks()
    assert not feed(_LineCut(out, 3), b"?a\n<x>\n<y>\n", b"")  # a flush of nothing
    assert out.getvalue() == b"?a\n<x>\n<y>\n"


def test_csv_rows_end_only_outside_quotes() -> None:
    data = b'a,b\r\n"x\r\ny",1\r\n"q""\n",2\r\nz,3\r\n'
    for size in (1, 2, 3, 5, 7, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        out = Chunks()
        assert feed(_LineCut(out, 3, quoted=True), *chunks)
        assert out.getvalue() == b'a,b\r\n"x\r\ny",1\r\n"q""\n",2\r\n'
        out = Chunks()
        assert not feed(_LineCut(out, 4, quoted=True), *chunks)
        assert out.getvalue() == data


def test_store_answers_are_as_safe_to_open_as_answers_from_graph_files(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Formula-like CSV cells get a ``'`` and a table shows control characters as escapes,
    from a store as from graph files (output_safety)."""
    q = (
        'SELECT ?v ?w WHERE { VALUES (?v ?w) { ("=HYPERLINK(1)" "-3") ("\x1b[2Jx" "@SUM(1)")'
        ' ("a,b" "+1") ("ok" "q\\"q") } } ORDER BY ?v'
    )
    out = tmp_path / "a.csv"
    assert main(["query", q, "--store", str(store), "-o", str(out)]) == 0
    assert out.read_bytes() == (
        b'v,w\r\n\x1b[2Jx,\'@SUM(1)\r\n\'=HYPERLINK(1),-3\r\n"a,b",+1\r\nok,"q""q"\r\n'
    )
    capsys.readouterr()
    assert main(["query", q, "--store", str(store)]) == 0
    table = capsys.readouterr().out
    assert "\x1b" not in table and "\\x1b[2Jx" in table
    graphs = tmp_path / "g.nt"
    graphs.write_text("<https://x.org/a> <https://x.org/p> <https://x.org/b> .\n", "utf-8")
    assert main(["query", q, str(graphs), "-o", str(tmp_path / "g.csv")]) == 0
    assert (tmp_path / "g.csv").read_bytes() == out.read_bytes()


def test_formula_cells_are_neutralised_whatever_the_chunks() -> None:
    data = b'v,w\r\nok,"x\r\n=y"\r\n=1+2,-3\r\n"@a,b",c\r\nplain,row\r\n'
    want = neutralise_csv(data)
    assert want == b'v,w\r\nok,"x\r\n=y"\r\n\'=1+2,-3\r\n"\'@a,b",c\r\nplain,row\r\n'
    for size in (1, 2, 3, 7, 11, len(data)):
        out = Chunks()
        safe = _SafeCsv(out)
        for i in range(0, len(data), size):
            safe.write(data[i : i + size])
        safe.flush()
        assert out.getvalue() == want


def _children() -> set[int]:
    """This process's children, ended (zombies) or not."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc only")
def test_the_children_of_earlier_queries_are_reaped(store: Path, tmp_path: Path) -> None:
    """A query returns once its child has reported, not when the child has ended (tearing
    down its store takes a few milliseconds more): the next query reaps it, so a process
    that queries many times keeps no more than the last child."""
    import time

    from kggraph import query_stream

    before = _children()
    out = tmp_path / "a.csv"
    args = ["query", "askers", "--store", str(store), "--param", f"doc={DOC}", "-o", str(out)]
    for _ in range(4):
        assert main(args) == 0
        time.sleep(0.2)
    assert out.read_bytes() == oxigraph_csv(store, "01-askers", DOC)
    left = _children() - before
    assert len(left) <= 1 and left <= query_stream._ENDING


def test_the_store_a_command_line_names() -> None:
    """The words a child is forked for before argparse reads them (the last ``--store``);
    None where the parsed command could not use such a child."""
    named = query_early.store_named
    assert named(["query", "askers", "--store", "S", "--param", "doc=x"]) == "S"
    assert named(["query", "askers", "--store=S", "-o", "a.csv"]) == "S"
    assert named(["query", "askers", "--store", "A", "--store", "B"]) == "B"
    assert named(["query", "askers", "--store", "S", "--allow-network"]) is None
    assert named(["query", "--help", "--store", "S"]) is None
    assert named(["query", "askers", "--", "--store", "S"]) is None
    assert named(["query", "askers", "--store"]) is None
    assert named(["query", "askers", "graph.trig"]) is None
    assert named(["build", "doc.pdf", "--store", "S"]) is None
    assert named([]) is None


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_forked_before_the_command_was_parsed_answers_it(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "a.csv"
    argv = ["query", "askers", "--store", str(store), "--param", f"doc={DOC}", "-o", str(out)]
    early = query_early.start(argv)
    assert early is not None and early.state == "waiting"
    assert _main(argv, early) == (0, False)
    assert early.state == "taken"
    assert out.read_bytes() == oxigraph_csv(store, "01-askers", DOC)
    # a whole-corpus answer (the store's rows, not the text run) from such a child
    argv = ["query", "dates", "--store", str(store), "--format", "csv", "-o", str(out)]
    early = query_early.start(argv)
    assert _main(argv, early) == (0, False) and early is not None and early.state == "taken"
    assert main(argv[:-2] + ["-o", str(tmp_path / "b.csv")]) == 0
    assert out.read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert out.read_bytes().count(b"\n") == 3  # the header and the two documents


def test_a_child_forked_for_other_words_is_stopped(store: Path, tmp_path: Path) -> None:
    """Another store than the parsed command's (argparse reads ``--st`` as ``--store``), or
    a command that fails before its query: the early child is killed and reaped, nothing
    is written by it, and the query, if any, runs in a child forked as before."""
    out = tmp_path / "a.csv"
    argv = ["query", "askers", "--st", str(store), "--param", f"doc={DOC}", "-o", str(out)]
    early = query_early.start([*argv, "--store", str(tmp_path / "elsewhere")])
    assert early is not None
    assert _main(argv, early) == (0, False)
    assert early.state == "stopped" and _reaped(early.pid)
    assert out.read_bytes() == oxigraph_csv(store, "01-askers", DOC)
    argv = ["query", "askers", "--store", str(store), "--param", "who=x", "-o", str(out)]
    early = query_early.start(argv)
    assert early is not None
    assert _main(argv, early) == (2, False)
    assert early.state == "stopped" and _reaped(early.pid)


def test_a_query_longer_than_a_pipe_holds_goes_to_a_child_forked_then(
    store: Path, tmp_path: Path
) -> None:
    """The job goes to a child that may still be opening the store, through a pipe of
    64 KiB that takes it without waiting: a query file of 45,000 characters (the limit is
    50,000) in ASCII arrives whole; in two-byte characters it would not fit, and the early
    child is stopped and a child forked once the command is parsed answers instead."""
    query = tmp_path / "askers.rq"
    out = tmp_path / "a.csv"
    argv = ["query", str(query), "--store", str(store), "--param", f"doc={DOC}", "-o", str(out)]
    for filler, state in (("x", "taken"), ("é", "stopped")):
        query.write_text(bundled_queries()["01-askers"].text + "\n#" + filler * 45_000 + "\n")
        early = query_early.start(argv)
        assert _main(argv, early) == (0, False) and early is not None
        assert early.state == state and (state == "taken" or _reaped(early.pid))
        assert out.read_bytes() == oxigraph_csv(store, "01-askers", DOC)


def test_the_early_child_opens_the_temporary_file_it_was_sent_and_no_other(
    tmp_path: Path,
) -> None:
    """``-o FILE``: the early child opens the parent's temporary file by its path, so it
    checks that the path still names that file (not a link or a file put in its place)."""
    from kggraph.errors import StoreError
    from kggraph.query_answer import _open_made

    made = tmp_path / "made"
    made.write_bytes(b"")
    found = made.stat()
    os.close(_open_made(str(made), found.st_dev, found.st_ino))
    other = tmp_path / "other"
    other.write_bytes(b"")
    made.unlink()
    made.symlink_to(other)
    with pytest.raises(OSError):  # O_NOFOLLOW
        _open_made(str(made), found.st_dev, found.st_ino)
    made.unlink()
    made.write_bytes(b"")
    again = made.stat()
    with pytest.raises(StoreError, match="temporary file was replaced"):
        _open_made(str(made), again.st_dev, again.st_ino + 1)


def test_what_fails_in_the_early_child_before_its_answer_is_reported(store: Path) -> None:
    """A job the early child cannot read is reported as the query's failure, with what
    went wrong, as any failure of the child is (not lost with the child)."""
    from kggraph.query_stream import _wait

    argv = ["query", "askers", "--store", str(store), "--param", f"doc={DOC}"]
    early = query_early.start(argv)
    assert early is not None
    os.write(early.job, b"not a job")
    os.close(early.job)
    early.state = "taken"
    status, said = _wait(early.pid, early.report, 30, bundled_queries()["01-askers"])
    assert status == "error" and said.startswith("query failed: ValueError: bad marshal data")
