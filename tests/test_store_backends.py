"""The two keystore backends speak one dialect: the same statements give the same answers."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from qkms_cli.errors import DependencyTimeoutException, KeystoreError
from qkms_cli.store.migrations import MIGRATIONS, SCHEMA_VERSION

TIMEOUT = 1.0


def open_db(backend: str, tmp_path: Path, url: str | None, timeout: float = TIMEOUT) -> Any:
    if backend == "sqlite":
        from qkms_cli.store.sqlite import Database

        return Database(tmp_path / "keystore.db", timeout)
    from qkms_cli.store.postgres import Database as PgDatabase

    return PgDatabase(url, timeout)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    url = request.getfixturevalue("postgres_store") if request.param == "postgresql" else None
    return request.param, url


@pytest.fixture
def db(backend: tuple[str, str | None], tmp_path: Path) -> Any:
    """A database with every migration run, as a new keystore has."""
    database = open_db(backend[0], tmp_path, backend[1])
    database.prepare()
    with database.transaction():
        for _name, sql in MIGRATIONS:
            database.run_script(sql)
        database.set_schema_version(SCHEMA_VERSION)
    yield database
    database.close()


def test_migrations_make_every_table_and_count_themselves(
    backend: tuple[str, str | None], tmp_path: Path
) -> None:
    database = open_db(backend[0], tmp_path, backend[1])
    assert database.schema_version() == 0
    assert not database.has_table("keys")
    database.prepare()
    with database.transaction():
        for _name, sql in MIGRATIONS:
            database.run_script(sql)
        database.set_schema_version(SCHEMA_VERSION)
    assert database.schema_version() == SCHEMA_VERSION
    for table in ("meta", "keys", "key_material", "aliases", "tags", "key_pair_pool"):
        assert database.has_table(table), table
    database.close()


def test_values_read_back_with_their_types(db: Any) -> None:
    db.execute(
        "INSERT INTO keys (key_id, created, key_spec, key_usage, key_state, current_version)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        ("k1", 1_800_000_000.25, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", 3),
    )
    db.execute(
        "INSERT INTO key_material (key_id, version, created, wrapped) VALUES (?, ?, ?, ?)",
        ("k1", 3, 1.5, b"\x00\xffsealed"),
    )
    key = db.query("SELECT * FROM keys WHERE key_id = ?", ("k1",))[0]
    assert key["created"] == 1_800_000_000.25 and isinstance(key["created"], float)
    assert key["current_version"] == 3 and isinstance(key["current_version"], int)
    assert key["description"] == "" and key["deletion_date"] is None
    material = db.query("SELECT wrapped FROM key_material WHERE key_id = ?", ("k1",))[0]
    assert material["wrapped"] == b"\x00\xffsealed" and isinstance(material["wrapped"], bytes)
    count = db.query("SELECT count(*) AS n FROM key_material")[0]["n"]
    assert count == 1 and isinstance(count, int)


def test_meta_keeps_text_numbers_and_bytes_apart(db: Any) -> None:
    values = {"account_id": "111122223333", "check": b"\x01\x02", "created": 2.5, "n": 7}
    with db.transaction():
        db.put_meta(list(values.items()))
    for name, value in values.items():
        got = db.get_meta(name)
        assert got == value and type(got) is type(value), name
    db.put_meta([("n", 8)])
    assert db.get_meta("n") == 8
    assert db.get_meta("missing") is None


def test_question_marks_and_percents_inside_quotes_are_text(db: Any) -> None:
    row = db.query("SELECT ? AS a, 'what?%' AS b, ? AS c", ("x", 2))[0]
    assert row == {"a": "x", "b": "what?%", "c": 2}


def test_upsert_and_insert_or_ignore(db: Any) -> None:
    db.execute(
        "INSERT INTO keys (key_id, created, key_spec, key_usage, key_state) VALUES (?, ?, ?, ?, ?)",
        ("k1", 1.0, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled"),
    )
    upsert = (
        "INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?) "
        "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value"
    )
    db.executemany(upsert, [("k1", "a", "1"), ("k1", "b", "2")])
    db.executemany(upsert, [("k1", "a", "3")])
    db.execute(
        "INSERT OR IGNORE INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)", ("k1", "b", "9")
    )
    rows = db.query("SELECT tag_key, tag_value FROM tags ORDER BY tag_key")
    assert rows == [{"tag_key": "a", "tag_value": "3"}, {"tag_key": "b", "tag_value": "2"}]


def test_a_failed_transaction_leaves_nothing(db: Any) -> None:
    with pytest.raises(RuntimeError), db.transaction():
        db.put_meta([("half", "written")])
        raise RuntimeError("stop")
    assert db.get_meta("half") is None
    assert not db.in_transaction


def test_a_writer_waits_for_another_then_gives_up_as_dependency_timeout(
    backend: tuple[str, str | None], db: Any, tmp_path: Path
) -> None:
    """Another process (or replica) holding the write lock: DependencyTimeoutException."""
    other = open_db(backend[0], tmp_path, backend[1], timeout=0.3)
    try:
        with db.transaction():
            db.put_meta([("by", "first")])
            with pytest.raises(DependencyTimeoutException) as caught:
                with other.transaction():
                    other.put_meta([("by", "second")])
            assert "gave up after 0.3 seconds" in caught.value.message
        assert other.get_meta("by") == "first"
        with other.transaction():
            other.put_meta([("by", "second")])
        assert db.get_meta("by") == "second"
    finally:
        other.close()


# -- PostgreSQL only ---------------------------------------------------------------------------


@pytest.fixture
def pg_url(postgres_store: str) -> str:
    return postgres_store


def migrated(url: str, timeout: float = TIMEOUT) -> Any:
    from qkms_cli.store.postgres import Database

    database = Database(url, timeout)
    with database.transaction():
        if database.schema_version() == 0:
            for _name, sql in MIGRATIONS:
                database.run_script(sql)
            database.set_schema_version(SCHEMA_VERSION)
    return database


def test_pooled_pairs_are_taken_with_skip_locked_never_twice(pg_url: str) -> None:
    """Two replicas taking a pooled pair at once get different pairs, neither waits."""
    first, second = migrated(pg_url), migrated(pg_url)
    first.executemany(
        "INSERT INTO key_pair_pool (pair_id, pair_spec, created, public_key, wrapped) "
        "VALUES (?, ?, ?, ?, ?)",
        [(f"p{i}", "ECC_NIST_P256", float(i), b"pub", b"sealed") for i in range(3)],
    )
    take = (
        "SELECT pair_id FROM key_pair_pool WHERE pair_spec = ? ORDER BY created, pair_id "
        "LIMIT 1 FOR UPDATE SKIP LOCKED"
    )
    with first.transaction(exclusive=False):
        mine = first.query(take, ("ECC_NIST_P256",))[0]["pair_id"]
        with second.transaction(exclusive=False):
            theirs = second.query(take, ("ECC_NIST_P256",))[0]["pair_id"]
            second.execute("DELETE FROM key_pair_pool WHERE pair_id = ?", (theirs,))
        first.execute("DELETE FROM key_pair_pool WHERE pair_id = ?", (mine,))
    assert (mine, theirs) == ("p0", "p1")
    assert [r["pair_id"] for r in first.query("SELECT pair_id FROM key_pair_pool")] == ["p2"]
    first.close()
    second.close()


def test_writers_of_different_rows_do_not_wait_but_the_chain_and_a_rekey_do(pg_url: str) -> None:
    """PostgreSQL writers run side by side, each locking its rows; lock=True (the audit chain's
    head) admits one holder at a time, and alone=True (migrations, rekeys) none beside it."""
    first, second = migrated(pg_url, 0.3), migrated(pg_url, 0.3)
    try:
        with first.transaction():
            first.put_meta([("a", 1)])
            with second.transaction():  # another row: commits at once
                second.put_meta([("b", 2)])
            with pytest.raises(DependencyTimeoutException), second.transaction():
                second.put_meta([("a", 3)])  # the same row waits, then gives up
            with second.transaction(lock=True):  # the chain's head is free
                second.put_meta([("c", 4)])
        assert (first.get_meta("a"), first.get_meta("b"), first.get_meta("c")) == (1, 2, 4)

        with first.transaction(lock=True):
            with pytest.raises(DependencyTimeoutException), second.transaction(lock=True):
                pass  # one chain holder at a time
            with second.transaction():
                second.put_meta([("d", 5)])  # ordinary writers go on beside it
        with first.transaction(alone=True):
            for kind in ({}, {"lock": True}, {"alone": True}):
                with pytest.raises(DependencyTimeoutException), second.transaction(**kind):
                    pass  # a rekey keeps every other writer out ...
        with first.transaction():
            with pytest.raises(DependencyTimeoutException), second.transaction(alone=True):
                pass  # ... and waits for those in flight
        assert first.get_meta("d") == 5
    finally:
        first.close()
        second.close()


def test_a_dropped_connection_is_made_again(pg_url: str, postgres_server: Any) -> None:
    database = migrated(pg_url)
    pid = database.query("SELECT pg_backend_pid() AS pid")[0]["pid"]
    with postgres_server.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert database.query("SELECT 1 AS one") == [{"one": 1}]
    assert database.query("SELECT pg_backend_pid() AS pid")[0]["pid"] != pid
    pid = database.query("SELECT pg_backend_pid() AS pid")[0]["pid"]
    with postgres_server.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with database.transaction():
        database.put_meta([("after", "drop")])
    assert database.get_meta("after") == "drop"
    database.close()


def test_an_unreachable_server_is_253_and_never_shows_the_password() -> None:
    pytest.importorskip("psycopg")
    from qkms_cli.store.postgres import Database

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(KeystoreError) as caught:
        Database(f"postgresql://qkms:hunter2@127.0.0.1:{port}/keys", TIMEOUT)
    assert caught.value.exit_code == 253
    assert caught.value.message.startswith(
        f"Cannot reach the PostgreSQL keystore postgresql://127.0.0.1:{port}/keys: "
    )
    assert "hunter2" not in caught.value.message


def test_threads_share_one_keystore_each_with_its_own_transaction(pg_url: str) -> None:
    """A replica's request threads write through one open keystore without losing a write."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                with db.transaction():
                    db.put_meta([(f"t{n}-{i}", n * 100 + i)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    db = migrated(pg_url)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert db.query("SELECT count(*) AS n FROM meta")[0]["n"] == 40
    assert db.get_meta("t3-9") == 309
    db.close()


def test_a_keystore_moves_to_a_sqlite_file_and_back_without_its_pool(
    pg_url: str, postgres_server: Any, tmp_path: Path
) -> None:
    """backup/restore between backends: every row but the pooled pairs, types kept."""
    from qkms_cli.store import transfer
    from qkms_cli.store.postgres import Database as PgDatabase
    from qkms_cli.store.sqlite import Database as SqliteDatabase

    source = migrated(pg_url)
    with source.transaction():
        source.put_meta([("account_id", "111122223333"), ("check", b"\x00\x01"), ("at", 2.5)])
        source.execute(
            "INSERT INTO keys (key_id, created, key_spec, key_usage, key_state) "
            "VALUES (?, ?, ?, ?, ?)",
            ("k1", 1.25, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled"),
        )
        source.execute(
            "INSERT INTO key_material (key_id, version, created, wrapped) VALUES (?, ?, ?, ?)",
            ("k1", 1, 1.25, b"\xffsealed"),
        )
        source.execute(
            "INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)", ("k1", "a", "b")
        )
        source.execute(
            "INSERT INTO key_pair_pool (pair_id, pair_spec, created, public_key, wrapped) "
            "VALUES (?, ?, ?, ?, ?)",
            ("p1", "ECC_NIST_P256", 1.0, b"pub", b"sealed"),
        )

    def contents(db: Any) -> dict[str, Any]:
        names = [r["name"] for r in db.query("SELECT name FROM meta ORDER BY name")]
        return {
            "meta": {n: db.get_meta(n) for n in names},
            "keys": db.query("SELECT * FROM keys"),
            "key_material": db.query("SELECT * FROM key_material"),
            "tags": db.query("SELECT * FROM tags"),
            "pool": db.query("SELECT pair_id FROM key_pair_pool"),
        }

    copy = SqliteDatabase(tmp_path / "copy.db", TIMEOUT)
    with copy.transaction(), source.snapshot():
        transfer.make_schema(copy, SCHEMA_VERSION)
        counts = transfer.copy_rows(source, copy, SCHEMA_VERSION)
    assert {"meta": 3, "keys": 1, "key_material": 1, "aliases": 0, "tags": 1}.items() <= (
        counts.items()
    )
    assert "key_pair_pool" not in counts
    assert copy.schema_version() == SCHEMA_VERSION
    expected = {**contents(source), "pool": []}
    assert contents(copy) == expected

    back = PgDatabase(postgres_server.new_schema(), TIMEOUT)
    with back.transaction():
        transfer.make_schema(back, SCHEMA_VERSION)
        transfer.copy_rows(copy, back, SCHEMA_VERSION)
    assert contents(back) == expected
    for db in (source, copy, back):
        db.close()


def test_pooled_connections_that_dropped_are_replaced(pg_url: str, postgres_server: Any) -> None:
    """A replica's keystore threads share the pool; a server restart costs no request."""
    migrated(pg_url).close()
    from qkms_cli.store.postgres import Database

    database = Database(pg_url, TIMEOUT, pooled=True)
    database.put_meta([("before", 1)])
    dbname = database.query("SELECT current_database() AS d")[0]["d"]
    with postgres_server.admin() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'qkms'",
            (dbname,),
        )
    assert database.get_meta("before") == 1
    with database.transaction():
        database.put_meta([("after", 2)])
    assert database.get_meta("after") == 2
    database.close()
