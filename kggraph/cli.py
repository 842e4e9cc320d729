"""The ``kggraph`` command line: arguments → one library call → output and exit code.

Exit codes: 0 success; 1 the graph has SHACL violations; 2 an input or usage error
(a batch still writes what it could build and names each failed file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .errors import KggraphError
from .lexicon import DEFAULT_BASE

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def _print(msg: str, stream: TextIO | None = None) -> None:
    print(msg, file=stream or sys.stdout, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from .graphio import write_graphs
    from .pipeline import Failure, process_many

    if args.id and len(args.inputs) != 1:
        raise KggraphError("--id names one document: give exactly one input file")
    graphs, failures, violating = [], [], 0
    for result in process_many(
        args.inputs, identifier=args.id, base=args.base, validate=not args.no_validate
    ):
        if isinstance(result, Failure):
            failures.append(result)
            _print(f"FAILED {result.path}: {result.reason}", sys.stderr)
            continue
        graphs.append(result.graph)
        d = result.document
        status = "not validated"
        if result.report is not None:
            bad = [f for f in result.report.findings if f.severity == "Violation"]
            status = "conforms" if result.report.conforms else f"{len(bad)} violation(s)"
            if not result.report.conforms:
                violating += 1
                for f in result.report.findings:
                    _print(f.render(), sys.stderr)
        if not args.quiet:
            _print(
                f"{result.identifier}: {d.kind}, {len(d.questions)} questions, "
                f"{len(d.answers)} answers, {len(d.footnotes)} footnotes, "
                f"{len(d.citations)} citations, {len(d.motions)} motions, "
                f"{len(result.graph)} triples — {status}"
            )
    if graphs:
        write_graphs(graphs, args.output, args.base)
    _print(
        f"built {len(graphs)} document(s) into {args.output if graphs else '(nothing written)'}; "
        f"{violating} with violations; {len(failures)} failed"
    )
    if failures:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if violating else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .graphio import document_graphs, read_dataset
    from .validate import validate_graph

    ds = read_dataset(args.graphs)
    bad = 0
    graphs = document_graphs(ds)
    for g in graphs:
        report = validate_graph(g)
        if report.conforms:
            _print(f"{report.graph}: conforms")
            continue
        bad += 1
        _print(f"{report.graph}: {len(report.findings)} finding(s)")
        for f in report.findings:
            _print(f.render())
    _print(f"{len(graphs)} graph(s) validated, {bad} with findings")
    return EXIT_VIOLATIONS if bad else EXIT_OK


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise KggraphError(f"--param takes NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    from .graphio import read_dataset
    from .query import RdflibBackend, format_rows, resolve_query, run_query

    query = resolve_query(args.query)
    if not args.graphs:
        raise KggraphError("give graph files to query")
    backend = RdflibBackend(read_dataset(args.graphs))
    rows = run_query(backend, query, _params(args.param), args.base)
    _print(format_rows(rows, args.format))
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    import re

    from .query import bundled_queries

    for name, q in sorted(bundled_queries().items()):
        if not re.match(r"^\d", name) and name in (q.path or ""):
            continue
        params = ", ".join(
            f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in q.params
        )
        short = re.sub(r"^\d+[-_]", "", name)
        _print(f"{short:28} {q.title}" + (f"  [params: {params}]" if params else ""))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .evaluate import evaluate, golden_files
    from .query import format_table

    golden = Path(args.golden)
    ev = evaluate(golden_files(golden) if golden.is_dir() else [golden], Path(args.fixtures))
    header = ("field", "tp", "predicted", "expected", "precision / recall", "F1")
    _print(format_table(header, ev.table()))
    _print(f"{ev.documents} documents; {len(ev.failures)} failed to build")
    for failure in ev.failures:
        _print(f"FAILED {failure}")
    if args.misses:
        _print("\n".join(ev.misses))
    overall = ev.overall().f1
    if args.min_f1 is not None and overall < args.min_f1:
        _print(f"overall F1 {overall:.3f} is below --min-f1 {args.min_f1}", sys.stderr)
        return EXIT_VIOLATIONS
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kggraph",
        description="Knowledge graphs from Dutch parliamentary written questions and answers.",
    )
    p.add_argument("--version", action="version", version=f"kggraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build",
        help="build graphs from documents (PDF or text)",
        description="Build one named graph per document, validate each, write OUT.",
    )
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories")
    b.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="output file; format from its extension: .ttl .trig .nt .nq .jsonld",
    )
    b.add_argument("--id", help="identifier of the document when the text and file name lack it")
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    b.add_argument("-q", "--quiet", action="store_true", help="only the summary line")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser(
        "validate",
        help="validate graph files against the bundled shapes",
        description="Validate each named graph; exit 0 conforms, 1 violations, 2 error.",
    )
    v.add_argument("graphs", nargs="+", metavar="GRAPH")
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser(
        "query",
        help="run a bundled or own SPARQL query",
        description="QUERY is a bundled query name (see `kggraph queries`), "
        "a .rq file, or inline SPARQL.",
    )
    q.add_argument("query", metavar="QUERY")
    q.add_argument("graphs", nargs="*", metavar="GRAPH")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a query parameter (repeatable)",
    )
    q.set_defaults(func=cmd_query)

    e = sub.add_parser(
        "eval",
        help="measure extraction against golden annotations",
        description="Precision, recall and F1 per field over annotated documents.",
    )
    e.add_argument(
        "golden",
        nargs="?",
        default="tests/golden",
        help="a golden JSON file or a folder of them (default tests/golden)",
    )
    e.add_argument(
        "--fixtures",
        default="tests/fixtures",
        help="folder the golden 'file' paths are relative to",
    )
    e.add_argument("--misses", action="store_true", help="list every missed or spurious item")
    e.add_argument("--min-f1", type=float, help="exit 1 when the overall F1 is lower")
    e.set_defaults(func=cmd_eval)

    ls = sub.add_parser("queries", help="list the bundled queries")
    ls.set_defaults(func=cmd_queries)

    for sp in (b, v, q):
        sp.add_argument("--base", default=DEFAULT_BASE, help="base IRI of minted resources")
    _register_optional(sub, "kggraph.cli_network")
    return p


def _register_optional(sub: argparse._SubParsersAction, module: str) -> None:  # type: ignore[type-arg]
    """Commands that live in their own module register themselves through ``register``."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return
    mod.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KggraphError as exc:
        _print(f"kggraph: error: {exc}", sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        _print("kggraph: interrupted", sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
