"""Row MACs of the tables beside the keys (policies, grants, aliases, tags), checked for `keystore
verify` and made again under a new master key for `keystore rekey`, the same way for each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from qkms_cli.errors import KeystoreError

Row = dict[str, Any]


def stored(value: object) -> Any:
    """A MAC as the backend returns it, as bytes (PostgreSQL hands BYTEA back as memoryview)."""
    return bytes(value) if isinstance(value, memoryview) else value


def problems(
    rows: Iterable[Row],
    mac_key: bytes,
    kind: str,
    fields: Callable[[Row], list[object]],
    *,
    altered: Callable[[Row], str],
    missing: Callable[[Row], str] | None = None,
) -> list[str]:
    """A line for each row whose MAC does not match: missing(row) for one that has none (when
    given; else it counts as altered), altered(row) for the others."""
    from qkms_cli.engine import wrap

    found = []
    for row in rows:
        if row["mac"] is None and missing is not None:
            found.append(missing(row))
        elif not wrap.check_row_mac(mac_key, kind, fields(row), stored(row["mac"])):
            found.append(altered(row))
    return found


def remade(
    rows: Iterable[Row],
    old_mac_key: bytes,
    new_mac_key: bytes,
    kind: str,
    fields: Callable[[Row], list[object]],
    *,
    what: Callable[[Row], str],
) -> list[tuple[bytes, Row]]:
    """(its MAC under the new key, row) for each row, every one checked under the old key
    first: one that does not authenticate stops the rekey, named by what(row)."""
    from qkms_cli.engine import wrap

    macs = []
    for row in rows:
        covered = fields(row)
        if not wrap.check_row_mac(old_mac_key, kind, covered, stored(row["mac"])):
            raise KeystoreError(
                f"{what(row)} does not authenticate, so the keystore was not rekeyed. Run "
                "`qkms keystore verify`."
            )
        macs.append((wrap.row_mac(new_mac_key, kind, covered), row))
    return macs
