"""The audit trail: one CloudTrail-shaped event for every call, allowed, denied or failed.

Events keep what CloudTrail keeps and nothing secret: requestParameters only from the list
below (key ids, algorithms, key pair spec, encryption context, grant fields, ...), never a
plaintext, ciphertext, key, message, signature, MAC or grant token; responseElements null for
cryptographic and read-only operations. They are hash-chained and sealed (store/audit.py), so
`VerifyAuditTrail` detects an edited, deleted or reordered event. Also here: GetKeyLastUsage,
answered from the trail, and the trail's own operations (list, prune, verify).
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from qkms_cli import __version__
from qkms_cli.errors import (
    InvalidMarkerException,
    KeystoreError,
    ParamValidationError,
    QkmsError,
)
from qkms_cli.service import handles
from qkms_cli.service.common import find_key, key_arn, timestamp

if TYPE_CHECKING:
    from qkms_cli.service.authz import Access
    from qkms_cli.service.caller import Caller
    from qkms_cli.store.keystore import Keystore

EVENT_VERSION = "1.08"
# The principal column of a request refused before its sender was known (no or a bad signature).
ANONYMOUS = "anonymous"
EVENT_SOURCE = "kms.amazonaws.com"
# Request members an event keeps, with CloudTrail's lowerCamel names. Anything else (Plaintext,
# CiphertextBlob, Message, Signature, Mac, GrantToken(s), PrivateKeyCiphertextBlob, ...) is
# never written.
_KEPT = (
    "KeyId",
    "SourceKeyId",
    "DestinationKeyId",
    "TargetKeyId",
    "AliasName",
    "EncryptionContext",
    "SourceEncryptionContext",
    "DestinationEncryptionContext",
    "EncryptionAlgorithm",
    "SourceEncryptionAlgorithm",
    "DestinationEncryptionAlgorithm",
    "SigningAlgorithm",
    "MacAlgorithm",
    "MessageType",
    "KeyPairSpec",
    "KeySpec",
    "CustomerMasterKeySpec",
    "KeyUsage",
    "NumberOfBytes",
    "Description",
    "Tags",
    "TagKeys",
    "GranteePrincipal",
    "RetiringPrincipal",
    "Operations",
    "Constraints",
    "Name",
    "GrantId",
    "PendingWindowInDays",
    "RotationPeriodInDays",
    "PolicyName",
    "Policy",
    "BypassPolicyLockoutSafetyCheck",
    "DryRun",
    "Count",
    "Limit",
    "EventName",
    "User",
    "Since",
    "Until",
    "Errors",
    "Before",
)
# Response members kept for management operations that change something (CreateGrant's
# GrantToken is not among them).
_KEPT_RESPONSE = (
    "KeyMetadata",
    "KeyId",
    "GrantId",
    "DeletionDate",
    "KeyState",
    "PendingWindowInDays",
    "Pruned",
    "FirstSequence",
    "AnchorHash",
    "Before",
)
# Successful calls of these are uses of their keys (GetKeyLastUsage).
CRYPTOGRAPHIC = frozenset(
    {
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyPairs",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
        "SignWithDataKeyPair",
        "DecryptWithDataKeyPair",
        "DeriveSharedSecret",
        "Encapsulate",
        "Decapsulate",
    }
)
_READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Verify", "Inspect")
_READ_ONLY = CRYPTOGRAPHIC | {"GenerateRandom"}
# Writes small enough to run, authorization and audit event included, in one transaction.
SHORT_WRITES = frozenset(
    {
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "UpdateKeyDescription",
        "CreateAlias",
        "UpdateAlias",
        "DeleteAlias",
        "TagResource",
        "UntagResource",
        "EnableKeyRotation",
        "DisableKeyRotation",
        "PutKeyPolicy",
        "CreateGrant",
        "RetireGrant",
        "RevokeGrant",
        "PruneAuditEvents",
    }
)
# Operations that need the master key inside their transaction: it is obtained (a passphrase
# asked for) before the write lock is taken.
NEEDS_MASTER = frozenset({"PruneAuditEvents", "CreateKey"})


def short_write(keystore: Keystore, op: str, request: dict[str, Any]) -> bool:
    """Whether the call runs in one transaction with its event: small writes, and (in a SQLite
    keystore) CreateKey of every spec but RSA, whose prime search must not hold the write lock.
    A shared PostgreSQL keystore writes CreateKey's event in a transaction of its own, where
    parallel creators queue for the chain's head instead of failing their serialization check."""
    if op == "CreateKey":
        spec = request.get("KeySpec") or request.get("CustomerMasterKeySpec") or ""
        sqlite = type(keystore._db).__module__.endswith(".sqlite")
        return sqlite and not spec.startswith("RSA_")
    return op in SHORT_WRITES


PRUNE = "PruneAuditEvents"
_CAMEL = re.compile(r"^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]")
# ListAuditEvents: Limit 1..1000, default 50.
LIST_DEFAULT_LIMIT = 50


def _camel(name: str) -> str:
    """KeyId -> keyId, SSEKey -> sseKey: CloudTrail's member names."""
    return _CAMEL.sub(lambda m: m.group(0).lower(), name, count=1)


# Each kept request member and its CloudTrail name, worked out once.
_CAMEL_KEPT = {name: _camel(name) for name in _KEPT}


def _clean(value: Any) -> Any:
    """JSON-able, camelCase keys in structures, and never bytes."""
    if isinstance(value, dict):
        return {
            (_camel(k) if k[:1].isupper() and "Context" not in k else k): _clean(v)
            for k, v in value.items()
            if not isinstance(v, (bytes, bytearray))
        }
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value if not isinstance(v, (bytes, bytearray))]
    if isinstance(value, datetime):
        return _iso(value.timestamp())
    return value


def _context_clean(name: str, value: Any) -> Any:
    # Encryption context maps keep their keys exactly as given.
    if name.endswith("EncryptionContext") and isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if name == "Constraints" and isinstance(value, dict):
        return {_camel(k): v for k, v in value.items() if isinstance(v, dict)}
    return _clean(value)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _uuid() -> str:
    import uuid  # loaded already: click imports it

    return str(uuid.uuid4())


def request_parameters(request: Any) -> dict[str, Any] | None:
    if not isinstance(request, dict):
        return None
    kept = {
        _CAMEL_KEPT[name]: _context_clean(name, value)
        for name, value in request.items()
        if name in _CAMEL_KEPT and value is not None and not isinstance(value, (bytes, bytearray))
    }
    return kept or None


def _response_elements(op: str, response: dict[str, Any] | None) -> dict[str, Any] | None:
    if response is None or op in _READ_ONLY or op.startswith(_READ_ONLY_PREFIXES):
        return None
    kept = {_camel(n): _clean(response[n]) for n in _KEPT_RESPONSE if n in response}
    return kept or None


def _read_only(op: str) -> bool:
    return op in _READ_ONLY or op.startswith(_READ_ONLY_PREFIXES)


def record(
    keystore: Keystore,
    op: str,
    request: Any,
    caller: Caller | None,
    access: Access | None,
    started: float,
    *,
    response: dict[str, Any] | None = None,
    error: QkmsError | None = None,
    anonymous: bool = False,
) -> None:
    """Write the call's event: in the caller's transaction when there is one, else in its own.

    anonymous: the server refused the request before it knew who sent it (no or a bad
    signature); the event says so instead of naming the caller's claimed principal."""
    from qkms_cli.service.authz import principal_arn, root_arn, user_name
    from qkms_cli.store import audit

    if anonymous:
        principal = ANONYMOUS
    elif access is not None:
        principal = access.principal
    else:
        try:
            principal = principal_arn(keystore, caller)
        except ParamValidationError:
            principal = str(caller.principal) if caller is not None else root_arn(keystore)
    key_ids = list(access.key_ids) if access is not None else []
    key_ids += [k for k in getattr(error, "key_ids", []) if k not in key_ids]
    created = (response or {}).get("KeyMetadata") if op == "CreateKey" else None
    if created:
        key_ids.append(created["KeyId"])
    account = keystore.account_id
    name = user_name(principal)
    if anonymous:
        identity: dict[str, Any] = {"type": "Unknown", "accountId": account}
    else:
        identity = {
            "type": "Root" if principal.endswith(":root") else "IAMUser",
            "principalId": name or account,
            "arn": principal,
            "accountId": account,
        }
    if caller is not None and caller.access_key_id:
        identity["accessKeyId"] = caller.access_key_id
    if name:
        identity["userName"] = name
    event: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity,
        "eventTime": _iso(started),
        "eventSource": EVENT_SOURCE,
        "eventName": op,
        "awsRegion": _region(keystore),
        "sourceIPAddress": (caller.source_ip if caller is not None else None) or "local",
        "userAgent": (caller.user_agent if caller is not None else None)
        or f"qkms-cli/{__version__}",
        "requestParameters": request_parameters(request),
        "responseElements": _response_elements(op, response) if error is None else None,
        "requestID": (caller.request_id if caller is not None else None) or _uuid(),
        "eventID": _uuid(),
        "readOnly": _read_only(op),
        "resources": [
            {"accountId": account, "type": "AWS::KMS::Key", "ARN": key_arn(keystore, k)}
            for k in key_ids
        ],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if error is not None:
        event["errorCode"] = (
            error.code if error.code != "ParamValidation" else "ValidationException"
        )
        event["errorMessage"] = error.message
    # ASCII JSON: the record hashes the same everywhere, lone surrogates included.
    text = json.dumps(event, sort_keys=True, separators=(",", ":"))
    columns = {
        "event_time": started,
        "event_name": _storable(op),
        "principal": _storable(principal),
        "key_id": key_ids[0] if key_ids else None,
        "key_id2": key_ids[1] if len(key_ids) > 1 else None,
        "error_code": event.get("errorCode"),
        "used": error is None and op in CRYPTOGRAPHIC,
    }
    audit.append(
        keystore, columns, text.encode("utf-8"), _seal_key(keystore), required=error is None
    )


def _storable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _seal_key(keystore: Keystore) -> bytes | None:
    """The chain's seal key when this process already holds the master key; None otherwise, so
    a call that needs no secret never asks for a passphrase (a later call seals its event)."""
    master = getattr(keystore, "_master", None)
    if not isinstance(master, bytes):
        return None
    global _SEAL_KEY
    cached = _SEAL_KEY
    if cached is None or cached[0] != master:
        from qkms_cli.store import audit

        cached = _SEAL_KEY = (master, audit.audit_key(master))
    return cached[1]


# The last master key seen and its seal key (HKDF): derived once a process, not once a call.
# One slot, so a rekeyed keystore's old master key is not kept here.
_SEAL_KEY: tuple[bytes, bytes] | None = None


def _region(keystore: Keystore) -> str:
    region = keystore.partition[1]
    return region or "local"


# -- GetKeyLastUsage -----------------------------------------------------------------------------


@handles("GetKeyLastUsage")
def get_key_last_usage(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import audit

    key = find_key(keystore, request["KeyId"])
    row = audit.last_use(keystore, key["key_id"])
    usage: dict[str, Any] = {}
    if row is not None:
        event = json.loads(row["record"])
        usage = {
            "Operation": event["eventName"],
            "Timestamp": _parse_iso(event["eventTime"]),
            "CloudTrailEventId": event["eventID"],
            "KmsRequestId": event["requestID"],
        }
    first = audit.first_time(keystore)
    start = key["created"] if first is None else max(key["created"], first)
    return {
        "KeyId": key["key_id"],
        "KeyLastUsage": usage,
        "TrackingStartDate": timestamp(start),
        "KeyCreationDate": timestamp(key["created"]),
    }


def _parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# -- the trail's own operations ------------------------------------------------------------------

# Patterns, compiled by re on first use (the trail's own operations), not at every start.
_RELATIVE = r"^(\d+)([smhd])$"
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_KEY_ID = r"(?:^|key/)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"


def parse_time(keystore: Keystore, text: str, member: str) -> float:
    """A date: ISO 8601 (2026-12-01, 2026-12-01T10:00:00Z), epoch seconds, or an age (30d, 12h)."""
    value = text.strip()
    relative = re.match(_RELATIVE, value)
    if relative:
        return keystore.now() - int(relative[1]) * _UNIT[relative[2]]
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ParamValidationError(
            f"Invalid value for {member}: {text!r}. Give a date (2026-12-01 or "
            "2026-12-01T10:00:00Z), epoch seconds, or an age such as 30d or 12h.",
            member=member,
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


@handles("ListAuditEvents")
def list_audit_events(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import audit

    limit = request.get("Limit", LIST_DEFAULT_LIMIT)
    marker = request.get("Marker")
    if marker is not None and not marker.isdigit():
        raise InvalidMarkerException(f"Invalid marker '{marker}': pass a NextMarker it returned.")
    key_id = None
    if request.get("KeyId"):
        match = re.search(_KEY_ID, request["KeyId"])
        key_id = match[1] if match else find_key(keystore, request["KeyId"])["key_id"]
    user = request.get("User")
    principal = user if user and user.startswith("arn:") else None
    user_name = user if user and not user.startswith("arn:") else None
    since = parse_time(keystore, request["Since"], "Since") if request.get("Since") else None
    until = parse_time(keystore, request["Until"], "Until") if request.get("Until") else None
    rows = audit.page(
        keystore,
        key_id=key_id,
        event_name=request.get("EventName"),
        principal=principal,
        user_name=user_name,
        since=since,
        until=until,
        errors=bool(request.get("Errors")),
        marker=int(marker) if marker is not None else None,
        limit=limit + 1,
        forward=bool(request.get("ScanForward")),
    )
    page = rows[:limit]
    response: dict[str, Any] = {"Events": [json.loads(r["record"]) for r in page]}
    if len(rows) > limit:
        response["NextMarker"] = str(page[-1]["seq"])
    response["Truncated"] = len(rows) > limit
    return response


@handles("PruneAuditEvents")
def prune_audit_events(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    """Delete the events before a date; the call's own event records what was cut, so that
    `VerifyAuditTrail` knows where the chain now starts."""
    from qkms_cli.store import audit

    before = parse_time(keystore, request["Before"], "Before")
    keystore.master_key()  # the prune's event must be sealed
    with keystore.write():
        head = audit.head(keystore)
        first = audit.first(keystore)
        if head is None or first is None:
            return {"Pruned": 0, "Before": timestamp(before)}
        # The newest event always stays: the chain goes on from it (and it numbers the next).
        cut = min(audit.cut_point(keystore, before) or head["seq"], head["seq"])
        if cut <= first["seq"]:
            pruned, first_seq, anchor = 0, first["seq"], first["prev_hash"]
        else:
            anchor_row = keystore._one("SELECT hash FROM audit_events WHERE seq = ?", (cut - 1,))
            anchor = anchor_row["hash"] if anchor_row else audit.GENESIS
            pruned, first_seq = audit.delete_before(keystore, cut), cut
    return {
        "Pruned": pruned,
        "Before": timestamp(before),
        "FirstSequence": first_seq,
        "AnchorHash": anchor.hex(),
    }


@handles("VerifyAuditTrail")
def verify_audit_trail(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    """Recompute every link and check every seal; KeystoreError listing what does not hold."""
    from qkms_cli.store import audit

    key = audit.audit_key(keystore.master_key())
    problems: list[str] = []
    with audit.snapshot(keystore):
        first_seq, anchor = 1, audit.GENESIS
        prune = audit.latest_ok(keystore, PRUNE)
        if prune is not None:
            elements = json.loads(prune["record"]).get("responseElements") or {}
            if not (
                prune["seal"] is not None
                and audit.seal_ok(key, prune["seq"], prune["hash"], prune["seal"])
            ):
                problems.append(f"event {prune['seq']} (audit prune) is not sealed or altered")
            first_seq = int(elements.get("firstSequence", 1))
            anchor = bytes.fromhex(str(elements.get("anchorHash", audit.GENESIS.hex())))
        count = sealed = unsealed = 0
        previous: dict[str, Any] | None = None
        last = None
        for row in audit.walk(keystore):
            count += 1
            seq = row["seq"]
            if previous is None:
                if seq != first_seq or row["prev_hash"] != anchor:
                    problems.append(
                        f"event {seq}: the events before it were deleted (not by audit prune)"
                    )
            else:
                if seq != previous["seq"] + 1:
                    problems.append(
                        f"events {previous['seq'] + 1} to {seq - 1} are missing (deleted)"
                    )
                if row["prev_hash"] != previous["hash"]:
                    problems.append(
                        f"event {seq}: does not follow event {previous['seq']} "
                        "(reordered, or its predecessor was altered)"
                    )
            if audit.link(row["prev_hash"], seq, row["record"].encode("utf-8")) != row["hash"]:
                problems.append(f"event {seq}: altered (its content does not match its link)")
            if row["seal"] is not None:
                if audit.seal_ok(key, seq, row["hash"], row["seal"]):
                    sealed += 1
                    unsealed = 0
                else:
                    problems.append(
                        f"event {seq}: its seal does not verify (altered, or forged without "
                        "the master key)"
                    )
            else:
                unsealed += 1
            previous, last = row, seq
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise KeystoreError(
            f"audit verify found {len(problems)} problem(s) in the audit trail of "
            f"{keystore.path}:\n{lines}{more}"
        )
    return {
        "Events": count,
        "FirstSequence": first_seq if count else None,
        "LastSequence": last,
        "Sealed": sealed,
        "UnsealedTail": unsealed,
    }
