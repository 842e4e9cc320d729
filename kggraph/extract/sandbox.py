"""The extraction sandbox: :func:`kggraph.limited.run_limited` with extraction's defaults
(errors are :class:`~kggraph.errors.ExtractionError`, "extraction took longer than …").

Kept as the name the extractor and its tests use; the mechanism lives in
:mod:`kggraph.limited`, which the whole per-document pipeline and queries use too.
"""

from __future__ import annotations

from ..limited import DEFAULT_MEMORY_MB, run_limited, shutdown

__all__ = ["DEFAULT_MEMORY_MB", "run_limited", "shutdown"]
