"""An `aws kms` script ports to qkms by changing only the program name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import openssl

# Written for aws-cli v2 against AWS KMS; nothing in it knows about qkms.
AWS_SCRIPT = r"""
set -euo pipefail
KEY_ID=$(aws kms create-key --description "build signing" --query KeyMetadata.KeyId --output text)
aws kms create-alias --alias-name alias/build --target-key-id "$KEY_ID"
STATE=$(aws kms describe-key --key-id alias/build --query KeyMetadata.KeyState --output text)
[ "$STATE" = Enabled ] || { echo "unexpected state $STATE" >&2; exit 1; }
TARGET=$(aws kms list-aliases --query "Aliases[?AliasName=='alias/build'].TargetKeyId" --output text)
[ "$TARGET" = "$KEY_ID" ] || { echo "alias points at $TARGET" >&2; exit 1; }
aws kms generate-data-key-pair --key-id alias/build --key-pair-spec ECC_NIST_P256 \
    --encryption-context purpose=build --query PublicKey --output text | base64 -d > public.der
aws kms generate-data-key-pair --key-id alias/build --key-pair-spec RSA_2048 \
    --query '{Spec: KeyPairSpec, Key: KeyId}' --output json > pair.json
aws kms generate-data-key-pair --key-id alias/build --key-pair-spec ECC_NIST_P384 \
    --query PrivateKeyCiphertextBlob --output text > private.b64
openssl pkey -pubin -inform DER -in public.der -noout
echo "$KEY_ID"
"""


def test_an_aws_kms_script_runs_with_only_the_name_changed(
    qkms_bin: str, home: Path, tmp_path: Path
) -> None:
    script = AWS_SCRIPT.replace("aws kms", "qkms")
    assert "qkms" not in AWS_SCRIPT and script.count("qkms") == AWS_SCRIPT.count("aws kms") == 7
    env = {
        **os.environ,
        "PATH": f"{Path(qkms_bin).parent}:{Path(openssl()).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    key_id = result.stdout.strip()
    pair = (tmp_path / "pair.json").read_text()
    assert '"Spec": "RSA_2048"' in pair and f"key/{key_id}" in pair
    assert (tmp_path / "private.b64").read_text().startswith("UUsB")  # a qkms v1 blob, base64
