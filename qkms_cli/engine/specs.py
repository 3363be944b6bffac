"""Key specs, their usages and algorithms, as AWS KMS's CreateKey documentation lists them."""

from __future__ import annotations

_RSA_ENCRYPT = {"EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}
_RSA_SIGN = {
    "SigningAlgorithms": [
        "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512",
        "RSASSA_PSS_SHA_256",
        "RSASSA_PSS_SHA_384",
        "RSASSA_PSS_SHA_512",
    ]
}
_ECDH = {"KeyAgreementAlgorithms": ["ECDH"]}

# KeySpec -> {KeyUsage -> the algorithm lists KeyMetadata and GetPublicKey report}.
KEY_SPECS: dict[str, dict[str, dict[str, list[str]]]] = {
    "SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}},
    "RSA_2048": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "RSA_3072": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "RSA_4096": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "ECC_NIST_P256": {
        "SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]},
        "KEY_AGREEMENT": _ECDH,
    },
    "ECC_NIST_P384": {
        "SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_384"]},
        "KEY_AGREEMENT": _ECDH,
    },
    "ECC_NIST_P521": {
        "SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_512"]},
        "KEY_AGREEMENT": _ECDH,
    },
    "ECC_SECG_P256K1": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]}},
    "ECC_NIST_EDWARDS25519": {
        "SIGN_VERIFY": {"SigningAlgorithms": ["ED25519_SHA_512", "ED25519_PH_SHA_512"]}
    },
    "HMAC_224": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_224"]}},
    "HMAC_256": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_256"]}},
    "HMAC_384": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_384"]}},
    "HMAC_512": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_512"]}},
}

# KeySpec values the API defines but qkms cannot make with `cryptography` (SM2 is China-only;
# ML-DSA is not in the cryptography releases we support).
UNSUPPORTED_KEY_SPECS = (
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
    "ML_KEM_512",
    "ML_KEM_768",
    "ML_KEM_1024",
)

# The deprecated CustomerMasterKeySpec exists only for the specs it predates.
CMK_SPECS = frozenset(KEY_SPECS) - {"ECC_NIST_EDWARDS25519"}

# HMAC key lengths in bytes: AWS generates keys as long as the digest.
HMAC_KEY_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}

# DESIGN.md's blob header numbers data key pair specs 1-based in this order.
DATA_KEY_PAIR_SPECS = (
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "ECC_NIST_EDWARDS25519",
)


def default_usage(key_spec: str) -> str | None:
    """The KeyUsage implied when CreateKey names none: only symmetric keys have a default."""
    return "ENCRYPT_DECRYPT" if key_spec == "SYMMETRIC_DEFAULT" else None


def algorithms(key_spec: str, key_usage: str) -> dict[str, list[str]]:
    return {name: list(values) for name, values in KEY_SPECS[key_spec][key_usage].items()}


def is_asymmetric(key_spec: str) -> bool:
    return key_spec.startswith(("RSA_", "ECC_"))


def is_hmac(key_spec: str) -> bool:
    return key_spec.startswith("HMAC_")
