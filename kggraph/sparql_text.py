"""Parameters written into SPARQL text, escaped so that no value can change the query.

Oxigraph's ``substitutions`` bind a variable after the query is planned: a query for one
document then walks every question of the corpus (05-questions-answers: 6.4 s on the
80,000-document store). Written in as constants, the same query starts from the document
(about 1 ms); a remote endpoint takes no pre-bound variables at all.

``inline_bindings`` replaces each bound variable in the WHERE group by its value and binds
the variable once at the end, so it still appears in the results; a query with a subquery
gets a ``VALUES`` block opening its WHERE group instead (``bind_values``):

>>> from rdflib import Literal, URIRef
>>> inline_bindings('SELECT ?d ?p WHERE { ?d ?p ?o }', {"d": URIRef("https://x.org/doc/1")})
'SELECT ?d ?p WHERE { <https://x.org/doc/1> ?p ?o\\n  BIND(<https://x.org/doc/1> AS ?d)\\n}'
>>> bind_values('SELECT ?d WHERE { ?d ?p ?o }', {"d": URIRef("https://x.org/doc/1")})
'SELECT ?d WHERE { VALUES (?d) { (<https://x.org/doc/1>) }\\n ?d ?p ?o }'
>>> sparql_term(Literal('say "hi"\\n'))
'"say \\\\"hi\\\\"\\\\n"'
"""

from __future__ import annotations

import re

from .errors import QueryError

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Mapping

    from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"

_IRI_BAD = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# what may stand before the WHERE group's "{": strings, IRIs and comments are skipped whole
_TOKENS = (  # a pattern only: compiled as part of _BODY
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*"
    r"|\{"
)


def _iri_text(value: str) -> str:
    if not value or _IRI_BAD.search(value):
        raise QueryError(f"not a usable IRI: {value!r}")
    return f"<{value}>"


def _literal_text(text: str, datatype: str | None = None, language: str | None = None) -> str:
    if re.search(r"\\[uU]", text):
        raise QueryError(f"a parameter value may not contain \\u or \\U: {text!r}")
    body = '"' + "".join(_ECHAR.get(c, c) for c in text) + '"'
    if language:
        if not _LANG.match(language):
            raise QueryError(f"bad language tag {language!r}")
        return f"{body}@{language}"
    if datatype is None or datatype == XSD + "string":
        return body
    return f"{body}^^{_iri_text(datatype)}"


def sparql_term(term: Node) -> str:
    """An IRI or literal as SPARQL text, escaped so that it cannot end early.

    Codepoint escapes (``\\u0022``) are rejected: SPARQL decodes them before parsing.
    """
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return _iri_text(str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return _literal_text(str(term), datatype, term.language)
    raise QueryError(f"cannot bind {term!r}")


def typed_term(kind: str, value: str) -> str:
    """A parameter value of a declared type (``document``, ``iri``, ``string``, ``date``,
    ``integer``) as escaped SPARQL text, without rdflib.

    >>> typed_term("date", "2024-01-31"), typed_term("string", 'a "b"')
    ('"2024-01-31"^^<http://www.w3.org/2001/XMLSchema#date>', '"a \\\\"b\\\\""')
    """
    if kind in ("document", "iri"):
        return _iri_text(value)
    return _literal_text(value, {"date": XSD + "date", "integer": XSD + "integer"}.get(kind))


def _checked(bindings: Mapping[str, Node]) -> dict[str, str]:
    """Each parameter name with its value as SPARQL text; bad names and values refused."""
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}")
    return {name: sparql_term(value) for name, value in bindings.items()}


def _where_opens(text: str) -> int:
    """Where the WHERE group's content starts: after the first "{" outside comments,
    strings and IRIs — in ``CONSTRUCT { template } WHERE { … }``, the first after the
    template."""
    braces = [m for m in _BODY.finditer(text) if m.group() in ("{", "}")]
    if not braces or braces[0].group() != "{":
        raise QueryError("the query has no WHERE group to bind parameters in")
    prologue = re.sub(r"#[^\n]*", " ", text[: braces[0].start()])
    if not re.search(r"\bCONSTRUCT\s*$", prologue, re.IGNORECASE):
        return braces[0].end()
    depth = 0
    for i, m in enumerate(braces):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            following = braces[i + 1 : i + 2]
            if following and following[0].group() == "{":
                return following[0].end()
            break
    raise QueryError("the query has no WHERE group to bind parameters in")


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with ``bindings`` as an inline VALUES block opening its WHERE group."""
    if not bindings:
        return text
    return _values_block(text, _checked(bindings))


def _values_block(text: str, terms: Mapping[str, str]) -> str:
    at = _where_opens(text)
    names = " ".join(f"?{n}" for n in terms)
    block = f" VALUES ({names}) {{ ({' '.join(terms.values())}) }}\n"
    return text[:at] + block + text[at:]


# inside the WHERE group: the same skipped tokens, braces, variables and SELECT (a subquery)
_BODY = re.compile(
    _TOKENS[: -len(r"|\{")] + r"|[{}]|[?$](?P<var>[A-Za-z_][A-Za-z0-9_]*)|(?i:\bSELECT\b)",
    re.DOTALL,
)


def inline_bindings(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with each bound variable written in as its value (see the module's doc)."""
    if not bindings:
        return text
    return inline_terms(text, _checked(bindings))


def inline_terms(text: str, terms: Mapping[str, str]) -> str:
    """``inline_bindings`` for values already written as SPARQL terms (``typed_term``)."""
    if not terms:
        return text
    for name in terms:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}")
    start = _where_opens(text)
    out, depth, pos = [], 1, start
    for m in _BODY.finditer(text, start):
        token = m.group()
        if token.upper() == "SELECT":
            return _values_block(text, terms)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                binds = "".join(f"  BIND({t} AS ?{n})\n" for n, t in terms.items())
                out.append(text[pos : m.start()].rstrip() + "\n" + binds)
                return text[:start] + "".join(out) + text[m.start() :]
        elif m.group("var") in terms:
            out.append(text[pos : m.start()] + terms[m.group("var")])
            pos = m.end()
    raise QueryError("the query's WHERE group is not closed")
