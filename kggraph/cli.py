"""The ``kggraph`` command line: arguments → one library call → output and exit code.

Exit codes, one meaning each:

- 0 success;
- 1 the data does not pass its checks: SHACL violations (``build``, ``validate``), an F1
  below ``--min-f1`` (``eval``);
- 2 an input or usage error: a file that cannot be read (a batch still writes what it
  could build and names each failed file), a bad argument, a malformed query;
- 3 refused for safety, nothing done: a query that writes or reaches out (SERVICE, FROM,
  LOAD, …) without ``--allow-network``, a graph file whose JSON-LD context would be
  fetched, a ``--prune`` whose input is missing or empty or that would remove more than
  10 % of the store without ``--yes``;
- 4 a limit was reached: a query over ``--timeout`` or its memory, more rows than
  ``--max-rows`` (the first rows are printed);
- 5 a store, endpoint or output file failed (unreachable, HTTP error, malformed response,
  disk full, unwritable path); what was stored before stays consistent. ``push`` and
  ``build --endpoint`` give 5 as soon as one graph did not reach the endpoint, also when
  files failed as well;
- 70 an internal error (a bug): please report it with the message;
- 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import DEFAULT_BASE, __version__
from .errors import KggraphError, LimitExceeded, Refused, StoreError, UnreachableError
from .formats import FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, TextIO, TypeAlias

    from .query_early import EarlyChild
    from .store import CorpusStore

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

# kept in step with kggraph.query_limits (not imported here: it loads rdflib)
DEFAULT_QUERY_TIMEOUT, DEFAULT_MAX_ROWS = 60.0, 100_000

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_REFUSED, EXIT_LIMIT, EXIT_STORE = 0, 1, 2, 3, 4, 5
EXIT_INTERNAL, EXIT_INTERRUPTED = 70, 130


def _print(msg: str, stream: TextIO | None = None) -> None:
    """Print a message; control characters from documents and file names are escaped."""
    from .output_safety import terminal_safe

    print(terminal_safe(msg), file=stream or sys.stdout, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    if args.store or args.endpoint:
        return _build_corpus(args)
    from .graphio import write_graphs
    from .pipeline import Failure, process_many

    if not args.output:
        raise KggraphError("give -o OUT (graph file) or --store PATH (corpus store)")
    if args.prune or args.jobs or args.force:
        raise KggraphError("--prune, --jobs and --force work with --store")
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
            warned = [f for f in result.report.findings if f.severity == "Warning"]
            status = "conforms" if result.report.conforms else f"{len(bad)} violation(s)"
            if warned:
                status += f", {len(warned)} warning(s)"
            if not result.report.conforms:
                violating += 1
            for f in result.report.findings:
                _print(f"{result.identifier}: {f.render()}", sys.stderr)
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


def _build_corpus(args: argparse.Namespace) -> int:
    """``build --store`` / ``--endpoint``: incremental, parallel, one transaction per document."""
    from .corpus import Built, CorpusBuild
    from .progress import Progress
    from .store import CorpusStore

    if args.output:
        raise KggraphError("-o writes graph files; with --store use `kggraph export`")
    if args.id:
        raise KggraphError("--id names one document; not with --store or --endpoint")
    if args.prune and not args.store:
        raise KggraphError("--prune needs --store (the store knows what was built)")
    if args.jobs is not None and args.jobs < 1:
        raise KggraphError("--jobs takes a number ≥ 1")
    store = CorpusStore.open(args.store) if args.store else None
    remote = None
    if args.endpoint:  # urllib3 and rdflib only for an endpoint
        from .remote import RemoteStore

        remote = RemoteStore(args.endpoint)

    def report(result: Built) -> None:
        if result.violations and not args.quiet:
            _print(f"{result.identifier}: {result.violations} violation(s)", sys.stderr)
            for finding in result.findings:
                _print(finding, sys.stderr)

    build = CorpusBuild(
        store,
        jobs=args.jobs or 0,
        prune=args.prune,
        force=args.force,
        base=args.base,
        validate=not args.no_validate,
        push=remote.put if remote else None,
        unpush=remote.delete if remote else None,
        on_built=report,
        dry_run=args.dry_run,
        yes=args.yes,
    )
    try:
        progress = build.run(args.inputs, Progress(0, enabled=None if not args.quiet else False))
    finally:
        if store is not None:
            store.close()  # before anyone opens it again, even in this process
    if args.dry_run:
        _print(f"dry run: would build {len(build.todo)} file(s), skip {progress.skipped_count}")
        for doc in build.pruned:
            _print(f"would remove {doc}")
        return EXIT_OK
    for doc in build.pruned if not args.quiet else ():
        _print(f"removed {doc}")
    _print(progress.summary())
    if build.store_failures:  # the store or the endpoint failed, not a file
        return EXIT_STORE
    if progress.failures:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if progress.violating else EXIT_OK


def _open_store(path: str) -> CorpusStore:
    from .store import CorpusStore

    return CorpusStore.open(path, read_only=True)


def cmd_validate(args: argparse.Namespace) -> int:
    from .graphio import document_graphs, read_dataset
    from .validate import validate_graph

    if args.store:
        if args.graphs:
            raise KggraphError("give graph files or --store, not both")
        return _validate_store(args)
    if not args.graphs:
        raise KggraphError("give graph files or --store PATH")
    ds = read_dataset(args.graphs, allow_network=args.allow_network)
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


def _validate_store(args: argparse.Namespace) -> int:
    """Each document graph of the store on its own (shapes parsed once)."""
    from .store import resolve_doc
    from .validate import validate_graph

    store = _open_store(args.store)
    docs = [resolve_doc(d, args.base) for d in args.doc] if args.doc else store.documents()
    known = set(store.documents())
    bad = missing = 0
    for doc in docs:
        if doc not in known:
            missing += 1
            _print(f"{doc}: not in the store", sys.stderr)
            continue
        report = validate_graph(store.graph(doc), name=doc)
        if report.conforms:
            if not args.quiet:
                _print(f"{report.graph}: conforms")
            continue
        bad += 1
        _print(f"{report.graph}: {len(report.findings)} finding(s)")
        for f in report.findings:
            _print(f.render())
    _print(f"{len(docs) - missing} graph(s) validated, {bad} with findings")
    if missing:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if bad else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    store = _open_store(args.store)
    n = store.export(args.output, args.doc or None, args.base)
    _print(f"exported {n} document graph(s) into {args.output}")
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    from .dataset import describe_store
    from .graphio import write_graphs

    store = _open_store(args.store)
    write_graphs([describe_store(store, args.base)], args.output, args.base)
    _print(f"described {len(store.documents())} document graph(s) in {args.output}")
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from .progress import Progress
    from .remote import RemoteStore
    from .store import resolve_doc

    store = _open_store(args.store)
    remote = RemoteStore(args.endpoint)
    docs = [resolve_doc(d, args.base) for d in args.doc] if args.doc else store.documents()
    progress = Progress(len(docs), enabled=None if not args.quiet else False)
    known = set(store.documents())
    refused = 0  # graphs the endpoint did not take (HTTP errors): exit code 5
    for doc in docs:
        if doc not in known:
            progress.failed(doc, "not in the store")
            continue
        nt = store.ntriples(doc)
        try:
            remote.put(doc, nt)
        except UnreachableError as exc:
            # the endpoint is down: every further graph would fail the same way
            progress.close()
            raise UnreachableError(
                f"{exc.reason}; stopped: pushed {progress.built_count} of {len(docs)} graph(s)"
            ) from exc
        except KggraphError as exc:
            refused += 1
            progress.failed(doc, str(exc))
            continue
        progress.built(doc, nt.count(b"\n"))
    progress.close()
    _print(progress.summary().replace("built", "pushed", 1))
    if refused:
        return EXIT_STORE
    if args.merge_default and not progress.failures:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".nt") as fh:
            store.write_merged(fh)
            fh.flush()
            remote.put_default(fh.name)
        _print("default graph: the merge of the pushed graphs")
    return EXIT_ERROR if progress.failures else EXIT_OK


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise KggraphError(f"--param takes NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    from .formats import output_format
    from .query import resolve_query
    from .query_limits import QueryLimits, Source, execute

    query = resolve_query(args.query)
    sources = sum(bool(x) for x in (args.graphs, args.store, args.endpoint))
    if sources != 1:
        raise KggraphError("give graph files, --store PATH or --endpoint URL (one of them)")
    if args.timeout <= 0 or args.max_rows < 1:
        raise KggraphError("--timeout takes seconds > 0 and --max-rows a number ≥ 1")
    fmt = output_format(args.format, args.output)
    if args.store:
        source = Source("store", (args.store,))  # opened by the query's child
    elif args.endpoint:
        source = Source("endpoint", (args.endpoint,))
    else:
        source = Source("graphs", tuple(args.graphs))
    limits = QueryLimits(
        timeout=args.timeout, max_rows=args.max_rows, allow_network=args.allow_network
    )
    if args.store:
        from .query_stream import run_store_query

        truncated = run_store_query(
            args.store,
            query,
            _params(args.param),
            fmt,
            args.base,
            limits,
            args.output,
            getattr(args, "early", None),
        )
    else:
        answer = execute(source, query, _params(args.param), fmt, args.base, limits)
        if args.output:
            from .graphio import atomic_write

            atomic_write(args.output, answer.data)
        else:
            sys.stdout.buffer.write(answer.data)
            sys.stdout.flush()
        truncated = answer.truncated
    if truncated:
        _print(
            f"kggraph: stopped at --max-rows {args.max_rows}: the query has more results "
            "(raise --max-rows or add LIMIT/OFFSET)",
            sys.stderr,
        )
        return EXIT_LIMIT
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    import re

    from .query import bundled_queries

    listed: set[str | None] = set()
    for name, q in sorted(bundled_queries().items()):
        if q.path in listed:  # "01-askers" and its alias "askers" are one query
            continue
        listed.add(q.path)
        params = ", ".join(
            f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in q.params
        )
        short = re.sub(r"^\d+[-_]", "", name)
        _print(f"{short:28} {q.title}" + (f"  [params: {params}]" if params else ""))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .evaluate import FIELDS, evaluate, golden_sets
    from .query import format_table

    golden = Path(args.golden)
    for path, what in ((golden, "golden annotations"), (Path(args.fixtures), "fixtures")):
        if not path.exists():
            raise KggraphError(
                f"no {what} here; the golden set and its documents come with a kggraph "
                "checkout (tests/golden, tests/fixtures): run there, or give GOLDEN and "
                "--fixtures",
                path=str(path),
            )
    sets = golden_sets(golden, holdout=args.holdout) if golden.is_dir() else {}
    if args.set:
        sets = {k: v for k, v in sets.items() if args.set.casefold() in k.casefold()}
        if not sets:
            raise KggraphError(f"no golden set matches --set {args.set!r}")
    files = [f for fs in sets.values() for f in fs] if sets else [golden]
    ev = evaluate(files, Path(args.fixtures))
    parts = {name: ev.subset(fs) for name, fs in sets.items()} or {golden.name: ev}
    for name in ("1995–today", "1974–1995"):
        era_files = [f for f in files if ev.eras.get(f) == name]
        if len(parts) > 1 and era_files:
            parts[f"era {name}"] = ev.subset(era_files)
    header = ("field", *parts)
    rows: list[tuple[str, ...]] = [
        (name, *(f"{p.field_score(name).f1:.3f}" for p in parts.values())) for name in FIELDS
    ]
    rows.append(("overall", *(f"{p.overall().f1:.3f}" for p in parts.values())))
    if len(parts) == 1:
        header = ("field", "tp", "predicted", "expected", "precision / recall", "F1")
        rows = [tuple(r) for r in ev.table()]
    _print(format_table(header, rows))
    for name, part in parts.items():
        o = part.overall()
        _print(
            f"{name}: {part.documents} documents, {len(part.failures)} failed; "
            f"precision {o.precision:.3f}, recall {o.recall:.3f}, F1 {o.f1:.3f}"
        )
    for failure in ev.failures:
        _print(f"FAILED {failure}")
    if args.misses:
        _print("\n".join(ev.misses))
    overall = ev.overall().f1
    if args.min_f1 is not None and overall < args.min_f1:
        _print(f"overall F1 {overall:.3f} is below --min-f1 {args.min_f1}", sys.stderr)
        return EXIT_VIOLATIONS
    return EXIT_OK


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it: ``COLUMNS``, else
    standard output's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal, found without importing shutil: argparse
    makes a formatter for every argument added (to check its metavar), and its own imports
    shutil for the width, a millisecond and a half of every ``kggraph query``."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _columns() - 2)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help is written by :class:`_HelpFormatter` (its
    subcommands' parsers are of its class too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given ``command``, with that command alone (the others
    are neither built nor imported, so that ``kggraph query`` starts sooner), which parses
    that command's arguments exactly as the whole parser does."""
    p: argparse.ArgumentParser = _Parser(
        prog="kggraph",
        description="Knowledge graphs from Dutch parliamentary written questions and answers.",
    )
    p.add_argument("--version", action="version", version=f"kggraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, add in COMMANDS.items():
        if command in (None, name):
            add(sub)
    if command not in COMMANDS:
        _register_optional(sub, "kggraph.cli_network")
        _register_optional(sub, "kggraph.cli_serve")
    return p


def _base(sp: argparse.ArgumentParser, allow_network: bool = False) -> None:
    """The options every command that reads or mints IRIs takes, last in its help."""
    sp.add_argument("--base", default=DEFAULT_BASE, help="base IRI of minted resources")
    if allow_network:
        sp.add_argument(
            "--allow-network",
            action="store_true",
            help="let queries and graph files reach out: SERVICE, FROM <url or file>, "
            "remote JSON-LD contexts (refused by default, exit 3)",
        )


def _add_build(sub: Subparsers) -> None:
    p = sub.add_parser(
        "build",
        help="build graphs from documents (PDF or text)",
        description="Build one named graph per document, validate each, write OUT.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file; format from its extension: .ttl .trig .nt .nq .jsonld",
    )
    p.add_argument(
        "--store",
        metavar="PATH",
        help="build into this on-disk store (incremental: unchanged files are skipped)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes with --store (default: the cores available)",
    )
    p.add_argument(
        "--prune",
        action="store_true",
        help="with --store: remove documents whose files are gone (refused when an input "
        "is missing or empty; exit 3)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="with --store: build and remove nothing; list what would be removed",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="with --prune: remove even when more than 10%% of the store would go",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="with --store: rebuild every file, also those built before by this same kggraph "
        "(graphs built by another version, patterns, vocabularies or shapes are always rebuilt)",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="also PUT each built graph to this SPARQL Graph Store endpoint",
    )
    p.add_argument("--id", help="identifier of the document when the text and file name lack it")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="only the summary line (no progress bar)"
    )
    p.set_defaults(func=cmd_build)
    _base(p)


def _add_validate(sub: Subparsers) -> None:
    p = sub.add_parser(
        "validate",
        help="validate graph files against the bundled shapes",
        description="Validate each named graph; exit 0 conforms, 1 violations, 2 error.",
    )
    p.add_argument("graphs", nargs="*", metavar="GRAPH")
    p.add_argument("--store", metavar="PATH", help="validate each document graph of this store")
    p.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only this document (repeatable)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="name only graphs with findings")
    p.set_defaults(func=cmd_validate)
    _base(p, allow_network=True)


def _add_query(sub: Subparsers) -> None:
    p = sub.add_parser(
        "query",
        help="run a bundled or own SPARQL query",
        description="QUERY is a bundled query name (see `kggraph queries`), "
        "a .rq file, or inline SPARQL.",
    )
    p.add_argument("query", metavar="QUERY")
    p.add_argument("graphs", nargs="*", metavar="GRAPH")
    p.add_argument("--store", metavar="PATH", help="query this store (Oxigraph's SPARQL engine)")
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="query this SPARQL 1.1 endpoint (its default graph must be the union of graphs)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="rows: table (default), csv, tsv, json, xml (SPARQL 1.1 results); "
        "CONSTRUCT/DESCRIBE: turtle (default), ntriples, rdfxml, jsonld; "
        "default: from the extension of -o",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the answer to FILE")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a query parameter (repeatable)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_QUERY_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this long (default {DEFAULT_QUERY_TIMEOUT:g}; exit 4)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"print at most N rows (default {DEFAULT_MAX_ROWS}); more rows give exit 4",
    )
    p.set_defaults(func=cmd_query)
    _base(p, allow_network=True)


def _add_eval(sub: Subparsers) -> None:
    p = sub.add_parser(
        "eval",
        help="measure extraction against golden annotations",
        description="Precision, recall and F1 per field over annotated documents.",
    )
    p.add_argument(
        "golden",
        nargs="?",
        default="tests/golden",
        help="a golden JSON file or a folder of them (default tests/golden)",
    )
    p.add_argument(
        "--fixtures",
        default="tests/fixtures",
        help="folder the golden 'file' paths are relative to",
    )
    p.add_argument("--misses", action="store_true", help="list every missed or spurious item")
    p.add_argument("--set", help="score only the golden sets whose name contains this")
    p.add_argument(
        "--holdout",
        action="store_true",
        help="also score the held-out sets (scored last: never developed against)",
    )
    p.add_argument("--min-f1", type=float, help="exit 1 when the overall F1 is lower")
    p.set_defaults(func=cmd_eval)


def _add_queries(sub: Subparsers) -> None:
    p = sub.add_parser("queries", help="list the bundled queries")
    p.set_defaults(func=cmd_queries)


def _add_export(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export",
        help="write the store's document graphs to N-Quads or TriG",
        description="Stream all (or the chosen) document graphs of a store into one file.",
    )
    p.add_argument("--store", required=True, metavar="PATH")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.nq or OUT.trig")
    p.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only this document (repeatable)"
    )
    p.set_defaults(func=cmd_export)
    _base(p)


def _add_describe(sub: Subparsers) -> None:
    p = sub.add_parser(
        "describe",
        help="write a VoID/DCAT description of a store's dataset with its provenance",
        description="The dataset (VoID, DCAT), its licence and the PROV activity that built "
        "it: kggraph's version and every input file with its SHA-256. No clock time: the "
        "same store gives the same bytes.",
    )
    p.add_argument("--store", required=True, metavar="PATH")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.ttl, .nt, .jsonld …")
    p.set_defaults(func=cmd_describe)
    _base(p)


def _add_push(sub: Subparsers) -> None:
    p = sub.add_parser(
        "push",
        help="send the store's document graphs to a SPARQL Graph Store endpoint",
        description="PUT each document graph (Graph Store HTTP Protocol), one request each.",
    )
    p.add_argument("--store", required=True, metavar="PATH")
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="Graph Store endpoint, e.g. http://127.0.0.1:7878/store or …/ds/data (Fuseki)",
    )
    p.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only this document (repeatable)"
    )
    p.add_argument(
        "--merge-default",
        action="store_true",
        help="also PUT the RDF merge of the store's graphs as the server's default graph "
        "(for a server whose default graph is not the union of its graphs)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_push)
    _base(p)


COMMANDS = {
    "build": _add_build,
    "validate": _add_validate,
    "query": _add_query,
    "eval": _add_eval,
    "queries": _add_queries,
    "export": _add_export,
    "describe": _add_describe,
    "push": _add_push,
}


def _register_optional(sub: Subparsers, module: str) -> None:
    """Commands that live in their own module register themselves through ``register``."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return
    mod.register(sub)


def exit_code(exc: KggraphError) -> int:
    """The exit code of an error that ended a command (see the module's doc)."""
    if isinstance(exc, Refused):
        return EXIT_REFUSED
    if isinstance(exc, LimitExceeded):
        return EXIT_LIMIT
    if isinstance(exc, StoreError):
        return EXIT_STORE
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)[0]


def run(early: EarlyChild | None = None) -> None:
    """:func:`main` as a process (what the ``kggraph`` console script runs, after
    :mod:`kggraph.launch` may have forked a query's child as ``early``). After a query
    answered from a store, which leaves nothing to clean up (its child wrote the answer and
    is gone), the process ends without tearing the interpreter down: milliseconds of every
    one-document query."""
    code, torn_down = _main(None, early)
    if not torn_down:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)  # as ever: the interpreter reports what it could not write
        os._exit(code)
    sys.exit(code)


def _main(argv: Sequence[str] | None, early: EarlyChild | None = None) -> tuple[int, bool]:
    """The exit code, and whether the interpreter must be torn down to end the process.
    ``early``: the child of a query forked before the command was parsed
    (:mod:`kggraph.query_early`), stopped here unless the query took it."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
        args = parser.parse_args(argv)
        args.early = early
        torn_down = not (args.func is cmd_query and args.store)
        return _run_command(args), torn_down
    finally:
        if early is not None:
            early.stop()


def _run_command(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except KggraphError as exc:
        _print(f"kggraph: error: {exc}", sys.stderr)
        return exit_code(exc)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        _print("kggraph: interrupted", sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug: say so, with an exit code of its own
        import traceback

        traceback.print_exc(file=sys.stderr)
        _print(f"kggraph: internal error: {type(exc).__name__}: {exc}", sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    run()
