"""Aliases: CreateAlias, UpdateAlias, DeleteAlias and ListAliases, with AWS's naming rules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qkms_cli.errors import (
    AlreadyExistsException,
    InvalidMarkerException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import alias_arn, find_key, require_state, timestamp

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# The alias documentation: "alias/" then letters, digits, '/', '_' and '-' (the model's pattern
# also admits ':', which AWS and moto refuse).
_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
_PREFIX_HELP = (
    'Alias must start with the prefix "alias/". '
    "Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
)
# ListAliases Limit: 1..100, default 50 (the ListAliases documentation).
LIST_ALIASES_DEFAULT_LIMIT = 50
LIST_ALIASES_MAX_LIMIT = 100


def check_alias_name(name: str) -> None:
    if not name.startswith("alias/"):
        raise ValidationException(_PREFIX_HELP)
    if name.startswith("alias/aws/"):
        raise NotAuthorizedException(
            f"{name}: alias names that begin with alias/aws/ are reserved for AWS managed keys."
        )
    if not _ALIAS.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: alias/[a-zA-Z0-9/_-]+"
        )


def _target(keystore: Keystore, ref: str) -> dict[str, Any]:
    if ref.startswith("alias/") or ":alias/" in ref:
        raise ValidationException("Aliases must refer to keys. Not aliases: pass a key id or ARN.")
    key = find_key(keystore, ref, allow_alias=False)
    require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
    return key


def _kind(key: dict[str, Any]) -> str:
    spec = key["key_spec"]
    return (
        "symmetric"
        if spec == "SYMMETRIC_DEFAULT"
        else "HMAC"
        if spec.startswith("HMAC_")
        else "asymmetric"
    )


@handles("CreateAlias")
def create_alias(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    check_alias_name(name)
    with keystore.write():
        key = _target(keystore, request["TargetKeyId"])
        if keystore.get_alias(name, checked=False) is not None:  # taken, authentic or not
            raise AlreadyExistsException(
                f"An alias with the name {alias_arn(keystore, name)} already exists"
            )
        keystore.insert_alias(name, key["key_id"])
    return {}


@handles("UpdateAlias")
def update_alias(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    check_alias_name(name)
    with keystore.write():
        alias = keystore.get_alias(name)
        if alias is None:
            raise NotFoundException(f"Alias {alias_arn(keystore, name)} is not found.")
        key = _target(keystore, request["TargetKeyId"])
        current = keystore.get_key(alias["key_id"])
        if current is not None and (
            _kind(current) != _kind(key) or current["key_usage"] != key["key_usage"]
        ):
            raise ValidationException(
                f"{name} points to a {_kind(current)} {current['key_usage']} key; the new target "
                f"must be of the same type and key usage, not {_kind(key)} {key['key_usage']}."
            )
        keystore.retarget_alias(name, key["key_id"])
    return {}


@handles("DeleteAlias")
def delete_alias(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    check_alias_name(name)
    with keystore.write():
        # Unchecked: deleting is how an alias that fails authentication is removed (and
        # removing an alias allows nothing).
        if keystore.get_alias(name, checked=False) is None:
            raise NotFoundException(f"Alias {alias_arn(keystore, name)} is not found.")
        keystore.delete_alias(name)
    return {}


@handles("ListAliases")
def list_aliases(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("Limit", LIST_ALIASES_DEFAULT_LIMIT)
    if limit > LIST_ALIASES_MAX_LIMIT:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value less than or equal to {LIST_ALIASES_MAX_LIMIT}"
        )
    marker = request.get("Marker")
    if marker is not None and not marker.startswith("alias/"):
        raise InvalidMarkerException(
            f"Invalid marker '{marker}': pass a NextMarker from ListAliases."
        )
    key_id = None
    if "KeyId" in request:
        key_id = find_key(keystore, request["KeyId"])["key_id"]
    rows = keystore.list_aliases(key_id, marker, limit + 1)
    page = rows[:limit]
    response: dict[str, Any] = {
        "Aliases": [
            {
                "AliasName": r["name"],
                "AliasArn": alias_arn(keystore, r["name"]),
                "TargetKeyId": r["key_id"],
                "CreationDate": timestamp(r["created"]),
                "LastUpdatedDate": timestamp(r["updated"]),
            }
            for r in page
        ]
    }
    if len(rows) > limit:
        response["NextMarker"] = page[-1]["name"]
    response["Truncated"] = len(rows) > limit
    return response
