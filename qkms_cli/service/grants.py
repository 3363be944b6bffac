"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant; grant tokens.

A grant lets its grantee principal use one key for the listed operations, optionally only with a
given encryption context. Grants here take effect at once; a grant token (what CreateGrant
returns) is accepted in every request's GrantTokens, checked to be well formed and to come from
this keystore (InvalidGrantTokenException otherwise). A token is not a credential: only the
grantee principal gets what the grant allows.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import TYPE_CHECKING, Any

from qkms_cli.engine.digest import sha256
from qkms_cli.errors import (
    InvalidArnException,
    InvalidGrantIdException,
    InvalidGrantTokenException,
    InvalidMarkerException,
    NotFoundException,
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import (
    dry_run,
    find_key,
    key_arn,
    require_state,
    root_arn,
    timestamp,
)

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_TOKEN_MAGIC = b"QKGT\x01"
_TAG_SIZE = 8
_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")
_PRINCIPAL = re.compile(r"^arn:[a-z][a-z0-9-]*:iam::\d{12}:(root|(user|role)/[\w+=,.@/-]+)$")
# ListGrants and ListRetirableGrants: Limit 1..100, default 50 (the API reference).
LIST_DEFAULT_LIMIT = 50
LIST_MAX_LIMIT = 100

# The grant operations each type of key supports (the key type reference of AWS's developer
# guide): the symmetric encryption key by its spec, the others by their key usage. CreateGrant
# refuses any other operation with ValidationException, as AWS does.
_EVERY_KEY = ("CreateGrant", "RetireGrant", "DescribeKey")
GRANT_OPERATIONS: dict[str, tuple[str, ...]] = {
    "SYMMETRIC_DEFAULT": (
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        *_EVERY_KEY,
    ),
    # RSA keys that encrypt
    "ENCRYPT_DECRYPT": (
        "Decrypt",
        "Encrypt",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GetPublicKey",
        *_EVERY_KEY,
    ),
    "SIGN_VERIFY": ("Sign", "Verify", "GetPublicKey", *_EVERY_KEY),
    "GENERATE_VERIFY_MAC": ("GenerateMac", "VerifyMac", *_EVERY_KEY),
    "KEY_AGREEMENT": ("DeriveSharedSecret", "GetPublicKey", *_EVERY_KEY),
    "ENCAPSULATE_DECAPSULATE": ("Encapsulate", "Decapsulate", "GetPublicKey", *_EVERY_KEY),
}
_SYMMETRIC = "SYMMETRIC_DEFAULT"


def grant_operations(key: dict[str, Any]) -> tuple[str, ...]:
    """The operations a grant on this key may allow."""
    if key["key_spec"] == _SYMMETRIC:
        return GRANT_OPERATIONS[_SYMMETRIC]
    return GRANT_OPERATIONS.get(key["key_usage"], _EVERY_KEY)


# -- tokens --------------------------------------------------------------------------------------


def _keystore_tag(keystore: Keystore) -> bytes:
    identity = f"{keystore.account_id}:{keystore.meta('created')}".encode()
    return sha256(b"qkms grant token\0" + identity)[:_TAG_SIZE]


def make_token(keystore: Keystore, grant_id: str) -> str:
    raw = _TOKEN_MAGIC + _keystore_tag(keystore) + bytes.fromhex(grant_id) + os.urandom(16)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_grant_id(keystore: Keystore, token: str) -> str:
    """The grant id a token names; InvalidGrantTokenException for a malformed or foreign one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    size = len(_TOKEN_MAGIC) + _TAG_SIZE + 32 + 16
    if len(raw) != size or not raw.startswith(_TOKEN_MAGIC):
        raise InvalidGrantTokenException(
            "The grant token is not valid: it is not a qkms grant token."
        )
    tag = raw[len(_TOKEN_MAGIC) : len(_TOKEN_MAGIC) + _TAG_SIZE]
    if tag != _keystore_tag(keystore):
        raise InvalidGrantTokenException(
            "The grant token is not valid: it was issued by another keystore."
        )
    start = len(_TOKEN_MAGIC) + _TAG_SIZE
    return raw[start : start + 32].hex()


def check_tokens(keystore: Keystore, tokens: list[str]) -> None:
    for token in tokens:
        token_grant_id(keystore, token)


# -- constraints ---------------------------------------------------------------------------------


def constraints_hold(constraints: dict[str, Any] | None, context: dict[str, str] | None) -> bool:
    """Whether the request's encryption context meets the grant's constraints."""
    if not constraints:
        return True
    context = context or {}
    equals = constraints.get("EncryptionContextEquals")
    if equals is not None and context != equals:
        return False
    subset = constraints.get("EncryptionContextSubset")
    return subset is None or all(context.get(k) == v for k, v in subset.items())


def narrower(grant: dict[str, Any], request: dict[str, Any]) -> bool:
    """Whether a CreateGrant request allowed through `grant` asks no more than the grant has:
    a subset of its operations, under constraints at least as strict."""
    if not set(request["Operations"]) <= set(grant["operations"]):
        return False
    parent = grant["constraints"] or {}
    child = request.get("Constraints") or {}
    if parent.get("EncryptionContextEquals") is not None:
        return child.get("EncryptionContextEquals") == parent["EncryptionContextEquals"]
    needed = parent.get("EncryptionContextSubset") or {}
    given = child.get("EncryptionContextEquals") or child.get("EncryptionContextSubset") or {}
    return all(given.get(k) == v for k, v in needed.items())


# -- handlers ------------------------------------------------------------------------------------


def _entry(keystore: Keystore, grant: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "KeyId": key_arn(keystore, grant["key_id"]),
        "GrantId": grant["grant_id"],
    }
    if grant["name"]:
        entry["Name"] = grant["name"]
    entry["CreationDate"] = timestamp(grant["created"])
    entry["GranteePrincipal"] = grant["grantee"]
    if grant["retiring"]:
        entry["RetiringPrincipal"] = grant["retiring"]
    entry["IssuingAccount"] = grant["issuer"]
    entry["Operations"] = grant["operations"]
    if grant["constraints"]:
        entry["Constraints"] = grant["constraints"]
    return entry


def _principal(value: str, member: str) -> str:
    if not _PRINCIPAL.match(value):
        raise InvalidArnException(
            f"{member} {value!r} is not a principal ARN: use arn:PARTITION:iam::ACCOUNT:user/NAME, "
            "role/NAME or root."
        )
    return value


def _no_service_principals(request: dict[str, Any]) -> None:
    for member in ("GranteeServicePrincipal", "RetiringServicePrincipal"):
        if request.get(member) is not None:
            raise UnsupportedOperationException(
                f"{member}: qkms has no AWS services to grant to; name an IAM principal."
            )


@handles("CreateGrant")
def create_grant(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import grants

    _no_service_principals(request)
    key = find_key(keystore, request["KeyId"], allow_alias=False)
    require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
    if request.get("GranteePrincipal") is None:
        raise ValidationException("GranteePrincipal is required: the principal the grant is for.")
    grantee = _principal(request["GranteePrincipal"], "GranteePrincipal")
    retiring = request.get("RetiringPrincipal")
    if retiring is not None:
        _principal(retiring, "RetiringPrincipal")
    operations = list(dict.fromkeys(request["Operations"]))
    if not operations:
        raise ValidationException("Operations must name at least one grant operation.")
    valid = grant_operations(key)
    unsupported = [op for op in operations if op not in valid]
    if unsupported:
        raise ValidationException(
            f"Operations {', '.join(unsupported)} are not valid for "
            f"{key_arn(keystore, key['key_id'])}: a {key['key_spec']} {key['key_usage']} key's "
            f"grants may allow {', '.join(valid)}."
        )
    constraints = {k: v for k, v in (request.get("Constraints") or {}).items() if v is not None}
    if len(constraints) > 1:
        raise ValidationException(
            "A grant takes one constraint: EncryptionContextEquals or EncryptionContextSubset."
        )
    if constraints and key["key_spec"] != _SYMMETRIC:
        raise ValidationException(
            f"Constraints: a {key['key_spec']} key's operations take no encryption context, so "
            "its grants take no encryption context constraint (only symmetric encryption keys' "
            "do)."
        )
    name = request.get("Name", "")
    dry_run(request)
    grant = {
        "key_id": key["key_id"],
        "name": name,
        "grantee": grantee,
        "retiring": retiring,
        "issuer": root_arn(keystore),
        "operations": operations,
        "constraints": constraints or None,
    }
    with keystore.write():
        if name:
            # CreateGrant is idempotent by name: the same grant asked again is the same grant.
            for existing in grants.named(keystore, key["key_id"], name):
                same = {k: existing[k] for k in ("grantee", "retiring", "constraints")}
                if same == {k: grant[k] for k in same} and set(existing["operations"]) == set(
                    operations
                ):
                    grant_id = existing["grant_id"]
                    return {"GrantToken": make_token(keystore, grant_id), "GrantId": grant_id}
        grant_id = os.urandom(32).hex()
        grants.insert(keystore, {**grant, "grant_id": grant_id, "created": keystore.now()})
    return {"GrantToken": make_token(keystore, grant_id), "GrantId": grant_id}


def _limit(request: dict[str, Any]) -> int:
    limit = request.get("Limit", LIST_DEFAULT_LIMIT)
    if limit > LIST_MAX_LIMIT:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value less than or equal to {LIST_MAX_LIMIT}"
        )
    return int(limit)


def _marker(request: dict[str, Any]) -> str | None:
    marker = request.get("Marker")
    if marker is not None and not _GRANT_ID.match(marker):
        raise InvalidMarkerException(f"Invalid marker '{marker}': pass a NextMarker it returned.")
    return marker


def _page(keystore: Keystore, request: dict[str, Any], **filters: Any) -> dict[str, Any]:
    from qkms_cli.store import grants

    limit = _limit(request)
    rows = grants.page(keystore, after=_marker(request), limit=limit + 1, **filters)
    page = rows[:limit]
    response: dict[str, Any] = {"Grants": [_entry(keystore, g) for g in page]}
    if len(rows) > limit:
        response["NextMarker"] = page[-1]["grant_id"]
    response["Truncated"] = len(rows) > limit
    return response


@handles("ListGrants")
def list_grants(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    _no_service_principals(request)
    key = find_key(keystore, request["KeyId"], allow_alias=False)
    grant_id = request.get("GrantId")
    if grant_id is not None and not _GRANT_ID.match(grant_id):
        raise InvalidGrantIdException(f"Invalid grant id '{grant_id}'.")
    return _page(
        keystore,
        request,
        key_id=key["key_id"],
        grant_id=grant_id,
        grantee=request.get("GranteePrincipal"),
    )


@handles("ListRetirableGrants")
def list_retirable_grants(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    _no_service_principals(request)
    # The model leaves RetiringPrincipal optional (for service principals); qkms has none, and
    # without one lists the grants the account's root may retire.
    return _page(keystore, request, retiring=request.get("RetiringPrincipal") or root_arn(keystore))


def _grant_on_key(
    keystore: Keystore, key_ref: str, grant_id: str, *, checked: bool = True
) -> dict[str, Any]:
    from qkms_cli.store import grants

    key = find_key(keystore, key_ref, allow_alias=False)
    if not _GRANT_ID.match(grant_id):
        raise InvalidGrantIdException(f"Invalid grant id '{grant_id}'.")
    grant = grants.get(keystore, grant_id, checked=checked)
    if grant is None or grant["key_id"] != key["key_id"]:
        raise NotFoundException(
            f"Grant {grant_id} does not exist on key {key_arn(keystore, key['key_id'])}."
        )
    return grant


def grant_to_retire(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    """The grant a RetireGrant request names: by its token, or by key and grant id."""
    from qkms_cli.store import grants

    token = request.get("GrantToken")
    if token is not None:
        grant_id = token_grant_id(keystore, token)
        grant = grants.get(keystore, grant_id)
        if grant is None:
            raise NotFoundException(
                "The grant this token names does not exist: it was retired or revoked."
            )
        return grant
    if request.get("KeyId") is None or request.get("GrantId") is None:
        raise ValidationException("RetireGrant needs GrantToken, or both KeyId and GrantId.")
    return _grant_on_key(keystore, request["KeyId"], request["GrantId"])


@handles("RetireGrant")
def retire_grant(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import grants

    grant = grant_to_retire(keystore, request)
    dry_run(request)
    grants.delete(keystore, grant["grant_id"])
    return {}


@handles("RevokeGrant")
def revoke_grant(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import grants

    # Unchecked: revoking is how a grant that fails authentication is removed (it names only
    # its key and id here, and removing a grant allows nothing).
    grant = _grant_on_key(keystore, request["KeyId"], request["GrantId"], checked=False)
    dry_run(request)
    grants.delete(keystore, grant["grant_id"])
    return {}
