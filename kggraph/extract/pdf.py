"""Layout-aware extraction of an official Kamervragen PDF → :class:`SourceText`.

pypdf reads the file; :mod:`.pdf_runs` turns each page's content stream into positioned
runs; :mod:`.pdf_layout` groups them into lines. This module classifies the lines (masthead,
running footer and id/ISSN lines are *furniture*; the small-type block at a page's foot that
starts with a raised number is a *footnote* zone; raised small digits in the body are
*markers*), writes the text page after page, one physical line per line, an empty line
where the layout shows a paragraph gap, and records the zones as spans into that text.

With ``sandbox=True`` the work runs in a child process with memory, CPU and wall-clock
limits (:mod:`.sandbox`); every failure becomes an :class:`~kggraph.errors.InputError`
subclass naming the file and the reason.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ExtractionError, InputError, KggraphError, NotKamervragenError
from ..model import PageSpan, SourceText, Span
from ..patterns import pattern
from .pdf_layout import (
    FOOTER_ZONE,
    FOOTNOTE_SIZE,
    PARAGRAPH_GAP,
    Line,
    body_geometry,
    build_lines,
    render_line,
)
from .pdf_runs import ContentLimitError, PageInterpreter, Run

HEADER_BYTES = 1024
MAX_FILE_BYTES = 200 * 2**20
KAMERVRAGEN_SIGNS = ("masthead_line", "question_header", "block_heading")
IDENTIFIER_PATTERN = "id_line"


def extract_pdf(
    path: str | os.PathLike[str],
    *,
    sandbox: bool = True,
    timeout: float = 30.0,
    max_pages: int = 200,
) -> SourceText:
    """Extract the text of the Kamervragen PDF at ``path`` with its page zones.

    Raises :class:`InputError` (missing file, not a PDF), :class:`ExtractionError`
    (encrypted, corrupt, truncated, hostile, too many pages, no text, time or memory limit)
    or :class:`NotKamervragenError`.
    """
    name = str(path)
    _check_file(Path(path), name)
    if sandbox:
        from .sandbox import run_limited

        result: SourceText = run_limited(
            "kggraph.extract.pdf.extract_unsandboxed",
            (name, max_pages),
            path=name,
            timeout=timeout,
        )
        return result
    return extract_unsandboxed(name, max_pages)


def _check_file(p: Path, name: str) -> None:
    if not p.exists():
        raise InputError("no such file", path=name)
    if not p.is_file():
        raise InputError("not a regular file", path=name)
    size = p.stat().st_size
    if size == 0:
        raise InputError("empty file", path=name)
    if size > MAX_FILE_BYTES:
        raise ExtractionError(f"file too large ({size} bytes)", path=name)
    with p.open("rb") as fh:
        head = fh.read(HEADER_BYTES)
        fh.seek(max(0, size - HEADER_BYTES))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise InputError("not a PDF file (no %PDF header)", path=name)
    if b"%%EOF" not in tail:
        raise ExtractionError("truncated or damaged PDF (no %%EOF at the end)", path=name)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's warnings about harmless irregularities off the user's terminal."""
    logger = logging.getLogger("pypdf")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def extract_unsandboxed(name: str, max_pages: int = 200) -> SourceText:
    """:func:`extract_pdf` in this process (used by the sandbox child)."""
    from pypdf import PdfReader
    from pypdf.errors import (
        DependencyError,
        FileNotDecryptedError,
        LimitReachedError,
        PdfReadError,
        PyPdfError,
    )

    try:
        with _quiet_pypdf():
            reader = PdfReader(name, strict=False)
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))
                except (DependencyError, NotImplementedError, FileNotDecryptedError):
                    opened = False
                if not opened:
                    raise ExtractionError("encrypted PDF (password required)", path=name)
            count = len(reader.pages)
            if count > max_pages:
                raise ExtractionError(
                    f"too many pages ({count}; the limit is {max_pages})", path=name
                )
            if count == 0:
                raise ExtractionError("PDF has no pages", path=name)
            fonts: dict[int, object] = {}
            pages: list[list[Run]] = []
            heights: list[tuple[float, float]] = []
            for page in reader.pages:
                box = page.mediabox
                heights.append((float(box.bottom), float(box.height)))
                pages.append(PageInterpreter(reader, fonts).page_runs(page))  # type: ignore[arg-type]
    except KggraphError:
        raise
    except ContentLimitError as exc:
        raise ExtractionError(f"hostile or broken content: {exc}", path=name) from None
    except RecursionError:
        raise ExtractionError("object structure nested too deeply or circular", path=name) from None
    except MemoryError:
        raise ExtractionError("ran out of memory reading the PDF", path=name) from None
    except LimitReachedError as exc:
        raise ExtractionError(
            "hostile PDF: beyond pypdf's safety limits (decompression bomb, endless "
            f"stream): {exc}",
            path=name,
        ) from None
    except (PdfReadError, PyPdfError) as exc:
        # pypdf wraps its own message-less checks: "Trailer cannot be read: "
        detail = str(exc).rstrip(": ")
        raise ExtractionError(f"damaged or unreadable PDF: {detail}", path=name) from None
    except AssertionError as exc:  # pypdf's own consistency checks, often without a message
        detail = f": {exc}" if str(exc) else ""
        raise ExtractionError(
            f"damaged or unreadable PDF: pypdf's consistency check failed{detail}", path=name
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise ExtractionError(
            f"damaged or unreadable PDF: {type(exc).__name__}: {exc}".rstrip(": "), path=name
        ) from None
    return assemble(name, pages, heights)


def _leading(lines_per_page: list[list[Line]], body_size: float) -> float:
    """The usual distance between consecutive body lines."""
    steps: Counter[float] = Counter()
    for lines in lines_per_page:
        body = [ln for ln in lines if abs(ln.size - body_size) < 0.05 * body_size]
        for a, b in zip(body, body[1:], strict=False):
            if a.column == b.column == 1:
                steps[round(a.y - b.y, 1)] += 1
    return steps.most_common(1)[0][0] if steps else 1.2 * body_size


def classify(
    lines: list[Line], first_page: bool, bottom: float, height: float, body_size: float
) -> None:
    """Set each line's ``kind``: furniture, footnote or body."""
    footer_limit = bottom + FOOTER_ZONE * height
    first_body = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.column == 1 and abs(ln.size - body_size) < 0.05 * body_size
        ),
        len(lines),
    )
    for i, ln in enumerate(lines):
        if ln.column == 0 or ln.y < footer_limit or (first_page and i < first_body):
            ln.kind = "furniture"
    body = [ln for ln in lines if ln.kind == "body"]
    start = None
    for ln in reversed(body):
        if ln.size >= FOOTNOTE_SIZE * body_size:
            break
        if ln.runs and id(ln.runs[0]) in ln.supers:
            start = ln
    if start is not None:
        for ln in body[body.index(start) :]:
            ln.kind = "footnote"


def assemble(name: str, pages: list[list[Run]], boxes: list[tuple[float, float]]) -> SourceText:
    """Lines → text, page spans and zone spans."""
    body_size, body_left = body_geometry(pages)
    lines_per_page = [build_lines(runs, body_left) for runs in pages]
    leading = _leading(lines_per_page, body_size)
    parts: list[str] = []
    pos = 0
    page_spans: list[PageSpan] = []
    furniture: list[Span] = []
    footnotes: list[Span] = []
    markers: list[Span] = []
    for number, (lines, (bottom, height)) in enumerate(
        zip(lines_per_page, boxes, strict=True), start=1
    ):
        classify(lines, number == 1, bottom, height, body_size)
        start = pos
        previous: Line | None = None
        for ln in lines:
            text, supers = render_line(ln)
            if not text:
                continue
            if (
                ln.kind == "body"
                and previous is not None
                and previous.kind == "body"
                and previous.y - ln.y > PARAGRAPH_GAP * leading * min(1.0, ln.size / body_size)
            ):
                parts.append("\n")
                pos += 1
            span = Span(pos, pos + len(text))
            if ln.kind == "furniture":
                _add_zone(furniture, span, parts, pos)
            elif ln.kind == "footnote":
                _add_zone(footnotes, span, parts, pos)
            else:
                markers.extend(Span(pos + a, pos + b) for a, b in supers)
            parts.append(text + "\n")
            pos += len(text) + 1
            previous = ln
        page_spans.append(PageSpan(number, start, pos))
    text = "".join(parts)
    if not text.strip():
        raise ExtractionError("no text in the PDF (a scan without a text layer?)", path=name)
    if not any(pattern(sign).search(text) for sign in KAMERVRAGEN_SIGNS):
        raise NotKamervragenError(
            "not a Kamervragen document (no masthead, 'Vragen van …' or 'Vraag N')", path=name
        )
    return SourceText(
        path=name,
        text=text,
        pages=tuple(page_spans),
        origin="pdf",
        identifier=_identifier(text, furniture),
        furniture=tuple(furniture),
        footnotes=tuple(footnotes),
        markers=tuple(markers),
    )


def _add_zone(zones: list[Span], span: Span, parts: list[str], pos: int) -> None:
    """Add ``span``, merging it with the previous zone when only a newline lies between."""
    if zones and zones[-1].end + 1 == span.start and parts and parts[-1].endswith("\n"):
        zones[-1] = Span(zones[-1].start, span.end)
    else:
        zones.append(span)


def _identifier(text: str, furniture: list[Span]) -> str | None:
    """The publication id printed in the furniture ("ah-tk-20232024-1314"), else None."""
    id_line = pattern(IDENTIFIER_PATTERN)
    for span in furniture:
        m = id_line.search(text, span.start, span.end)
        if m:
            return m["id"]
    return None
