"""The application object in `ctx.obj`: settings, the open keystore, the streams and rendering."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from qkms_cli.errors import CommandLineError, KeystoreError, ParamValidationError, QkmsError


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
        # --store: a shared (PostgreSQL) keystore's URL; see store_url.
        self.store: str | None = None
        self.output = output
        self.query = query
        self.debug = debug
        # aws-cli's global options (cli/__init__.py's GLOBAL_NAMES); the remote ones matter only
        # with an endpoint, and --debug says so when they are given without one.
        self.endpoint_url: str | None = None
        self.region: str | None = None
        self.profile: str | None = None
        self.no_verify_ssl: bool = False
        self.ca_bundle: str | None = None
        self.cli_read_timeout: int | None = None
        self.cli_connect_timeout: int | None = None
        self.no_cli_pager: bool = False
        self.color: str | None = None
        self.cli_binary_format: str | None = None
        self.no_sign_request: bool = False
        # --principal: who local calls are made as (service/authz.py); None is the account root.
        self.principal: str | None = None
        self.operation: str | None = None
        self._client: Any = None
        self._noted = False
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
        """The keystore, made on first use (for operations that write)."""
        return self.open_keystore(create=True)

    def open_keystore(self, *, create: bool) -> Any:
        """Open the keystore once; with create=False a home without one is exit 253.

        A keystore made here is announced on stderr, once, so that a mistyped --home or
        QKMS_HOME does not pass unnoticed.
        """
        if self._keystore is None:
            from qkms_cli.cli.prompt import ask_passphrase
            from qkms_cli.service.opening import open_keystore

            # A passphrase keystore asks on a terminal, and only when a secret is touched.
            store = open_keystore(
                self.home, store_url=self.store_url, prompt=ask_passphrase, create=create
            )
            self._keystore = store
            if getattr(store, "created", False):
                from qkms_cli.service import debuginfo

                self.err.write(
                    f"qkms: made a new keystore in {store.where} "
                    f"(master key mode {debuginfo.master_mode(store)})\n"
                )
        return self._keystore

    @property
    def store_url(self) -> str | None:
        """The keystore the command line names, for the service: --store's URL; "" when --home
        names a home (a flag beats $QKMS_STORE, as --home beats $QKMS_HOME); None when neither
        is given and the environment decides. Never echoed: the URL may hold a password."""
        if self.store is not None and self.home is not None:
            raise CommandLineError(
                "qkms: --home and --store each name a keystore; give one of them."
            )
        if self.store is not None:
            if not self.store.strip():
                raise KeystoreError(
                    "--store names a shared keystore as postgresql://USER@HOST:PORT/DB; "
                    "it is empty."
                )
            return self.store
        return "" if self.home is not None else None

    @property
    def endpoint(self) -> str | None:
        """--endpoint-url, else $QKMS_ENDPOINT_URL: where operations go instead of the keystore."""
        return self.endpoint_url or os.environ.get("QKMS_ENDPOINT_URL") or None

    @property
    def raw_blobs(self) -> bool:
        """--cli-binary-format raw-in-base64-out: blob arguments are the text itself."""
        return self.cli_binary_format == "raw-in-base64-out"

    def note(self, message: str) -> None:
        """A line for --debug only, on stderr."""
        if self.debug:
            self.err.write(f"qkms: debug: {message}\n")
            self.err.flush()

    def _note_settings(self) -> None:
        """Under --debug, once: where operations go, and which options have no effect here."""
        if self._noted or not self.debug:
            return
        self._noted = True
        if self.no_cli_pager:
            self.note("--no-cli-pager has no effect: qkms never pages its output")
        if self.endpoint is not None:
            return
        remote_only = {
            "--region": self.region,
            "--profile": self.profile,
            "--no-verify-ssl": self.no_verify_ssl,
            "--ca-bundle": self.ca_bundle,
            "--cli-read-timeout": self.cli_read_timeout,
            "--cli-connect-timeout": self.cli_connect_timeout,
            "--no-sign-request": self.no_sign_request,
        }
        for flag, value in remote_only.items():
            if value is not None and value is not False:
                self.note(
                    f"{flag} has no effect on the local keystore (it applies to --endpoint-url)"
                )

    @property
    def client(self) -> Any:
        """The TrentService client for --endpoint-url, made on first use."""
        if self._client is None:
            from qkms_cli.client import Client, Settings

            self._client = Client(
                Settings(
                    endpoint_url=self.endpoint or "",
                    region=self.region,
                    profile=self.profile,
                    verify=not self.no_verify_ssl,
                    ca_bundle=self.ca_bundle,
                    read_timeout=self.cli_read_timeout,
                    connect_timeout=self.cli_connect_timeout,
                    sign=not self.no_sign_request,
                ),
                debug=self.note if self.debug else None,
            )
        return self._client

    def close(self) -> None:
        if self._keystore is not None:
            self._keystore.close()
            self._keystore = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def call(self, op: str, request: dict[str, Any]) -> dict[str, Any]:
        """Run an operation: through the service's single entry point, or at --endpoint-url."""
        self._note_settings()
        if self.endpoint is not None:
            return self._call_remote(op, request)
        from qkms_cli import service

        self.operation = op
        bar = None
        try:
            if self._keystore is None:
                # A bad request is 252 whether or not there is a keystore: check it first.
                service.validate(op, request)
            keystore = self.open_keystore(create=not service.needs_existing_keystore(op, request))
        except QkmsError as exc:
            exc.operation = op  # type: ignore[attr-defined]
            raise
        if op in service.REPORTS_PROGRESS:
            from qkms_cli.cli.progress import ProgressBar

            bar = ProgressBar(self.err, f"{request.get('KeyPairSpec', '')} pairs")
        caller = self.caller()
        try:
            if bar is None:
                return service.call(keystore, op, request, caller=caller)
            return service.call(keystore, op, request, caller=caller, progress=bar)
        except QkmsError as exc:
            exc.operation = op  # type: ignore[attr-defined]
            raise
        finally:
            if bar is not None:
                bar.close()
            if self.debug:
                self.debug_call(keystore, op, request)

    def debug_call(self, keystore: Any, op: str, request: dict[str, Any]) -> None:
        """--debug: where the call ran and what it named; member names only, never values."""
        from qkms_cli.service import debuginfo

        facts = debuginfo.describe(keystore, request)
        lines = [
            f"keystore: {facts['Keystore']}",
            f"master key mode: {facts['MasterKeyMode']}",
            f"operation: {op}",
            f"request members: {', '.join(sorted(request)) or '(none)'}",
            *(f"key ({member}): {arn}" for member, arn in facts["Keys"].items()),
        ]
        self.err.write("".join(f"qkms: debug: {line}\n" for line in lines))
        self.err.flush()

    def caller(self) -> Any:
        """Who a local call is made as: --principal, else $QKMS_PRINCIPAL, else the account root."""
        from qkms_cli import __version__
        from qkms_cli.service.caller import Caller

        principal = self.principal or os.environ.get("QKMS_PRINCIPAL") or None
        return Caller(principal=principal, user_agent=f"qkms-cli/{__version__}", via="cli")

    def _call_remote(self, op: str, request: dict[str, Any]) -> dict[str, Any]:
        """Validate as the service does (the same errors as locally), then send it."""
        from qkms_cli import service

        self.operation = op
        try:
            spec = service.validate(op, request)
            clean = {k: v for k, v in request.items() if v is not None}
            return self.client.call(op, clean, spec.input, spec.output)  # type: ignore[no-any-return]
        except QkmsError as exc:
            exc.operation = op  # type: ignore[attr-defined]
            raise

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
        if fmt == "off":
            return  # aws-cli's --output off: the call's effect and exit status only
        query = self.compiled_query()
        data = to_jsonable(response)
        if (
            self.query
            and "PrivateKeyPlaintext" in self.query
            and isinstance(data, dict)
            and "PrivateKeyCiphertextBlob" in data
            and "PrivateKeyPlaintext" not in data
        ):
            # Not a silent None: say why the member is absent and how to get the key.
            self.err.write(
                "qkms: note: this keystore keeps the private key of a data key pair inside "
                "(the seed's rule), so there is no PrivateKeyPlaintext; `qkms decrypt` of the "
                "PrivateKeyCiphertextBlob gives it back. Keystores made with `qkms keystore init "
                "--partition aws` return it, as AWS does.\n"
            )
        if query is not None:
            data = query.search(data)
        elif data == {}:
            return  # operations with an empty response print nothing, as aws-cli does
        if fmt == "table":
            from qkms_cli.output import render_table

            render_table(op, data, self.out, color=self.color or "auto")
        else:
            RENDERERS[fmt](op, data, self.out)
        self.out.flush()
