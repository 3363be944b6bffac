"""The v1 ciphertext blob: pack and unpack side by side, sealed with AES-256-GCM.

Layout (DESIGN.md, "Ciphertext blob, version 1"):

| offset | size | field                                                          |
|--------|------|----------------------------------------------------------------|
| 0      | 2    | magic ``QK``                                                   |
| 2      | 1    | format version, 1                                              |
| 3      | 1    | flags; bit 0 set when an encryption context is bound           |
| 4      | 1    | payload kind: 0 data, 1 data key, 2 private key of a data key pair |
| 5      | 1    | payload spec: for kind 2 the data key pair spec (1-based), else 0 |
| 6      | 16   | KMS key id (the UUID's 16 bytes)                               |
| 22     | 4    | key material version, big-endian unsigned                      |
| 26     | 12   | AES-GCM nonce                                                  |
| 38     | n+16 | AES-256-GCM ciphertext and tag                                 |

AAD = the 38 header bytes + the canonical encryption context (sorted-key, no-whitespace UTF-8 JSON;
nothing for an empty context).
"""

from __future__ import annotations

import json
import os
import struct
import uuid
from typing import NamedTuple

from qkms_cli.engine.specs import DATA_KEY_PAIR_SPECS

MAGIC = b"QK"
VERSION = 1
FLAG_CONTEXT = 0x01
KIND_DATA = 0
KIND_DATA_KEY = 1
KIND_PRIVATE_KEY = 2
KINDS = (KIND_DATA, KIND_DATA_KEY, KIND_PRIVATE_KEY)
HEADER = struct.Struct(">2sBBBB16sI12s")
HEADER_SIZE = HEADER.size  # 38
NONCE_SIZE = 12
TAG_SIZE = 16
# The smallest blob: a header and a tag around an empty payload.
MIN_SIZE = HEADER_SIZE + TAG_SIZE


class BlobFormatError(ValueError):
    """The bytes are not a well-formed v1 blob; the message says what is wrong."""


class BlobAuthenticationError(ValueError):
    """The blob is well formed but did not authenticate under the key and context given."""


class BlobHeader(NamedTuple):
    flags: int
    kind: int
    spec: int
    key_id: str
    material_version: int
    nonce: bytes

    @property
    def has_context(self) -> bool:
        return bool(self.flags & FLAG_CONTEXT)

    @property
    def key_pair_spec(self) -> str | None:
        if self.kind == KIND_PRIVATE_KEY and 1 <= self.spec <= len(DATA_KEY_PAIR_SPECS):
            return DATA_KEY_PAIR_SPECS[self.spec - 1]
        return None

    def pack(self) -> bytes:
        return HEADER.pack(
            MAGIC,
            VERSION,
            self.flags,
            self.kind,
            self.spec,
            uuid.UUID(self.key_id).bytes,
            self.material_version,
            self.nonce,
        )


def canonical_context(context: dict[str, str] | None) -> bytes:
    """The encryption context as AAD: unambiguous, unlike moto's key+value concatenation."""
    if not context:
        return b""
    return json.dumps(context, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def unpack_header(blob: bytes) -> BlobHeader:
    """Parse and check a blob's header strictly; no key is needed."""
    if len(blob) < MIN_SIZE:
        if blob[:2] == MAGIC:
            raise BlobFormatError(f"the blob is truncated ({len(blob)} bytes; at least {MIN_SIZE})")
        raise BlobFormatError(f"the data is too short to be a qkms blob ({len(blob)} bytes)")
    magic, version, flags, kind, spec, key_bytes, material_version, nonce = HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise BlobFormatError("the data does not start with the qkms blob magic 'QK'")
    if version != VERSION:
        raise BlobFormatError(f"blob format version {version} is not supported (only 1)")
    if flags & ~FLAG_CONTEXT:
        raise BlobFormatError(f"unknown flag bits {flags:#04x} are set")
    if kind not in KINDS:
        raise BlobFormatError(f"unknown payload kind {kind}")
    if (kind == KIND_PRIVATE_KEY) != (spec != 0) or spec > len(DATA_KEY_PAIR_SPECS):
        raise BlobFormatError(f"payload spec {spec} does not fit payload kind {kind}")
    if material_version == 0:
        raise BlobFormatError("key material version 0 does not exist")
    return BlobHeader(flags, kind, spec, str(uuid.UUID(bytes=key_bytes)), material_version, nonce)


def _seal(
    key: bytes,
    *,
    key_id: str,
    material_version: int,
    plaintext: bytes,
    context: dict[str, str] | None,
    kind: int,
    spec: int,
    nonce: bytes,
) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    flags = FLAG_CONTEXT if context else 0
    header = BlobHeader(flags, kind, spec, key_id, material_version, nonce).pack()
    return header + AESGCM(key).encrypt(nonce, plaintext, header + canonical_context(context))


def seal(
    key: bytes,
    *,
    key_id: str,
    material_version: int,
    plaintext: bytes,
    context: dict[str, str] | None = None,
    kind: int = KIND_DATA,
    spec: int = 0,
) -> bytes:
    """Encrypt plaintext under a 256-bit key into a v1 blob bound to the encryption context."""
    return _seal(
        key,
        key_id=key_id,
        material_version=material_version,
        plaintext=plaintext,
        context=context,
        kind=kind,
        spec=spec,
        nonce=os.urandom(NONCE_SIZE),
    )


def open_blob(key: bytes, blob: bytes, context: dict[str, str] | None = None) -> bytes:
    """Authenticate and decrypt a v1 blob; raises BlobAuthenticationError on any mismatch."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = unpack_header(blob)
    aad = blob[:HEADER_SIZE] + canonical_context(context)
    try:
        return AESGCM(key).decrypt(header.nonce, blob[HEADER_SIZE:], aad)
    except InvalidTag:
        raise BlobAuthenticationError("authentication failed") from None
