"""Which command runs which operation, with its one-line help and a runnable example."""

from __future__ import annotations

from typing import NamedTuple


class CommandSpec(NamedTuple):
    """A command's operation, one-line help and example (a tuple: cheap to import and build)."""

    op: str
    help: str
    example: str


def _c(op: str, help: str, *example: str) -> CommandSpec:
    """A command; its example is one or more shell lines, run as written on a fresh keystore
    (no keystore yet) by tests/test_docs.py: each sets up what it uses in the same lines."""
    return CommandSpec(op, help, "\n".join(example))


# Lines the examples share: each example makes the key and files it uses.
MK = "KEY=$(qkms keys create --query KeyMetadata.KeyId --output text)"
EXTERNAL_KEY = "KEY=$(qkms keys create --origin EXTERNAL --query KeyMetadata.KeyId --output text)"
IMPORT_PARAMS = 'qkms keys get-parameters-for-import --key-id "$KEY" --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --public-key-out wrapping.der --import-token-out token.bin'
MY_APP = 'qkms aliases create --alias-name alias/my-app --target-key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"'
SECRET_TXT = "printf 'top secret' > secret.txt"
RELEASE = "printf 'a release' > release.tar.gz"
MSG = "printf 'a message' > msg"
SIGNER = "KEY=$(qkms keys create --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text)"
MAC_KEY = "KEY=$(qkms keys create --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC --query KeyMetadata.KeyId --output text)"
KEM_KEY = "KEY=$(qkms keys create --key-spec ML_KEM_768 --key-usage ENCAPSULATE_DECAPSULATE --query KeyMetadata.KeyId --output text)"
CI_USER = "--grantee-principal arn:verenc:iam::111122223333:user/ci"
POLICY_JSON = (
    """printf '{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, """
    """"Action": "kms:*", "Resource": "*"}}' > policy.json"""
)


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
                "DescribeKey",
                "Show a key's metadata.",
                MK,
                'qkms keys describe --key-id "$KEY"',
            ),
            "list": _c(
                "ListKeys",
                "List the keys in the keystore.",
                "qkms keys create > /dev/null",
                "qkms keys list --query 'Keys[].KeyId' --output text",
            ),
            "enable": _c(
                "EnableKey",
                "Enable a disabled key.",
                MK,
                'qkms keys disable --key-id "$KEY"',
                'qkms keys enable --key-id "$KEY"',
            ),
            "disable": _c(
                "DisableKey",
                "Disable a key: it can no longer be used.",
                MK,
                'qkms keys disable --key-id "$KEY"',
            ),
            "schedule-deletion": _c(
                "ScheduleKeyDeletion",
                "Schedule a key's deletion after 7 to 30 days.",
                MK,
                'qkms keys schedule-deletion --key-id "$KEY" --pending-window-in-days 7',
            ),
            "cancel-deletion": _c(
                "CancelKeyDeletion",
                "Cancel a scheduled deletion; the key stays disabled.",
                MK,
                'qkms keys schedule-deletion --key-id "$KEY" > /dev/null',
                'qkms keys cancel-deletion --key-id "$KEY"',
            ),
            "update-description": _c(
                "UpdateKeyDescription",
                "Replace a key's description.",
                MK,
                'qkms keys update-description --key-id "$KEY" --description "new text"',
            ),
            "enable-rotation": _c(
                "EnableKeyRotation",
                "Rotate a symmetric key automatically every N days (default 365).",
                MK,
                'qkms keys enable-rotation --key-id "$KEY" --rotation-period-in-days 90',
            ),
            "disable-rotation": _c(
                "DisableKeyRotation",
                "Stop automatic rotation.",
                MK,
                'qkms keys enable-rotation --key-id "$KEY"',
                'qkms keys disable-rotation --key-id "$KEY"',
            ),
            "rotation-status": _c(
                "GetKeyRotationStatus",
                "Show whether and when a key rotates.",
                MK,
                'qkms keys rotation-status --key-id "$KEY"',
            ),
            "rotate": _c(
                "RotateKeyOnDemand",
                "Rotate a symmetric key now.",
                MK,
                'qkms keys rotate --key-id "$KEY"',
            ),
            "list-rotations": _c(
                "ListKeyRotations",
                "List a key's completed rotations.",
                MK,
                'qkms keys rotate --key-id "$KEY" > /dev/null',
                'qkms keys list-rotations --key-id "$KEY"',
            ),
            "get-parameters-for-import": _c(
                "GetParametersForImport",
                "Get a wrapping public key and an import token (valid 24 h) for an EXTERNAL key.",
                EXTERNAL_KEY,
                IMPORT_PARAMS,
            ),
            "import-key-material": _c(
                "ImportKeyMaterial",
                "Import key material wrapped with get-parameters-for-import's public key.",
                EXTERNAL_KEY,
                'qkms keys get-parameters-for-import --key-id "$KEY" --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --public-key-out wrapping.der --import-token-out token.bin > /dev/null',
                "openssl rand -out material.bin 32",
                "openssl pkeyutl -encrypt -pubin -keyform DER -inkey wrapping.der -in material.bin -out material.enc -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
                'qkms keys import-key-material --key-id "$KEY" --import-token fileb://token.bin --encrypted-key-material fileb://material.enc --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE',
            ),
            "delete-imported-key-material": _c(
                "DeleteImportedKeyMaterial",
                "Delete a key's imported material: the key waits for the same material again.",
                EXTERNAL_KEY,
                'qkms keys get-parameters-for-import --key-id "$KEY" --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --public-key-out wrapping.der --import-token-out token.bin > /dev/null',
                "openssl rand -out material.bin 32",
                "openssl pkeyutl -encrypt -pubin -keyform DER -inkey wrapping.der -in material.bin -out material.enc -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
                'qkms keys import-key-material --key-id "$KEY" --import-token fileb://token.bin --encrypted-key-material fileb://material.enc --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE > /dev/null',
                'qkms keys delete-imported-key-material --key-id "$KEY"',
            ),
            "tag": _c(
                "TagResource",
                "Add or replace tags on a key.",
                MK,
                'qkms keys tag --key-id "$KEY" --tags TagKey=team,TagValue=payments',
            ),
            "untag": _c(
                "UntagResource",
                "Remove tags from a key.",
                MK,
                'qkms keys tag --key-id "$KEY" --tags TagKey=team,TagValue=payments',
                'qkms keys untag --key-id "$KEY" --tag-keys team',
            ),
            "list-tags": _c(
                "ListResourceTags",
                "List a key's tags.",
                MK,
                'qkms keys tag --key-id "$KEY" --tags TagKey=team,TagValue=payments',
                'qkms keys list-tags --key-id "$KEY"',
            ),
            "get-policy": _c(
                "GetKeyPolicy",
                "Show a key's policy (AWS's default key policy unless one was put).",
                MK,
                'qkms keys get-policy --key-id "$KEY" --query Policy --output text',
            ),
            "put-policy": _c(
                "PutKeyPolicy",
                "Replace a key's policy (refused if it would lock you out, unless bypassed).",
                MK,
                POLICY_JSON,
                'qkms keys put-policy --key-id "$KEY" --policy file://policy.json',
            ),
            "list-policies": _c(
                "ListKeyPolicies",
                "List a key's policy names (always: default).",
                MK,
                'qkms keys list-policies --key-id "$KEY"',
            ),
            "last-usage": _c(
                "GetKeyLastUsage",
                "Show when a key last did a cryptographic operation, from the audit trail.",
                MK,
                SECRET_TXT,
                'qkms encrypt --key-id "$KEY" --plaintext fileb://secret.txt > /dev/null',
                'qkms keys last-usage --key-id "$KEY"',
            ),
        },
    ),
    "grants": (
        "Give principals the use of a key with grants, and take it back.",
        {
            "create": _c(
                "CreateGrant",
                "Let a principal use a key for some operations; prints the grant's id and token.",
                MK,
                f'qkms grants create --key-id "$KEY" --operations Decrypt Encrypt {CI_USER}',
            ),
            "list": _c(
                "ListGrants",
                "List a key's grants.",
                MK,
                f'qkms grants create --key-id "$KEY" --operations Decrypt {CI_USER} > /dev/null',
                'qkms grants list --key-id "$KEY"',
            ),
            "list-retirable": _c(
                "ListRetirableGrants",
                "List the grants a principal may retire.",
                MK,
                f'qkms grants create --key-id "$KEY" --operations Decrypt {CI_USER} '
                "--retiring-principal arn:verenc:iam::111122223333:user/ci > /dev/null",
                "qkms grants list-retirable "
                "--retiring-principal arn:verenc:iam::111122223333:user/ci",
            ),
            "retire": _c(
                "RetireGrant",
                "Retire a grant (by its token, or key and grant id), as its retiring principal.",
                MK,
                f'TOKEN=$(qkms grants create --key-id "$KEY" --operations Decrypt {CI_USER} '
                "--query GrantToken --output text)",
                'qkms grants retire --grant-token "$TOKEN"',
            ),
            "revoke": _c(
                "RevokeGrant",
                "Revoke a grant of a key.",
                MK,
                f'GRANT=$(qkms grants create --key-id "$KEY" --operations Decrypt {CI_USER} '
                "--query GrantId --output text)",
                'qkms grants revoke --key-id "$KEY" --grant-id "$GRANT"',
            ),
        },
    ),
    "aliases": (
        "Name keys with aliases (alias/NAME).",
        {
            "create": _c(
                "CreateAlias",
                "Give a key an alias.",
                'qkms aliases create --alias-name alias/my-new-app --target-key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"',
            ),
            "update": _c(
                "UpdateAlias",
                "Point an alias at another key of the same type.",
                MY_APP,
                'qkms aliases update --alias-name alias/my-app --target-key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"',
            ),
            "delete": _c(
                "DeleteAlias",
                "Delete an alias (not its key).",
                MY_APP,
                "qkms aliases delete --alias-name alias/my-app",
            ),
            "list": _c(
                "ListAliases",
                "List aliases, of one key or of all.",
                MY_APP,
                "qkms aliases list --key-id alias/my-app",
            ),
        },
    ),
}

# A runnable example for each group's --help, beside its commands' own.
GROUP_EXAMPLES: dict[str, str] = {
    "keys": "\n".join(
        (
            "qkms keys create > /dev/null",
            "qkms keys list --query 'Keys[].KeyId' --output text",
        )
    ),
    "aliases": "\n".join(
        (
            MY_APP,
            "qkms aliases list --query 'Aliases[].AliasName' --output text",
        )
    ),
    "grants": "\n".join(
        (MK, 'qkms grants list --key-id "$KEY"'),
    ),
}

TOP: dict[str, CommandSpec] = {
    "generate-data-key-pair": _c(
        "GenerateDataKeyPair",
        "Generate an asymmetric data key pair: the public key, and the private key sealed under a KMS key (its plaintext stays inside qkms unless the keystore is --partition aws).",
        MK,
        'qkms generate-data-key-pair --key-id "$KEY" --key-pair-spec ECC_NIST_P256 --encryption-context Purpose=Test',
    ),
    "generate-data-key-pair-without-plaintext": _c(
        "GenerateDataKeyPairWithoutPlaintext",
        "Generate a data key pair; the same as generate-data-key-pair, as AWS names it.",
        MK,
        'qkms generate-data-key-pair-without-plaintext --key-id "$KEY" --key-pair-spec RSA_2048 --public-key-out public.der --private-key-ciphertext-out private.key.enc',
    ),
    "decrypt": _c(
        "Decrypt",
        "Decrypt a qkms ciphertext blob (the key is named inside it).",
        MK,
        'qkms generate-data-key-pair --key-id "$KEY" --key-pair-spec ECC_NIST_P256 --encryption-context Purpose=Test --private-key-ciphertext-out private.key.enc > /dev/null',
        "qkms decrypt --ciphertext-blob fileb://private.key.enc --encryption-context Purpose=Test --plaintext-out private.der",
    ),
    "encrypt": _c(
        "Encrypt",
        "Encrypt up to 4096 bytes under a KMS key.",
        SECRET_TXT,
        MK,
        'qkms encrypt --key-id "$KEY" --plaintext fileb://secret.txt --ciphertext-out secret.enc',
    ),
    "re-encrypt": _c(
        "ReEncrypt",
        "Decrypt a blob and encrypt it again under another key or context, in one step.",
        SECRET_TXT,
        MK,
        "OTHER=$(qkms keys create --query KeyMetadata.KeyId --output text)",
        'qkms encrypt --key-id "$KEY" --plaintext fileb://secret.txt --ciphertext-out secret.enc > /dev/null',
        'qkms re-encrypt --ciphertext-blob fileb://secret.enc --destination-key-id "$OTHER" --ciphertext-out secret.other.enc',
    ),
    "generate-data-key": _c(
        "GenerateDataKey",
        "Generate a symmetric data key: plaintext and a sealed copy.",
        MK,
        'qkms generate-data-key --key-id "$KEY" --key-spec AES_256 --plaintext-out data.key --ciphertext-out data.key.enc',
    ),
    "generate-data-key-without-plaintext": _c(
        "GenerateDataKeyWithoutPlaintext",
        "Generate a symmetric data key and return only its sealed copy.",
        MK,
        'qkms generate-data-key-without-plaintext --key-id "$KEY" --number-of-bytes 32 --ciphertext-out data.key.enc',
    ),
    "generate-random": _c(
        "GenerateRandom",
        "Return random bytes.",
        "qkms generate-random --number-of-bytes 32",
    ),
    "get-public-key": _c(
        "GetPublicKey",
        "Return the public key of an asymmetric KMS key (DER).",
        SIGNER,
        'qkms get-public-key --key-id "$KEY" --public-key-out public.der',
    ),
    "sign": _c(
        "Sign",
        "Sign a message or digest with an asymmetric KMS key.",
        RELEASE,
        SIGNER,
        'qkms sign --key-id "$KEY" --message fileb://release.tar.gz --signing-algorithm ECDSA_SHA_256 --signature-out release.sig',
    ),
    "verify": _c(
        "Verify",
        "Verify a signature made with an asymmetric KMS key.",
        RELEASE,
        SIGNER,
        'qkms sign --key-id "$KEY" --message fileb://release.tar.gz --signing-algorithm ECDSA_SHA_256 --signature-out release.sig > /dev/null',
        'qkms verify --key-id "$KEY" --message fileb://release.tar.gz --signature fileb://release.sig --signing-algorithm ECDSA_SHA_256',
    ),
    "generate-mac": _c(
        "GenerateMac",
        "Compute an HMAC with an HMAC key.",
        MSG,
        MAC_KEY,
        'qkms generate-mac --key-id "$KEY" --message fileb://msg --mac-algorithm HMAC_SHA_256 --mac-out msg.mac',
    ),
    "verify-mac": _c(
        "VerifyMac",
        "Verify an HMAC made with an HMAC key.",
        MSG,
        MAC_KEY,
        'qkms generate-mac --key-id "$KEY" --message fileb://msg --mac-algorithm HMAC_SHA_256 --mac-out msg.mac > /dev/null',
        'qkms verify-mac --key-id "$KEY" --message fileb://msg --mac fileb://msg.mac --mac-algorithm HMAC_SHA_256',
    ),
    "sign-with-data-key-pair": _c(
        "SignWithDataKeyPair",
        "Sign with a data key pair's private key, unsealed inside qkms for this call only.",
        RELEASE,
        MK,
        'qkms generate-data-key-pair --key-id "$KEY" --key-pair-spec ECC_NIST_P256 --private-key-ciphertext-out pair.enc > /dev/null',
        "qkms sign-with-data-key-pair --private-key-ciphertext-blob fileb://pair.enc --message fileb://release.tar.gz --signing-algorithm ECDSA_SHA_256 --signature-out release.sig",
    ),
    "encapsulate": _c(
        "Encapsulate",
        "Make a shared secret and its ML-KEM ciphertext with an ML_KEM key's public key.",
        KEM_KEY,
        'qkms encapsulate --key-id "$KEY" --encapsulation-algorithm ML_KEM --shared-secret-ciphertext-out secret.kem --shared-secret-out secret.bin',
    ),
    "decapsulate": _c(
        "Decapsulate",
        "Recover the shared secret of an ML-KEM ciphertext with an ML_KEM key.",
        KEM_KEY,
        'qkms encapsulate --key-id "$KEY" --encapsulation-algorithm ML_KEM --shared-secret-ciphertext-out peer.kem > /dev/null',
        'qkms decapsulate --key-id "$KEY" --encapsulation-algorithm ML_KEM --shared-secret-ciphertext-blob fileb://peer.kem --shared-secret-out secret.bin',
    ),
    "derive-shared-secret": _c(
        "DeriveSharedSecret",
        "ECDH: a shared secret from a KEY_AGREEMENT key and a peer's public key (DER).",
        "KEY=$(qkms keys create --key-spec ECC_NIST_P256 --key-usage KEY_AGREEMENT --query KeyMetadata.KeyId --output text)",
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem",
        "openssl pkey -in peer.pem -pubout -outform DER -out peer.der",
        'qkms derive-shared-secret --key-id "$KEY" --key-agreement-algorithm ECDH --public-key fileb://peer.der --shared-secret-out secret.bin',
    ),
    "decapsulate-with-data-key-pair": _c(
        "DecapsulateWithDataKeyPair",
        "Recover an ML-KEM shared secret with an ML-KEM data key pair's private key, inside qkms.",
        MK,
        'qkms generate-data-key-pair --key-id "$KEY" --key-pair-spec ML_KEM_768 --private-key-ciphertext-out kem-pair.enc --public-key-out kem-pub.der > /dev/null',
        "python -c \"from cryptography.hazmat.primitives.serialization import load_der_public_key as load; open('pair.kem', 'wb').write(load(open('kem-pub.der', 'rb').read()).encapsulate()[1])\"",
        "qkms decapsulate-with-data-key-pair --private-key-ciphertext-blob fileb://kem-pair.enc --shared-secret-ciphertext-blob fileb://pair.kem --shared-secret-out secret.bin",
    ),
    "decrypt-with-data-key-pair": _c(
        "DecryptWithDataKeyPair",
        "Decrypt RSA-OAEP ciphertext with an RSA data key pair's private key, inside qkms.",
        SECRET_TXT,
        MK,
        'qkms generate-data-key-pair --key-id "$KEY" --key-pair-spec RSA_2048 --private-key-ciphertext-out rsa-pair.enc --public-key-out rsa-pub.der > /dev/null',
        "openssl pkeyutl -encrypt -pubin -keyform DER -inkey rsa-pub.der -in secret.txt -out data.enc -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
        "qkms decrypt-with-data-key-pair --private-key-ciphertext-blob fileb://rsa-pair.enc --ciphertext-blob fileb://data.enc --encryption-algorithm RSAES_OAEP_SHA_256 --query Plaintext --output text | base64 -d",
    ),
}


# Response members AWS defines that qkms leaves out, and why; the help of each command says so.
LEFT_OUT: dict[str, dict[str, str]] = {
    "GenerateDataKeyPair": {
        "PrivateKeyPlaintext": "the private key stays inside qkms; a keystore made with "
        "`keystore init --partition aws` returns it, as AWS does",
    },
}
_NO_RECIPIENT = "qkms has no Nitro Enclaves, so --recipient is refused"


def left_out(op: str, output: dict[str, object]) -> dict[str, str]:
    """The response members of `op` qkms never returns, with the reason."""
    found = dict(LEFT_OUT.get(op, {}))
    if "CiphertextForRecipient" in output:
        found["CiphertextForRecipient"] = _NO_RECIPIENT
    return found


def example_help(key: str, example: str) -> str:
    """The help's Example (each line as written) and Output sections; key names the sample
    (the operation for API commands, else the command path, e.g. "keystore init")."""
    from qkms_cli.cli.samples import SAMPLES

    text = "\b\nExample:\n" + "\n".join(f"  {line}" for line in example.split("\n"))
    sample = SAMPLES.get(key)
    if sample is not None:
        shown = sample or "(nothing: it succeeds silently)"
        text += "\n\n\b\nOutput:\n" + "\n".join(f"  {line}" for line in shown.split("\n"))
    return text


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
