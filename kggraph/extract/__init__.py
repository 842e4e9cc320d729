"""Extraction: a file → :class:`kggraph.model.SourceText`, by its format.

Only this package reads files; only its ``pdf`` module imports pypdf.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError
from ..model import SourceText

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


def sniff_pdf(path: Path) -> bool:
    """True when the file starts like a PDF, whatever its name says."""
    try:
        with path.open("rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def regular_file(path: str | os.PathLike[str]) -> Path:
    """``path`` if it is a regular file (or a link to one); an :class:`InputError` for a
    missing file, a directory, a FIFO, a device (``/dev/zero``) or a socket, which would
    block or never end."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory", path=str(path))
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        raise InputError(f"not a regular file ({kind}); only files are read", path=str(path))
    return p


def extract(path: str | os.PathLike[str], *, sandbox: bool = True) -> SourceText:
    """Extract the text of ``path`` (PDF or plain text); characters that UTF-8 cannot
    carry (lone surrogates in the text or the file name) repaired with a finding."""
    from .characters import repaired

    p = regular_file(path)
    suffix = p.suffix.lower()
    if suffix in PDF_SUFFIXES or sniff_pdf(p):
        from .pdf import extract_pdf

        return repaired(extract_pdf(p, sandbox=sandbox))
    if suffix in TEXT_SUFFIXES:
        from .text import extract_text_file

        return repaired(extract_text_file(p))
    raise InputError(
        f"unsupported file type {suffix or '(none)'}; expected one of "
        + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        path=str(path),
    )
