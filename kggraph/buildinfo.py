"""What builds a document graph: kggraph's version and a hash of everything that shapes
its output — the code, the text patterns, the vocabularies, the shapes, and the versions
of the libraries that read the files.

Every document graph records it (``<doc> kgo:builtWith "…"``); an incremental build
rebuilds a graph whose record differs from the running kggraph's, so an upgrade of any of
these never leaves stale graphs behind (see docs/corpus.md).

>>> build_id().startswith("kggraph ")
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .resources import resource_dir

_PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("pypdf", "rdflib", "fonttools")


def digest(files: Iterable[Path], root: Path) -> str:
    """SHA-256 over the files' paths (relative to ``root``) and contents, in path order."""
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _files(folder: Path, pattern: str) -> list[Path]:
    return [p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts]


def _library(name: str) -> str:
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} ?"


@cache
def build_id() -> str:
    """``"kggraph 0.1.0 (code …, patterns …, vocabularies …, shapes …; pypdf …)"``."""
    parts = {
        "code": digest(_files(_PACKAGE, "*.py"), _PACKAGE),
        "patterns": digest(
            _files(_PACKAGE / "patterns", "*") + _files(_PACKAGE / "data", "*"), _PACKAGE
        ),
        "vocabularies": digest(_files(resource_dir("ontology"), "*"), resource_dir("ontology")),
        "shapes": digest(_files(resource_dir("shapes"), "*"), resource_dir("shapes")),
    }
    libraries = ", ".join(_library(n) for n in LIBRARIES)
    return f"kggraph {__version__} ({', '.join(f'{k} {v}' for k, v in parts.items())}; {libraries})"
