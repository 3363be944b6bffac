"""Ed25519ph from libsodium: RFC 8032's vector, and the signatures qkms made before, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qkms_cli.engine import signing

VECTORS = json.loads((Path(__file__).parent / "vectors" / "ed25519ph.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["seed"][:8])
def test_signatures_are_byte_for_byte_those_qkms_made_before(vector: dict[str, str]) -> None:
    seed, digest = bytes.fromhex(vector["seed"]), bytes.fromhex(vector["digest"])
    signature = signing.ed25519ph_sign(seed, digest)
    assert signature.hex() == vector["signature"]
    assert signing.ed25519ph_verify(bytes.fromhex(vector["public"]), digest, signature)
    other = bytes([digest[0] ^ 1]) + digest[1:]
    assert not signing.ed25519ph_verify(bytes.fromhex(vector["public"]), other, signature)


def test_the_implementation_is_libsodiums() -> None:
    source = Path(signing.__file__).read_text()
    assert "nacl" in source and "_multiply" not in source  # no hand-written curve arithmetic
