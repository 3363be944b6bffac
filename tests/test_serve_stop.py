"""A `qkms serve` stopped the moment it has started exits 0, quietly, like one stopped later."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.serving import Server


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stop_right_after_the_start_line_is_a_clean_exit(tmp_path: Path, workers: int) -> None:
    # A supervisor (a test fixture, systemd, a CI step's cleanup) may stop a server as soon as it
    # has printed where it listens, before uvicorn has set its own signal handlers.
    for attempt in range(6):
        srv = Server(tmp_path / "home", workers=workers, ready=False)
        assert srv.url, srv.log
        stop = signal.SIGTERM if attempt % 2 else signal.SIGINT
        assert srv.stop(stop, timeout=60) == 0, srv.log
        assert "Traceback" not in srv.log and "Warning" not in srv.log, srv.log
