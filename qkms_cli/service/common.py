"""What every handler shares: key references, ARNs, key state rules, KeyMetadata, dry runs."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import specs
from qkms_cli.errors import (
    DisabledException,
    DryRunOperationException,
    InvalidKeyUsageException,
    KMSInvalidStateException,
    NotFoundException,
)

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Both ARN forms name a key or alias of this keystore: the seed's and AWS's (with a region).
_ARN = re.compile(
    r"^arn:(?:verenc|aws:kms:(?P<region>[^:]*)):(?P<account>[^:]*):(?P<kind>key|alias)/(?P<rest>.+)$"
)
DAY = 86400.0


def arn_prefix(keystore: Keystore) -> str:
    """`arn:verenc:<account>:` (the seed's), or `arn:aws:kms:<region>:<account>:` in an aws keystore."""
    partition, region = keystore.partition
    if partition == "aws":
        return f"arn:aws:kms:{region}:{keystore.account_id}:"
    return f"arn:verenc:{keystore.account_id}:"


def key_arn(keystore: Keystore, key_id: str) -> str:
    return f"{arn_prefix(keystore)}key/{key_id}"


def alias_arn(keystore: Keystore, alias_name: str) -> str:
    return f"{arn_prefix(keystore)}{alias_name}"


def user_arn(keystore: Keystore, user_name: str) -> str:
    """An access key's principal: `arn:<partition>:iam::<account>:user/<name>`."""
    return f"arn:{keystore.partition[0]}:iam::{keystore.account_id}:user/{user_name}"


def root_arn(keystore: Keystore) -> str:
    """The account's root principal: `arn:<partition>:iam::<account>:root`."""
    return f"arn:{keystore.partition[0]}:iam::{keystore.account_id}:root"


def emulates_aws(keystore: Keystore) -> bool:
    """A keystore made with `--partition aws`: AWS's behaviour where it differs from the seed's."""
    return keystore.partition[0] == "aws"


def timestamp(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=timezone.utc)


def key_material_id(key_id: str, version: int) -> str:
    """A stable, non-secret 64-hex identifier of one key material version (KMID in the model)."""
    from qkms_cli.engine.digest import sha256

    return sha256(f"qkms-key-material:{key_id}:{version}".encode()).hex()


def find_key(keystore: Keystore, ref: str, *, allow_alias: bool = True) -> dict[str, Any]:
    """Resolve a key id, key ARN, alias name or alias ARN to the key's row."""
    alias_name = None
    key_id = None
    match = _ARN.match(ref)
    if match:
        if match["account"] != keystore.account_id:
            raise NotFoundException(
                f"Invalid arn '{ref}': its account {match['account']} is not this keystore's "
                f"({keystore.account_id})."
            )
        region = keystore.partition[1]
        if match["region"] is not None and region is not None and match["region"] != region:
            raise NotFoundException(f"Invalid arn {match['region']}")
        if match["kind"] == "alias":
            alias_name = f"alias/{match['rest']}"
        else:
            key_id = match["rest"]
    elif ref.startswith("alias/"):
        alias_name = ref
    else:
        key_id = ref
    if alias_name is not None:
        if not allow_alias:
            raise NotFoundException(
                f"Invalid keyId '{ref}': this operation takes a key id or key ARN, not an alias."
            )
        alias = keystore.get_alias(alias_name)
        if alias is None and alias_name.startswith("alias/aws/"):
            from qkms_cli.store import managed

            alias = managed.ensure(keystore, alias_name)  # an AWS managed key, on first use
        if alias is None:
            raise NotFoundException(
                f"Alias {alias_arn(keystore, alias_name)} is not found."
                + _alias_hint(keystore, alias_name)
            )
        key_id = alias["key_id"]
    assert key_id is not None
    if not _UUID.match(key_id):
        hint = "" if match else _alias_hint(keystore, f"alias/{ref}")
        raise NotFoundException(f"Invalid keyId '{ref}'" + (f".{hint}" if hint else ""))
    row = keystore.get_key(key_id)
    if row is None:
        raise NotFoundException(f"Key '{key_arn(keystore, key_id)}' does not exist")
    if row.get("valid_to") is not None:  # imported material that expires
        from qkms_cli.store import materials

        row = materials.settle_expiry(keystore, row)
    return row


# Aliases compared with a near miss; past this many the hint is left out rather than slow.
_HINT_ALIASES = 1000


def _alias_hint(keystore: Keystore, name: str) -> str:
    """The hint after AWS's message (which stays first): ` Did you mean alias/ci?` when alias
    `name` exists (`ci` was given bare) or one is close to it (a near miss); else ''."""
    from difflib import get_close_matches

    # Unchecked: a name suggested decides nothing (resolving it checks its MAC).
    names = [row["name"] for row in keystore.list_aliases(None, None, _HINT_ALIASES, checked=False)]
    close = [name] if name in names else get_close_matches(name, names, n=1, cutoff=0.8)
    return f" Did you mean {close[0]}?" if close else ""


def require_state(keystore: Keystore, key: dict[str, Any], *allowed: str) -> None:
    """KMSInvalidStateException unless the key is in one of the allowed states (Enabled by default)."""
    allowed = allowed or ("Enabled",)
    state = key["key_state"]
    if state in allowed:
        return
    arn = key_arn(keystore, key["key_id"])
    if state == "Disabled" and emulates_aws(keystore):
        raise DisabledException(f"{arn} is disabled.")  # AWS's answer; the seed's is below
    text = {
        "Disabled": f"{arn} is disabled.",
        "PendingDeletion": f"{arn} is pending deletion.",
        "PendingImport": f"{arn} is pending import.",
    }.get(state, f"{arn} is {state}, not {' or '.join(allowed)}.")
    raise KMSInvalidStateException(text)


def require_usage(keystore: Keystore, key: dict[str, Any], usage: str, op: str) -> None:
    if key["key_usage"] != usage:
        raise InvalidKeyUsageException(
            f"{key_arn(keystore, key['key_id'])} key usage is {key['key_usage']} "
            f"which is not valid for {op}."
        )


def require_symmetric(keystore: Keystore, key: dict[str, Any], op: str) -> None:
    """The data-key and Encrypt family work only with SYMMETRIC_DEFAULT ENCRYPT_DECRYPT keys."""
    require_usage(keystore, key, "ENCRYPT_DECRYPT", op)
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        raise InvalidKeyUsageException(
            f"{key_arn(keystore, key['key_id'])} key KeySpec is {key['key_spec']} "
            f"which is not valid for {op}."
        )


def dry_run(request: dict[str, Any]) -> None:
    """Stop a request whose checks all passed when DryRun is set, as AWS does."""
    if request.get("DryRun"):
        raise DryRunOperationException(
            "The request would have succeeded, but the DryRun option is set."
        )


def key_metadata(keystore: Keystore, key: dict[str, Any]) -> dict[str, Any]:
    """KeyMetadata with the members AWS returns for a key of this kind and state."""
    spec = key["key_spec"]
    meta: dict[str, Any] = {
        "AWSAccountId": keystore.account_id,
        "KeyId": key["key_id"],
        "Arn": key_arn(keystore, key["key_id"]),
        "CreationDate": timestamp(key["created"]),
        "Enabled": key["key_state"] == "Enabled",
        "Description": key["description"],
        "KeyUsage": key["key_usage"],
        "KeyState": key["key_state"],
    }
    if key["deletion_date"] is not None:
        meta["DeletionDate"] = timestamp(key["deletion_date"])
        meta["PendingDeletionWindowInDays"] = key["pending_window_days"]
    if key.get("valid_to") is not None:
        meta["ValidTo"] = timestamp(key["valid_to"])
    meta["Origin"] = key.get("origin") or "AWS_KMS"
    if key.get("expiration_model") is not None:
        meta["ExpirationModel"] = key["expiration_model"]
    meta["KeyManager"] = key.get("key_manager") or "CUSTOMER"
    if spec in specs.CMK_SPECS:
        meta["CustomerMasterKeySpec"] = spec
    meta["KeySpec"] = spec
    meta.update(specs.algorithms(spec, key["key_usage"]))
    meta["MultiRegion"] = False
    if spec == "SYMMETRIC_DEFAULT" and key["key_state"] != "PendingImport":
        meta["CurrentKeyMaterialId"] = key_material_id(key["key_id"], key["current_version"])
    return meta
