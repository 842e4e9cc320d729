"""No network while reading untrusted data: a Python audit hook, and a network namespace.

rdflib fetches what a file or query names: a JSON-LD ``@context`` URL, a SPARQL
``FROM <http://…>`` or ``SERVICE``. rdflib's documented safeguard is a Python audit hook
(``sys.addaudithook``) on the events its fetching raises; this module installs one hook
that refuses ``urllib.Request`` and internet socket connections and name look-ups

- inside ``with offline():`` (this thread only), and
- everywhere in a process after :func:`go_offline` (the limited child processes of
  :mod:`kggraph.limited`), which on Linux also moves the process into an empty network
  namespace, so that native code (Oxigraph's HTTP client) finds no network either.

>>> import urllib.request
>>> with offline():
...     urllib.request.urlopen("http://example.org/")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kggraph.offline.NetworkRefused: network access refused: http://example.org/ (kggraph ...
"""

from __future__ import annotations

import _socket  # its constants: `socket` (selectors, enums) costs an offline child ~2 ms
import contextvars
import sys
from contextlib import contextmanager

from .errors import Refused

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

_scoped: contextvars.ContextVar[bool] = contextvars.ContextVar("kggraph_offline", default=False)
_state = {"installed": False, "process": False, "namespace": False}
_INET = {_socket.AF_INET, _socket.AF_INET6}
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"}
_SENDS = {"socket.connect", "socket.sendto", "socket.sendmsg"}


class NetworkRefused(Refused):
    """Something tried to reach the network while reading untrusted data."""


def _target(event: str, args: tuple[Any, ...]) -> str | None:
    """What ``event`` would reach, or None when it is not a network access."""
    if event == "urllib.Request":
        return str(args[0])
    if event in _LOOKUPS:
        return str(args[0])
    if event in _SENDS and args and getattr(args[0], "family", None) in _INET:
        return str(args[1]) if len(args) > 1 else "a socket"
    return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not (_state["process"] or _scoped.get()):
        return
    target = _target(event, args)
    if target is not None:
        raise NetworkRefused(
            f"network access refused: {target} (kggraph reads untrusted data offline; "
            "allow it with --allow-network)"
        )


def install() -> None:
    """Install the audit hook once per process (hooks cannot be removed; it is idle
    outside ``offline()`` and offline processes)."""
    if not _state["installed"]:
        sys.addaudithook(_hook)
        _state["installed"] = True


@contextmanager
def offline() -> Iterator[None]:
    """Refuse network access from Python code in this thread while the block runs."""
    install()
    token = _scoped.set(True)
    try:
        yield
    finally:
        _scoped.reset(token)


def go_offline(namespace: bool | None = None) -> bool:
    """Take the network away from this whole process, for good. Returns whether the
    kernel's network namespace applies too (else only Python code is stopped).
    ``namespace``: what :func:`~kggraph.self_limits.unshare_network` returned if this
    process called it already (before it started threads); else it is called here."""
    install()
    _state["process"] = True
    if namespace is None:
        from .self_limits import unshare_network

        namespace = unshare_network()
    _state["namespace"] = namespace
    return namespace


def remote_contexts(doc: Any) -> list[str]:
    """The contexts a JSON-LD document would fetch: every ``@context`` or ``@import`` that
    is a string (a URL, or a file path relative to the document), at any depth.

    >>> remote_contexts({"@context": ["https://schema.org/", {"x": "http://x/"}],
    ...                  "@graph": [{"@context": {"@import": "ctx.jsonld"}}]})
    ['https://schema.org/', 'ctx.jsonld']
    """
    found: list[str] = []
    stack = [doc]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            found.append(item)
                        else:
                            stack.append(item)
                else:
                    stack.append(value)
    return found


def status() -> dict[str, bool]:
    """Whether this process is offline, and by namespace."""
    return {"process": bool(_state["process"]), "namespace": bool(_state["namespace"])}


__all__ = ["NetworkRefused", "go_offline", "install", "offline", "remote_contexts", "status"]
