"""Opening a qkms blob with the key it names: what the symmetric, data key pair and KEM handlers share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.engine import blob
from qkms_cli.errors import (
    IncorrectKeyException,
    InvalidCiphertextException,
    NotFoundException,
)
from qkms_cli.service.common import (
    dry_run,
    find_key,
    key_arn,
    require_state,
    require_symmetric,
)

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


def _describe_bytes(data: bytes) -> str:
    """Say what non-blob bytes look like, without quoting them."""
    if data[:4] == b"UUsB":
        return (
            "it is base64 text of a qkms blob: pass the text itself (or file://PATH), "
            "not fileb://, or base64-decode it first"
        )
    if data.lstrip().startswith(b"-----BEGIN"):
        label = data.lstrip()[11:].split(b"-----", 1)[0].decode("ascii", "replace")
        return f"it is PEM text ({label}), not a ciphertext blob"
    if data[:3] == b"\x01\x02\x02" or data[:4] == b"AQIC":
        return "it looks like an AWS KMS ciphertext, which only AWS KMS can decrypt"
    if data[:1] == b"\x30":
        return f"it looks like DER ({_der_kind(data)}), not a ciphertext blob"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if text and all(c.isprintable() or c in "\t\r\n" for c in text):
        return "it is plain text, not a ciphertext blob"
    return ""


def _der_kind(data: bytes) -> str:
    """Tell DER keys and certificates apart by the first tags inside the outer SEQUENCE."""

    def element(offset: int) -> tuple[int, int] | None:  # (tag, offset of the content)
        if offset + 2 > len(data):
            return None
        size = data[offset + 1]
        start = offset + 2
        if size & 0x80:
            start += size & 0x7F
        return (data[offset], start) if start <= len(data) else None

    outer = element(0)
    first = outer and element(outer[1])
    if not first:
        return "a key or certificate"
    if first[0] == 0x02:  # version INTEGER, then the algorithm: PKCS#8 PrivateKeyInfo
        return "a private key"
    inner = element(first[1]) if first[0] == 0x30 else None
    if inner and inner[0] == 0x06:  # SEQUENCE { algorithm OID ... }: SubjectPublicKeyInfo
        return "a public key"
    if inner and inner[0] in (0xA0, 0x02):  # TBSCertificate starts with its version or serial
        return "a certificate"
    return "a key or certificate"


def parse_blob(ciphertext: bytes) -> blob.BlobHeader:
    """The header of a v1 blob; InvalidCiphertextException saying what is wrong otherwise."""
    try:
        return blob.unpack_header(ciphertext)
    except blob.BlobFormatError as exc:
        hint = _describe_bytes(ciphertext)
        raise InvalidCiphertextException(
            f"The ciphertext is not a valid qkms blob: {exc}" + (f"; {hint}." if hint else ".")
        ) from None


def _auth_failure(
    header: blob.BlobHeader, context: dict[str, str] | None, flag: str = "--encryption-context"
) -> str:
    """What to do about a blob that fails authentication; flag is the context's flag where the
    caller takes it (re-encrypt's is --source-encryption-context)."""
    if header.has_context and not context:
        return (
            "The ciphertext was sealed with an encryption context and none was given: pass the "
            f"same {flag} it was sealed with."
        )
    if not header.has_context and context:
        return (
            "The ciphertext was sealed without an encryption context, but one was given: omit "
            f"{flag} (if it was sealed with one, its header was altered)."
        )
    if context:
        return (
            "The encryption context given does not match the one the ciphertext was sealed with "
            "(keys and values are case-sensitive), or the ciphertext was altered."
        )
    return "The ciphertext failed authentication: it was altered or damaged."


def open_sealed(
    keystore: Keystore,
    ciphertext: bytes,
    context: dict[str, str] | None,
    key_ref: str | None = None,
    *,
    dry: dict[str, Any] | None = None,
    context_flag: str = "--encryption-context",
) -> tuple[dict[str, Any], blob.BlobHeader, bytes]:
    """Authenticate and open a v1 blob with the key it names: (key row, header, plaintext)."""
    header = parse_blob(ciphertext)
    key = keystore.get_key(header.key_id)
    if key is None:
        raise NotFoundException(
            f"The ciphertext names key {key_arn(keystore, header.key_id)}, which this keystore "
            "does not hold: the key was deleted, or the ciphertext comes from another keystore."
        )
    if key.get("valid_to") is not None:  # imported material that expires
        from qkms_cli.store import materials

        key = materials.settle_expiry(keystore, key)
    if key_ref is not None and find_key(keystore, key_ref)["key_id"] != key["key_id"]:
        raise IncorrectKeyException(
            "The key ID in the request does not identify a CMK that can perform this operation."
        )
    require_state(keystore, key)
    require_symmetric(keystore, key, "Decrypt")
    if header.material_version > key["current_version"]:
        # Material versions only grow, so this blob's header was altered, not the keystore.
        raise InvalidCiphertextException(
            f"The ciphertext names key material version {header.material_version} of "
            f"{key_arn(keystore, key['key_id'])}, which has only {key['current_version']}: "
            "the ciphertext was altered or damaged."
        )
    material = keystore.material(key["key_id"], header.material_version, key["key_spec"])
    try:
        plaintext = blob.open_blob(material, ciphertext, context)
    except blob.BlobAuthenticationError:
        raise InvalidCiphertextException(_auth_failure(header, context, context_flag)) from None
    if dry is not None:
        dry_run(dry)
    return key, header, plaintext
