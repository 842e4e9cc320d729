"""The child's side of ``kggraph query … --store``: check the query, run it on the store
being opened, write the answer into its output within the row cap, report how it went.

The child is forked by :mod:`kggraph.query_stream` once the command is parsed, or by the
console script before (:mod:`kggraph.query_early`); the latter imports this module itself,
on the way to a one-document answer, so it imports only what that answer uses.

The answer is streamed with constant memory: TSV and CSV go out as the engine writes them,
cut after ``max_rows`` rows (a CSV row ends at a line break outside quotes); the other row
formats are cut the same way into a spooled TSV buffer (memory up to 64 MiB, then a
temporary file) and read back by the writer of the format asked for; a table (whose
columns are as wide as their widest cell) and graphs are rendered whole.
"""

from __future__ import annotations

import io
import os
import re
from collections import namedtuple

from .errors import KggraphError, QueryError, StoreError
from .query import OxigraphBackend  # the early child loads it while the store opens
from .sparql_text import inline_terms

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from typing import IO, Any, NoReturn

    import pyoxigraph as ox

    from .query_early import Opening

SPOOL = 64 * 2**20
# where a CSV cell may start like a formula (``output_safety.FORMULA_START``); a match is
# then checked cell by cell
_MAYBE_FORMULA = re.compile(rb'(?:^|,)"?[=+\-@\t\r]', re.MULTILINE)
# the child's report when it wrote the answer (rows left out or not); anything else it
# reports is pickled (an error whole, with its class and attributes)
_OK = {False: b"ok", True: b"ok, cut"}


class _Cut(Exception):
    """Enough lines written."""


class _LineCut(io.RawIOBase):
    """Passes bytes on to ``out`` up to and including the ``lines``-th end of a row, then
    stops the writer at the next byte (``cut`` tells whether anything was left out). Rows
    end at a newline; with ``quoted``, only at one outside double quotes (CSV, whose cells
    may hold line breaks)."""

    def __init__(self, out: IO[bytes] | io.RawIOBase, lines: int, quoted: bool = False):
        super().__init__()
        self.out, self.left, self.cut = out, lines, False
        self.quoted, self.inside = quoted, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        n = len(chunk)
        if self.cut or not n:  # the writer flushing its buffer on the way out
            return n
        if not self.left:  # a byte after the last row allowed: a row too many
            self.cut = True
            raise _Cut
        if self.quoted and (self.inside or b'"' in chunk):
            at = self._csv_rows(chunk)
        elif chunk.count(b"\n") < self.left:
            self.left -= chunk.count(b"\n")
            at = n
        else:
            at = 0
            for _ in range(self.left):
                at = chunk.index(b"\n", at) + 1
            self.left = 0
        if at < n:
            self.out.write(chunk[:at])
            self.cut = True
            raise _Cut
        self.out.write(chunk)
        return n

    def _csv_rows(self, chunk: bytes) -> int:
        """Count the rows ending in ``chunk``; where the ``left``-th ends, else its length."""
        parts = chunk.split(b'"')  # outside quotes: every other part, the first if outside
        ends = sum(p.count(b"\n") for p in parts[1 if self.inside else 0 :: 2])
        if ends < self.left:  # all of it goes out
            self.left -= ends
            self.inside ^= len(parts) % 2 == 0
            return len(chunk)
        at, self.inside = _csv_row_ends(chunk, self.inside, self.left)
        self.left = 0
        return at[-1]


def _csv_row_ends(data: bytes, inside: bool, most: int) -> tuple[list[int], bool]:
    """Where CSV rows end in ``data`` (just after a line break outside double quotes), up
    to the ``most``-th, scanning from a start inside quotes or not; and whether the scan
    ends inside quotes (it stops at the ``most``-th end, else at the end of ``data``)."""
    ends: list[int] = []
    at = 0
    while len(ends) < most:
        nl = data.find(b"\n", at)
        if nl < 0:
            return ends, inside ^ (data.count(b'"', at) % 2 == 1)
        inside ^= data.count(b'"', at, nl) % 2 == 1
        at = nl + 1
        if not inside:
            ends.append(at)
    return ends, inside


class _SafeCsv(io.RawIOBase):
    """Passes CSV on to ``out`` whole rows at a time, with formula-like cells neutralised
    as :func:`~kggraph.output_safety.neutralise_csv` neutralises a whole answer (what
    ``kggraph query`` writes from graph files): rows without such a cell stay as written."""

    def __init__(self, out: IO[bytes]):
        super().__init__()
        self.out, self.header, self.pending = out, b"", b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        rows = self.pending + chunk  # starts at the start of a row: outside quotes
        done = len(rows)
        while done:  # the last line break after an even number of quotes ends a row
            done = rows.rfind(b"\n", 0, done) + 1
            if rows.count(b'"', 0, done) % 2 == 0:
                break
            done -= 1
        self.pending = rows[done:]
        if done:
            self._rows(rows[:done])
        return len(chunk)

    def flush(self) -> None:
        if self.pending:  # a last row without its line break (Oxigraph ends every row)
            self._rows(self.pending)
            self.pending = b""
        self.out.flush()

    def _rows(self, rows: bytes) -> None:
        if not self.header:
            self.header = rows[: rows.index(b"\n") + 1]  # variable names: never quoted
            self.out.write(self.header)
            rows = rows[len(self.header) :]
        if rows and _MAYBE_FORMULA.search(rows):
            from .output_safety import neutralise_csv

            rows = neutralise_csv(self.header + rows)[len(self.header) :]
        self.out.write(rows)


def write_answer(answer: Any, fmt: str, base: str, max_rows: int, out: IO[bytes]) -> bool:
    """Write ``answer`` in ``fmt`` to ``out``, at most ``max_rows`` rows; whether it had more."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QuerySolutions) and fmt == "tsv":
        return _cut_rows(answer, out, max_rows, fmt)  # straight from the engine's writer
    if isinstance(answer, ox.QuerySolutions) and fmt == "csv":
        safe = _SafeCsv(out)
        more = _cut_rows(answer, safe, max_rows, fmt)
        safe.flush()
        return more
    from .query_limits import safe_output
    from .results import RESULT_FORMATS, render

    if not isinstance(answer, ox.QuerySolutions):
        if isinstance(answer, list):
            more = len(answer) > max_rows
            answer = answer[:max_rows]
        else:
            more = False
        out.write(safe_output(render(answer, fmt, base), fmt))
        return more
    import tempfile

    with tempfile.SpooledTemporaryFile(SPOOL) as spool:
        more = _cut_rows(answer, spool, max_rows, "tsv")
        spool.seek(0)
        rows = ox.parse_query_results(spool, ox.QueryResultsFormat.TSV)
        if fmt in RESULT_FORMATS:  # JSON, XML: nothing a reader would run
            rows.serialize(out, RESULT_FORMATS[fmt])
        else:
            out.write(safe_output(render(rows, fmt, base), fmt))
    return more


def _cut_rows(
    answer: ox.QuerySolutions, out: IO[bytes] | io.RawIOBase, max_rows: int, fmt: str
) -> bool:
    """The solutions as TSV or CSV into ``out``, at most ``max_rows``; whether there were
    more."""
    import pyoxigraph as ox

    as_csv = fmt == "csv"
    cut = _LineCut(out, max_rows + 1, quoted=as_csv)  # the header line, then one per row
    try:
        answer.serialize(
            cut,  # type: ignore[arg-type]
            ox.QueryResultsFormat.CSV if as_csv else ox.QueryResultsFormat.TSV,
        )
    except _Cut:
        return True
    except (OSError, ValueError, RuntimeError) as exc:  # Oxigraph's evaluation errors
        raise QueryError(f"SPARQL evaluation error: {exc}") from exc
    return False


class Job(
    namedtuple(
        "Job",
        "store_path text trusted terms fmt base max_rows memory_mb allow_network out",
    )
):
    """What the child is to answer, and where. Builtin values only, so that ``marshal``
    can send it to a child forked before the command was parsed (:mod:`kggraph.query_early`).
    ``text`` is checked by the guard unless ``trusted`` (a bundled query, as shipped), then
    run with ``terms`` (the parameters, written as SPARQL terms) written in; ``out`` is a
    descriptor the child has (standard output), or the temporary file the answer goes into:
    its path, device and inode (the child opens that very file, never a link put there)."""

    __slots__ = ()
    store_path: str
    text: str
    trusted: bool
    terms: dict[str, str]
    fmt: str
    base: str
    max_rows: int
    memory_mb: int
    allow_network: bool
    out: int | tuple[str, int, int]


def _backend(job: Job, store: ox.Store) -> Any:
    """The backend that answers ``job`` from ``store`` (opened read-only, its layout
    checked by :func:`kggraph.query_early.open_store`)."""
    if job.terms:  # one document: no corpus rows or slices apply to the text written in
        return OxigraphBackend(store)
    from .store import CorpusStore, StoreBackend

    return StoreBackend(CorpusStore(store, job.store_path, read_only=True))


def _answer(job: Job, out: IO[bytes], opening: Opening) -> bool:
    """Check, run and write the query; whether rows were left out."""
    if not job.trusted:
        from .sparql_guard import check_query

        check_query(job.text, allow_network=job.allow_network)
    text = inline_terms(job.text, job.terms)
    answer = _backend(job, opening.result()).execute(text, {})
    more = write_answer(answer, job.fmt, job.base, job.max_rows, out)
    out.flush()
    return more


def _open_made(path: str, device: int, inode: int) -> int:
    """The temporary file the parent made at ``path``, opened for writing: not a link,
    nor another file put in its place (the answer would be moved over ``-o FILE``)."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))
    found = os.fstat(fd)
    if (found.st_dev, found.st_ino) != (device, inode):
        os.close(fd)
        raise StoreError(f"the answer's temporary file was replaced: {path}")
    return fd


def answer_job(job: Job, report: int, opening: Opening | BaseException) -> NoReturn:
    """In the child, once the store is being opened: answer ``job`` into its output and say
    how it went on ``report`` (or why the store could not be opened, ``opening`` being the
    error); the process ends here."""
    try:
        if isinstance(opening, BaseException):
            raise opening
        out_fd = job.out if isinstance(job.out, int) else _open_made(*job.out)
        with os.fdopen(out_fd, "wb", closefd=not isinstance(job.out, int)) as out:
            message: tuple[Any, ...] = ("ok", _answer(job, out, opening))
    except KggraphError as exc:
        message = ("raise", exc)
    except BrokenPipeError:
        message = ("ok", False)  # the reader went away (`| head`): nothing more to say
    except MemoryError:
        message = ("error", f"query ran out of memory (limit {job.memory_mb} MiB)")
    except BaseException as exc:  # noqa: BLE001 - everything becomes a message to the parent
        message = ("error", f"query failed: {type(exc).__name__}: {exc}")
    send_report(report, message)


def send_report(report: int, message: tuple[Any, ...]) -> NoReturn:
    """Write the child's ``message`` on ``report``; the process ends here."""
    try:
        with os.fdopen(report, "wb") as fh:
            if message[0] == "ok":  # the common case, without importing pickle
                fh.write(_OK[message[1]])
            else:
                import pickle

                pickle.dump(message, fh)
    finally:
        os._exit(0)
