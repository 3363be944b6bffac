"""Seeding: local-kms's seed.yaml and qkms's own format, fixed ids, known material, idempotence."""

from __future__ import annotations

import base64
import hmac
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Qkms, openssl

AES_1 = "34743777217A25432A46294A404E635266556A586E3272357538782F413F4428"
AES_2 = "614E645267556B58703273357638792F423F4528472B4B6250655368566D5971"
IDS = {
    "aes": "bc436485-5092-42b8-92a3-0aa8b93536dc",
    "aes2": "49c5492b-b1bc-42a8-9a5c-b2015e810c1c",
    "byok": "5ef77041-d1e6-4af1-9a41-e49a4b45efb6",
    "pending": "5d05267f-bb87-4d0b-8594-295a4371d414",
    "rsa": "ff275b92-0def-4dfc-b0f6-87c96b26c6c7",
    "ecc": "800d5768-3fd7-4edd-a4b8-4c81c3e4c147",
}


def ssl(*args: Any) -> bytes:
    return subprocess.run([openssl(), *map(str, args)], check=True, capture_output=True).stdout


def indent(pem: bytes, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in pem.decode().strip().splitlines())


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """An RSA key as PKCS#8 PEM and an EC key as OpenSSL's "EC PRIVATE KEY", as local-kms shows."""
    rsa = ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    ec = ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout")
    return {"rsa": rsa, "ecc": ec}


def local_kms_seed(pems: dict[str, bytes]) -> str:
    """A seed.yaml in local-kms's documented format (its README's examples, with our keys)."""
    return f"""Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: {IDS["aes"]}
          Description: "Your key description"
        BackingKeys:
          - {AES_1}
          - {AES_2}
      - Metadata:
          KeyId: {IDS["aes2"]}
        NextKeyRotation: "2019-09-12T15:19:21+00:00"
        BackingKeys:
          - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
      - Metadata:
          KeyId: {IDS["byok"]}
          Origin: EXTERNAL
        BackingKeys:
          - b200b324de29609558e13780160e38fc193f6bec9f9dba58a2be5b37d5098d74
      - Metadata:
          KeyId: {IDS["pending"]}
          Origin: EXTERNAL
  Asymmetric:
    Rsa:
      - Metadata:
          KeyId: {IDS["rsa"]}
          KeyUsage: SIGN_VERIFY # or ENCRYPT_DECRYPT
          Description: RSA key with 2048 bits
        PrivateKeyPem: |
{indent(pems["rsa"], 10)}
    Ecc:
      - Metadata:
          KeyId: {IDS["ecc"]}
          KeyUsage: SIGN_VERIFY
          Description: ECC key with curve secp256r1
        PrivateKeyPem: |
{indent(pems["ecc"], 10)}

Aliases:
  - AliasName: alias/dev
    TargetKeyId: {IDS["aes"]}

  - AliasName: alias/test
    TargetKeyId: {IDS["aes2"]}
"""


def seed(qkms: Qkms, home: Path, path: Path) -> dict[str, Any]:
    return qkms.ok("--home", str(home), "keystore", "seed", str(path))  # type: ignore[no-any-return]


def test_local_kms_seed_yaml_loads_as_it_is(
    qkms: Qkms, tmp_path: Path, pems: dict[str, bytes]
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(local_kms_seed(pems))
    home = tmp_path / "a"
    result = seed(qkms, home, path)
    assert sorted(result["KeysCreated"]) == sorted(IDS.values())
    assert sorted(result["AliasesCreated"]) == ["alias/dev", "alias/test"]
    h = ("--home", str(home))

    def describe(key: str) -> dict[str, Any]:
        return qkms.ok(*h, "keys", "describe", "--key-id", key)["KeyMetadata"]  # type: ignore[no-any-return]

    aes = describe("alias/dev")
    assert (aes["KeyId"], aes["Description"], aes["KeyState"]) == (
        IDS["aes"],
        "Your key description",
        "Enabled",
    )
    assert describe("alias/test")["KeyId"] == IDS["aes2"]
    assert (
        describe(IDS["byok"])["Origin"] == "EXTERNAL"
        and describe(IDS["byok"])["KeyState"] == "Enabled"
    )
    assert describe(IDS["pending"])["KeyState"] == "PendingImport"
    assert (describe(IDS["rsa"])["KeySpec"], describe(IDS["ecc"])["KeySpec"]) == (
        "RSA_2048",
        "ECC_NIST_P256",
    )
    # Two backing keys: the second is current, the first a rotation ago.
    rotations = qkms.ok(*h, "keys", "list-rotations", "--key-id", IDS["aes"])["Rotations"]
    assert len(rotations) == 1
    # NextKeyRotation in the past: rotated the first time the key is used.
    (tmp_path / "m").write_bytes(b"m")
    qkms.ok(*h, "encrypt", "--key-id", IDS["aes2"], "--plaintext", f"fileb://{tmp_path / 'm'}")
    assert len(qkms.ok(*h, "keys", "list-rotations", "--key-id", IDS["aes2"])["Rotations"]) == 1
    # The ECC key's public key is the PEM's.
    pub = tmp_path / "ecc.der"
    qkms.ok(*h, "get-public-key", "--key-id", IDS["ecc"], "--public-key-out", str(pub))
    ec_pem = tmp_path / "ec.pem"
    ec_pem.write_bytes(pems["ecc"])
    assert pub.read_bytes() == ssl("pkey", "-in", ec_pem, "-pubout", "-outform", "DER")


def test_two_keystores_seeded_from_one_file_open_each_others_blobs(
    qkms: Qkms, tmp_path: Path, pems: dict[str, bytes]
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(local_kms_seed(pems))
    seed(qkms, tmp_path / "a", path)
    seed(qkms, tmp_path / "b", path)
    (tmp_path / "m").write_bytes(b"reproducible")
    for src, dst in (("a", "b"), ("b", "a")):
        blob = tmp_path / f"{src}.enc"
        qkms.ok(
            "--home",
            str(tmp_path / src),
            "encrypt",
            "--key-id",
            "alias/dev",
            "--plaintext",
            f"fileb://{tmp_path / 'm'}",
            "--encryption-context",
            "env=ci",
            "--ciphertext-out",
            str(blob),
        )
        opened = qkms.ok(
            "--home",
            str(tmp_path / dst),
            "decrypt",
            "--ciphertext-blob",
            f"fileb://{blob}",
            "--encryption-context",
            "env=ci",
        )
        assert base64.b64decode(opened["Plaintext"]) == b"reproducible"
    # The seeded EXTERNAL key too: its material came from the file.
    blob = tmp_path / "byok.enc"
    qkms.ok(
        "--home",
        str(tmp_path / "a"),
        "encrypt",
        "--key-id",
        IDS["byok"],
        "--plaintext",
        f"fileb://{tmp_path / 'm'}",
        "--ciphertext-out",
        str(blob),
    )
    qkms.ok("--home", str(tmp_path / "b"), "decrypt", "--ciphertext-blob", f"fileb://{blob}")


def qkms_seed(pems: dict[str, bytes], hmac_key: bytes, aes: bytes) -> dict[str, Any]:
    return {
        "Keys": [
            {
                "KeyId": "11111111-2222-4333-8444-555555555555",
                "Description": "app data key",
                "KeyMaterial": base64.b64encode(aes).decode(),
                "Tags": [{"TagKey": "team", "TagValue": "payments"}],
            },
            {
                "KeyId": "22222222-2222-4333-8444-555555555555",
                "KeySpec": "HMAC_256",
                "KeyUsage": "GENERATE_VERIFY_MAC",
                "KeyMaterial": base64.b64encode(hmac_key).decode(),
            },
            {
                "KeyId": "33333333-2222-4333-8444-555555555555",
                "KeySpec": "RSA_2048",
                "KeyUsage": "ENCRYPT_DECRYPT",
                "KeyState": "Disabled",
                "KeyMaterial": pems["rsa"].decode(),
            },
            {
                "KeyId": "44444444-2222-4333-8444-555555555555",
                "KeySpec": "ECC_NIST_P384",
                "KeyUsage": "SIGN_VERIFY",
            },
        ],
        "Aliases": [
            {"AliasName": "alias/app", "TargetKeyId": "11111111-2222-4333-8444-555555555555"}
        ],
    }


def test_qkms_seed_file_hmac_rsa_idempotence_and_sealing(
    qkms: Qkms, tmp_path: Path, pems: dict[str, bytes]
) -> None:
    hmac_key, aes = os.urandom(32), os.urandom(32)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(qkms_seed(pems, hmac_key, aes)))
    home = tmp_path / "home"
    first = seed(qkms, home, path)
    assert len(first["KeysCreated"]) == 4 and first["AliasesCreated"] == ["alias/app"]
    h = ("--home", str(home))
    (tmp_path / "msg").write_bytes(b"the message")
    mac = qkms.ok(
        *h,
        "generate-mac",
        "--key-id",
        "22222222-2222-4333-8444-555555555555",
        "--message",
        f"fileb://{tmp_path / 'msg'}",
        "--mac-algorithm",
        "HMAC_SHA_256",
    )["Mac"]
    assert base64.b64decode(mac) == hmac.digest(hmac_key, b"the message", "sha256")
    rsa = qkms.ok(*h, "keys", "describe", "--key-id", "33333333-2222-4333-8444-555555555555")[
        "KeyMetadata"
    ]
    assert rsa["KeyState"] == "Disabled"
    pub = tmp_path / "rsa.der"
    qkms.ok(
        *h,
        "get-public-key",
        "--key-id",
        "33333333-2222-4333-8444-555555555555",
        "--public-key-out",
        str(pub),
    )
    rsa_pem = tmp_path / "rsa.pem"
    rsa_pem.write_bytes(pems["rsa"])
    assert pub.read_bytes() == ssl("pkey", "-in", rsa_pem, "-pubout", "-outform", "DER")
    tags = qkms.ok(*h, "keys", "list-tags", "--key-id", "alias/app")["Tags"]
    assert tags == [{"TagKey": "team", "TagValue": "payments"}]
    # Idempotent: a second run changes nothing.
    again = seed(qkms, home, path)
    assert again["KeysCreated"] == [] and len(again["KeysUnchanged"]) == 4
    assert again["AliasesUnchanged"] == ["alias/app"]
    # Sealed under the master key: the material is nowhere in the keystore's files in the clear.
    assert qkms.ok(*h, "keystore", "verify")["IntegrityCheck"] == "ok"
    for file in home.iterdir():
        data = file.read_bytes()
        assert aes not in data and hmac_key not in data, file
    # A conflicting entry is an error naming it, and nothing of the file is written.
    doc = qkms_seed(pems, os.urandom(32), aes)
    doc["Keys"].append({"KeyId": "55555555-2222-4333-8444-555555555555"})
    path.write_text(json.dumps(doc))
    result = qkms.fails(254, *h, "keystore", "seed", str(path))
    assert "Keys[1] (22222222-2222-4333-8444-555555555555)" in result.stderr
    assert "KeyMaterial" in result.stderr
    qkms.fails(254, *h, "keys", "describe", "--key-id", "55555555-2222-4333-8444-555555555555")


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"Keys": [{"KeyId": "not-a-uuid"}]}, "KeyId"),
        (
            {"Keys": [{"KeyId": "11111111-2222-4333-8444-555555555555", "KeySpec": "RSA_2048"}]},
            "KeyUsage",
        ),
        (
            {"Keys": [{"KeyId": "11111111-2222-4333-8444-555555555555", "KeyMaterial": "AAAA"}]},
            "32 bytes",
        ),
        ({"Keys": [{"KeyId": "11111111-2222-4333-8444-555555555555", "Colour": "red"}]}, "Colour"),
        (
            {
                "Aliases": [
                    {"AliasName": "alias/x", "TargetKeyId": "11111111-2222-4333-8444-555555555555"}
                ]
            },
            "TargetKeyId",
        ),
        ({"Aliases": [{"AliasName": "alias/aws/s3", "TargetKeyId": "x"}]}, "alias/aws/"),
    ],
)
def test_bad_seed_files_are_clear_errors(
    qkms: Qkms, tmp_path: Path, doc: dict[str, Any], words: str
) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(doc))
    result = qkms.fails(254, "keystore", "seed", str(path))
    assert "Seed entry" in result.stderr and words in result.stderr
    (tmp_path / "bad.yaml").write_text("Keys: [unclosed")
    assert (
        "not valid YAML" in qkms.fails(254, "keystore", "seed", str(tmp_path / "bad.yaml")).stderr
    )


def test_serve_seeds_before_it_listens(tmp_path: Path, pems: dict[str, bytes]) -> None:
    from tests.serving import Server

    path = tmp_path / "seed.yaml"
    path.write_text(local_kms_seed(pems))
    server = Server(tmp_path / "served", "--seed", str(path))
    try:
        assert "seeded 6 keys and 2 aliases" in server.log
        kms = server.client()
        assert kms.describe_key(KeyId="alias/dev")["KeyMetadata"]["KeyId"] == IDS["aes"]
    finally:
        server.stop()


def test_the_readme_seed_file_loads(qkms: Qkms, tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = text[text.index("### Known keys: seeding") :]
    document = block[block.index("<<'EOF'\n") + 8 : block.index("\nEOF\n")]
    (tmp_path / "seed.yaml").write_text(document)
    result = qkms.ok("keystore", "seed", str(tmp_path / "seed.yaml"))
    assert result["AliasesCreated"] == ["alias/app"] and len(result["KeysCreated"]) == 2
