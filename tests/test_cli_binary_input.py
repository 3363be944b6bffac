"""Forgiving binary input, where aws-cli trips its users (aws-cli issues 1043, 2063, 4994, 8497)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Qkms, b64, unb64


def _sealed(qkms: Qkms) -> str:
    key = qkms.new_key()
    return qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"hello"))["CiphertextBlob"]


def test_base64_text_in_a_fileb_file_or_stdin_is_decoded(qkms: Qkms, tmp_path: Path) -> None:
    blob = _sealed(qkms)
    text = tmp_path / "blob.b64"
    text.write_text(blob + "\n")
    raw = tmp_path / "blob.bin"
    raw.write_bytes(unb64(blob))
    for source, stdin in (
        (f"fileb://{text}", None),  # 8497: base64 text where raw bytes were expected
        (f"fileb://{raw}", None),
        ("fileb://-", blob + "\n"),  # 2063: piped from another command
        ("fileb://-", unb64(blob)),
        (f"file://{text}", None),  # file:// reads base64 text
        (blob, None),  # 1043: the base64 text itself
    ):
        opened = qkms.ok("decrypt", "--ciphertext-blob", source, input=stdin)
        assert opened["Plaintext"] == b64(b"hello"), source


def test_a_value_that_is_neither_base64_nor_a_file_names_both_ways(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", "my secret, text!")
    assert "Invalid base64 in --plaintext" in result.stderr
    assert "fileb://PATH" in result.stderr and "file://PATH" in result.stderr
    assert "my secret, text!" not in result.stderr  # a plaintext is never echoed


def test_a_bare_path_is_pointed_at_fileb(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    path = tmp_path / "secret.txt"
    path.write_bytes(b"top secret!")
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", str(path))
    assert f"fileb://{path}" in result.stderr and f"file://{path}" in result.stderr


def test_file_url_of_raw_bytes_says_use_fileb(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    path = tmp_path / "raw.bin"
    path.write_bytes(b"\x00\xffbinary")
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", f"file://{path}")
    assert "fileb://" in result.stderr
