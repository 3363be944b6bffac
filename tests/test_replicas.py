"""Two `qkms serve` replicas on one PostgreSQL keystore, clients writing through both at once."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.serving import Server

pytestmark = pytest.mark.slow

THREADS = 4  # client threads per replica


@pytest.fixture
def replicas(postgres_store: str, tmp_path: Path) -> Any:
    """Two replicas (one worker each) on one fresh PostgreSQL keystore, and its environment."""
    env = {
        "QKMS_STORE": postgres_store,
        "QKMS_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    made = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "keystore", "init"],
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    servers = [Server(tmp_path / f"replica-{n}", env=env) for n in (1, 2)]
    for server in servers:
        assert server.url, server.log
    yield servers, env
    for server in servers:
        server.kill()


def run_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_every_acknowledged_write_is_visible_through_the_other_replica(replicas: Any) -> None:
    (one, two), _env = replicas

    def work(n: int) -> None:
        writer, reader = (one, two) if n % 2 else (two, one)
        for i in range(5):
            status, made = writer.call("CreateKey", {"Description": f"client {n} key {i}"})
            assert status == 200, made
            key = made["KeyMetadata"]["KeyId"]
            status, seen = reader.call("DescribeKey", {"KeyId": key})
            assert status == 200 and seen["KeyMetadata"]["Description"] == f"client {n} key {i}"
            alias = f"alias/c{n}-{i}"
            assert writer.call("CreateAlias", {"AliasName": alias, "TargetKeyId": key})[0] == 200
            status, sealed = reader.call("Encrypt", {"KeyId": alias, "Plaintext": "aGk="})
            assert status == 200, sealed
            status, opened = writer.call("Decrypt", {"CiphertextBlob": sealed["CiphertextBlob"]})
            assert status == 200 and opened["Plaintext"] == "aGk="

    assert run_threads(2 * THREADS, work) == []
    for server in (one, two):
        status, listed = server.call("ListAliases", {"Limit": 100})
        assert status == 200
        assert len([a for a in listed["Aliases"] if a["AliasName"].startswith("alias/c")]) == 40


def test_a_pooled_pair_is_never_handed_out_twice_across_replicas(
    replicas: Any, postgres_store: str
) -> None:
    import psycopg

    (one, two), env = replicas
    status, made = one.call("CreateKey", {})
    assert status == 200, made
    key = made["KeyMetadata"]["KeyId"]
    fill = ["pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", str(4 * THREADS)]
    filled = subprocess.run(
        [sys.executable, "-m", "qkms_cli", *fill],
        env={**os.environ, **env},
        capture_output=True,
        timeout=300,
    )
    assert filled.returncode == 0, filled.stderr
    with psycopg.connect(postgres_store) as conn:
        pooled = {bytes(r[0]) for r in conn.execute("SELECT public_key FROM key_pair_pool")}
    assert len(pooled) == 4 * THREADS
    handed: list[bytes] = []

    def work(n: int) -> None:
        server = (one, two)[n % 2]
        for _ in range(2):
            status, pair = server.call(
                "GenerateDataKeyPair", {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}
            )
            assert status == 200, pair
            handed.append(base64.b64decode(pair["PublicKey"]))

    assert run_threads(2 * THREADS, work) == []
    assert len(handed) == len(set(handed)) == 4 * THREADS
    assert set(handed) == pooled  # every pair came from the pool, each exactly once
    with psycopg.connect(postgres_store) as conn:
        assert conn.execute("SELECT count(*) FROM key_pair_pool").fetchone()[0] == 0


def test_killing_one_replica_mid_load_loses_nothing_acknowledged(replicas: Any) -> None:
    (one, two), _env = replicas
    acknowledged: list[str] = []
    started = threading.Barrier(2 * THREADS + 1)
    halfway = threading.Event()

    def work(n: int) -> None:
        server = (one, two)[n % 2]
        started.wait()
        for i in range(8):
            if i == 3:
                halfway.set()
            try:
                status, made = server.call("CreateKey", {"Description": f"load {n}-{i}"})
            except OSError:
                return  # the replica died under this request: nothing was acknowledged
            if status != 200:
                return
            acknowledged.append(made["KeyMetadata"]["KeyId"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2 * THREADS)]
    for thread in threads:
        thread.start()
    started.wait()
    halfway.wait(timeout=120)
    one.kill()  # SIGKILL: no graceful shutdown
    for thread in threads:
        thread.join(timeout=300)
    status, listed = two.call("ListKeys", {"Limit": 1000})
    assert status == 200
    stored = {k["KeyId"] for k in listed["Keys"]}
    assert acknowledged and set(acknowledged) <= stored
    # and the survivor keeps serving
    assert two.call("CreateKey", {})[0] == 200


def test_racing_writers_through_both_replicas_keep_the_rules(replicas: Any) -> None:
    """Writers of the same row through two replicas: as if one after the other, never both."""
    (one, two), _env = replicas
    status, made = one.call("CreateKey", {})
    assert status == 200, made
    key = made["KeyMetadata"]["KeyId"]
    answers: list[tuple[int, str]] = []
    rotations: list[int] = []

    def work(n: int) -> None:
        server = (one, two)[n % 2]
        status, body = server.call("CreateAlias", {"AliasName": "alias/race", "TargetKeyId": key})
        answers.append((status, body.get("__type", "ok") if isinstance(body, dict) else "ok"))
        status, body = server.call("RotateKeyOnDemand", {"KeyId": key})
        rotations.append(status)

    assert run_threads(2 * THREADS, work) == []
    assert sorted(answers) == [(200, "ok")] + [(400, "AlreadyExistsException")] * (2 * THREADS - 1)
    status, listed = two.call("ListKeyRotations", {"KeyId": key})
    assert status == 200, listed
    done = rotations.count(200)
    assert done >= 1 and len(listed["Rotations"]) == done


def qkms_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qkms_cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_keys_and_aliases_made_at_once_through_both_replicas_are_all_there_once(
    replicas: Any, postgres_store: str
) -> None:
    """Writers no longer queue behind one lock: what each replica acknowledged is there, once;
    of clients racing for one alias name through both replicas exactly one gets it; the audit
    chain, appended by every call of both, verifies."""
    import psycopg

    (one, two), env = replicas
    made: list[tuple[str, str]] = []  # (key id, its description)
    aliases: dict[str, str] = {}  # alias -> key id, as acknowledged
    races: dict[str, list[tuple[int, str]]] = {f"alias/shared-{i}": [] for i in range(3)}

    def work(n: int) -> None:
        for i in range(6):
            server = (one, two)[(n + i) % 2]
            status, body = server.call("CreateKey", {"Description": f"c{n}-{i}"})
            assert status == 200, body
            key = body["KeyMetadata"]["KeyId"]
            made.append((key, f"c{n}-{i}"))
            alias = f"alias/own-{n}-{i}"
            status, body = server.call("CreateAlias", {"AliasName": alias, "TargetKeyId": key})
            assert status == 200, body
            aliases[alias] = key
            if i < len(races):
                name = f"alias/shared-{i}"
                status, body = server.call("CreateAlias", {"AliasName": name, "TargetKeyId": key})
                races[name].append((status, body.get("__type", key) if status != 200 else key))

    assert run_threads(2 * THREADS, work) == []
    assert len(made) == len({k for k, _ in made}) == 2 * THREADS * 6
    with psycopg.connect(postgres_store) as conn:
        keys = dict(conn.execute("SELECT key_id, description FROM keys").fetchall())
        versions = conn.execute(
            "SELECT count(*), count(DISTINCT key_id) FROM key_material"
        ).fetchone()
        stored_aliases = conn.execute("SELECT name, key_id FROM aliases").fetchall()
    assert keys == dict(made)  # every acknowledged key, with its description, and nothing else
    assert versions == (len(made), len(made))  # each with exactly one material version
    names = [name for name, _key in stored_aliases]
    assert len(names) == len(set(names))
    for name, outcomes in races.items():
        winners = [key for status, key in outcomes if status == 200]
        assert len(winners) == 1, outcomes
        assert sorted(o[1] for o in outcomes if o[0] != 200) == ["AlreadyExistsException"] * (
            2 * THREADS - 1
        )
        aliases[name] = winners[0]
    assert dict(stored_aliases) == aliases
    for server in (one, two):  # and each replica sees the other's writes
        status, listed = server.call("ListAliases", {"Limit": 100})
        assert status == 200
        assert {a["AliasName"]: a["TargetKeyId"] for a in listed["Aliases"]} == aliases
    status, body = one.call("Encrypt", {"KeyId": "alias/shared-0", "Plaintext": "aGk="})
    assert status == 200, body
    status, body = two.call("Decrypt", {"CiphertextBlob": body["CiphertextBlob"]})
    assert status == 200 and body["Plaintext"] == "aGk="
    checked = qkms_cli(env, "audit", "verify")
    assert checked.returncode == 0, checked.stderr
    assert '"Events"' in checked.stdout


def test_a_rekey_while_both_replicas_write_leaves_nothing_under_the_old_key(
    replicas: Any,
) -> None:
    """A rekey waits for the writers in flight and keeps new ones out until it commits: no key
    made meanwhile is left sealed under the old master key."""
    (one, two), env = replicas
    new_key = base64.b64encode(os.urandom(32)).decode()
    acknowledged: list[str] = []
    stop = threading.Event()

    def work(n: int) -> None:
        server = (one, two)[n % 2]
        while not stop.is_set():
            status, body = server.call("CreateKey", {"Description": f"during rekey {n}"})
            if status == 200:
                acknowledged.append(body["KeyMetadata"]["KeyId"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2 * THREADS)]
    for thread in threads:
        thread.start()
    try:
        while len(acknowledged) < 10:
            threading.Event().wait(0.05)
        rekeyed = qkms_cli({**env, "QKMS_NEW_MASTER_KEY": new_key}, "keystore", "rekey")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert rekeyed.returncode == 0, rekeyed.stderr
    after = {**env, "QKMS_MASTER_KEY": new_key}
    checked = qkms_cli(after, "keystore", "verify")
    assert checked.returncode == 0, checked.stderr  # every secret opens under the new key
    listed = qkms_cli(after, "keys", "list", "--query", "Keys[].KeyId", "--output", "text")
    assert listed.returncode == 0, listed.stderr
    assert set(acknowledged) <= set(listed.stdout.split())
