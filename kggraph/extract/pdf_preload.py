"""Warm-up for the sandbox's fork server: imported once there, so that every child forked
from it starts with pypdf's lazily imported modules (filters, fontTools for embedded CFF
fonts) loaded and the patterns compiled, instead of paying for them on each file.
"""

from __future__ import annotations

import importlib
from contextlib import suppress

from ..patterns import pattern
from .pdf import IDENTIFIER_PATTERN, KAMERVRAGEN_SIGNS

LAZY_MODULES = (
    "pypdf.filters",
    "pypdf._codecs._codecs",
    "fontTools.cffLib",
    "fontTools.misc.psCharStrings",
    "fontTools.pens.boundsPen",
    "fontTools.ttLib.tables.otTables",
    "fontTools.ttLib.tables.otConverters",
    "fontTools.ttLib.tables.TupleVariation",
)

for _name in LAZY_MODULES:
    with suppress(ImportError):  # an optional part pypdf would do without as well
        importlib.import_module(_name)
for _name in (*KAMERVRAGEN_SIGNS, IDENTIFIER_PATTERN):
    pattern(_name)
