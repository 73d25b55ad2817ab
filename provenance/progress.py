"""Progress bars on a terminal, nothing anywhere else.

The CLI decides whether a bar is wanted (stderr is a terminal, no ``--quiet``); when it is
not, :func:`bar` yields ``None`` and the work runs with no callback at all. rich is
imported only when a bar is really drawn, so start-up stays fast in CI and in pipes.
Bars go to stderr and are removed when done, so stdout stays clean for reports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from provenance.parallel import OnProgress


@contextlib.contextmanager
def bar(
    label: str, *, enabled: bool, color: bool = True, file: IO[str] | None = None
) -> Iterator[OnProgress | None]:
    """A progress callback ``(done, total)`` drawing one bar, or ``None`` when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    # force_terminal only when a file is handed in (tests); otherwise rich checks stderr.
    console = Console(
        stderr=file is None, file=file, no_color=not color, force_terminal=file is not None or None
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        last = [0]

        def update(done: int, total: int) -> None:
            # A smaller count means a new round (verify reads one folder per manifest).
            if done < last[0]:
                progress.reset(task, total=total)
            last[0] = done
            progress.update(task, completed=done, total=total)

        yield update
