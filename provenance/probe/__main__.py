"""``python -m provenance.probe``: the probe without the main CLI."""

from __future__ import annotations

import argparse
import sys

from provenance import probe_cli


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the probe."""
    parser = argparse.ArgumentParser(prog="python -m provenance.probe")
    probe_cli.add_arguments(parser)
    return probe_cli.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
