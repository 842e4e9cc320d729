"""Files that are not what they seem, outputs that cannot be written, cells and characters
that would attack the reader (issue 13, points 7 and 8)."""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import DOCS, NORMAL, PDF

from kggraph.cli import main
from kggraph.output_safety import neutralise_csv, terminal_safe
from kggraph.pipeline import process_file
from kggraph.store import CorpusStore


def test_a_fifo_and_a_link_to_dev_zero_are_refused_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    out = tmp_path / "out.trig"
    started = time.monotonic()
    code = main(["build", str(fifo), str(zero), str(NORMAL), "-o", str(out)])
    assert code == 2
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert f"FAILED {fifo}: not a regular file (a FIFO); only files are read" in err
    assert f"FAILED {zero}: not a regular file (a device or socket); only files are read" in err
    assert out.read_text(encoding="utf-8").count("ah-tk-20242025-564") > 0
    store = tmp_path / "store"
    assert main(["build", str(fifo), str(NORMAL), "--store", str(store), "-q"]) == 2


def test_an_aes_encrypted_pdf_with_an_empty_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = PDF / "ah-tk-20232024-1076.pdf"
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="AES-256")
    locked = tmp_path / source.name
    with locked.open("wb") as fh:
        writer.write(fh)
    assert PdfReader(locked).is_encrypted
    plain, aes = process_file(source), process_file(locked)
    assert aes.identifier == plain.identifier == "ah-tk-20232024-1076"
    assert len(aes.document.questions) == len(plain.document.questions) == 5


def test_a_full_disk_is_a_named_error_and_the_old_output_stays(tmp_path: Path) -> None:
    out = tmp_path / "out.trig"
    out.write_text("# an earlier build\n", encoding="utf-8")

    def small_files() -> None:  # the child may write 4 KiB per file: a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = subprocess.run(
        [sys.executable, "-m", "kggraph.cli", "build", str(NORMAL), "-o", str(out), "-q"],
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 5, proc.stderr
    assert (
        f"kggraph: error: {out}: cannot write: File too large; the existing file is unchanged"
        in proc.stderr
    )
    assert "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "# an earlier build\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.trig"]  # no temporary file left


def test_a_bad_output_path_is_a_named_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["build", str(NORMAL), "-o", str(blocker / "out.trig"), "-q"]) == 5
    assert "cannot write" in capsys.readouterr().err


def test_formula_cells_are_neutralised_and_plain_csv_is_unchanged(tmp_path: Path) -> None:
    graphs = tmp_path / "g.nt"
    graphs.write_text(
        '<https://x.org/a> <https://x.org/p> "=HYPERLINK(\\"http://evil/\\";\\"klik\\")" .\n'
        '<https://x.org/a> <https://x.org/p> "@SUM(1+1)" .\n'
        '<https://x.org/a> <https://x.org/p> "-3" .\n'
        '<https://x.org/a> <https://x.org/p> "gewoon, met komma" .\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    q = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    assert main(["query", q, str(graphs), "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows == [
        ["o"],
        ["-3"],
        ['\'=HYPERLINK("http://evil/";"klik")'],
        ["'@SUM(1+1)"],
        ["gewoon, met komma"],
    ]
    plain = b'doc,n\r\n"a, b",1\r\nx,-2.5\r\n'
    assert neutralise_csv(plain) == plain


def test_terminal_escapes_and_bidi_overrides_are_printed_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = tmp_path / "\x1b[2Jgnp\u202e.txt"
    name.write_text("geen kamervraag\n", encoding="utf-8")
    assert main(["build", str(name), "-o", str(tmp_path / "o.ttl")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\x1b[2Jgnp\\u202e.txt" in err
    assert terminal_safe("regel\n\ttab") == "regel\n\ttab"


def xref_stream_pdf(objects: list[bytes], widths: bytes, rows: list[tuple[int, ...]]) -> bytes:
    """A PDF 1.5 file of ``objects`` (numbered from 1) and a cross-reference stream with
    the field ``widths`` given and one row per object (0 first); ``-k`` in a row stands for
    the offset of object k."""
    out = b"%PDF-1.5\n"
    offsets = {}
    for n, body in enumerate(objects, 1):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    data = bytes(offsets[-v] if v < 0 else v for row in rows for v in row)
    n = len(objects) + 1
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [%s] /Root 1 0 R /Length %d >>\nstream\n" % (
        n,
        len(rows),
        widths,
        len(data),
    )
    return out + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref


def test_pypdf_consistency_failures_are_named_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: five fuzzed PDFs failed with the empty message "AssertionError: ". Two
    hand-made cross-reference streams reach pypdf's message-less checks: an object said to
    be in an object stream that is no /ObjStm (an ``assert`` in pypdf's reader), and a /W
    of two fields (pypdf's "Trailer cannot be read: " with nothing after it)."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"2 0 << /Type /Pages /Kids [] /Count 0 >>"
    not_objstm = b"<< /Type /XObject /N 1 /First 4 /Length %d >>\nstream\n%s\nendstream" % (
        len(pages),
        pages,
    )
    in_stream = tmp_path / "in-stream.pdf"
    in_stream.write_bytes(
        xref_stream_pdf(
            [catalog, b"null", not_objstm], b"1 1 1", [(0, 0, 0), (1, -1, 0), (2, 3, 0), (1, -3, 0)]
        )
    )
    two_fields = tmp_path / "two-fields.pdf"
    two_fields.write_bytes(xref_stream_pdf([catalog], b"1 2", [(1, 0, 9)]))
    out = tmp_path / "out.trig"
    assert main(["build", str(in_stream), str(two_fields), str(NORMAL), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    damaged = "damaged or unreadable PDF"
    assert f"FAILED {in_stream}: {damaged}: pypdf's consistency check failed\n" in err
    assert f"FAILED {two_fields}: {damaged}: Trailer cannot be read\n" in err
    assert "ah-tk-20242025-564" in out.read_text(encoding="utf-8")


def test_a_full_disk_under_a_store_is_a_named_error_and_the_store_keeps_its_documents(
    tmp_path: Path,
) -> None:
    """A store write that fails on a full disk (the bulk load of new documents, the flush
    at the end) is a named error saying the store keeps what it had, exit 5; the store
    opens afterwards with every document it had before."""
    store = tmp_path / "store"
    assert main(["build", str(NORMAL), "--store", str(store), "-q"]) == 0

    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (DOCS[0], DOCS[2], DOCS[3]):  # DOCS[1] is NORMAL, in the store
        (folder / name).write_bytes((NORMAL.parent / name).read_bytes())

    def build(limit: int) -> subprocess.CompletedProcess[str]:
        def small_files() -> None:  # files of at most ``limit`` bytes: a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        command = ["build", str(folder), "--store", str(store), "--jobs", "1", "-q"]
        proc = subprocess.run(
            [sys.executable, "-m", "kggraph.cli", *command],
            preexec_fn=small_files,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 5, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        return proc

    # flushing the store at the end fails (before: an internal error with a traceback)
    err = build(100_000).stderr
    assert f"kggraph: error: cannot write the store {store}: IO error" in err, err
    assert "the store keeps what it had before; documents of this run" in err, err
    # the bulk load of the new documents fails: each is named
    out = build(200_000).stdout
    assert out.count("cannot store the documents: IO error") == 3, out
    assert out.count("File too large; the store keeps what it had before") == 3, out
    kept = CorpusStore.open(store, read_only=True)
    try:
        assert [d.rsplit("/", 1)[-1] for d in kept.documents()] == ["ah-tk-20242025-564"]
    finally:
        kept.close()
