"""Data key pairs' DER, written by qkms_cli.engine.der, is byte for byte cryptography's own."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from qkms_cli.engine import der, keypairs

CURVES = {
    "ECC_NIST_P256": ec.SECP256R1(),
    "ECC_NIST_P384": ec.SECP384R1(),
    "ECC_NIST_P521": ec.SECP521R1(),
    "ECC_SECG_P256K1": ec.SECP256K1(),
}


def reference(key: object) -> tuple[bytes, bytes]:
    return keypairs.public_der(key), keypairs.private_der(key)


@pytest.mark.parametrize("spec", [*CURVES, "ECC_NIST_EDWARDS25519"])
def test_random_keys_encode_as_cryptography_does(spec: str) -> None:
    for _ in range(100):
        key = keypairs.generate_private_key(spec)
        assert der.encode_pair(key) == reference(key)


@pytest.mark.parametrize("spec", list(CURVES))
def test_small_and_short_values_keep_their_fixed_width(spec: str) -> None:
    # Private values that are mostly zero bytes, and (on every curve) points among d = 1..300
    # with a coordinate whose first byte is zero (d = 43 on P-256): all stay field-size wide.
    curve = CURVES[spec]
    for value in [*range(1, 301), 2**64 + 1]:
        key = ec.derive_private_key(value, curve)
        assert der.encode_pair(key) == reference(key)


def test_ed25519_edge_seeds() -> None:
    for seed in (bytes(32), b"\xff" * 32, bytes(range(32))):
        key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        assert der.encode_pair(key) == reference(key)


def test_rsa_is_left_to_cryptography() -> None:
    assert der.encode_pair(keypairs.generate_private_key("RSA_2048")) is None


@pytest.mark.parametrize("spec", [*CURVES, "ECC_NIST_EDWARDS25519", "RSA_2048"])
def test_generate_pair_round_trips(spec: str) -> None:
    public, private = keypairs.generate_pair(spec)
    assert reference(keypairs.load_private(private)) == (public, private)
