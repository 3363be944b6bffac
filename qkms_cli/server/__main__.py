"""`python -m qkms_cli.server`: what `qkms serve` runs, configured through QKMS_SERVE_CONFIG."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

from qkms_cli.errors import EXIT_USAGE, KeystoreError, ParamValidationError
from qkms_cli.server.config import (
    ENV,
    KEEP_ALIVE_TIMEOUT,
    MAX_BACKLOG,
    ServeConfig,
    check,
)


class _Stopped(BaseException):
    """SIGTERM or SIGINT arrived; uvicorn has finished the requests in flight."""


def _stop(_sig: int, _frame: object) -> None:
    raise _Stopped


def main() -> int:
    config = ServeConfig.load()
    try:
        warnings = check(config)
    except ParamValidationError as exc:
        print(f"qkms serve: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = _open_keystore(config)
    except KeystoreError as exc:
        print(f"qkms serve: keystore error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    for text in warnings:
        print(f"qkms serve: warning: {text}", file=sys.stderr)

    import uvicorn

    # A stop that comes before uvicorn listens for it (a supervisor stopping a server that has
    # just printed its start line) waits, pending, until uvicorn's handlers are in place: it then
    # stops the server as any other would, not the start-up half way (a traceback, exit 1 or 3).
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    # uvicorn re-raises the signal that stopped it once the requests in flight are done; these
    # handlers turn that into a clean exit 0 instead of death by signal.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server_config = uvicorn.Config(
        "qkms_cli.server.app:create_app",
        factory=True,
        host=config.host,
        port=config.port,
        workers=config.workers,
        http="qkms_cli.server.protocol:Protocol",
        loop="uvloop" if _has("uvloop") else "asyncio",
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        # The client's address is the socket's: no X-Forwarded-For from anyone.
        proxy_headers=False,
        timeout_keep_alive=max(1, int(min(KEEP_ALIVE_TIMEOUT, config.client_timeout))),
        timeout_graceful_shutdown=30,
        # The connection bound is protocol.py's, answered in JSON (uvicorn's is plain text).
        limit_concurrency=None,
        backlog=MAX_BACKLOG,
        ssl_certfile=config.tls_cert,
        ssl_keyfile=config.tls_key,
    )
    server = _server_class(uvicorn.Server)(server_config)
    sock = server_config.bind_socket()
    # The one start line, once the socket is bound (port 0 has become a real port).
    port = sock.getsockname()[1]
    url = config._replace(port=port).url
    workers = f", {config.workers} workers" if config.workers > 1 else ""
    print(
        f"qkms serve: listening on {url} (keystore {path}, auth {config.auth}{workers})",
        file=sys.stderr,
        flush=True,
    )
    try:
        if config.workers > 1:
            from uvicorn.supervisors import Multiprocess

            supervisor = Multiprocess(server_config, sockets=[sock])  # its handlers are set
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # before any worker forks
            supervisor.run()
        else:
            server.run(sockets=[sock])
    except _Stopped:
        pass
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0 if server.started or config.workers > 1 else 3


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _server_class(base: type[Any]) -> type[Any]:
    """uvicorn's Server, taking SIGTERM and SIGINT from the moment its handlers are set."""

    class Server(base):  # type: ignore[misc, valid-type]
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
                yield

    return Server


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _open_keystore(config: ServeConfig) -> str:
    """Open (making it on first use, as the CLI does) and unlock the keystore once, up front.

    A passphrase keystore without QKMS_PASSPHRASE asks on the terminal, once; the answer goes to
    the workers and their threads through the environment (this process's, never argv).
    """
    from qkms_cli import service

    given: list[str] = []

    def ask(question: str) -> str | None:
        if not sys.stdin.isatty():
            return None
        import getpass

        answer = getpass.getpass(f"{question}: ", stream=sys.stderr)
        given.append(answer)
        return answer or None

    store = service.open_keystore(config.home, prompt=ask)
    try:
        store.master_key()
        if given and given[-1]:
            os.environ["QKMS_PASSPHRASE"] = given[-1]
        return str(store.path)
    finally:
        store.close()


if __name__ == "__main__":
    os.environ.setdefault(ENV, "{}")
    sys.exit(main())
