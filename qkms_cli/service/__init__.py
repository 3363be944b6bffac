"""The API: one handler per operation behind the single entry point `call(keystore, op, request)`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from qkms_cli.errors import KMSInternalException, ParamValidationError, QkmsError
from qkms_cli.service.validate import validate_request

if TYPE_CHECKING:
    from qkms_cli.service.caller import Caller
    from qkms_cli.store.keystore import Keystore

Handler = Callable[["Keystore", dict[str, Any]], dict[str, Any]]

# The module that registers each operation's handler: a call imports only the one it needs, so
# start-up does not pay for every handler's imports (tests/test_startup.py keeps this complete).
# How often an operation runs when a shared keystore's connection drops under it, or PostgreSQL
# aborts its transaction as one of two that could not both commit (call()).
TRANSIENT_ATTEMPTS = 8

_HANDLER_MODULES: dict[str, tuple[str, ...]] = {
    "keys": (
        "CreateKey",
        "DescribeKey",
        "ListKeys",
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "UpdateKeyDescription",
    ),
    "aliases": ("CreateAlias", "UpdateAlias", "DeleteAlias", "ListAliases"),
    "crypto": (
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateRandom",
    ),
    "asymmetric": (
        "GetPublicKey",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
        "SignWithDataKeyPair",
        "DecryptWithDataKeyPair",
    ),
    "rotation": (
        "EnableKeyRotation",
        "DisableKeyRotation",
        "GetKeyRotationStatus",
        "RotateKeyOnDemand",
        "ListKeyRotations",
    ),
    "tags": ("TagResource", "UntagResource", "ListResourceTags"),
    "blobinfo": ("InspectBlob",),
    "pool": ("GenerateDataKeyPairs", "FillKeyPairPool", "DescribeKeyPairPool", "ClearKeyPairPool"),
    "importing": ("GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"),
    "kem": ("Encapsulate", "Decapsulate", "DecapsulateWithDataKeyPair"),
    "agreement": ("DeriveSharedSecret",),
    "refusals": (
        "DescribeCustomKeyStores",
        "CreateCustomKeyStore",
        "ConnectCustomKeyStore",
        "DisconnectCustomKeyStore",
        "DeleteCustomKeyStore",
        "UpdateCustomKeyStore",
        "ReplicateKey",
        "UpdatePrimaryRegion",
    ),
    "grants": ("CreateGrant", "ListGrants", "ListRetirableGrants", "RetireGrant", "RevokeGrant"),
    "keypolicy": ("GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies"),
    "audit": ("GetKeyLastUsage", "ListAuditEvents", "PruneAuditEvents", "VerifyAuditTrail"),
}
_HANDLERS: dict[str, Handler] = {}
# Operations whose handlers take progress=callable(done, total) and report as they go.
REPORTS_PROGRESS = frozenset({"GenerateDataKeyPairs", "FillKeyPairPool"})
# Operations that never change the keystore: run on a home with no keystore, they refuse (exit 253)
# rather than make an empty one, so a mistyped QKMS_HOME is not mistaken for an empty keystore.
# The rest may write and make the keystore on first use. GenerateRandom reads no key, so it is
# not here: it works on a fresh install.
READ_ONLY = frozenset(
    {
        "DescribeKey",
        "ListKeys",
        "ListAliases",
        "GetKeyRotationStatus",
        "ListKeyRotations",
        "ListResourceTags",
        "GetPublicKey",
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
        "SignWithDataKeyPair",
        "DecryptWithDataKeyPair",
        "InspectBlob",
        "DescribeKeyPairPool",
        "DescribeCustomKeyStores",
        "GetKeyPolicy",
        "ListKeyPolicies",
        "GetKeyLastUsage",
        "GetParametersForImport",
        "ListGrants",
        "ListRetirableGrants",
        "DeriveSharedSecret",
        "Decapsulate",
        "Encapsulate",
        "DecapsulateWithDataKeyPair",
        # The audit trail of a keystore not yet made is empty: nothing to list, prune or verify.
        "ListAuditEvents",
        "PruneAuditEvents",
        "VerifyAuditTrail",
    }
)


# Request members that name a key or a blob sealed by one: no such key is in a keystore not yet
# made, so a request naming one needs an existing keystore whatever the operation.
_NAMES_A_KEY = (
    "KeyId",
    "TargetKeyId",
    "SourceKeyId",
    "DestinationKeyId",
    "CiphertextBlob",
    "PrivateKeyCiphertextBlob",
)


def needs_existing_keystore(name: str, request: dict[str, Any]) -> bool:
    """True when operation `name` cannot succeed on a keystore made for it: it must not make one.

    That is a read-only operation, or a request that names a key (which a new keystore lacks).
    """
    return name in READ_ONLY or any(request.get(m) is not None for m in _NAMES_A_KEY)


class OperationSpec(NamedTuple):
    """An operation's shapes and rules (a tuple: cheaper than a dataclass at start-up)."""

    name: str
    doc: str
    input: dict[str, Any]
    required: list[str]
    output: dict[str, Any]
    errors: list[str]


def operation_names() -> list[str]:
    from qkms_cli.service.extra_model import EXTRA_OPERATIONS
    from qkms_cli.service.model import AWS_OPERATIONS

    return [*AWS_OPERATIONS, *EXTRA_OPERATIONS]


def spec(name: str) -> OperationSpec:
    """The request and response shapes of an operation: the one registry of its rules."""
    from qkms_cli.service.extra_model import EXTRA_OPERATIONS
    from qkms_cli.service.model import AWS_OPERATIONS

    raw = AWS_OPERATIONS.get(name) or EXTRA_OPERATIONS.get(name)
    if raw is None:
        raise ParamValidationError(f"Unknown operation: {name}")
    return OperationSpec(
        name, raw["doc"], raw["input"], raw["required"], raw["output"], raw.get("errors", [])
    )


def handles(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of operation `name`."""

    def register(func: Handler) -> Handler:
        _HANDLERS[name] = func
        return func

    return register


def _handler(name: str) -> Handler:
    if name not in _HANDLERS:
        # An operation missing from the table still works, at the cost of importing them all.
        modules = [m for m, ops in _HANDLER_MODULES.items() if name in ops] or _HANDLER_MODULES
        for module in modules:
            importlib.import_module(f"qkms_cli.service.{module}")
    try:
        return _HANDLERS[name]
    except KeyError:
        raise ParamValidationError(f"Operation {name} is not implemented by qkms.") from None


def validate(name: str, request: dict[str, Any]) -> OperationSpec:
    op = spec(name)
    validate_request(op.input, op.required, request)
    return op


def call(
    keystore: Keystore,
    name: str,
    request: dict[str, Any],
    *,
    caller: Caller | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Validate request against the model of operation `name`, authorize it, run it, audit it.

    caller says who calls and from where (None: the keystore account's root, through the CLI);
    it is data handed in, for the one authorization step (service/authz.py) and the audit trail
    (service/audit.py): every call, allowed, denied or failed, becomes one event.
    Long operations (GenerateDataKeyPairs, FillKeyPairPool) report progress(done, total) to
    the caller when it asks; the service never draws it.
    """
    from qkms_cli.service import audit

    started = keystore.now()
    keystore.new_call(caller.received if caller is not None else None)
    box: list[Any] = []  # the call's Access, once authorized (for a failure's event)
    try:
        validate(name, request)
        clean = {k: v for k, v in request.items() if v is not None}
        for attempt in range(TRANSIENT_ATTEMPTS):
            try:
                response, recorded = _attempt(keystore, name, clean, caller, progress, started, box)
                break
            except QkmsError as exc:
                # A shared keystore's dropped connection or serialization failure rolled the
                # operation's transaction back: it is run again from the start, a few times.
                if not getattr(exc, "transient", False) or attempt == TRANSIENT_ATTEMPTS - 1:
                    raise
                import random
                import time

                # Apart again, not in step with the transaction that won.
                time.sleep(random.uniform(0, 0.002 * 2**attempt))
        else:  # pragma: no cover
            raise AssertionError("unreachable")
    except QkmsError as exc:
        _record_failure(keystore, name, request, caller, box[0] if box else None, started, exc)
        raise
    except Exception:
        failure = KMSInternalException("An unexpected error ended the call.")
        _record_failure(keystore, name, request, caller, box[0] if box else None, started, failure)
        raise
    if not recorded:
        audit.record(keystore, name, clean, caller, box[0], started, response=response)
    return response


def _attempt(
    keystore: Keystore,
    name: str,
    clean: dict[str, Any],
    caller: Caller | None,
    progress: Callable[[int, int], None] | None,
    started: float,
    box: list[Any],
) -> tuple[dict[str, Any], bool]:
    """Authorize and run the call once: (response, whether its event is already written)."""
    from qkms_cli.service import audit, authz

    box.clear()
    if audit.short_write(keystore, name, clean):
        if name in audit.NEEDS_MASTER:
            keystore.master_key()  # asked for before the write lock is taken
        # The change and its event commit together, authorized on the state they change; under
        # the chain's lock, as every event's own transaction is (store/audit.py).
        with keystore.write(lock=True):
            box.append(authz.authorize(keystore, name, clean, caller))
            response = _run(keystore, name, clean, progress)
            audit.record(keystore, name, clean, caller, box[0], started, response=response)
        return response, True
    box.append(authz.authorize(keystore, name, clean, caller))
    return _run(keystore, name, clean, progress), False


def _run(
    keystore: Keystore,
    name: str,
    request: dict[str, Any],
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    if progress is not None:
        return _handler(name)(keystore, request, progress=progress)  # type: ignore[call-arg]
    return _handler(name)(keystore, request)


def _record_failure(
    keystore: Keystore,
    name: str,
    request: Any,
    caller: Caller | None,
    access: Any,
    started: float,
    error: QkmsError,
) -> None:
    """The failed call's event; a trail that cannot be written then must not hide the error."""
    from qkms_cli.service import audit

    try:
        audit.record(keystore, name, request, caller, access, started, error=error)
    except Exception:  # the call's own error is the one to report
        pass


def open_keystore(
    home: str | None, *, prompt: Callable[..., Any] | None = None, create: bool = True
) -> Keystore:
    """The keystore the CLI works on: credentials from the environment, a prompt if given."""
    from qkms_cli.store.keystore import Keystore
    from qkms_cli.store.master import Credentials

    return Keystore.open(home, credentials=Credentials.from_env(prompt=prompt), create=create)
