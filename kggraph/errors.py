"""The error hierarchy: every failure a user can cause names the file and the reason.

>>> str(InputError("not a PDF", path="x.pdf"))
'x.pdf: not a PDF'
"""

from __future__ import annotations


class KggraphError(Exception):
    """Base class; ``path`` names the file, ``location`` a place in it when known."""

    def __init__(self, reason: str, *, path: str | None = None, location: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.location = location

    def __str__(self) -> str:
        where = self.path or ""
        if self.location:
            where = f"{where}:{self.location}" if where else self.location
        return f"{where}: {self.reason}" if where else self.reason

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with path, location and any attributes a subclass adds (errors cross
        from limited child processes to their parent whole)."""
        return (_rebuild, (type(self), self.reason, dict(self.__dict__)))


def _rebuild(cls: type[KggraphError], reason: str, state: dict[str, object]) -> KggraphError:
    err = cls.__new__(cls)
    Exception.__init__(err, reason)
    err.__dict__.update(state)
    return err


class Refused(KggraphError):
    """Not done because it is unsafe: a query that writes or reaches out, a prune that
    would remove too much. Nothing was changed."""


class LimitExceeded(KggraphError):
    """A resource limit stopped the work: a time limit, a row cap, a size cap."""


class InputError(KggraphError):
    """The input cannot be read: missing, empty, encrypted, malformed, unsupported format."""


class ExtractionError(InputError):
    """The file was read but no text could be extracted from it (bad or hostile PDF)."""


class NotKamervragenError(InputError):
    """The file is readable but is not a written-questions document."""


class ParseError(KggraphError):
    """The text looks like a Kamervragen document but a required part could not be parsed."""


class QueryError(KggraphError):
    """A SPARQL query is unknown, malformed or got a bad parameter."""


class StoreError(KggraphError):
    """The corpus store, a remote endpoint or an output file failed."""


class UnreachableError(StoreError):
    """A remote endpoint could not be reached at all (refused, no route, timed out)."""
