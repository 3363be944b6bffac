"""botocore's KMS model as the oracle: our request model and every response we return must fit it."""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qkms_cli import errors, service
from qkms_cli.service.model import AWS_OPERATIONS
from qkms_cli.store.keystore import Keystore

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def botocore_model() -> dict[str, Any]:
    """botocore's own copy of the KMS service model (service-2.json or .json.gz)."""
    botocore = pytest.importorskip("botocore")
    try:
        from botocore.loaders import Loader

        return Loader().load_service_model("kms", "service-2")
    except Exception:  # an unusual botocore layout: read the file by path
        root = Path(botocore.__file__).parent / "data" / "kms"
        candidates = sorted(root.glob("*/service-2.json*"))
        assert candidates, f"no KMS model under {root}"
        path = candidates[-1]
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)


@pytest.fixture(scope="module")
def gen_model() -> ModuleType:
    """tools/gen_model.py, for its documented exclusions."""
    spec = importlib.util.spec_from_file_location("gen_model", REPO / "tools" / "gen_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shapes(model: dict[str, Any]) -> dict[str, Any]:
    return model["shapes"]


def _input(model: dict[str, Any], op: str) -> dict[str, Any]:
    return _shapes(model)[model["operations"][op]["input"]["shape"]]


def _output(model: dict[str, Any], op: str) -> dict[str, Any] | None:
    spec = model["operations"][op]
    return _shapes(model)[spec["output"]["shape"]] if "output" in spec else None


# -- the request and response models --------------------------------------------------------------


def test_we_implement_the_operations_gen_model_names(gen_model: ModuleType) -> None:
    assert list(AWS_OPERATIONS) == gen_model.OPERATIONS


# botocore grows with AWS (new members, new enum values), and the test extra installs the newest,
# while qkms_cli/service/model.py is generated from the botocore of its day. So what our model has
# must be exactly botocore's (names, order, required, constraints), and what botocore added since is
# reported by test_botocore_additions_are_reported rather than failing the suite.


def _kept(members: list[str], excluded: set[str], ours: dict[str, Any]) -> list[str]:
    return [m for m in members if m not in excluded and m in ours]


@pytest.mark.parametrize("op", list(AWS_OPERATIONS))
def test_request_members_match_botocore(
    botocore_model: dict[str, Any], gen_model: ModuleType, op: str
) -> None:
    assert op in botocore_model["operations"], f"{op} is not a KMS operation"
    theirs = _input(botocore_model, op)
    ours = AWS_OPERATIONS[op]
    assert not set(ours["input"]) & gen_model.EXCLUDED_INPUT
    assert list(ours["input"]) == _kept(list(theirs["members"]), set(), ours["input"])
    required = [m for m in theirs.get("required", []) if m not in gen_model.EXCLUDED_INPUT]
    assert set(required) <= set(ours["input"]), f"{op} lacks a member botocore requires"
    if op == "Decrypt":  # the one documented addition (see tools/gen_model.py)
        required.append("CiphertextBlob")
    assert ours["required"] == required


@pytest.mark.parametrize("op", list(AWS_OPERATIONS))
def test_request_member_constraints_match_botocore(botocore_model: dict[str, Any], op: str) -> None:
    shapes = _shapes(botocore_model)
    for member, ours in AWS_OPERATIONS[op]["input"].items():
        theirs = shapes[_input(botocore_model, op)["members"][member]["shape"]]
        assert ours["type"] == theirs["type"], (op, member)
        for attr in ("min", "max", "pattern"):
            assert ours.get(attr) == theirs.get(attr), (op, member, attr)
        if "enum" in theirs:
            # Same order; botocore may have appended values AWS added since.
            assert ours["enum"] == [v for v in theirs["enum"] if v in ours["enum"]], (op, member)
        else:
            assert "enum" not in ours, (op, member)


@pytest.mark.parametrize("op", list(AWS_OPERATIONS))
def test_response_members_match_botocore(
    botocore_model: dict[str, Any], gen_model: ModuleType, op: str
) -> None:
    theirs = _output(botocore_model, op)
    ours = AWS_OPERATIONS[op]["output"]
    if theirs is None:
        assert ours == {}
        return
    assert not set(ours) & gen_model.EXCLUDED_OUTPUT
    assert list(ours) == _kept(list(theirs["members"]), set(), ours)


@pytest.mark.parametrize("op", list(AWS_OPERATIONS))
def test_errors_match_botocore(botocore_model: dict[str, Any], op: str) -> None:
    theirs = [e["shape"] for e in botocore_model["operations"][op].get("errors", [])]
    assert AWS_OPERATIONS[op]["errors"] == [e for e in theirs if e in AWS_OPERATIONS[op]["errors"]]


def test_botocore_additions_are_reported(
    botocore_model: dict[str, Any], gen_model: ModuleType
) -> None:
    """Members and enum values botocore has and our model lacks: a nudge to regenerate it."""
    import warnings

    shapes = _shapes(botocore_model)
    added: list[str] = []
    for op, ours in AWS_OPERATIONS.items():
        for member, ref in _input(botocore_model, op)["members"].items():
            if member in gen_model.EXCLUDED_INPUT:
                continue
            if member not in ours["input"]:
                added.append(f"{op}.{member}")
                continue
            extra = set(shapes[ref["shape"]].get("enum", [])) - set(
                ours["input"][member].get("enum", [])
            )
            added += [f"{op}.{member}={value}" for value in sorted(extra)]
        output = _output(botocore_model, op) or {"members": {}}
        for member in output["members"]:
            if member not in gen_model.EXCLUDED_OUTPUT and member not in ours["output"]:
                added.append(f"{op} -> {member}")
    if added:
        import botocore

        warnings.warn(
            f"botocore {botocore.__version__} has {len(added)} KMS model additions qkms's model "
            f"lacks (regenerate with tools/gen_model.py when qkms supports them): "
            + ", ".join(added),
            stacklevel=1,
        )


# Errors qkms raises that botocore's KMS model does not declare, and why.
UNDECLARED_ERRORS = {
    # The protocol's own error: every AWS JSON service returns it for bad input.
    "ValidationException",
    # alias/aws/... names: moto and local-kms answer NotAuthorizedException (kms-facts.md).
    "NotAuthorizedException",
    # AWS's answer when no policy allows an action (AWS managed keys' policies allow no management).
    "AccessDeniedException",
    # The JSON 1.1 protocol's and SigV4's own errors, which `qkms serve` answers before an
    # operation runs (every AWS JSON service does; no operation model declares them).
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
    "SerializationException",
    "UnknownOperationException",
    "UnrecognizedClientException",
    # A denial: AWS's common error for every service, absent from each service's own model.
    "AccessDeniedException",
}


def test_every_api_error_we_raise_is_a_kms_error_shape(botocore_model: dict[str, Any]) -> None:
    from qkms_cli import errors

    names = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.ApiError) and cls is not errors.ApiError
    }
    assert not names - set(_shapes(botocore_model)) - UNDECLARED_ERRORS


# -- the responses we really return ---------------------------------------------------------------

_PY = {
    "string": str,
    "blob": bytes,
    "boolean": bool,
    "integer": int,
    "long": int,
    "timestamp": datetime,
    "list": list,
    "map": dict,
    "structure": dict,
}


def check_value(shapes: dict[str, Any], shape_name: str, value: Any, path: str) -> None:
    """Fail unless value fits botocore's shape: member names, types, enums, required members."""
    shape = shapes[shape_name]
    kind = shape["type"]
    assert isinstance(value, _PY[kind]), f"{path}: {type(value).__name__} is not a {kind}"
    if kind in ("integer", "long"):
        assert not isinstance(value, bool), path
    if "enum" in shape:
        assert value in shape["enum"], f"{path}: {value!r} is not in {shape['enum']}"
    if kind == "string" and "max" in shape:
        assert shape.get("min", 0) <= len(value) <= shape["max"], path
    if kind == "structure":
        for member, item in value.items():
            assert member in shape["members"], f"{path}.{member} is not in botocore's {shape_name}"
            if item is not None:
                check_value(shapes, shape["members"][member]["shape"], item, f"{path}.{member}")
        for member in shape.get("required", []):
            assert member in value, f"{path}.{member} is required by botocore"
    elif kind == "list":
        for i, item in enumerate(value):
            check_value(shapes, shape["member"]["shape"], item, f"{path}[{i}]")
    elif kind == "map":
        for key, item in value.items():
            check_value(shapes, shape["key"]["shape"], key, f"{path}{{key}}")
            check_value(shapes, shape["value"]["shape"], item, f"{path}[{key}]")


def happy_paths(keystore: Keystore) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each AWS operation qkms implements, succeeding, with the responses it gives."""

    def call(op: str, **request: Any) -> dict[str, Any]:
        response = service.call(keystore, op, request)
        calls.append((op, response))
        return response

    calls: list[tuple[str, dict[str, Any]]] = []
    key = call("CreateKey", Description="oracle", Tags=[{"TagKey": "team", "TagValue": "qa"}])
    key_id = key["KeyMetadata"]["KeyId"]
    call("CreateKey", KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    signer = call("CreateKey", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    hmac = call("CreateKey", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    call("CreateKey", KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
    call("DescribeKey", KeyId=key_id)
    call("DescribeKey", KeyId=signer["Arn"])
    call("DescribeKey", KeyId=hmac["KeyId"])
    call("ListKeys")
    call("ListKeys", Limit=1)
    call("UpdateKeyDescription", KeyId=key_id, Description="oracle 2")
    call("DisableKey", KeyId=key_id)
    call("DescribeKey", KeyId=key_id)
    call("EnableKey", KeyId=key_id)
    call("CreateAlias", AliasName="alias/oracle", TargetKeyId=key_id)
    call("CreateAlias", AliasName="alias/oracle-2", TargetKeyId=key_id)
    call("UpdateAlias", AliasName="alias/oracle-2", TargetKeyId=key_id)
    call("ListAliases")
    call("ListAliases", KeyId=key_id, Limit=1)
    call("DeleteAlias", AliasName="alias/oracle-2")
    for op in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):
        for spec in ("RSA_2048", "ECC_NIST_P256", "ECC_NIST_EDWARDS25519", "ML_KEM_512"):
            pair = call(op, KeyId="alias/oracle", KeyPairSpec=spec, EncryptionContext={"a": "b"})
            call(
                "Decrypt",
                CiphertextBlob=pair["PrivateKeyCiphertextBlob"],
                EncryptionContext={"a": "b"},
            )
    sealed = call("Encrypt", KeyId=key_id, Plaintext=b"hello")
    call("Decrypt", CiphertextBlob=sealed["CiphertextBlob"], KeyId=key_id)
    call("ReEncrypt", CiphertextBlob=sealed["CiphertextBlob"], DestinationKeyId="alias/oracle")
    call("GenerateDataKey", KeyId=key_id, KeySpec="AES_256")
    call("GenerateDataKeyWithoutPlaintext", KeyId=key_id, NumberOfBytes=16)
    call("GenerateRandom", NumberOfBytes=8)
    call("GetPublicKey", KeyId=signer["KeyId"])
    signature = call("Sign", KeyId=signer["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")[
        "Signature"
    ]
    call(
        "Verify",
        KeyId=signer["KeyId"],
        Message=b"m",
        Signature=signature,
        SigningAlgorithm="ECDSA_SHA_256",
    )
    mac = call("GenerateMac", KeyId=hmac["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    call(
        "VerifyMac", KeyId=hmac["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac["Mac"]
    )
    call("EnableKeyRotation", KeyId=key_id, RotationPeriodInDays=90)
    call("GetKeyRotationStatus", KeyId=key_id)
    call("RotateKeyOnDemand", KeyId=key_id)
    call("ListKeyRotations", KeyId=key_id)
    call("DisableKeyRotation", KeyId=key_id)
    call("TagResource", KeyId=key_id, Tags=[{"TagKey": "env", "TagValue": "ci"}])
    call("ListResourceTags", KeyId=key_id)
    call("UntagResource", KeyId=key_id, TagKeys=["env"])
    doomed = call("CreateKey")["KeyMetadata"]["KeyId"]
    call("ListKeyRotations", KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    kem = call("CreateKey", KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")
    kem_id = kem["KeyMetadata"]["KeyId"]
    sealed_secret = call("Encapsulate", KeyId=kem_id, EncapsulationAlgorithm="ML_KEM")
    call(
        "Decapsulate",
        KeyId=kem_id,
        EncapsulationAlgorithm="ML_KEM",
        SharedSecretCiphertextBlob=sealed_secret["SharedSecretCiphertextBlob"],
    )
    call("GetPublicKey", KeyId=kem_id)
    ecdh = call("CreateKey", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    peer = call("CreateKey", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    call(
        "DeriveSharedSecret",
        KeyId=ecdh["KeyId"],
        KeyAgreementAlgorithm="ECDH",
        PublicKey=call("GetPublicKey", KeyId=peer["KeyId"])["PublicKey"],
    )
    dsa = call("CreateKey", KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    byok = call("CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    params = call(
        "GetParametersForImport",
        KeyId=byok,
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    )
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    wrapping: Any = serialization.load_der_public_key(params["PublicKey"])
    sha256 = hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(sha256), algorithm=sha256, label=None)
    call(
        "ImportKeyMaterial",
        KeyId=byok,
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapping.encrypt(b"k" * 32, oaep),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    call("DescribeKey", KeyId=byok)
    call("DeleteImportedKeyMaterial", KeyId=byok)
    call("DescribeKey", KeyId=byok)
    call("Sign", KeyId=dsa["KeyId"], Message=b"m", SigningAlgorithm="ML_DSA_SHAKE_256")
    call("DescribeKey", KeyId=dsa["KeyId"])
    call("DescribeCustomKeyStores")
    call("ScheduleKeyDeletion", KeyId=doomed, PendingWindowInDays=7)
    call("DescribeKey", KeyId=doomed)
    call("CancelKeyDeletion", KeyId=doomed)
    user = "arn:verenc:iam::111122223333:user/oracle"
    call("ListKeyPolicies", KeyId=key_id)
    policy = call("GetKeyPolicy", KeyId=key_id, PolicyName="default")["Policy"]
    call("PutKeyPolicy", KeyId=key_id, Policy=policy)
    grant = call(
        "CreateGrant",
        KeyId=key_id,
        GranteePrincipal=user,
        RetiringPrincipal=user,
        Operations=["Decrypt", "RetireGrant"],
        Constraints={"EncryptionContextSubset": {"a": "b"}},
        Name="oracle",
    )
    call("ListGrants", KeyId=key_id)
    call("ListRetirableGrants", RetiringPrincipal=user)
    call("RetireGrant", GrantToken=grant["GrantToken"])
    grant = call("CreateGrant", KeyId=key_id, GranteePrincipal=user, Operations=["Encrypt"])
    call("RevokeGrant", KeyId=key_id, GrantId=grant["GrantId"])
    call("GetKeyLastUsage", KeyId=key_id)
    call("GetKeyLastUsage", KeyId=doomed)
    yield from calls


@pytest.fixture
def responses(home: Path) -> list[tuple[str, dict[str, Any]]]:
    keystore = Keystore.open(home)
    try:
        return list(happy_paths(keystore))
    finally:
        keystore.close()


# Operations qkms answers as AWS answers an account without the feature (README: "What qkms
# refuses, and why"), each with a request and the error it gets.
REFUSED = {
    "CreateCustomKeyStore": ({"CustomKeyStoreName": "hsm"}, "CloudHsmClusterNotFoundException"),
    "ConnectCustomKeyStore": ({"CustomKeyStoreId": "cks-1"}, "CustomKeyStoreNotFoundException"),
    "DisconnectCustomKeyStore": ({"CustomKeyStoreId": "cks-1"}, "CustomKeyStoreNotFoundException"),
    "DeleteCustomKeyStore": ({"CustomKeyStoreId": "cks-1"}, "CustomKeyStoreNotFoundException"),
    "UpdateCustomKeyStore": ({"CustomKeyStoreId": "cks-1"}, "CustomKeyStoreNotFoundException"),
    "ReplicateKey": ({"ReplicaRegion": "eu-west-1"}, "UnsupportedOperationException"),
    "UpdatePrimaryRegion": ({"PrimaryRegion": "eu-west-1"}, "UnsupportedOperationException"),
}
# Operations still being built; until they land they answer "not implemented". None today.
PENDING: set[str] = set()


def test_every_operation_has_a_happy_path_or_a_deliberate_refusal(
    responses: list[tuple[str, dict[str, Any]]],
) -> None:
    answered = {op for op, _ in responses}
    assert not answered & set(REFUSED)
    assert answered | set(REFUSED) | PENDING == set(AWS_OPERATIONS)


@pytest.mark.parametrize("op", sorted(REFUSED))
def test_refused_operations_answer_as_aws_does_without_the_feature(home: Path, op: str) -> None:
    keystore = Keystore.open(home)
    try:
        request, code = REFUSED[op]
        if "ReplicaRegion" in request or "PrimaryRegion" in request:
            key_id = service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"]
            request = {**request, "KeyId": key_id}
        with pytest.raises(errors.ApiError) as caught:
            service.call(keystore, op, request)
        assert caught.value.code == code
        assert "qkms" in caught.value.message  # it says why
    finally:
        keystore.close()


def test_responses_fit_botocore_output_shapes(
    botocore_model: dict[str, Any], responses: list[tuple[str, dict[str, Any]]]
) -> None:
    shapes = _shapes(botocore_model)
    for op, response in responses:
        spec = botocore_model["operations"][op]
        if "output" not in spec:
            assert response == {}, op
            continue
        check_value(shapes, spec["output"]["shape"], response, op)


def test_responses_fit_our_own_output_model(responses: list[tuple[str, dict[str, Any]]]) -> None:
    for op, response in responses:
        assert set(response) <= set(AWS_OPERATIONS[op]["output"]), op


def test_data_key_pair_responses_omit_only_the_plaintext_private_key(
    botocore_model: dict[str, Any], responses: list[tuple[str, dict[str, Any]]]
) -> None:
    """DESIGN.md's one deliberate drift: no PrivateKeyPlaintext (and no Recipient feature)."""
    for op in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):
        members = set(_output(botocore_model, op)["members"])  # type: ignore[index]
        got = [r for o, r in responses if o == op]
        assert got
        for response in got:
            assert members - set(response) <= {"PrivateKeyPlaintext", "CiphertextForRecipient"}
            assert "PrivateKeyPlaintext" not in response
