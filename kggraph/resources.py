"""Find the bundled ``ontology/``, ``shapes/`` and ``queries/`` folders.

In a source checkout they sit beside the package; in an installed wheel they are copied
into ``kggraph/_resources/`` (see ``pyproject.toml``).

>>> resource_dir("queries").name
'queries'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The folder ``name`` ("ontology", "shapes" or "queries")."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kggraph resource folder {name!r} not found beside {_PACKAGE}")


def resource_files(name: str, suffix: str) -> list[Path]:
    """The files with ``suffix`` in resource folder ``name``, sorted by name."""
    return sorted(resource_dir(name).glob(f"*{suffix}"))
