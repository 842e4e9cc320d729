"""What the endpoint will not run: ``kggraph.sparql_guard``'s refusals, worded for a server.

The command line lets a user opt in to SERVICE and FROM of URLs (``--allow-network``);
the server never does, so its refusals name the construct without that hint. A query the
guard's parser cannot read is not run either.

>>> check_query("LOAD <file:///etc/passwd>")
Traceback (most recent call last):
...
kggraph.serve.guard.Refused: LOAD refused: SPARQL updates are not run; kggraph only reads
"""

from __future__ import annotations

import re

from ..errors import QueryError
from ..sparql_guard import QueryRefused
from ..sparql_guard import check_query as guard_query

_OPT_IN = re.compile(r",? ?(?:or )?allow it with --allow-network\)?")


class Refused(QueryError):
    """The query was not run; the message names the construct."""


def check_query(query: str) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE), or ``Refused``."""
    try:
        return guard_query(query)
    except QueryRefused as exc:
        message = _OPT_IN.sub(")", str(exc)).replace(" )", ")").replace("()", "").rstrip()
        raise Refused(message) from exc
    except QueryError as exc:  # what the guard cannot read is not run
        raise Refused(str(exc)) from exc
