"""DeriveSharedSecret: ECDH with KEY_AGREEMENT keys, with openssl pkeyutl -derive as the judge."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Qkms, openssl

CURVES = {"ECC_NIST_P256": "P-256", "ECC_NIST_P384": "P-384", "ECC_NIST_P521": "P-521"}


def peer_key(tmp_path: Path, curve: str) -> tuple[Path, Path]:
    pem, der = tmp_path / f"peer-{curve}.pem", tmp_path / f"peer-{curve}.der"
    subprocess.run(
        [openssl(), "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}"],
        check=True,
        stdout=pem.open("wb"),
    )
    subprocess.run(
        [openssl(), "pkey", "-in", pem, "-pubout", "-outform", "DER", "-out", der], check=True
    )
    return pem, der


@pytest.mark.parametrize("spec", sorted(CURVES))
def test_ecdh_secret_equals_openssls(qkms: Qkms, tmp_path: Path, spec: str) -> None:
    key_id = qkms.new_key("--key-spec", spec, "--key-usage", "KEY_AGREEMENT")
    meta = qkms.ok("keys", "describe", "--key-id", key_id)["KeyMetadata"]
    assert meta["KeyAgreementAlgorithms"] == ["ECDH"]
    kms_public = tmp_path / "kms.der"
    qkms.ok("get-public-key", "--key-id", key_id, "--public-key-out", str(kms_public))
    peer_pem, peer_der = peer_key(tmp_path, CURVES[spec])
    derived = qkms.ok(
        "derive-shared-secret",
        "--key-id",
        key_id,
        "--key-agreement-algorithm",
        "ECDH",
        "--public-key",
        f"fileb://{peer_der}",
    )
    assert derived["KeyAgreementAlgorithm"] == "ECDH" and derived["KeyOrigin"] == "AWS_KMS"
    theirs = subprocess.run(
        [openssl(), "pkeyutl", "-derive", "-inkey", peer_pem, "-peerkey", kms_public],
        check=True,
        capture_output=True,
    ).stdout
    assert base64.b64decode(derived["SharedSecret"]) == theirs


def test_ecdh_refusals(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "KEY_AGREEMENT")
    _pem, p384 = peer_key(tmp_path, "P-384")
    args = ("derive-shared-secret", "--key-agreement-algorithm", "ECDH", "--public-key")
    wrong_curve = qkms.fails(254, *args, f"fileb://{p384}", "--key-id", key_id)
    assert "(ValidationException)" in wrong_curve.stderr and "same curve" in wrong_curve.stderr
    (tmp_path / "junk").write_bytes(b"not a key")
    junk = qkms.fails(254, *args, f"fileb://{tmp_path / 'junk'}", "--key-id", key_id)
    assert "SubjectPublicKeyInfo" in junk.stderr
    signer = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    _pem, p256 = peer_key(tmp_path, "P-256")
    usage = qkms.fails(254, *args, f"fileb://{p256}", "--key-id", signer)
    assert "key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret." in usage.stderr
    bad = qkms.fails(
        252,
        *args,
        f"fileb://{p256}",
        "--key-id",
        key_id[:-1] + "x",
        "--key-agreement-algorithm",
        "INVALID",
    )
    assert "ECDH" in bad.stderr
