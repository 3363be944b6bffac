"""--generate-cli-skeleton: every member in the template, and the filled-in template runs.

"Works" here means: the input skeleton names every request member; required members hold a
placeholder (the aws-cli kind: "" for strings, an enum's first value, null for blobs) and optional
members null, which --cli-input-json reads as "not given". Fed back unchanged, it fails only on the
required members still to fill; with those filled in (as a user would), the command runs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qkms_cli import service
from qkms_cli.cli.commands import GROUPS, TOP, CommandSpec
from tests.conftest import Qkms, b64

COMMANDS: list[tuple[list[str], CommandSpec]] = [([name], spec) for name, spec in TOP.items()] + [
    ([group, name], spec) for group, (_h, cmds) in GROUPS.items() for name, spec in cmds.items()
]


def _skeleton(qkms: Qkms, argv: list[str], which: str = "input") -> dict[str, Any]:
    result = qkms(*argv, "--generate-cli-skeleton", which)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "argv,spec", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_skeletons_name_every_member(qkms: Qkms, argv: list[str], spec: CommandSpec) -> None:
    op = service.spec(spec.op)
    request = _skeleton(qkms, argv)
    assert list(request) == list(op.input)
    assert all(request[m] is None for m in op.input if m not in op.required)
    assert list(_skeleton(qkms, argv, "output")) == list(op.output)
    qkms.ok("keystore", "init")  # read-only commands make no keystore
    result = qkms(*argv, "--cli-input-json", json.dumps(request))
    if spec.op == "GenerateRandom":  # NumberOfBytes is optional in the model, required by AWS
        assert "NumberOfBytes is required" in result.stderr
    elif spec.op == "RetireGrant":  # the model marks nothing required; a grant must be named
        assert "RetireGrant needs GrantToken, or both KeyId and GrantId" in result.stderr
    elif not op.required:
        assert result.exit_code == 0, result.output
    elif any(request[m] is None for m in op.required):
        assert result.exit_code == 252, (result.stdout, result.stderr)
        assert "required" in result.stderr
    # else: every required member has a placeholder value; the API judges it (252 or 254).


def test_skeleton_without_a_value_means_input(qkms: Qkms) -> None:
    assert (
        qkms("encrypt", "--generate-cli-skeleton").stdout
        == qkms("encrypt", "--generate-cli-skeleton", "input").stdout
    )


def _filled(qkms: Qkms, argv: list[str], **members: Any) -> dict[str, Any]:
    request = _skeleton(qkms, argv)
    assert set(members) <= set(request)
    request.update(members)
    return qkms.ok(*argv, "--cli-input-json", json.dumps(request))


def test_filled_in_skeletons_run(qkms: Qkms, tmp_path: Any) -> None:
    created = _filled(qkms, ["keys", "create"], Description="from a skeleton")
    key = created["KeyMetadata"]["KeyId"]
    assert created["KeyMetadata"]["Description"] == "from a skeleton"
    _filled(qkms, ["create-alias"], AliasName="alias/sk", TargetKeyId=key)
    assert _filled(qkms, ["describe-key"], KeyId="alias/sk")["KeyMetadata"]["KeyId"] == key
    _filled(qkms, ["keys", "tag"], KeyId=key, Tags=[{"TagKey": "a", "TagValue": "b"}])
    pair = _filled(qkms, ["generate-data-key-pair"], KeyId=key)
    assert pair["KeyPairSpec"] == "RSA_2048"  # the enum placeholder is a valid value
    sealed = _filled(qkms, ["encrypt"], KeyId=key, Plaintext=b64(b"hi"))
    path = tmp_path / "request.json"
    request = _skeleton(qkms, ["decrypt"])
    request["CiphertextBlob"] = sealed["CiphertextBlob"]
    path.write_text(json.dumps(request))
    assert qkms.ok("decrypt", "--cli-input-json", f"file://{path}")["Plaintext"] == b64(b"hi")
    data_key = _filled(qkms, ["generate-data-key"], KeyId=key, NumberOfBytes=16)
    assert len(data_key["Plaintext"]) == 24
    assert len(_filled(qkms, ["generate-random"], NumberOfBytes=8)["Plaintext"]) == 12
    assert _filled(qkms, ["list-aliases"], KeyId=key)["Aliases"][0]["AliasName"] == "alias/sk"
