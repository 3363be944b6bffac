"""Generate qkms_cli/service/model.py from botocore's KMS service model (a dev-time tool)."""

from __future__ import annotations

import gzip
import json
import pprint
import re
import sys
from pathlib import Path

# The AWS operations qkms implements; their shapes come from botocore verbatim.
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
]

# Input members that belong to AWS features qkms has no counterpart for (key policies, custom key
# stores, Nitro enclaves, multi-Region replication, imported material). They are left out of the
# request model, so naming one is a clear "unknown parameter" error instead of a silent no-op.
EXCLUDED_INPUT = {
    "Policy",
    "BypassPolicyLockoutSafetyCheck",
    "CustomKeyStoreId",
    "XksKeyId",
    "MultiRegion",
    "Origin",
    "Recipient",
    "DryRunModifiers",
    "IncludeKeyMaterial",
}

# Output members qkms never produces for the same reasons, or by design (DESIGN.md: the plaintext
# private key of a data key pair never leaves qkms).
EXCLUDED_OUTPUT = {
    "CiphertextForRecipient",
    "PrivateKeyPlaintext",
    "CustomKeyStoreId",
    "CloudHsmClusterId",
    "MultiRegionConfiguration",
    "XksKeyConfiguration",
    "ValidTo",
    "ExpirationModel",
}


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
