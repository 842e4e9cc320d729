"""Warm-up for a build's fork server: imported once there (see
:func:`kggraph.limited.preload`), so that every limited child forked from it — a fresh one
every ``MAX_TASKS_PER_WORKER`` documents — starts with the pipeline imported, the lexicon
loaded and its finders compiled, the patterns compiled, the bundled queries read, the build
id computed and the SHACL shapes harvested: a restart costs a fork instead of some 0.25 s
of CPU. All of it is then frozen (``gc.freeze``): the children's garbage collections skip
it.

A failure here is left for the child to meet (and report, naming the file): the fork
server must start either way.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from contextlib import suppress

with suppress(Exception):
    import pyoxigraph  # noqa: F401 - used by every document's layout and rows
    from pyshacl import Validator  # noqa: F401 - imported by validate_graph on first use
    from pyshacl.graph_abstraction import DataGraph  # noqa: F401

    from . import corpus, corpus_rows, extract, graphio, parse, store_layout  # noqa: F401
    from .buildinfo import build_id
    from .lexicon import load_lexicon
    from .patterns import pattern, pattern_table
    from .query import bundled_queries
    from .validate import harvested_shapes

    for _package in (extract, parse):  # the modules they import on first use
        for _module in pkgutil.iter_modules(_package.__path__, f"{_package.__name__}."):
            importlib.import_module(_module.name)
    _lexicon = load_lexicon()
    for _scheme in sorted({c.scheme for c in _lexicon.concepts.values()}):
        list(_lexicon.find(_scheme, ""))  # compiles the scheme's finders
    for _name in pattern_table():
        pattern(_name)
    bundled_queries()
    build_id()
    harvested_shapes()

# what was loaded here lives as long as the children: their collections need not scan it,
# nor touch (and so copy) its pages
gc.freeze()
