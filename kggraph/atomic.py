"""Atomic file writes: a temporary file in the same folder, renamed over the target when
complete, so that readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import StoreError


@contextmanager
def atomic_stream(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces ``path`` only when the block succeeds:
    readers see the old file or the whole new one, never half of it. A failed write (disk
    full, no such folder, no permission) is a :class:`StoreError` that says so."""
    target = Path(path)
    existed = target.exists()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc, existed) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would make shared outputs private
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(target, exc, existed) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_error(target: Path, exc: OSError, existed: bool) -> StoreError:
    kept = "the existing file is unchanged" if existed else "nothing was written"
    return StoreError(f"cannot write: {exc.strerror or exc}; {kept}", path=str(target))


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_stream``)."""
    with atomic_stream(path) as fh:
        fh.write(data)
