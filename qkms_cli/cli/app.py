"""The application object in `ctx.obj`: settings, the open keystore, the streams and rendering."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from qkms_cli.errors import ParamValidationError, QkmsError


class App:
    """Owns the terminal streams and the keystore for one command; nothing here is global."""

    def __init__(
        self,
        *,
        home: str | None = None,
        output: str | None = None,
        query: str | None = None,
        debug: bool = False,
    ) -> None:
        self.home = home
        self.output = output
        self.query = query
        self.debug = debug
        self.operation: str | None = None
        self._compiled: tuple[str, Any] | None = None
        self._keystore: Any = None
        # Looked up now, not at import, so Click's test runner can swap them.
        self.out: IO[str] = sys.stdout
        self.err: IO[str] = sys.stderr

    def update(self, **given: Any) -> None:
        """Options given after the subcommand win over those given before it."""
        for name, value in given.items():
            if value is not None and value is not False:
                setattr(self, name, value)

    @property
    def keystore(self) -> Any:
        if self._keystore is None:
            from qkms_cli import service
            from qkms_cli.cli.keystore import ask_passphrase

            # A passphrase keystore asks on a terminal, and only when a secret is touched.
            self._keystore = service.open_keystore(self.home, prompt=ask_passphrase)
        return self._keystore

    def close(self) -> None:
        if self._keystore is not None:
            self._keystore.close()
            self._keystore = None

    def call(self, op: str, request: dict[str, Any]) -> dict[str, Any]:
        """Run an operation through the service's single entry point."""
        from qkms_cli import service

        self.operation = op
        bar = None
        if op in service.REPORTS_PROGRESS:
            from qkms_cli.cli.progress import ProgressBar

            bar = ProgressBar(self.err, f"{request.get('KeyPairSpec', '')} pairs")
        try:
            if bar is None:
                return service.call(self.keystore, op, request)
            return service.call(self.keystore, op, request, progress=bar)
        except QkmsError as exc:
            exc.operation = op  # type: ignore[attr-defined]
            raise
        finally:
            if bar is not None:
                bar.close()

    def output_format(self) -> str:
        from qkms_cli.output import FORMATS

        fmt = self.output or os.environ.get("QKMS_OUTPUT") or "json"
        if fmt not in FORMATS:
            raise ParamValidationError(
                f"Invalid value for --output: {fmt!r}. Valid values: {', '.join(FORMATS)}",
                member="output",
            )
        return fmt

    def compiled_query(self) -> Any:
        """The --query expression, compiled once (aws-cli compiles it at parse time)."""
        if not self.query:
            return None
        if self._compiled is None or self._compiled[0] != self.query:
            from qkms_cli.output import compile_query

            try:
                self._compiled = (self.query, compile_query(self.query))
            except ValueError as exc:
                raise ParamValidationError(str(exc), member="query") from None
        return self._compiled[1]

    def check_rendering(self) -> None:
        """Refuse a bad --output or --query before the operation runs, not after it committed."""
        self.output_format()
        self.compiled_query()

    def render(self, op: str, response: Any) -> None:
        """JSON-able response -> --query -> the chosen renderer, on stdout."""
        from qkms_cli.output import RENDERERS, to_jsonable

        fmt = self.output_format()
        query = self.compiled_query()
        data = to_jsonable(response)
        if query is not None:
            data = query.search(data)
        elif data == {}:
            return  # operations with an empty response print nothing, as aws-cli does
        RENDERERS[fmt](op, data, self.out)
        self.out.flush()
