"""Shapes of qkms's own operations, beyond AWS KMS, in the same form as the generated model."""

from __future__ import annotations

from typing import Any

from qkms_cli.service.model import AWS_OPERATIONS

_REQ = AWS_OPERATIONS["Sign"]["input"]
_DEC = AWS_OPERATIONS["Decrypt"]["input"]
_PAIR = AWS_OPERATIONS["GenerateDataKeyPair"]["input"]
_PRIVATE_BLOB = {
    "type": "blob",
    "min": 1,
    "max": 6144,
    "doc": "The PrivateKeyCiphertextBlob of a data key pair that qkms generated.",
}

EXTRA_OPERATIONS: dict[str, dict[str, Any]] = {
    "SignWithDataKeyPair": {
        "doc": "Signs a message with the private key of a data key pair, inside qkms.",
        "input": {
            "PrivateKeyCiphertextBlob": _PRIVATE_BLOB,
            "EncryptionContext": _PAIR["EncryptionContext"],
            "Message": _REQ["Message"],
            "MessageType": _REQ["MessageType"],
            "SigningAlgorithm": _REQ["SigningAlgorithm"],
            "GrantTokens": _REQ["GrantTokens"],
        },
        "required": ["PrivateKeyCiphertextBlob", "Message", "SigningAlgorithm"],
        "output": {
            "KeyId": {"type": "string"},
            "KeyPairSpec": {"type": "string"},
            "Signature": {"type": "blob"},
            "SigningAlgorithm": {"type": "string"},
        },
        "errors": ["NotFoundException", "InvalidCiphertextException", "InvalidKeyUsageException"],
    },
    "DecryptWithDataKeyPair": {
        "doc": "Decrypts RSA-OAEP ciphertext with the private key of a data key pair, inside qkms.",
        "input": {
            "PrivateKeyCiphertextBlob": _PRIVATE_BLOB,
            "EncryptionContext": _PAIR["EncryptionContext"],
            "CiphertextBlob": {**_DEC["CiphertextBlob"], "doc": "The RSA-OAEP ciphertext."},
            "EncryptionAlgorithm": _DEC["EncryptionAlgorithm"],
            "GrantTokens": _REQ["GrantTokens"],
        },
        "required": ["PrivateKeyCiphertextBlob", "CiphertextBlob", "EncryptionAlgorithm"],
        "output": {
            "KeyId": {"type": "string"},
            "KeyPairSpec": {"type": "string"},
            "Plaintext": {"type": "blob", "sensitive": True},
            "EncryptionAlgorithm": {"type": "string"},
        },
        "errors": ["NotFoundException", "InvalidCiphertextException", "InvalidKeyUsageException"],
    },
    "DecapsulateWithDataKeyPair": {
        "doc": "Decapsulates an ML-KEM shared secret with an ML-KEM data key pair's private key, inside qkms.",
        "input": {
            "PrivateKeyCiphertextBlob": _PRIVATE_BLOB,
            "EncryptionContext": _PAIR["EncryptionContext"],
            "SharedSecretCiphertextBlob": AWS_OPERATIONS["Decapsulate"]["input"][
                "SharedSecretCiphertextBlob"
            ],
            "GrantTokens": _REQ["GrantTokens"],
        },
        "required": ["PrivateKeyCiphertextBlob", "SharedSecretCiphertextBlob"],
        "output": {
            "KeyId": {"type": "string"},
            "KeyPairSpec": {"type": "string"},
            "SharedSecret": {"type": "blob", "sensitive": True},
            "EncapsulationAlgorithm": {"type": "string"},
        },
        "errors": ["NotFoundException", "InvalidCiphertextException", "InvalidKeyUsageException"],
    },
    "InspectBlob": {
        "doc": "Explains a ciphertext blob without opening it: payload, key, context, sizes.",
        "input": {
            "CiphertextBlob": {
                "type": "blob",
                "min": 1,
                # Not only blobs are inspected: a PEM or a certificate is told apart, not refused.
                "max": 65536,
                "doc": "A qkms ciphertext blob (CiphertextBlob or PrivateKeyCiphertextBlob).",
            },
        },
        "required": ["CiphertextBlob"],
        "output": {
            "FormatVersion": {"type": "integer"},
            "PayloadKind": {"type": "string"},
            "Payload": {"type": "string"},
            "KeyPairSpec": {"type": "string"},
            "KeyId": {"type": "string"},
            "KeyArn": {"type": "string"},
            "KeyMaterialVersion": {"type": "integer"},
            "KeyMaterialId": {"type": "string"},
            "EncryptionContextBound": {"type": "boolean"},
            "BlobSize": {"type": "integer"},
            "HeaderSize": {"type": "integer"},
            "PayloadSize": {"type": "integer"},
            "KeyKnown": {"type": "boolean"},
            "KeyState": {"type": "string"},
            "KeyDescription": {"type": "string"},
            "KeySpec": {"type": "string"},
            "Aliases": {"type": "list", "member": {"type": "string"}},
            "KeyMaterialKnown": {"type": "boolean"},
            "Note": {"type": "string"},
        },
        "errors": ["InvalidCiphertextException"],
    },
}

# Batch generation and the key-pair pool (beyond AWS): `--count N`, `qkms pool ...`.
# Count's ceiling keeps one call's output and time bounded (10,000 RSA_4096 pairs: ~1 h on 2 cores).
MAX_PAIRS_PER_CALL = 10_000
_POOL_SPEC = {
    **_PAIR["KeyPairSpec"],
    "enum": [s for s in _PAIR["KeyPairSpec"]["enum"] if s != "SM2"],
}
_PAIR_OUT = AWS_OPERATIONS["GenerateDataKeyPair"]["output"]
_POOL_ROW = {
    "type": "structure",
    "members": {"KeyPairSpec": {"type": "string"}, "Available": {"type": "integer"}},
}

EXTRA_OPERATIONS.update(
    {
        "GenerateDataKeyPairs": {
            "doc": "Generates Count data key pairs in one call, across all cores (pooled first).",
            "input": {
                **_PAIR,
                "Count": {
                    "type": "integer",
                    "min": 1,
                    "max": MAX_PAIRS_PER_CALL,
                    "doc": "How many data key pairs to generate.",
                },
            },
            "required": ["KeyId", "KeyPairSpec", "Count"],
            "output": {
                "DataKeyPairs": {
                    "type": "list",
                    "member": {"type": "structure", "members": _PAIR_OUT},
                },
            },
            "errors": AWS_OPERATIONS["GenerateDataKeyPair"].get("errors", []),
        },
        "FillKeyPairPool": {
            "doc": "Pre-generates data key pairs into the keystore's pool, sealed under the master key.",
            "input": {
                "KeyPairSpec": {**_POOL_SPEC, "doc": "The KeyPairSpec of the pairs to add."},
                "Count": {
                    "type": "integer",
                    "min": 1,
                    "max": MAX_PAIRS_PER_CALL,
                    "doc": "How many pairs to add.",
                },
            },
            "required": ["KeyPairSpec", "Count"],
            "output": {
                "KeyPairSpec": {"type": "string"},
                "Added": {"type": "integer"},
                "Available": {"type": "integer"},
            },
            "errors": [],
        },
        "DescribeKeyPairPool": {
            "doc": "Shows how many pooled data key pairs of each KeyPairSpec are left.",
            "input": {},
            "required": [],
            "output": {"Pools": {"type": "list", "member": _POOL_ROW}},
            "errors": [],
        },
        "ClearKeyPairPool": {
            "doc": "Removes pooled data key pairs: of one KeyPairSpec, or all of them.",
            "input": {
                "KeyPairSpec": {**_POOL_SPEC, "doc": "Remove only pairs of this spec."},
            },
            "required": [],
            "output": {"Removed": {"type": "integer"}},
            "errors": [],
        },
    }
)

# The audit trail (beyond AWS; CloudTrail's LookupEvents in spirit): `qkms audit ...`.
_DATE_DOC = "A date (2026-12-01, 2026-12-01T10:00:00Z), epoch seconds, or an age such as 30d."
EXTRA_OPERATIONS.update(
    {
        "ListAuditEvents": {
            "doc": "Lists audit events (CloudTrail-shaped), newest first, filtered.",
            "input": {
                "KeyId": {
                    "type": "string",
                    "min": 1,
                    "max": 2048,
                    "doc": "Only events about this key (key id, key ARN or alias).",
                },
                "EventName": {
                    "type": "string",
                    "min": 1,
                    "max": 128,
                    "doc": "Only events of this operation, e.g. Decrypt.",
                },
                "User": {
                    "type": "string",
                    "min": 1,
                    "max": 256,
                    "doc": "Only events of this caller: a user name or a principal ARN.",
                },
                "Since": {"type": "string", "min": 1, "max": 64, "doc": f"From. {_DATE_DOC}"},
                "Until": {"type": "string", "min": 1, "max": 64, "doc": f"To. {_DATE_DOC}"},
                "Errors": {"type": "boolean", "doc": "Only calls that were denied or failed."},
                "ScanForward": {"type": "boolean", "doc": "Oldest first instead of newest first."},
                "Limit": {"type": "integer", "min": 1, "max": 1000, "doc": "Events a page."},
                "Marker": {"type": "string", "min": 1, "max": 32, "doc": "A NextMarker."},
            },
            "required": [],
            "output": {
                "Events": {"type": "list", "member": {"type": "structure", "members": {}}},
                "NextMarker": {"type": "string"},
                "Truncated": {"type": "boolean"},
            },
            "errors": ["InvalidMarkerException", "NotFoundException"],
        },
        "PruneAuditEvents": {
            "doc": "Deletes the audit events before a date; the prune itself stays in the trail.",
            "input": {
                "Before": {
                    "type": "string",
                    "min": 1,
                    "max": 64,
                    "doc": f"Delete the events older than this. {_DATE_DOC}",
                },
            },
            "required": ["Before"],
            "output": {
                "Pruned": {"type": "integer"},
                "Before": {"type": "timestamp"},
                "FirstSequence": {"type": "integer"},
                "AnchorHash": {"type": "string"},
            },
            "errors": [],
        },
        "VerifyAuditTrail": {
            "doc": "Checks the audit trail's hash chain and seals: edits, deletions, reorderings.",
            "input": {},
            "required": [],
            "output": {
                "Events": {"type": "integer"},
                "FirstSequence": {"type": "integer"},
                "LastSequence": {"type": "integer"},
                "Sealed": {"type": "integer"},
                "UnsealedTail": {"type": "integer"},
            },
            "errors": [],
        },
    }
)
