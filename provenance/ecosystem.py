"""The interchange and report commands: ``export``, ``import`` and ``report``.

``cli.py`` adds these parsers and hands the parsed :class:`EcosystemOptions` here; this
module does the work and returns an exit code, and never reads argv or the environment.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from provenance.errors import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from provenance.report.interface import Reporter

COMMANDS = ("export", "import", "report")


class EcosystemOptions(NamedTuple):
    """What the export, import and report commands were given (frozen; no dataclasses
    import on the way to ``--help``)."""

    kind: str  # bagit, sha256sum, robustlinks, or "" for report
    source: str
    output: str | None = None
    probe: str | None = None
    organization: str | None = None
    bagging_date: date | None = None
    verify: bool = False


def add_parsers(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``export``, ``import`` and ``report``; ``common`` adds the shared options.

    Those are ``--format`` (how import reports a bag's mismatches), ``--jobs`` (reading
    a folder), ``--quiet`` and ``--verbose``.
    """
    ex = sub.add_parser("export", help="write a folder or manifest in another tool's format")
    kinds = ex.add_subparsers(dest="kind", required=True, metavar="FORMAT")
    bag = kinds.add_parser("bagit", help="a BagIt 1.0 bag that bagit.py --validate accepts")
    bag.add_argument("source", help="the folder, or a manifest whose folder to bag")
    bag.add_argument("out", help="the bag folder to create (absent or empty)")
    bag.add_argument("--source-organization", help="bag-info.txt Source-Organization")
    sums = kinds.add_parser("sha256sum", help="lines that 'sha256sum -c' checks in the folder")
    sums.add_argument("source", help="a manifest, or a folder to read")
    sums.add_argument("-o", "--output", help="file to write (default: standard output)")
    links = kinds.add_parser("robustlinks", help="HTML Robust Links for the original URLs")
    links.add_argument("source", help="a manifest, or a folder to read")
    links.add_argument("--probe", help="a probe report (JSON) supplying data-versionurl")
    links.add_argument("-o", "--output", help="file to write (default: standard output)")
    im = sub.add_parser("import", help="read another tool's package into a manifest")
    ikinds = im.add_subparsers(dest="kind", required=True, metavar="FORMAT")
    ibag = ikinds.add_parser("bagit", help="check a BagIt bag, then write its manifest")
    ibag.add_argument("source", metavar="bag", help="the bag folder")
    ibag.add_argument("-o", "--output", required=True, help="manifest file to write")
    rep = sub.add_parser("report", help="a self-contained HTML report of a manifest")
    rep.add_argument("source", metavar="manifest", help="the manifest to report on")
    rep.add_argument("--probe", help="a probe report (JSON) for link health and drift")
    rep.add_argument("-o", "--output", required=True, help="HTML file to write")
    rep.add_argument(
        "--verify",
        action="store_true",
        help="also check the folder now: findings join the table, and exit 1 if any is an error",
    )
    for p in (bag, sums, links, ibag, rep):
        common(p)


def options_from(ns: argparse.Namespace, *, bagging_date: date | None) -> EcosystemOptions:
    """The parsed namespace of one of these commands → options."""
    return EcosystemOptions(
        kind=getattr(ns, "kind", "") or "",
        source=ns.source,
        output=getattr(ns, "output", None) or getattr(ns, "out", None),
        probe=getattr(ns, "probe", None),
        organization=getattr(ns, "source_organization", None),
        bagging_date=bagging_date,
        verify=getattr(ns, "verify", False),
    )


class Feedback(NamedTuple):
    """How much to tell the user, decided by the CLI."""

    quiet: bool = False
    progress: bool = False
    color: bool = True


def _emit(text: str, output: str | None) -> None:
    from provenance.atomic import write_atomic

    if output:
        write_atomic(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _say(feedback: Feedback, message: str) -> None:
    if not feedback.quiet:
        print(message)


def execute(
    command: str, options: EcosystemOptions, *, reporter: Reporter, feedback: Feedback, jobs: int
) -> int:
    """Run ``export``, ``import`` or ``report``; return the exit code."""
    from provenance.export.source import load_source
    from provenance.progress import bar

    if command == "report":
        return _report(options, feedback=feedback, jobs=jobs)
    if command == "import":
        return _import(options, reporter=reporter, feedback=feedback, jobs=jobs)
    with bar("reading", enabled=feedback.progress, color=feedback.color) as tick:
        source = load_source(options.source, jobs=jobs, on_progress=tick)
    if options.kind == "bagit":
        from provenance.export.bagit import BagInfo, export_bag

        assert options.output is not None
        info = BagInfo(
            bagging_date=options.bagging_date or date.today(),
            source_organization=options.organization,
        )
        with bar("bagging", enabled=feedback.progress, color=feedback.color) as tick:
            export_bag(source, options.output, info, on_progress=tick)
        _say(feedback, f"wrote bag {options.output}: {source.manifest.file_count} files")
        return EXIT_OK
    if options.kind == "sha256sum":
        from provenance.export import sha256sum

        _emit(sha256sum.render(source.manifest), options.output)
        return EXIT_OK
    if options.kind == "robustlinks":
        from provenance.export import probed, robustlinks

        entries = probed.load(options.probe) if options.probe else None
        _emit(robustlinks.render(source.manifest, entries), options.output)
        return EXIT_OK
    raise UsageError(f"unknown export format {options.kind!r}")


def _import(
    options: EcosystemOptions,
    *,
    reporter: Reporter,
    feedback: Feedback,
    jobs: int,
) -> int:
    from provenance import manifest as manifests
    from provenance.export.bagimport import import_bag
    from provenance.progress import bar

    assert options.output is not None
    with bar("reading bag", enabled=feedback.progress, color=feedback.color) as tick:
        built, report = import_bag(options.source, options.output, jobs=jobs, on_progress=tick)
    if not report.ok:
        sys.stdout.write(reporter.verify(report))
        print(
            f"provenance: {options.source}: the bag does not validate; no manifest written",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    manifests.write(built, options.output)
    _say(feedback, f"wrote {options.output}: {built.file_count} files from bag {options.source}")
    return EXIT_OK


def _report(options: EcosystemOptions, *, feedback: Feedback, jobs: int) -> int:
    from provenance import manifest as manifests
    from provenance.atomic import write_atomic
    from provenance.export import probed
    from provenance.html import render
    from provenance.progress import bar

    assert options.output is not None
    manifest = manifests.load(options.source)
    entries = probed.load(options.probe) if options.probe else None
    result = None
    if options.verify:
        from provenance.listing import load_listing
        from provenance.verify import VerifyOptions, check

        folder = manifests.folder_of(manifest, options.source)
        listing = load_listing(options.source)
        with bar("verify", enabled=feedback.progress, color=feedback.color) as tick:
            result = check(listing, folder, VerifyOptions(jobs=jobs), on_progress=tick)
    page = render(manifest, source=options.source, probed=entries, findings=result)
    write_atomic(options.output, page.encode("utf-8"))
    _say(feedback, f"wrote {options.output}")
    failed = result is not None and any(f.severity == "error" for f in result)
    return EXIT_FINDINGS if failed else EXIT_OK
