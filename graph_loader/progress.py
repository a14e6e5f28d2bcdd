"""Progress of a load: a bar on a terminal, plain lines otherwise (logs, pipes, CI)."""

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class _Bar:
    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task = bar.add_task("writing", total=None)

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, name: str, rows: int) -> None:
        self._bar.update(self._task, advance=rows, description=f"writing {name}")


class _Lines:
    def __init__(self, console: Console) -> None:
        self._console = console
        self._total = 0
        self._done = 0

    def start(self, total: int) -> None:
        self._total = total

    def advance(self, name: str, rows: int) -> None:
        self._done += rows
        self._console.print(
            f"wrote {rows} {name} rows ({self._done}/{self._total})",
            highlight=False,
            soft_wrap=True,
        )


@contextmanager
def progress_for(console: Console) -> Iterator[_Bar | _Lines]:
    """A progress bar when ``console`` is a terminal, else one line per batch."""
    if not console.is_terminal:
        yield _Lines(console)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar)
