"""Seeding a keystore from a file: keys with fixed ids, specs, states, tags, material, and aliases.

Two formats, told apart by their shape:

- qkms's, in AWS's member names: `Keys: [{KeyId, KeySpec, KeyUsage, KeyState, Description,
  Tags: [{TagKey, TagValue}], Origin, KeyMaterial}]` (KeyMaterial base64 for symmetric and HMAC
  keys, a PEM private key for RSA, ECC and ML-DSA keys; a list of base64 strings for a symmetric
  key that was rotated) and `Aliases: [{AliasName, TargetKeyId}]`;
- local-kms's seed.yaml as it is: `Keys: {Symmetric: {Aes: [...]}, Asymmetric: {Rsa: [...],
  Ecc: [...]}}` with `Metadata`, hex `BackingKeys` and `PrivateKeyPem`.

Seeding is idempotent: an entry that exists as the file says is left alone, one that exists
otherwise is an error naming it, and nothing is written unless every entry is sound. Material is
sealed under the master key like every secret.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import keypairs, specs
from qkms_cli.errors import ValidationException

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_STATES = ("Enabled", "Disabled", "PendingImport")
_KEY_MEMBERS = {
    "KeyId",
    "KeySpec",
    "KeyUsage",
    "KeyState",
    "Description",
    "Tags",
    "Origin",
    "KeyMaterial",
}


class SeedError(ValidationException):
    """A seed file that cannot be applied: it names the entry and what is wrong with it."""


def _fail(where: str, what: str) -> SeedError:
    return SeedError(f"Seed entry {where}: {what}")


def _b64(where: str, text: Any) -> bytes:
    if not isinstance(text, str):
        raise _fail(where, "KeyMaterial must be base64 text.")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(where, "KeyMaterial is not valid base64.") from None


def _hex(where: str, text: Any) -> bytes:
    try:
        return bytes.fromhex(str(text))
    except ValueError:
        raise _fail(where, "a BackingKeys entry is not hex.") from None


def _pem_private(where: str, text: Any) -> Any:
    if not isinstance(text, str) or "-----BEGIN" not in text:
        raise _fail(where, "the key material must be a PEM private key.")
    try:
        return keypairs.load_private_pem(text.encode())
    except (ValueError, TypeError) as exc:
        raise _fail(where, f"the PEM private key does not load ({exc}).") from None


class KeyEntry:
    """One key of a seed file, checked and in stored form."""

    def __init__(
        self,
        where: str,
        key_id: Any,
        key_spec: str,
        key_usage: str | None,
        *,
        state: str = "Enabled",
        description: str = "",
        tags: list[dict[str, str]] | None = None,
        origin: str = "AWS_KMS",
        materials: list[bytes] | None = None,
        public: bytes | None = None,
        next_rotation: float | None = None,
    ) -> None:
        if not isinstance(key_id, str) or not _UUID.match(key_id):
            raise _fail(where, f"KeyId {key_id!r} must be a key id (a lowercase UUID).")
        if key_spec not in specs.KEY_SPECS:
            raise _fail(
                where, f"KeySpec {key_spec!r} is not one qkms makes: {', '.join(specs.KEY_SPECS)}."
            )
        usage = key_usage or specs.default_usage(key_spec)
        if usage is None:
            raise _fail(where, f"a {key_spec} key needs a KeyUsage.")
        if usage not in specs.KEY_SPECS[key_spec]:
            raise _fail(where, f"KeyUsage {usage} is not compatible with KeySpec {key_spec}.")
        if origin not in ("AWS_KMS", "EXTERNAL"):
            raise _fail(where, f"Origin {origin!r} must be AWS_KMS or EXTERNAL.")
        if state not in _STATES:
            raise _fail(where, f"KeyState {state!r} must be one of {', '.join(_STATES)}.")
        if (state == "PendingImport") != (origin == "EXTERNAL" and not materials):
            raise _fail(
                where,
                "KeyState PendingImport is for an Origin EXTERNAL key without KeyMaterial, and "
                "such a key is PendingImport.",
            )
        if not isinstance(description, str):
            raise _fail(where, "Description must be text.")
        if materials and len(materials) > 1 and key_spec != "SYMMETRIC_DEFAULT":
            raise _fail(where, "only symmetric keys take more than one key material.")
        self.where, self.key_id, self.key_spec, self.key_usage = where, key_id, key_spec, usage
        self.state, self.description, self.origin = state, description, origin
        self.tags = tags or []
        self.materials, self.public, self.next_rotation = materials, public, next_rotation


def _material(where: str, key_spec: str, value: Any) -> tuple[list[bytes], bytes | None]:
    """(materials in stored form, public key) from a qkms seed entry's KeyMaterial."""
    from qkms_cli.service.importing import check_material

    if key_spec == "SYMMETRIC_DEFAULT" or specs.is_hmac(key_spec):
        values = value if isinstance(value, list) and key_spec == "SYMMETRIC_DEFAULT" else [value]
        raws = [_b64(where, v) for v in values]
        if not raws:
            raise _fail(where, "KeyMaterial is an empty list.")
    else:
        raws = [keypairs.private_der(_pem_private(where, value))]
    out, public = [], None
    for raw in raws:
        try:
            secret, public = check_material(key_spec, raw)
        except Exception as exc:  # IncorrectKeyMaterialException: the text says what fits
            raise _fail(where, getattr(exc, "message", str(exc))) from None
        out.append(secret)
    return out, public


def _qkms_keys(entries: Any) -> list[KeyEntry]:
    if not isinstance(entries, list):
        raise SeedError("Keys must be a list of keys (or local-kms's Symmetric/Asymmetric map).")
    keys = []
    for index, item in enumerate(entries):
        where = f"Keys[{index}]"
        if not isinstance(item, dict):
            raise _fail(where, "each key is a map of AWS member names.")
        where = f"Keys[{index}] ({item.get('KeyId', 'no KeyId')})"
        unknown = sorted(set(item) - _KEY_MEMBERS)
        if unknown:
            raise _fail(
                where, f"unknown member {unknown[0]}; members: {', '.join(sorted(_KEY_MEMBERS))}."
            )
        key_spec = item.get("KeySpec", "SYMMETRIC_DEFAULT")
        materials, public = None, None
        if item.get("KeyMaterial") is not None:
            materials, public = _material(where, str(key_spec), item["KeyMaterial"])
        origin = item.get("Origin", "AWS_KMS")
        keys.append(
            KeyEntry(
                where,
                item.get("KeyId"),
                key_spec,
                item.get("KeyUsage"),
                state=item.get(
                    "KeyState",
                    "PendingImport" if origin == "EXTERNAL" and not materials else "Enabled",
                ),
                description=item.get("Description", ""),
                tags=_tags(where, item.get("Tags", [])),
                origin=origin,
                materials=materials,
                public=public,
            )
        )
    return keys


def _tags(where: str, tags: Any) -> list[dict[str, str]]:
    if not isinstance(tags, list) or not all(
        isinstance(t, dict) and set(t) == {"TagKey", "TagValue"} for t in tags
    ):
        raise _fail(where, "Tags must be a list of {TagKey, TagValue}.")
    return [{"TagKey": str(t["TagKey"]), "TagValue": str(t["TagValue"])} for t in tags]


def _local_kms_keys(groups: dict[str, Any]) -> list[KeyEntry]:
    """local-kms's seed.yaml keys (its README's format), as qkms keys."""
    keys: list[KeyEntry] = []
    known = {("Symmetric", "Aes"), ("Asymmetric", "Rsa"), ("Asymmetric", "Ecc")}
    for group, kinds in groups.items():
        if not isinstance(kinds, dict):
            raise SeedError(f"Keys.{group} must be a map (Aes, Rsa or Ecc lists).")
        for kind, entries in kinds.items():
            if (group, kind) not in known:
                raise SeedError(f"Keys.{group}.{kind} is not a local-kms key group.")
            for index, item in enumerate(entries or []):
                meta = (item or {}).get("Metadata") or {}
                where = f"Keys.{group}.{kind}[{index}] ({meta.get('KeyId', 'no KeyId')})"
                origin = meta.get("Origin", "AWS_KMS")
                if kind == "Aes":
                    backing = [_hex(where, k) for k in item.get("BackingKeys") or []]
                    if not backing and origin != "EXTERNAL":
                        raise _fail(where, "BackingKeys needs one or more hex 256-bit keys.")
                    for key in backing:
                        if len(key) != 32:
                            raise _fail(where, "a BackingKeys entry is not 256 bits.")
                    next_rotation = item.get("NextKeyRotation")
                    keys.append(
                        KeyEntry(
                            where,
                            meta.get("KeyId"),
                            "SYMMETRIC_DEFAULT",
                            "ENCRYPT_DECRYPT",
                            state="Enabled" if backing else "PendingImport",
                            description=meta.get("Description", ""),
                            origin=origin,
                            materials=backing or None,
                            next_rotation=_when(where, next_rotation),
                        )
                    )
                    continue
                private = _pem_private(where, item.get("PrivateKeyPem"))
                key_spec = keypairs.spec_of(private)
                if key_spec is None:
                    raise _fail(where, "the PEM key is of a size or curve KMS does not offer.")
                keys.append(
                    KeyEntry(
                        where,
                        meta.get("KeyId"),
                        key_spec,
                        meta.get("KeyUsage", "SIGN_VERIFY"),
                        description=meta.get("Description", ""),
                        origin=origin,
                        materials=[keypairs.private_der(private)],
                        public=keypairs.public_der(private),
                    )
                )
    return keys


def _when(where: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise _fail(where, f"NextKeyRotation {value!r} is not an ISO 8601 date.") from None


def parse(document: Any) -> tuple[list[KeyEntry], list[tuple[str, str]]]:
    """The keys and (alias, target key id) pairs a seed document names, all checked."""
    if not isinstance(document, dict) or not set(document) <= {"Keys", "Aliases"}:
        raise SeedError("A seed file is a map with Keys and Aliases.")
    raw_keys = document.get("Keys") or []
    keys = _local_kms_keys(raw_keys) if isinstance(raw_keys, dict) else _qkms_keys(raw_keys)
    seen: set[str] = set()
    for key in keys:
        if key.key_id in seen:
            raise _fail(key.where, f"KeyId {key.key_id} appears twice.")
        seen.add(key.key_id)
    aliases = []
    for index, item in enumerate(document.get("Aliases") or []):
        where = f"Aliases[{index}]"
        if not isinstance(item, dict) or set(item) != {"AliasName", "TargetKeyId"}:
            raise _fail(where, "each alias is {AliasName, TargetKeyId}.")
        name, target = str(item["AliasName"]), str(item["TargetKeyId"])
        if not re.match(r"^alias/[a-zA-Z0-9/_-]+$", name) or name.startswith("alias/aws/"):
            raise _fail(
                f"{where} ({name})",
                "AliasName must be alias/ and letters, digits, /, _ or -, not alias/aws/.",
            )
        aliases.append((name, target))
    return keys, aliases


def _same_material(keystore: Keystore, key: KeyEntry, row: dict[str, Any]) -> bool:
    if key.materials is None:
        return True  # the file left the material to qkms: whatever the key has is it
    if row["current_version"] != len(key.materials) or row["key_state"] == "PendingImport":
        return False
    return all(
        hmac.compare_digest(keystore.material(key.key_id, version, key.key_spec), material)
        for version, material in enumerate(key.materials, start=1)
    )


def _check_existing(keystore: Keystore, key: KeyEntry, row: dict[str, Any]) -> None:
    differs = [
        name
        for name, ours, theirs in (
            ("KeySpec", key.key_spec, row["key_spec"]),
            ("KeyUsage", key.key_usage, row["key_usage"]),
            ("Origin", key.origin, row.get("origin") or "AWS_KMS"),
        )
        if ours != theirs
    ]
    if not differs and not _same_material(keystore, key, row):
        differs.append("KeyMaterial")
    if differs:
        raise _fail(
            key.where,
            f"key {key.key_id} exists with another {', '.join(differs)}; seeding never changes "
            "an existing key (delete it, or seed another KeyId).",
        )


def apply(
    keystore: Keystore, keys: list[KeyEntry], aliases: list[tuple[str, str]]
) -> dict[str, Any]:
    """Create what is missing, in one transaction; an error leaves the keystore as it was."""
    from qkms_cli.service.importing import fingerprint
    from qkms_cli.service.keys import new_material
    from qkms_cli.service.tags import check_new_tags

    created: list[str] = []
    unchanged: list[str] = []
    aliases_created: list[str] = []
    aliases_unchanged: list[str] = []
    keystore.master_key()
    with keystore.write():
        for key in keys:
            row = keystore.get_key(key.key_id)
            if row is not None:
                _check_existing(keystore, key, row)
                unchanged.append(key.key_id)
                continue
            try:
                tags = check_new_tags(key.tags, existing=set())
            except Exception as exc:
                raise _fail(key.where, getattr(exc, "message", str(exc))) from None
            materials, public = key.materials, key.public
            if materials is None and key.origin == "AWS_KMS":
                secret, public = new_material(key.key_spec)
                materials = [secret]
            fields: dict[str, Any] = {
                "key_id": key.key_id,
                "created": keystore.now(),
                "description": key.description,
                "key_spec": key.key_spec,
                "key_usage": key.key_usage,
                "key_state": key.state,
                "current_version": len(materials or [None]),
            }
            if key.origin == "EXTERNAL":
                fields["origin"] = "EXTERNAL"
                if materials:
                    fields["import_fingerprint"] = fingerprint(key.key_id, materials[0])
                    fields["expiration_model"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
            if key.next_rotation is not None:
                fields["rotation_period_days"] = 365
                fields["next_rotation"] = key.next_rotation
            keystore.insert_key(fields)
            for version, secret in enumerate(materials or [], start=1):
                keystore.put_material(
                    key.key_id,
                    version,
                    key.key_spec,
                    secret,
                    public_key=public,
                    rotation_type=None if version == 1 else "AUTOMATIC",
                )
            if tags:
                keystore.put_tags(key.key_id, tags)
            created.append(key.key_id)
        for index, (name, target) in enumerate(aliases):
            where = f"Aliases[{index}] ({name})"
            if keystore.get_key(target) is None:
                raise _fail(where, f"TargetKeyId {target} is no key of the file or the keystore.")
            existing = keystore.get_alias(name)
            if existing is not None:
                if existing["key_id"] != target:
                    raise _fail(
                        where,
                        f"{name} exists and points at key {existing['key_id']}, not {target}.",
                    )
                aliases_unchanged.append(name)
                continue
            keystore.insert_alias(name, target)
            aliases_created.append(name)
    return {
        "KeysCreated": created,
        "KeysUnchanged": unchanged,
        "AliasesCreated": aliases_created,
        "AliasesUnchanged": aliases_unchanged,
    }


def parse_text(text: str) -> Any:
    """A seed document from its text: JSON, else YAML (PyYAML imported only then)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SeedError(f"The seed file is not valid JSON: {exc}") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"The seed file is not valid YAML: {exc}") from None


def seed_text(keystore: Keystore, text: str) -> dict[str, Any]:
    """Seed an open keystore from a seed file's text (what `qkms serve --seed FILE` calls)."""
    keys, aliases = parse(parse_text(text))
    return apply(keystore, keys, aliases)


def seed_home(
    home: str | None, text: str, *, ask: Any = None, store_url: str | None = None
) -> dict[str, Any]:
    """`qkms keystore seed FILE`: seed the keystore of home (or of store_url, as
    service.opening takes it), making it on first use."""
    from qkms_cli.service.opening import open_keystore

    prompt = None if ask is None else (lambda question: ask(question, False))
    store = open_keystore(home, store_url=store_url, prompt=prompt)
    try:
        return seed_text(store, text)
    finally:
        store.close()
