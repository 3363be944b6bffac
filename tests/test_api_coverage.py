"""botocore's current KMS model, read afresh: every operation and every enum value qkms either
implements or deliberately refuses (README: "What qkms refuses, and why"). A botocore release
that adds one fails here until qkms decides."""

from __future__ import annotations

from typing import Any

import pytest

from qkms_cli import service
from qkms_cli.engine import specs
from qkms_cli.service import grants
from qkms_cli.service.model import AWS_OPERATIONS
from tests.test_model_oracle import PENDING, REFUSED

# Enum values qkms refuses on purpose, by the enum's shape name, with the reason.
REFUSED_VALUES: dict[tuple[str, str], str] = {
    ("KeySpec", "SM2"): "China Regions only",
    ("CustomerMasterKeySpec", "SM2"): "China Regions only",
    ("DataKeyPairSpec", "SM2"): "China Regions only",
    ("EncryptionAlgorithmSpec", "SM2PKE"): "China Regions only",
    ("SigningAlgorithmSpec", "SM2DSA"): "China Regions only",
    ("AlgorithmSpec", "SM2PKE"): "China Regions only",
    ("WrappingKeySpec", "SM2"): "China Regions only",
    ("AlgorithmSpec", "RSAES_PKCS1_V1_5"): "AWS no longer accepts it for import",
    ("OriginType", "AWS_CLOUDHSM"): "no custom key stores",
    ("OriginType", "EXTERNAL_KEY_STORE"): "no custom key stores",
    ("CustomKeyStoreType", "AWS_CLOUDHSM"): "no custom key stores",
    ("CustomKeyStoreType", "EXTERNAL_KEY_STORE"): "no custom key stores",
    ("XksProxyConnectivityType", "PUBLIC_ENDPOINT"): "no custom key stores",
    ("XksProxyConnectivityType", "VPC_ENDPOINT_SERVICE"): "no custom key stores",
    ("KeyEncryptionMechanism", "RSAES_OAEP_SHA_256"): "Recipient: no Nitro Enclaves",
    (
        "ImportType",
        "NEW_KEY_MATERIAL",
    ): "one imported material per key (allowed only for the first)",
}


def _union(member: str) -> set[str]:
    return {
        v
        for usages in specs.KEY_SPECS.values()
        for algs in usages.values()
        for v in algs.get(member, [])
    }


# What qkms implements, read from its own tables where it has them.
IMPLEMENTED: dict[str, set[str]] = {
    "KeySpec": set(specs.KEY_SPECS),
    "CustomerMasterKeySpec": set(specs.CMK_SPECS),
    "KeyUsageType": {u for usages in specs.KEY_SPECS.values() for u in usages},
    "DataKeyPairSpec": set(specs.DATA_KEY_PAIR_SPECS),
    "EncryptionAlgorithmSpec": _union("EncryptionAlgorithms"),
    "SigningAlgorithmSpec": _union("SigningAlgorithms"),
    "MacAlgorithmSpec": _union("MacAlgorithms"),
    "KeyAgreementAlgorithmSpec": _union("KeyAgreementAlgorithms"),
    "EncapsulationAlgorithmSpec": _union("EncapsulationAlgorithms"),
    "MessageType": {"RAW", "DIGEST", "EXTERNAL_MU"},
    "DataKeySpec": {"AES_256", "AES_128"},
    "OriginType": {"AWS_KMS", "EXTERNAL"},
    "AlgorithmSpec": {
        "RSAES_OAEP_SHA_1",
        "RSAES_OAEP_SHA_256",
        "RSA_AES_KEY_WRAP_SHA_1",
        "RSA_AES_KEY_WRAP_SHA_256",
    },
    "WrappingKeySpec": {"RSA_2048", "RSA_3072", "RSA_4096"},
    "ExpirationModelType": {"KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"},
    "ImportType": {"EXISTING_KEY_MATERIAL"},
    "IncludeKeyMaterial": {"ALL_KEY_MATERIAL", "ROTATIONS_ONLY"},
    "DryRunModifierType": {"IGNORE_CIPHERTEXT"},
    "ResourceOwnerType": {"SELF", "OTHER_ACCOUNTS_VIA_RAM"},
    # what a grant may allow, on the keys that support it (tests/test_grant_operations.py)
    "GrantOperation": {op for ops in grants.GRANT_OPERATIONS.values() for op in ops},
}


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    from botocore.loaders import Loader

    return Loader().load_service_model("kms", "service-2")  # type: ignore[no-any-return]


def _enum_shapes(model: dict[str, Any]) -> dict[str, list[str]]:
    """Every enum shape reachable from an operation's input."""
    shapes, found = model["shapes"], {}

    def walk(name: str, depth: int) -> None:
        shape = shapes[name]
        if "enum" in shape:
            found[name] = shape["enum"]
        if shape["type"] == "structure" and depth < 5:
            for ref in shape["members"].values():
                walk(ref["shape"], depth + 1)
        elif shape["type"] == "list":
            walk(shape["member"]["shape"], depth + 1)

    for spec in model["operations"].values():
        walk(spec["input"]["shape"], 0)
    return found


def test_every_operation_is_implemented_or_refused(model: dict[str, Any]) -> None:
    missing = [op for op in model["operations"] if op not in AWS_OPERATIONS]
    assert not missing, f"botocore has operations qkms's model lacks: {missing}"
    handled = {op for ops in service._HANDLER_MODULES.values() for op in ops}
    undecided = set(model["operations"]) - handled - PENDING
    assert not undecided, f"operations neither implemented nor refused: {sorted(undecided)}"
    assert set(REFUSED) <= handled  # refusals are handlers that answer as AWS does


def test_every_enum_value_is_implemented_or_refused(model: dict[str, Any]) -> None:
    undecided = []
    for shape, values in _enum_shapes(model).items():
        for value in values:
            if value not in IMPLEMENTED.get(shape, set()) and (shape, value) not in REFUSED_VALUES:
                undecided.append(f"{shape}.{value}")
    assert not undecided, f"enum values neither implemented nor refused: {undecided}"


def test_the_refusals_are_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("### What qkms refuses, and why", 1)[1].split("\n## ", 1)[0]
    for (shape, value), _why in REFUSED_VALUES.items():
        assert value in section, f"{shape}.{value} is refused but not in the README's list"
    for op in REFUSED:
        assert op.replace("CustomKeyStore", "") in section or op in section, op
