"""Generate qkms_cli/service/model.py from botocore's KMS service model (a dev-time tool)."""

from __future__ import annotations

import gzip
import json
import pprint
import re
import sys
from pathlib import Path

# Every operation of botocore's KMS model, in the order of qkms's model: the operations qkms had
# first, then the rest. main() refuses a model with an operation this list does not name, so a new
# botocore forces a decision (implement it, or refuse it as AWS would: see the README's "What qkms
# refuses, and why").
OPERATIONS = [
    "CreateKey",
    "DescribeKey",
    "ListKeys",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "UpdateKeyDescription",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateRandom",
    "GetPublicKey",
    "Sign",
    "Verify",
    "GenerateMac",
    "VerifyMac",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "GetKeyRotationStatus",
    "RotateKeyOnDemand",
    "ListKeyRotations",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
    # Imported key material (BYOK).
    "GetParametersForImport",
    "ImportKeyMaterial",
    "DeleteImportedKeyMaterial",
    # Key agreement and key encapsulation.
    "DeriveSharedSecret",
    "Encapsulate",
    "Decapsulate",
    # Key policies, grants and last usage (access control).
    "CreateGrant",
    "ListGrants",
    "ListRetirableGrants",
    "RetireGrant",
    "RevokeGrant",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "GetKeyLastUsage",
    # Custom key stores (CloudHSM and external): an account without any.
    "CreateCustomKeyStore",
    "ConnectCustomKeyStore",
    "DeleteCustomKeyStore",
    "DescribeCustomKeyStores",
    "DisconnectCustomKeyStore",
    "UpdateCustomKeyStore",
    # Multi-Region keys: qkms is one Region.
    "ReplicateKey",
    "UpdatePrimaryRegion",
]

# Members left out of the model. None today: every member botocore has is in the request model, and
# one qkms does not offer is refused by its handler with the error AWS gives an account without the
# feature (custom key stores, Nitro Enclaves recipients, multi-Region keys), never ignored.
EXCLUDED_INPUT: set[str] = set()
EXCLUDED_OUTPUT: set[str] = set()


def first_sentence(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html or "")
    text = re.sub(r"\s+", " ", text).strip()
    match = re.match(r"(.+?\.)(\s|$)", text)
    return (match.group(1) if match else text)[:300]


def flatten(shapes: dict, name: str, depth: int = 0) -> dict:
    shape = shapes[name]
    out: dict = {"type": shape["type"]}
    for attr in ("min", "max", "enum", "pattern"):
        if attr in shape:
            out[attr] = shape[attr]
    if shape.get("sensitive"):
        out["sensitive"] = True
    if shape["type"] == "list":
        out["member"] = flatten(shapes, shape["member"]["shape"], depth + 1)
    elif shape["type"] == "map":
        out["key"] = flatten(shapes, shape["key"]["shape"], depth + 1)
        out["value"] = flatten(shapes, shape["value"]["shape"], depth + 1)
    elif shape["type"] == "structure" and depth < 4:
        out["required"] = list(shape.get("required", []))
        out["members"] = {
            member: flatten(shapes, ref["shape"], depth + 1)
            for member, ref in shape["members"].items()
            if member not in EXCLUDED_INPUT | EXCLUDED_OUTPUT
        }
    return out


def main(model_path: str) -> None:
    opener = gzip.open if model_path.endswith(".gz") else open
    with opener(model_path, "rt", encoding="utf-8") as handle:
        model = json.load(handle)
    shapes = model["shapes"]
    unnamed = sorted(set(model["operations"]) - set(OPERATIONS))
    gone = sorted(set(OPERATIONS) - set(model["operations"]))
    if unnamed or gone:
        sys.exit(
            f"botocore's KMS model and OPERATIONS differ: new {unnamed}, gone {gone}; "
            "decide how qkms answers each and update OPERATIONS"
        )
    result = {}
    for op in OPERATIONS:
        spec = model["operations"][op]
        request = shapes[spec["input"]["shape"]]
        members = {}
        for member, ref in request["members"].items():
            if member in EXCLUDED_INPUT:
                continue
            entry = flatten(shapes, ref["shape"])
            entry["doc"] = first_sentence(ref.get("documentation", ""))
            members[member] = entry
        required = [m for m in request.get("required", []) if m in members]
        if op == "Decrypt":
            # Unmarked in the model only for DryRun's IGNORE_CIPHERTEXT, which qkms does not offer.
            required.append("CiphertextBlob")
        output = {}
        if "output" in spec:
            response = shapes[spec["output"]["shape"]]
            output = {
                member: flatten(shapes, ref["shape"])
                for member, ref in response["members"].items()
                if member not in EXCLUDED_OUTPUT
            }
        result[op] = {
            "doc": first_sentence(spec.get("documentation", "")),
            "input": members,
            "required": required,
            "output": output,
            "errors": [e["shape"] for e in spec.get("errors", [])],
        }
    body = pprint.pformat(result, width=100, sort_dicts=False)
    text = (
        '"""AWS KMS request and response shapes, generated from botocore by tools/gen_model.py."""\n\n'
        "# Do not edit by hand: run `python tools/gen_model.py PATH/TO/service-2.json[.gz]`.\n"
        f"AWS_OPERATIONS = {body}\n"
    )
    target = Path(__file__).resolve().parent.parent / "qkms_cli" / "service" / "model.py"
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(result)} operations)")


if __name__ == "__main__":
    main(sys.argv[1])
