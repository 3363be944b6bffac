"""The ASGI application: an HTTP request -> (operation, request, caller) -> service.call -> JSON 1.1.

Everything about HTTP (routing, limits, authentication, the wire format, error bodies) is here;
everything about an operation is in the service. The keystore work runs in a small pool of
threads, each with its own keystore connection (SQLite connections belong to one thread), so a
slow operation (an RSA key pair) does not stall the requests behind it on the event loop.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from qkms_cli import service, sigv4, wire
from qkms_cli.errors import (
    ApiError,
    KMSInternalException,
    ParamValidationError,
    QkmsError,
    SerializationException,
    UnknownOperationException,
)
from qkms_cli.server.config import MAX_BODY, ServeConfig, is_loopback
from qkms_cli.service.caller import Caller, request_uuid

_JSON = wire.CONTENT_TYPE.encode()
_TIMEOUT = getattr(asyncio, "timeout", None)  # Python 3.11 and later
_RESET_PATHS = ("/moto-api/reset", "/_localstack/state/reset")
# Operations cheap enough to run on the event loop itself: AES-GCM, HMAC, a few keystore reads.
# Handing such a call to a pool thread costs more CPU than the call (measured: GenerateDataKey
# 0.64 ms of CPU a request through the pool, 0.36 ms on the loop). Their audit events go to the
# writer thread and are awaited, so the loop never waits for the write lock. Anything that may
# take milliseconds of CPU (an RSA private key, a key pair, a passphrase) or writes goes to the
# pool.
_INLINE = frozenset(
    {
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateRandom",
        "GenerateMac",
        "VerifyMac",
        "DescribeKey",
    }
)
# A Decrypt or ReEncrypt naming one of these is an RSA or SM2 private-key operation: the pool.
_ASYMMETRIC_MARKS = (b"RSAES_", b"SM2PKE")


class HttpError(Exception):
    """An answer decided before any operation ran: status, `__type` and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Application:
    """One per worker process: the configuration, the thread pool and its keystores."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self._operations = frozenset(service.operation_names())
        self._loopback_hosts: set[str] = set()  # Host headers already found to be loopback
        self._inline = False
        # The events of the calls the loop runs itself (_INLINE): written from the loop.
        self._loop_writer: Any = None

    # -- the keystore, one connection per thread ----------------------------------------------

    def keystore(self) -> Any:
        store = getattr(self._local, "keystore", None)
        if store is None:
            store = self._local.keystore = self._open_keystore()
        return store

    def _open_keystore(self) -> Any:
        store = service.open_keystore(self.config.home, create=False)
        store.master_key()  # a wrong passphrase fails here, once, not in every request
        return store

    def _start_writer(self) -> None:
        """The worker's audit writers, each on a keystore connection of its own: a thread for
        the pool's calls, and the event loop itself for the calls it runs."""
        from qkms_cli.store import audit

        audit.start_writer(self._open_keystore)
        if self._inline:
            loop = asyncio.get_running_loop()
            self._loop_writer = audit.LoopWriter(loop, self._open_keystore())

    def close(self) -> None:
        """Finish the work in flight; each pool thread's connection goes with its thread."""
        from qkms_cli.store import audit

        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        audit.stop_writer()  # after the calls in flight: their events are written first
        if self._loop_writer is not None:
            self._loop_writer.close()
            self._loop_writer = None
        store = getattr(self._local, "keystore", None)
        if store is not None:  # the event loop's own (threads=0)
            store.close()
            self._local.keystore = None

    async def _open_all(self) -> None:
        """Open every thread's keystore before the first request, not while others serve.

        The barrier holds each task until all have started, so the pool makes all its threads
        now; it never makes another later, and so never opens a keystore mid-traffic.
        """
        # The event loop's own keystore, for the operations it runs itself (_INLINE); on a
        # local SQLite file only: PostgreSQL's round trips would hold the loop up meanwhile.
        self._inline = self.keystore().dialect == "sqlite"
        if self._pool is None:
            return
        barrier = threading.Barrier(self.config.threads, timeout=60)

        def open_here() -> None:
            barrier.wait()
            self.keystore()

        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._pool, open_here) for _ in range(self.config.threads))
        )

    async def _run(self, func: Any, *args: Any) -> Any:
        if self._pool is None:
            return func(*args)
        return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)

    async def _run_inline(self, func: Any, *args: Any) -> tuple[int, bytes]:
        """Run an operation on the event loop; answer once its audit events are committed."""
        from qkms_cli.store import audit

        deferred: list[tuple[asyncio.Future[Any], bool]] = []
        with audit.deferring(self._loop_writer, deferred):
            status, body = func(*args)
        for future, required in deferred:
            try:
                await future  # resolved by the writer once the event is committed
            except Exception as exc:
                if not required:  # a failed call's event: its own error is the answer
                    continue
                # An answer whose event is not written is no answer.
                if isinstance(exc, QkmsError):
                    message = exc.message
                else:  # the operator's log has what went wrong, the client only that it did
                    print("qkms serve: the audit trail's writer failed:", file=sys.stderr)
                    traceback.print_exc(file=sys.stderr)
                    message = "The audit trail could not be written."
                status, body = 500, wire.encode_error(KMSInternalException.code, message)
        return status, body

    # -- ASGI ----------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.config.threads > 0:
                        self._pool = ThreadPoolExecutor(
                            self.config.threads, thread_name_prefix="qkms-keystore"
                        )
                    await self._open_all()
                    self._start_writer()
                except QkmsError as exc:
                    await send({"type": "lifespan.startup.failed", "message": exc.message})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # When the request arrived (stamped by protocol.py; now, under another protocol).
        received = scope.get("qkms.received") or time.monotonic()
        request_id = request_uuid()
        try:
            status, body = await self._answer(scope, receive, request_id, received)
        except HttpError as exc:
            status, body = exc.status, wire.encode_error(exc.code, exc.message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", _JSON),
                    (b"x-amzn-RequestId", request_id.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, scope: dict[str, Any], receive: Any, request_id: str, received: float
    ) -> tuple[int, bytes]:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        if self.config.auth == "none":
            self._check_host(headers)
        method, path = scope["method"], scope["path"]
        if path == "/health":
            if method not in ("GET", "HEAD"):
                raise HttpError(405, "MethodNotAllowed", "/health answers GET.")
            return 200, b'{"status":"ok"}'
        if path in _RESET_PATHS and self.config.allow_reset:
            if method != "POST":
                raise HttpError(405, "MethodNotAllowed", f"{path} answers POST.")
            await self._body(receive, headers)
            await self._run(self._reset)
            return 200, b'{"status":"ok"}'
        if path != "/":
            raise HttpError(
                404, "NotFound", f"There is nothing at {path[:200]}; the API is POST /."
            )
        if method != "POST":
            raise HttpError(
                405,
                "MethodNotAllowed",
                "The KMS API answers POST / (X-Amz-Target: TrentService.<Operation>).",
            )
        target = next((v for k, v in headers if k == "x-amz-target"), None)
        op = wire.operation_of(target)
        if op is None or op not in self._operations:
            unknown = UnknownOperationException(
                f"X-Amz-Target {target[:200]!r} names no operation of TrentService."
                if target
                else "The request has no X-Amz-Target header (TrentService.<Operation>)."
            )
            client = scope.get("client") or (None, None)
            user_agent = next((v for k, v in headers if k == "user-agent"), None)
            caller = Caller(None, None, client[0], user_agent, via="http", request_id=request_id)
            name = (op or target or "(no X-Amz-Target)")[:128]
            if self._inline:
                return await self._run_inline(self._refuse, name, caller, unknown)
            return await self._run(self._refuse, name, caller, unknown)
        body = await self._body(receive, headers)
        query = scope.get("query_string", b"").decode("latin-1")
        raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1")
        client = scope.get("client") or (None, None)
        args = (op, body, method, raw_path, query, headers, client[0], request_id, received)
        if self._inline and op in _INLINE and not any(m in body for m in _ASYMMETRIC_MARKS):
            return await self._run_inline(self._operate, *args)
        return await self._run(self._operate, *args)

    def _check_host(self, headers: list[tuple[str, str]]) -> None:
        """--auth none answers only requests addressed to a loopback name: no DNS rebinding."""
        host = next((v for k, v in headers if k == "host"), None)
        if host is None or host in self._loopback_hosts:
            return
        if host.startswith("["):
            name = host[: host.find("]") + 1] if "]" in host else host
        elif host.count(":") == 1:
            name = host.split(":", 1)[0]
        else:
            name = host
        if is_loopback(name):
            if len(self._loopback_hosts) < 64:  # the few a client uses, not all it could send
                self._loopback_hosts.add(host)
        else:
            raise HttpError(
                403,
                "AccessDeniedException",
                f"qkms serve --auth none answers only requests addressed to a loopback name, "
                f"not Host {host[:200]!r} (a defence against DNS rebinding).",
            )

    async def _body(self, receive: Any, headers: list[tuple[str, str]]) -> bytes:
        length = next((v for k, v in headers if k == "content-length"), None)
        if length is not None and length.strip().isdigit() and int(length) > MAX_BODY:
            raise HttpError(
                413, "RequestEntityTooLarge", f"The request body is over {MAX_BODY} bytes."
            )
        try:
            if _TIMEOUT is None:  # Python 3.10
                return await asyncio.wait_for(self._read(receive), self.config.client_timeout)
            # One timer, not wait_for's extra task a request.
            async with _TIMEOUT(self.config.client_timeout):
                return await self._read(receive)
        except asyncio.TimeoutError:
            raise HttpError(
                408,
                "RequestTimeout",
                f"The request body did not arrive within {self.config.client_timeout:g} s.",
            ) from None

    @staticmethod
    async def _read(receive: Any) -> bytes:
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise HttpError(400, "ClientDisconnected", "The client went away.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise HttpError(
                    413, "RequestEntityTooLarge", f"The request body is over {MAX_BODY} bytes."
                )
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    # -- in a keystore thread -------------------------------------------------------------------

    def _operate(
        self,
        op: str,
        body: bytes,
        method: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        source_ip: str | None,
        request_id: str,
        received: float,
    ) -> tuple[int, bytes]:
        user_agent = next((v for k, v in headers if k == "user-agent"), None)
        caller = Caller(
            None, None, source_ip, user_agent, via="http", request_id=request_id, received=received
        )
        claimed: dict[str, str] = {}
        try:
            store = self.keystore()
            spec = service.spec(op)
            try:
                if self.config.auth == "sigv4":
                    signed = self._authenticate(
                        store, claimed, method, raw_path, query, headers, body
                    )
                    caller = caller._replace(principal=signed[0], access_key_id=signed[1])
                request = wire.decode(body, spec.input)
            except (ApiError, ParamValidationError) as exc:
                if caller.principal is None and "akid" in claimed:
                    caller = caller._replace(access_key_id=claimed["akid"])
                self._refused(store, op, caller, exc)
                raise
            response = service.call(store, op, request, caller=caller)
            return 200, wire.encode(response, spec.output)
        except ParamValidationError as exc:
            return 400, wire.encode_error("ValidationException", exc.message)
        except ApiError as exc:
            status = 500 if isinstance(exc, KMSInternalException) else 400
            return status, wire.encode_error(exc.code, exc.message)
        except QkmsError as exc:  # the keystore itself failed (KeystoreError)
            return 500, wire.encode_error(KMSInternalException.code, exc.message)
        except Exception:
            # Logged for the operator; the client learns only that it failed, and where to look.
            print(f"qkms serve: request {request_id} ({op}) failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            return 500, wire.encode_error(
                KMSInternalException.code,
                f"An internal error occurred (request {request_id}); the server's log has it.",
            )

    def _authenticate(
        self,
        store: Any,
        claimed: dict[str, str],
        method: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> tuple[str, str]:
        """(user ARN, access key id) of a request signed (SigV4) with a known access key; the
        access key id a refused request claims is left in `claimed` for its audit event."""
        from qkms_cli.service import access_keys

        found: dict[str, str] = {}

        def secret_for(akid: str) -> str | None:
            claimed["akid"] = akid[:128]
            creds = access_keys.credentials(store, akid)
            if creds is None:
                return None
            found["principal"] = creds[0]
            return creds[1]

        signed = sigv4.verify(method, raw_path, query, headers, body, secret_for=secret_for)
        return found["principal"], signed.access_key_id

    def _refuse(self, op: str, caller: Caller, error: ApiError) -> tuple[int, bytes]:
        """Answer a request for no known operation, with its event."""
        self._refused(self.keystore(), op, caller, error)
        return 400, wire.encode_error(error.code, error.message)

    def _refused(self, store: Any, op: str, caller: Caller, error: Exception) -> None:
        """The audit event of a request refused before service.call (bad signature, bad body,
        unknown operation): it never ran, but the trail shows that someone tried. Best effort:
        the refusal is the answer either way."""
        from qkms_cli.service import audit

        if not isinstance(error, QkmsError):
            return
        anonymous = caller.principal is None and self.config.auth == "sigv4"
        try:
            audit.record(store, op, {}, caller, None, store.now(), error=error, anonymous=anonymous)
        except Exception:  # the refusal is what the client hears; the server's log has this
            print(f"qkms serve: request {caller.request_id} refused, unrecorded", file=sys.stderr)

    def _reset(self) -> None:
        from qkms_cli.service import access_keys

        access_keys.reset_keystore(self.keystore())


def create_app() -> Application:
    """uvicorn's factory: each worker builds its application from the configuration it inherits."""
    return Application(ServeConfig.load())


__all__ = ["Application", "HttpError", "SerializationException", "create_app"]
