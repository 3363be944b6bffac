"""Copying a keystore's rows between backends: a PostgreSQL keystore to a SQLite file and back."""

from __future__ import annotations

import re
from typing import Any

from qkms_cli.store.migrations import MIGRATIONS

# Pooled pairs are handed out once: a copy never carries them (DESIGN.md, Keystore), nor the
# location the keystore recorded (a copy records its own when first opened).
# Nor the change token: each keystore has its own row (migration 0008), which copying into it
# sets anew through its triggers.
NOT_COPIED = ("key_pair_pool", "change_token")
NOT_COPIED_META = ("home_binding", "home_binding_mac")

_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


def tables(version: int) -> list[str]:
    """The tables of a keystore at schema version `version`, parents before their children."""
    found: list[str] = []
    for _name, sql in MIGRATIONS[:version]:
        for table in _CREATE_TABLE.findall(sql):
            if table not in found:
                found.append(table)
    return found


def make_schema(target: Any, version: int) -> None:
    """The empty tables of schema version `version`, in target's current transaction."""
    for _name, sql in MIGRATIONS[:version]:
        target.run_script(sql)
    target.set_schema_version(version)


def empty(target: Any, version: int) -> None:
    """Delete every row of target (children first), in its current transaction."""
    for table in reversed(tables(version)):
        if target.has_table(table) and table != "change_token":  # its one row stays
            target.execute(f"DELETE FROM {table}")


def drop(target: Any, version: int) -> None:
    """Drop every table of target, in its current transaction (PostgreSQL's DDL is one)."""
    for table in reversed(tables(version)):
        target.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    target.drop_schema_version()


def copy_rows(source: Any, target: Any, version: int) -> dict[str, int]:
    """Every row of every table but the pool, from source to target; rows copied per table.

    Call inside a transaction of target's and, for one consistent state, a snapshot of
    source's. meta goes through get_meta/put_meta, which keep each value's type.
    """
    counts: dict[str, int] = {}
    for table in tables(version):
        if table in NOT_COPIED or not source.has_table(table):
            continue
        if table == "meta":
            names = [
                r["name"]
                for r in source.query("SELECT name FROM meta ORDER BY name")
                if r["name"] not in NOT_COPIED_META
            ]
            target.put_meta([(name, source.get_meta(name)) for name in names])
            counts[table] = len(names)
            continue
        rows = source.query(f"SELECT * FROM {table}")
        if rows:
            columns = list(rows[0])
            marks = ", ".join("?" for _ in columns)
            target.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(row[c] for c in columns) for row in rows],
            )
        counts[table] = len(rows)
    target.after_copy(tables(version))
    return counts
