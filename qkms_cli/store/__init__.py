"""The keystore: SQLite plus the master key; the only code that touches the keystore's files."""
