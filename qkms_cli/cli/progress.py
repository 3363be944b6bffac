"""A progress bar on stderr for long operations: only on a terminal, only once the work is long."""

from __future__ import annotations

import time
from typing import IO, Any

# Work that ends sooner than this never draws a bar; most calls stay silent and rich-free.
SHOW_AFTER_SECONDS = 0.5


class ProgressBar:
    """progress(done, total) for the service; draws with rich once SHOW_AFTER_SECONDS pass."""

    def __init__(self, stream: IO[str], label: str, *, clock: Any = time.monotonic) -> None:
        self._stream = stream
        self._label = label
        self._clock = clock
        self._started = clock()
        self._terminal = bool(getattr(stream, "isatty", lambda: False)())
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if not self._terminal or done >= total:
                return
            if self._clock() - self._started < SHOW_AFTER_SECONDS:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn(self._label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self._stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
