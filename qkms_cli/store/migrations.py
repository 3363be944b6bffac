"""Ordered, named schema migrations; `PRAGMA user_version` counts how many have run."""

from __future__ import annotations

# The tables whose every change (SQLite triggers, migration 0008) sets the keystore's change token
# to a new random value: all but the audit trail and the key pair pool. A SQLite keystore's
# process reuses the key rows, policies and key material it has read and checked while the
# token is the one it read them under (Keystore.cached); PostgreSQL keystores keep no such cache
# and have no triggers.
CHANGE_TOKEN_TABLES = (
    "meta",
    "keys",
    "key_material",
    "aliases",
    "tags",
    "access_keys",
    "key_policies",
    "grants",
)

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE meta (
            name  TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        CREATE TABLE keys (
            key_id               TEXT PRIMARY KEY,
            created              REAL NOT NULL,
            description          TEXT NOT NULL DEFAULT '',
            key_spec             TEXT NOT NULL,
            key_usage            TEXT NOT NULL,
            key_state            TEXT NOT NULL,
            deletion_date        REAL,
            pending_window_days  INTEGER,
            current_version      INTEGER NOT NULL DEFAULT 1,
            rotation_period_days INTEGER,
            next_rotation        REAL
        );
        CREATE INDEX keys_deletion_date ON keys (deletion_date) WHERE deletion_date IS NOT NULL;
        CREATE TABLE key_material (
            key_id        TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
            version       INTEGER NOT NULL,
            created       REAL NOT NULL,
            rotation_type TEXT,
            public_key    BLOB,
            wrapped       BLOB NOT NULL,
            PRIMARY KEY (key_id, version)
        );
        CREATE TABLE aliases (
            name    TEXT PRIMARY KEY,
            key_id  TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
            created REAL NOT NULL,
            updated REAL NOT NULL
        );
        CREATE INDEX aliases_key_id ON aliases (key_id);
        CREATE TABLE tags (
            key_id    TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
            tag_key   TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (key_id, tag_key)
        );
        """,
    ),
    (
        "0002_pool",
        """
        CREATE TABLE key_pair_pool (
            pair_id    TEXT PRIMARY KEY,
            pair_spec  TEXT NOT NULL,
            created    REAL NOT NULL,
            public_key BLOB NOT NULL,
            wrapped    BLOB NOT NULL
        );
        CREATE INDEX key_pair_pool_spec ON key_pair_pool (pair_spec, created);
        """,
    ),
    (
        "0003_access_keys",
        """
        CREATE TABLE access_keys (
            access_key_id TEXT PRIMARY KEY,
            user_name     TEXT NOT NULL,
            status        TEXT NOT NULL,
            created       REAL NOT NULL,
            wrapped       BLOB NOT NULL
        );
        CREATE INDEX access_keys_user ON access_keys (user_name);
        """,
    ),
    (
        # Imported, seeded and AWS managed keys (issue 11). Every column is NULL for a key
        # made before: origin AWS_KMS, key manager CUSTOMER, material that never expires.
        "0004_key_origin",
        """
        ALTER TABLE keys ADD COLUMN origin TEXT;
        ALTER TABLE keys ADD COLUMN key_manager TEXT;
        ALTER TABLE keys ADD COLUMN expiration_model TEXT;
        ALTER TABLE keys ADD COLUMN valid_to REAL;
        ALTER TABLE keys ADD COLUMN import_fingerprint BLOB;
        """,
    ),
    (
        # A MAC over each key's security-relevant columns (Keystore.key_mac_fields). Rows from
        # before it have none: they are checked the old way and sealed at their first use.
        "0005_row_macs",
        """
        ALTER TABLE keys ADD COLUMN row_mac BLOB;
        """,
    ),
    (
        "0006_access_control",
        """
        CREATE TABLE key_policies (
            key_id  TEXT PRIMARY KEY REFERENCES keys (key_id) ON DELETE CASCADE,
            policy  TEXT NOT NULL,
            updated REAL NOT NULL,
            mac     BLOB
        );
        CREATE TABLE grants (
            grant_id    TEXT PRIMARY KEY,
            key_id      TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
            name        TEXT NOT NULL DEFAULT '',
            created     REAL NOT NULL,
            grantee     TEXT NOT NULL,
            retiring    TEXT,
            issuer      TEXT NOT NULL,
            operations  TEXT NOT NULL,
            constraints TEXT,
            mac         BLOB
        );
        CREATE INDEX grants_key ON grants (key_id, grantee);
        CREATE INDEX grants_retiring ON grants (retiring) WHERE retiring IS NOT NULL;
        CREATE TABLE audit_events (
            seq        INTEGER PRIMARY KEY,
            event_time REAL NOT NULL,
            event_name TEXT NOT NULL,
            principal  TEXT NOT NULL,
            key_id     TEXT,
            key_id2    TEXT,
            error_code TEXT,
            used       INTEGER NOT NULL DEFAULT 0,
            record     TEXT NOT NULL,
            prev_hash  BLOB NOT NULL,
            hash       BLOB NOT NULL,
            seal       BLOB
        );
        CREATE INDEX audit_events_time ON audit_events (event_time);
        CREATE INDEX audit_events_key ON audit_events (key_id, seq) WHERE key_id IS NOT NULL;
        CREATE INDEX audit_events_key2 ON audit_events (key_id2, seq) WHERE key_id2 IS NOT NULL;
        """,
    ),
    (
        # A MAC over each alias (name, target key, dates) and each tag (key, tag key, value):
        # store/aliases.py, store/tags.py. The rows already there get theirs in the same
        # transaction when the master key is at hand (Keystore._migrate); any row without one
        # after that is refused, as a grant without one is.
        "0007_alias_tag_macs",
        """
        ALTER TABLE aliases ADD COLUMN mac BLOB;
        ALTER TABLE tags ADD COLUMN mac BLOB;
        """,
    ),
    (
        # Written to run again harmlessly (IF NOT EXISTS): a keystore set back to an earlier
        # version by hand, or by a test that makes one, keeps its table and triggers.
        "0008_change_token",
        """
        CREATE TABLE IF NOT EXISTS change_token (
            token INTEGER NOT NULL
        );
        INSERT INTO change_token (token) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM change_token);
        """
        + "".join(
            f"""
        CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_changes AFTER {event} ON {table}
        BEGIN UPDATE change_token SET token = random(); END;
        """
            for table in CHANGE_TOKEN_TABLES
            for event in ("INSERT", "UPDATE", "DELETE")
        ),
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)
