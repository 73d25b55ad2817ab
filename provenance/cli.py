"""Command line: argv → frozen options → ``execute(options) -> int``.

This is the only module that reads argv and the environment or decides the exit code.
Heavy modules are imported inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from provenance.errors import EXIT_FINDINGS, EXIT_OK, ProvenanceError, UsageError

if TYPE_CHECKING:
    from provenance.models import FileRecord

FORMATS = ("text", "json", "github", "junit", "sarif")
DEFAULT_MANIFESTS = "manifests"


class Options(NamedTuple):
    """Everything a command needs, parsed once (a NamedTuple: frozen, and importing
    dataclasses, with inspect behind it, would cost a tenth of ``--help``)."""

    command: str
    folder: str = ""
    output: str | None = None
    manifests: tuple[str, ...] = ()
    format: str = "text"
    name_scheme: str | None = None
    jobs: int = 1
    deep: bool = False
    strict: bool = False
    extra: Mapping[str, object] = MappingProxyType({})
    quiet: bool = False
    verbose: bool = False
    progress: bool = False
    color: bool = True


def _env_jobs() -> int:
    value = os.environ.get("PROVENANCE_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    from provenance.parallel import default_jobs

    return default_jobs()


def _first_word(argv: Sequence[str]) -> str:
    return next((a for a in argv if not a.startswith("-")), "")


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser; defaults come from ``PROVENANCE_*`` environment variables."""
    from provenance import __version__

    fmt = os.environ.get("PROVENANCE_FORMAT", "text")
    parser = argparse.ArgumentParser(
        prog="provenance",
        description="Prove where archived web pages came from and that they have not changed.",
    )
    parser.add_argument("--version", action="version", version=f"provenance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        feedback(p)
        p.add_argument(
            "--format",
            choices=FORMATS,
            default=fmt if fmt in FORMATS else "text",
            help="output format (default: text; env PROVENANCE_FORMAT)",
        )
        p.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=None,
            help="worker processes (default: all cores; env PROVENANCE_JOBS)",
        )

    m = sub.add_parser("manifest", help="read a folder and write its manifest")
    m.add_argument("folder", help="the folder of archived pages")
    m.add_argument(
        "-o", "--output", required=True, help="manifest file to write, e.g. manifests/NAME.json"
    )
    m.add_argument("--name-scheme", help="declare how names are hashed, e.g. sha256:source-path")
    m.add_argument(
        "--fresh",
        action="store_true",
        help="extract every file again, not only those whose bytes differ from the "
        "manifest being replaced",
    )
    common(m)

    a = sub.add_parser("audit", help="read a folder and report what it finds, writing nothing")
    a.add_argument("folder")
    a.add_argument("--name-scheme")
    common(a)

    v = sub.add_parser("verify", help="check folders against their manifests (the CI gate)")
    v.add_argument(
        "manifests", nargs="*", help=f"manifest files (default: {DEFAULT_MANIFESTS}/*.json)"
    )
    v.add_argument("--deep", action="store_true", help="re-extract metadata of unchanged files too")
    v.add_argument("--strict", action="store_true", help="recorded error problems fail too")
    v.add_argument(
        "--fast", action="store_true", help="check names and sizes only; no file is read"
    )
    v.add_argument(
        "--shard",
        metavar="K/N",
        default=os.environ.get("PROVENANCE_SHARD") or None,
        help="check only shard K of N (by a hash of each path; env PROVENANCE_SHARD)",
    )
    common(v)

    p = sub.add_parser("probe", help="check live originals and web archives (network)")
    if _first_word(argv) == "probe":
        # The probe pulls in the HTTP stack: import it only when it is the command.
        from provenance import probe_cli

        probe_cli.add_arguments(p)
    from provenance.ecosystem import add_parsers

    add_parsers(sub, common)

    mr = sub.add_parser(
        "merge-reports", help="join the JSON reports of 'verify --shard K/N' jobs into one verdict"
    )
    mr.add_argument("reports", nargs="+", help="verify reports written with --format json")
    common(mr)
    return parser


def feedback(p: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--verbose``, accepted by every command."""
    p.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bars and no success messages"
    )
    p.add_argument(
        "--verbose", "-v", action="store_true", help="show the evidence behind each value"
    )


def _bagging_date() -> date | None:
    # Reproducible builds: SOURCE_DATE_EPOCH fixes the date written into bag-info.txt.
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), UTC).date() if epoch.isdigit() else None


def parse(argv: Sequence[str]) -> tuple[Options, argparse.Namespace]:
    """Parse argv into Options (and the raw namespace for plugin commands)."""
    ns = build_parser(argv).parse_args(list(argv))
    jobs = getattr(ns, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = Options(
        command=ns.command,
        folder=getattr(ns, "folder", "") or "",
        output=getattr(ns, "output", None),
        manifests=tuple(getattr(ns, "manifests", ()) or ()),
        format=getattr(ns, "format", "text"),
        name_scheme=getattr(ns, "name_scheme", None),
        jobs=jobs or _env_jobs(),
        deep=getattr(ns, "deep", False),
        strict=getattr(ns, "strict", False),
        quiet=getattr(ns, "quiet", False),
        verbose=getattr(ns, "verbose", False),
        # Bars only on a terminal: CI logs and pipes get no control characters.
        progress=not getattr(ns, "quiet", False) and sys.stderr.isatty(),
        color=not os.environ.get("NO_COLOR"),
        extra=_extra(ns),
    )
    return options, ns


def _extra(ns: argparse.Namespace) -> dict[str, object]:
    if ns.command == "manifest":
        return {"fresh": bool(getattr(ns, "fresh", False))}
    if ns.command not in ("export", "import", "report"):
        return {}
    from provenance.ecosystem import options_from

    return {"ecosystem": options_from(ns, bagging_date=_bagging_date())}


def _located(records: list[FileRecord], folder: str, fmt: str) -> list[FileRecord]:
    """Records whose paths start at the working directory, for annotations and SARIF."""
    if fmt not in ("github", "sarif"):
        return records
    return [
        r.model_copy(update={"path": os.path.normpath(os.path.join(folder, r.path))})
        for r in records
    ]


def execute(options: Options, ns: argparse.Namespace | None = None) -> int:
    """Run one command; return its exit code."""
    from provenance.progress import bar
    from provenance.report import REPORTERS

    reporter = REPORTERS[options.format]
    if options.verbose and options.format == "text":
        from provenance.report.verbose import VerboseTextReporter

        reporter = VerboseTextReporter()
    if options.command in ("export", "import", "report"):
        from provenance.ecosystem import EcosystemOptions, Feedback
        from provenance.ecosystem import execute as run_ecosystem

        eco = options.extra["ecosystem"]
        assert isinstance(eco, EcosystemOptions)
        feedback = Feedback(quiet=options.quiet, progress=options.progress, color=options.color)
        return run_ecosystem(
            options.command, eco, reporter=reporter, feedback=feedback, jobs=options.jobs
        )
    if options.command == "manifest":
        from provenance import manifest as manifests
        from provenance.names import check_scheme

        scheme = check_scheme(options.name_scheme) if options.name_scheme else None
        assert options.output is not None
        manifests.check_output(options.folder, options.output)
        if options.format == "text" and not options.verbose:
            # No records to report: the workers' JSON is written as it is.
            with bar("manifest", enabled=options.progress, color=options.color) as tick:
                done = manifests.write_folder(
                    options.folder,
                    options.output,
                    name_scheme=scheme,
                    jobs=options.jobs,
                    on_progress=tick,
                    fresh=options.extra.get("fresh", False) is True,
                )
            if not options.quiet:
                again = f" ({done.reused} unchanged, taken again)" if done.reused else ""
                print(
                    f"wrote {options.output}: {done.file_count} files, "
                    f"{done.total_bytes} bytes, {done.errors} problems{again}"
                )
            return EXIT_OK
        with bar("manifest", enabled=options.progress, color=options.color) as tick:
            built = manifests.build(
                options.folder,
                options.output,
                name_scheme=scheme,
                jobs=options.jobs,
                on_progress=tick,
            )
        manifests.write(built, options.output)
        if options.verbose and options.format == "text":
            sys.stdout.write(reporter.audit(built.files))
        elif options.format == "text" and not options.quiet:
            errors = sum(1 for r in built.files for p in r.problems if p.severity == "error")
            print(
                f"wrote {options.output}: {built.file_count} files, {built.total_bytes} bytes, "
                f"{errors} problems"
            )
        elif options.format != "text":
            sys.stdout.write(reporter.audit(_located(built.files, options.folder, options.format)))
        return EXIT_OK
    if options.command == "audit":
        from provenance import manifest as manifests
        from provenance.names import check_scheme

        scheme = check_scheme(options.name_scheme) if options.name_scheme else None
        with bar("audit", enabled=options.progress, color=options.color) as tick:
            records = manifests.read_folder(
                options.folder, name_scheme=scheme, jobs=options.jobs, on_progress=tick
            )
        sys.stdout.write(reporter.audit(_located(records, options.folder, options.format)))
        bad = any(p.severity == "error" for r in records for p in r.problems)
        return EXIT_FINDINGS if bad else EXIT_OK
    if options.command == "verify":
        from provenance.report.text import TextReporter
        from provenance.verify import VerifyOptions
        from provenance.verify import run as run_verify

        paths = list(options.manifests) or sorted(
            glob.glob(os.path.join(DEFAULT_MANIFESTS, "*.json"))
        )
        if not paths:
            raise UsageError(
                f"no manifests given and none in {DEFAULT_MANIFESTS}/",
                hint="pass manifest files or run 'provenance manifest' first",
            )
        from provenance.shard import Shard

        shard = getattr(ns, "shard", None)
        with bar("verify", enabled=options.progress, color=options.color) as tick:
            outcome = run_verify(
                paths,
                VerifyOptions(
                    deep=options.deep,
                    strict=options.strict,
                    jobs=options.jobs,
                    fast=bool(getattr(ns, "fast", False)),
                    shard=None if shard is None else Shard.parse(shard),
                ),
                on_progress=tick,
            )
        if not (options.quiet and outcome.ok and options.format == "text"):
            # The text reporter reads the outcome as it is; the others take the model.
            if isinstance(reporter, TextReporter):
                sys.stdout.write(reporter.verify(outcome))
            else:
                sys.stdout.write(reporter.verify(outcome.report()))
        return EXIT_OK if outcome.ok else EXIT_FINDINGS
    if options.command == "merge-reports":
        from provenance.merge import merge_files

        report = merge_files(list(getattr(ns, "reports", [])))
        sys.stdout.write(reporter.verify(report))
        return EXIT_OK if report.ok else EXIT_FINDINGS
    if options.command == "probe" and ns is not None:
        from provenance import probe_cli

        return probe_cli.run(ns)
    raise UsageError(f"unknown command {options.command!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: never a traceback, always a defined exit code."""
    try:
        options, ns = parse(sys.argv[1:] if argv is None else argv)
        return execute(options, ns)
    except ProvenanceError as e:
        print(f"provenance: error: {e.one_line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("provenance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # a bug: still one line, and the traceback only on request
        if os.environ.get("PROVENANCE_DEBUG"):
            raise
        print(
            f"provenance: internal error: {type(e).__name__}: {e} "
            "(set PROVENANCE_DEBUG=1 for a traceback and please report it)",
            file=sys.stderr,
        )
        return 3
    finally:
        sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
