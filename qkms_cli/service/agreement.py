"""DeriveSharedSecret: ECDH between a KEY_AGREEMENT KMS key and a peer's public key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.engine import keypairs
from qkms_cli.errors import ValidationException
from qkms_cli.service import handles
from qkms_cli.service.common import dry_run, find_key, key_arn, require_state, require_usage
from qkms_cli.service.refusals import refuse_recipient

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


@handles("DeriveSharedSecret")
def derive_shared_secret(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    refuse_recipient(request, "DeriveSharedSecret")
    key = find_key(keystore, request["KeyId"])
    require_state(keystore, key)
    require_usage(keystore, key, "KEY_AGREEMENT", "DeriveSharedSecret")
    try:
        peer = keypairs.load_peer_public_key(request["PublicKey"], key["key_spec"])
    except ValueError as exc:
        raise ValidationException(str(exc)) from None
    dry_run(request)
    private = keystore.material(key["key_id"], key["current_version"], key["key_spec"])
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "SharedSecret": keypairs.ecdh(private, peer),
        "KeyAgreementAlgorithm": request["KeyAgreementAlgorithm"],
        "KeyOrigin": key.get("origin") or "AWS_KMS",
    }
