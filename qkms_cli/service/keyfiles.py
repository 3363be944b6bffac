"""Key files for the CLI's --*-out options: DER or PEM, and what a blob will decrypt to."""

from __future__ import annotations

from qkms_cli.engine import blob, pem
from qkms_cli.errors import ParamValidationError

KEY_FORMATS = ("der", "pem")
PUBLIC = pem.PUBLIC
PRIVATE = pem.PRIVATE


def encode_key(der: bytes, kind: str, key_format: str) -> bytes:
    """A public (SPKI) or private (PKCS#8) DER key in the format asked for."""
    if key_format == "der":
        return der
    try:
        return pem.to_pem(der, kind)
    except ValueError:
        raise ParamValidationError(
            f"--key-format pem: the data is not a DER {kind} key, so it has no PEM form",
            member="key_format",
        ) from None


def is_qkms_blob(ciphertext: bytes) -> bool:
    """Whether the header is a qkms v1 blob's (an endpoint's own ciphertexts are not)."""
    try:
        blob.unpack_header(ciphertext)
    except blob.BlobFormatError:
        return False
    return True


def holds_private_key(ciphertext: bytes) -> bool:
    """Whether a v1 blob seals the private key of a data key pair (False for anything else)."""
    try:
        return blob.unpack_header(ciphertext).kind == blob.KIND_PRIVATE_KEY
    except blob.BlobFormatError:
        return False
