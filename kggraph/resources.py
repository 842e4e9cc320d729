"""Find the bundled ``ontology/``, ``shapes/`` and ``queries/`` folders.

In a source checkout they sit beside the package; in an installed wheel they are copied
into ``kggraph/_resources/`` (see ``pyproject.toml``).

>>> resource_dir("queries").name
'queries'
"""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from pathlib import Path

# os.path, not pathlib: `kggraph query` finds its queries without importing pathlib
_PACKAGE = os.path.dirname(os.path.realpath(__file__))


@cache
def _folder(name: str) -> str:
    for candidate in (
        os.path.join(_PACKAGE, "_resources", name),
        os.path.join(os.path.dirname(_PACKAGE), name),
    ):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"kggraph resource folder {name!r} not found beside {_PACKAGE}")


def resource_dir(name: str) -> Path:
    """The folder ``name`` ("ontology", "shapes" or "queries")."""
    from pathlib import Path

    return Path(_folder(name))


def resource_paths(name: str, suffix: str) -> list[str]:
    """The paths of the files with ``suffix`` in resource folder ``name``, sorted by name
    (hidden files left out, as a glob leaves them)."""
    folder = _folder(name)
    names = sorted(n for n in os.listdir(folder) if n.endswith(suffix) and n[0] != ".")
    return [os.path.join(folder, n) for n in names]


def resource_files(name: str, suffix: str) -> list[Path]:
    """The files with ``suffix`` in resource folder ``name``, sorted by name."""
    from pathlib import Path

    return [Path(p) for p in resource_paths(name, suffix)]
