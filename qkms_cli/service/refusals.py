"""What qkms deliberately refuses: custom key stores, multi-Region keys, Nitro Enclaves recipients.

Each is answered as AWS answers an account without the feature (README: "What qkms refuses, and
why"), never ignored: a request naming one is an error that says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import (
    CloudHsmClusterNotFoundException,
    CustomKeyStoreNotFoundException,
    UnsupportedOperationException,
    ValidationException,
    XksProxyUriUnreachableException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import find_key, key_arn

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

NO_KEY_STORES = (
    "qkms has no custom key stores (CloudHSM or external): its keys live in its keystore"
)
ONE_REGION = "qkms is one Region, so it has no multi-Region keys"


def custom_key_store_not_found(store_id: str) -> CustomKeyStoreNotFoundException:
    return CustomKeyStoreNotFoundException(
        f"Custom key store '{store_id}' does not exist: {NO_KEY_STORES}."
    )


def refuse_recipient(request: dict[str, Any], op: str) -> None:
    """Recipient asks for a result sealed to a Nitro enclave's attestation: qkms has no enclaves."""
    if request.get("Recipient") is not None:
        raise UnsupportedOperationException(
            f"{op} with a Recipient is not supported: qkms cannot verify a Nitro Enclaves "
            "attestation document. Call it without Recipient."
        )


def refuse_custom_key_store(request: dict[str, Any]) -> None:
    store_id = request.get("CustomKeyStoreId")
    if store_id is not None:
        raise custom_key_store_not_found(store_id)


def check_create_key(request: dict[str, Any]) -> None:
    """CreateKey's members for features qkms lacks: custom key stores and multi-Region keys."""
    origin = request.get("Origin", "AWS_KMS")
    if request.get("XksKeyId") is not None and origin != "EXTERNAL_KEY_STORE":
        raise ValidationException("XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.")
    if origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        if request.get("CustomKeyStoreId") is None:
            raise ValidationException(
                f"Origin {origin} requires a CustomKeyStoreId, and {NO_KEY_STORES}."
            )
    elif request.get("CustomKeyStoreId") is not None and origin != "AWS_KMS":
        raise ValidationException(
            f"CustomKeyStoreId is valid only with Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE, not {origin}."
        )
    refuse_custom_key_store(request)
    if request.get("MultiRegion"):
        raise UnsupportedOperationException(
            f"MultiRegion keys are not supported: {ONE_REGION}. Create the key without MultiRegion."
        )


# -- custom key stores: an account that has none ------------------------------------------------


@handles("DescribeCustomKeyStores")
def describe_custom_key_stores(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("CustomKeyStoreId") is not None:
        raise custom_key_store_not_found(request["CustomKeyStoreId"])
    if request.get("CustomKeyStoreName") is not None:
        raise CustomKeyStoreNotFoundException(
            f"Custom key store named '{request['CustomKeyStoreName']}' does not exist: "
            f"{NO_KEY_STORES}."
        )
    return {"CustomKeyStores": [], "Truncated": False}


@handles("CreateCustomKeyStore")
def create_custom_key_store(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("CustomKeyStoreType", "AWS_CLOUDHSM") == "EXTERNAL_KEY_STORE":
        raise XksProxyUriUnreachableException(
            "qkms does not connect to external key store proxies: it reaches no network service "
            "for key material, so it cannot make an external key store."
        )
    raise CloudHsmClusterNotFoundException(
        f"CloudHSM cluster '{request.get('CloudHsmClusterId', '')}' does not exist: qkms has no "
        "CloudHSM clusters, so it cannot make a CloudHSM key store."
    )


def _no_such_store(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    raise custom_key_store_not_found(request["CustomKeyStoreId"])


for _op in (
    "ConnectCustomKeyStore",
    "DisconnectCustomKeyStore",
    "DeleteCustomKeyStore",
    "UpdateCustomKeyStore",
):
    handles(_op)(_no_such_store)


# -- multi-Region keys: none here -------------------------------------------------------------


def _not_multi_region(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"], allow_alias=False)
    raise UnsupportedOperationException(
        f"{key_arn(keystore, key['key_id'])} is not a multi-region primary key. ({ONE_REGION}.)"
    )


handles("ReplicateKey")(_not_multi_region)
handles("UpdatePrimaryRegion")(_not_multi_region)


# -- DryRunModifiers ----------------------------------------------------------------------------


def dry_run_ignoring_ciphertext(
    keystore: Keystore, request: dict[str, Any], key_member: str, op: str
) -> None:
    """DryRun with IGNORE_CIPHERTEXT: check the key named in key_member, never the ciphertext."""
    modifiers = request.get("DryRunModifiers") or []
    if not modifiers:
        return
    if not request.get("DryRun"):
        raise ValidationException("DryRunModifiers is valid only when DryRun is true.")
    if request.get(key_member) is None:
        raise ValidationException(
            f"{key_member} is required when DryRunModifiers includes IGNORE_CIPHERTEXT: "
            "without the ciphertext, the key must be named."
        )
    from qkms_cli.service.common import dry_run, require_state, require_symmetric

    key = find_key(keystore, request[key_member])
    require_state(keystore, key)
    require_symmetric(keystore, key, op)
    dry_run(request)
