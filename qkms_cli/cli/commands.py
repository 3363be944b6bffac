"""Which command runs which operation, with its one-line help and a runnable example."""

from __future__ import annotations

from typing import NamedTuple


class CommandSpec(NamedTuple):
    """A command's operation, one-line help and example (a tuple: cheap to import and build)."""

    op: str
    help: str
    example: str


def _c(op: str, help: str, example: str) -> CommandSpec:
    return CommandSpec(op, help, example)


KEY = "alias/my-app"


GROUPS: dict[str, tuple[str, dict[str, CommandSpec]]] = {
    "keys": (
        "Create, inspect, rotate, tag and retire KMS keys.",
        {
            "create": _c(
                "CreateKey",
                "Create a KMS key (symmetric by default; RSA, ECC and HMAC with --key-spec).",
                'qkms keys create --description "CI signing key"',
            ),
            "describe": _c(
                "DescribeKey", "Show a key's metadata.", f"qkms keys describe --key-id {KEY}"
            ),
            "list": _c(
                "ListKeys",
                "List the keys in the keystore.",
                "qkms keys list --query 'Keys[].KeyId' --output text",
            ),
            "enable": _c("EnableKey", "Enable a disabled key.", f"qkms keys enable --key-id {KEY}"),
            "disable": _c(
                "DisableKey",
                "Disable a key: it can no longer be used.",
                f"qkms keys disable --key-id {KEY}",
            ),
            "schedule-deletion": _c(
                "ScheduleKeyDeletion",
                "Schedule a key's deletion after 7 to 30 days.",
                f"qkms keys schedule-deletion --key-id {KEY} --pending-window-in-days 7",
            ),
            "cancel-deletion": _c(
                "CancelKeyDeletion",
                "Cancel a scheduled deletion; the key stays disabled.",
                "qkms keys cancel-deletion --key-id alias/retired",
            ),
            "update-description": _c(
                "UpdateKeyDescription",
                "Replace a key's description.",
                f'qkms keys update-description --key-id {KEY} --description "new text"',
            ),
            "enable-rotation": _c(
                "EnableKeyRotation",
                "Rotate a symmetric key automatically every N days (default 365).",
                f"qkms keys enable-rotation --key-id {KEY} --rotation-period-in-days 90",
            ),
            "disable-rotation": _c(
                "DisableKeyRotation",
                "Stop automatic rotation.",
                f"qkms keys disable-rotation --key-id {KEY}",
            ),
            "rotation-status": _c(
                "GetKeyRotationStatus",
                "Show whether and when a key rotates.",
                f"qkms keys rotation-status --key-id {KEY}",
            ),
            "rotate": _c(
                "RotateKeyOnDemand",
                "Rotate a symmetric key now.",
                f"qkms keys rotate --key-id {KEY}",
            ),
            "list-rotations": _c(
                "ListKeyRotations",
                "List a key's completed rotations.",
                f"qkms keys list-rotations --key-id {KEY}",
            ),
            "get-parameters-for-import": _c(
                "GetParametersForImport",
                "Get a wrapping public key and an import token (valid 24 h) for an EXTERNAL key.",
                'qkms keys get-parameters-for-import --key-id "$(cat byok.id)" '
                "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 "
                "--public-key-out wrapping.der --import-token-out token.bin",
            ),
            "import-key-material": _c(
                "ImportKeyMaterial",
                "Import key material wrapped with get-parameters-for-import's public key.",
                'qkms keys import-key-material --key-id "$(cat byok.id)" '
                "--import-token fileb://token.bin --encrypted-key-material fileb://material.enc "
                "--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE",
            ),
            "delete-imported-key-material": _c(
                "DeleteImportedKeyMaterial",
                "Delete a key's imported material: the key waits for the same material again.",
                'qkms keys delete-imported-key-material --key-id "$(cat byok.id)"',
            ),
            "tag": _c(
                "TagResource",
                "Add or replace tags on a key.",
                f"qkms keys tag --key-id {KEY} --tags TagKey=team,TagValue=payments",
            ),
            "untag": _c(
                "UntagResource",
                "Remove tags from a key.",
                f"qkms keys untag --key-id {KEY} --tag-keys team",
            ),
            "list-tags": _c(
                "ListResourceTags", "List a key's tags.", f"qkms keys list-tags --key-id {KEY}"
            ),
        },
    ),
    "aliases": (
        "Name keys with aliases (alias/NAME).",
        {
            "create": _c(
                "CreateAlias",
                "Give a key an alias.",
                "qkms aliases create --alias-name alias/my-new-app "
                '--target-key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"',
            ),
            "update": _c(
                "UpdateAlias",
                "Point an alias at another key of the same type.",
                "qkms aliases update --alias-name alias/my-app "
                '--target-key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"',
            ),
            "delete": _c(
                "DeleteAlias",
                "Delete an alias (not its key).",
                "qkms aliases delete --alias-name alias/my-app",
            ),
            "list": _c(
                "ListAliases",
                "List aliases, of one key or of all.",
                "qkms aliases list --key-id alias/my-app",
            ),
        },
    ),
}

# A runnable example for each group's --help, beside its commands' own.
GROUP_EXAMPLES: dict[str, str] = {
    "keys": "qkms keys list --query 'Keys[].KeyId' --output text",
    "aliases": "qkms aliases list --query 'Aliases[].AliasName' --output text",
}

TOP: dict[str, CommandSpec] = {
    "generate-data-key-pair": _c(
        "GenerateDataKeyPair",
        "Generate an asymmetric data key pair: the public key, and the private key sealed under a "
        "KMS key (its plaintext stays inside qkms unless the keystore is --partition aws).",
        f"qkms generate-data-key-pair --key-id {KEY} --key-pair-spec ECC_NIST_P256 "
        "--encryption-context Purpose=Test",
    ),
    "generate-data-key-pair-without-plaintext": _c(
        "GenerateDataKeyPairWithoutPlaintext",
        "Generate a data key pair; the same as generate-data-key-pair, as AWS names it.",
        f"qkms generate-data-key-pair-without-plaintext --key-id {KEY} --key-pair-spec RSA_2048",
    ),
    "decrypt": _c(
        "Decrypt",
        "Decrypt a qkms ciphertext blob (the key is named inside it).",
        "qkms decrypt --ciphertext-blob fileb://private.key.enc --encryption-context Purpose=Test "
        "--query Plaintext --output text",
    ),
    "encrypt": _c(
        "Encrypt",
        "Encrypt up to 4096 bytes under a KMS key.",
        f"qkms encrypt --key-id {KEY} --plaintext fileb://secret.txt",
    ),
    "re-encrypt": _c(
        "ReEncrypt",
        "Decrypt a blob and encrypt it again under another key or context, in one step.",
        "qkms re-encrypt --ciphertext-blob fileb://secret.enc --destination-key-id alias/other",
    ),
    "generate-data-key": _c(
        "GenerateDataKey",
        "Generate a symmetric data key: plaintext and a sealed copy.",
        f"qkms generate-data-key --key-id {KEY} --key-spec AES_256",
    ),
    "generate-data-key-without-plaintext": _c(
        "GenerateDataKeyWithoutPlaintext",
        "Generate a symmetric data key and return only its sealed copy.",
        f"qkms generate-data-key-without-plaintext --key-id {KEY} --number-of-bytes 32",
    ),
    "generate-random": _c(
        "GenerateRandom", "Return random bytes.", "qkms generate-random --number-of-bytes 32"
    ),
    "get-public-key": _c(
        "GetPublicKey",
        "Return the public key of an asymmetric KMS key (DER).",
        "qkms get-public-key --key-id alias/signer",
    ),
    "sign": _c(
        "Sign",
        "Sign a message or digest with an asymmetric KMS key.",
        "qkms sign --key-id alias/signer --message fileb://release.tar.gz --signing-algorithm ECDSA_SHA_256",
    ),
    "verify": _c(
        "Verify",
        "Verify a signature made with an asymmetric KMS key.",
        "qkms verify --key-id alias/signer --message fileb://release.tar.gz "
        "--signature fileb://release.sig --signing-algorithm ECDSA_SHA_256",
    ),
    "generate-mac": _c(
        "GenerateMac",
        "Compute an HMAC with an HMAC key.",
        "qkms generate-mac --key-id alias/mac --message fileb://msg --mac-algorithm HMAC_SHA_256",
    ),
    "verify-mac": _c(
        "VerifyMac",
        "Verify an HMAC made with an HMAC key.",
        "qkms verify-mac --key-id alias/mac --message fileb://msg --mac fileb://msg.mac --mac-algorithm HMAC_SHA_256",
    ),
    "sign-with-data-key-pair": _c(
        "SignWithDataKeyPair",
        "Sign with a data key pair's private key, unsealed inside qkms for this call only.",
        "qkms sign-with-data-key-pair --private-key-ciphertext-blob fileb://pair.enc "
        "--message fileb://release.tar.gz --signing-algorithm ECDSA_SHA_256",
    ),
    "encapsulate": _c(
        "Encapsulate",
        "Make a shared secret and its ML-KEM ciphertext with an ML_KEM key's public key.",
        "qkms encapsulate --key-id alias/kem --encapsulation-algorithm ML_KEM "
        "--shared-secret-ciphertext-out secret.kem --shared-secret-out secret.bin",
    ),
    "decapsulate": _c(
        "Decapsulate",
        "Recover the shared secret of an ML-KEM ciphertext with an ML_KEM key.",
        "qkms decapsulate --key-id alias/kem --encapsulation-algorithm ML_KEM "
        "--shared-secret-ciphertext-blob fileb://peer.kem --shared-secret-out secret.bin",
    ),
    "derive-shared-secret": _c(
        "DeriveSharedSecret",
        "ECDH: a shared secret from a KEY_AGREEMENT key and a peer's public key (DER).",
        "qkms derive-shared-secret --key-id alias/ecdh --key-agreement-algorithm ECDH "
        "--public-key fileb://peer.der --shared-secret-out secret.bin",
    ),
    "decapsulate-with-data-key-pair": _c(
        "DecapsulateWithDataKeyPair",
        "Recover an ML-KEM shared secret with an ML-KEM data key pair's private key, inside qkms.",
        "qkms decapsulate-with-data-key-pair --private-key-ciphertext-blob fileb://kem-pair.enc "
        "--shared-secret-ciphertext-blob fileb://pair.kem --query SharedSecret --output text",
    ),
    "decrypt-with-data-key-pair": _c(
        "DecryptWithDataKeyPair",
        "Decrypt RSA-OAEP ciphertext with an RSA data key pair's private key, inside qkms.",
        "qkms decrypt-with-data-key-pair --private-key-ciphertext-blob fileb://rsa-pair.enc "
        "--ciphertext-blob fileb://data.enc --encryption-algorithm RSAES_OAEP_SHA_256",
    ),
}


def kebab(name: str) -> str:
    """CreateKey -> create-key, the aws-cli way (botocore's xform_name)."""
    import re

    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    return re.sub(r"([a-z\d])([A-Z])", r"\1-\2", name).lower()


def aws_aliases() -> dict[str, CommandSpec]:
    """aws-cli's command names (create-key, list-aliases, ...) as hidden top-level commands."""
    return {
        kebab(spec.op): spec for _help, commands in GROUPS.values() for spec in commands.values()
    }
