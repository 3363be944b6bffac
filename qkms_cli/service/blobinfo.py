"""InspectBlob (qkms only): what a ciphertext blob holds and which key opens it, with no key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.engine import blob
from qkms_cli.service import handles
from qkms_cli.service.common import key_arn, key_material_id
from qkms_cli.service.sealed import parse_blob

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_KINDS = {
    blob.KIND_DATA: ("DATA", "data sealed by Encrypt"),
    blob.KIND_DATA_KEY: ("DATA_KEY", "a data key from GenerateDataKey"),
    blob.KIND_PRIVATE_KEY: (
        "DATA_KEY_PAIR_PRIVATE_KEY",
        "private key of {article} {spec} data key pair",
    ),
}
# Aliases listed per key; a key with more is rare and the list says so.
MAX_ALIASES_SHOWN = 50


def _article(word: str) -> str:
    return "an" if word[:1] in "AEFHILMNORSX" else "a"


@handles("InspectBlob")
def inspect_blob(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    data = request["CiphertextBlob"]
    header = parse_blob(data)
    kind, words = _KINDS[header.kind]
    spec = header.key_pair_spec
    if spec is not None:
        words = words.format(article=_article(spec), spec=spec)
    arn = key_arn(keystore, header.key_id)
    info: dict[str, Any] = {
        "FormatVersion": blob.VERSION,
        "PayloadKind": kind,
        "Payload": words,
    }
    if spec is not None:
        info["KeyPairSpec"] = spec
    info.update(
        {
            "KeyId": header.key_id,
            "KeyArn": arn,
            "KeyMaterialVersion": header.material_version,
            "KeyMaterialId": key_material_id(header.key_id, header.material_version),
            "EncryptionContextBound": header.has_context,
            "BlobSize": len(data),
            "HeaderSize": blob.HEADER_SIZE,
            "PayloadSize": len(data) - blob.HEADER_SIZE - blob.TAG_SIZE,
        }
    )
    key = keystore.get_key(header.key_id)
    info["KeyKnown"] = key is not None
    if key is None:
        info["Note"] = (
            f"This keystore does not hold key {arn}: the key was deleted, or the blob comes "
            "from another keystore (--home)."
        )
        return info
    aliases = keystore.list_aliases(key["key_id"], None, MAX_ALIASES_SHOWN)
    material = keystore.list_material(key["key_id"], header.material_version - 1, 1)
    info.update(
        {
            "KeyState": key["key_state"],
            "KeyDescription": key["description"],
            "KeySpec": key["key_spec"],
            "Aliases": [row["name"] for row in aliases],
            "KeyMaterialKnown": bool(material)
            and material[0]["version"] == header.material_version,
        }
    )
    if header.has_context:
        note = (
            "Sealed with an encryption context, which the blob does not store: decrypt needs "
            "exactly the same --encryption-context (keys and values are case-sensitive)."
        )
    else:
        note = "Sealed without an encryption context: decrypt it without --encryption-context."
    if key["key_state"] != "Enabled":
        note += f" The key is {key['key_state']}, so decrypt is refused until it is enabled."
    info["Note"] = note
    return info
