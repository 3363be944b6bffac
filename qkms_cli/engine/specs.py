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
_ML_DSA = {"SigningAlgorithms": ["ML_DSA_SHAKE_256"]}
_ML_KEM = {"EncapsulationAlgorithms": ["ML_KEM"]}

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
    "ML_DSA_44": {"SIGN_VERIFY": _ML_DSA},
    "ML_DSA_65": {"SIGN_VERIFY": _ML_DSA},
    "ML_DSA_87": {"SIGN_VERIFY": _ML_DSA},
    "ML_KEM_512": {"ENCAPSULATE_DECAPSULATE": _ML_KEM},
    "ML_KEM_768": {"ENCAPSULATE_DECAPSULATE": _ML_KEM},
    "ML_KEM_1024": {"ENCAPSULATE_DECAPSULATE": _ML_KEM},
}

# KeySpec values the API defines but qkms does not make: SM2 exists only in AWS's China Regions.
UNSUPPORTED_KEY_SPECS = ("SM2",)

# The deprecated CustomerMasterKeySpec exists only for the specs it predates.
CMK_SPECS = frozenset(k for k in KEY_SPECS if k != "ECC_NIST_EDWARDS25519" and k[:3] != "ML_")

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
    # Appended as AWS added them (botocore 1.44): never renumber, only add at the end.
    "ML_KEM_512",
    "ML_KEM_768",
    "ML_KEM_1024",
)


def default_usage(key_spec: str) -> str | None:
    """The KeyUsage implied when CreateKey names none: only symmetric keys have a default."""
    return "ENCRYPT_DECRYPT" if key_spec == "SYMMETRIC_DEFAULT" else None


def algorithms(key_spec: str, key_usage: str) -> dict[str, list[str]]:
    return {name: list(values) for name, values in KEY_SPECS[key_spec][key_usage].items()}


def is_asymmetric(key_spec: str) -> bool:
    return key_spec.startswith(("RSA_", "ECC_", "ML_"))


def is_post_quantum(key_spec: str) -> bool:
    return key_spec.startswith("ML_")


def is_hmac(key_spec: str) -> bool:
    return key_spec.startswith("HMAC_")
