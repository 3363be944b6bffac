"""Hermetic tests: a fresh keystore home per test, no colour, a fixed width, the real keystore."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from qkms_cli.cli import cli

_SCRUBBED = (
    "QKMS_OUTPUT",
    "QKMS_PASSPHRASE",
    "QKMS_MASTER_KEY",
    "QKMS_ACCOUNT_ID",
    "QKMS_BUSY_TIMEOUT",
    "QKMS_NEW_PASSPHRASE",
    "QKMS_NEW_MASTER_KEY",
    "QKMS_ENDPOINT_URL",
    "QKMS_STORE",
    "QKMS_STORE_POOL_SIZE",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "qkms-home"
    monkeypatch.setenv("QKMS_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    return home


# -- keystore backends -------------------------------------------------------------------------
# Test modules marked `pytestmark = pytest.mark.backends` run each test on both keystore backends
# (a test about SQLite's own file, marked `pytest.mark.sqlite`, on SQLite alone):
# SQLite in the temp home, and PostgreSQL in a schema of its own in a database made for this test
# session (and dropped after it). Without a reachable server the postgresql cases skip, saying how
# to run them.

DEFAULT_POSTGRESQL = "postgresql://127.0.0.1:5432/postgres"
_HOW_TO_RUN = (
    "start PostgreSQL (README: A shared keystore) or name a server with "
    "--postgresql URL / QKMS_TEST_POSTGRESQL=URL"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgresql",
        metavar="URL",
        default=None,
        help="PostgreSQL server (a role that may CREATE DATABASE) for the keystore tests' "
        f"postgresql cases; default $QKMS_TEST_POSTGRESQL, else {DEFAULT_POSTGRESQL}; "
        "'off' skips them.",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker
    if "store_backend" in metafunc.fixturenames and marked("backends") and not marked("sqlite"):
        metafunc.parametrize("store_backend", ["sqlite", "postgresql"], indirect=True)


# A session's database: qkms_test_<pid of the pytest process>_<8 hex digits>.
_SESSION_DB = re.compile(r"^qkms_test_(?P<pid>[0-9]+)_[0-9a-f]{8}$")
# Its comment says which host's process made it: a pid means something on that host only.
_SESSION_COMMENT = "qkms test session: host {host}, pid {pid}"


def pid_alive(pid: int) -> bool:
    """Whether a process of that id runs on this host (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PostgresServer:
    """The server the postgresql cases use, and this session's database on it."""

    def __init__(self, admin_url: str) -> None:
        import secrets

        self.admin_url = admin_url
        self.dbname = f"qkms_test_{os.getpid()}_{secrets.token_hex(4)}"
        self.schemas = 0
        self.created = False

    def on_this_host(self, comment: str | None) -> bool:
        """Whether a session database was made from this host: its comment says so. One made
        before sessions wrote the comment counts as this host's when the server is local."""
        import socket

        if comment is not None:
            return comment.startswith(f"qkms test session: host {socket.gethostname()}, pid ")
        from psycopg.conninfo import conninfo_to_dict

        host = str(conninfo_to_dict(self.admin_url).get("host") or "")
        return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")

    def drop_stale(self) -> list[str]:
        """Drop the session databases that killed test sessions left behind: only qkms_test_
        databases, made from this host, whose pytest process is no longer alive here."""
        import psycopg

        dropped = []
        with self.admin() as conn:
            found = conn.execute(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname LIKE 'qkms\\_test\\_%'"
            ).fetchall()
            for name, comment in found:
                match = _SESSION_DB.match(name)
                if match is None or name == self.dbname or not self.on_this_host(comment):
                    continue
                if pid_alive(int(match["pid"])):
                    continue
                try:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except psycopg.Error:
                    continue  # another session starting meanwhile dropped it, or may not
                dropped.append(name)
        return dropped

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def database_url(self, **params: str) -> str:
        """postgresql:///DB?host=...: the admin URL's server and role, this session's database."""
        from psycopg.conninfo import conninfo_to_dict

        parts = {k: v for k, v in conninfo_to_dict(self.admin_url).items() if k != "dbname"}
        parts.update(params)
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in parts.items())
        return f"postgresql:///{self.dbname}?{query}"

    def new_schema(self) -> str:
        """A fresh, empty schema in the session's database: a keystore of its own."""
        if not self.created:
            import socket

            from psycopg import sql

            comment = _SESSION_COMMENT.format(host=socket.gethostname(), pid=os.getpid())
            with self.admin() as conn:
                conn.execute(f'CREATE DATABASE "{self.dbname}"')
                conn.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                        sql.Identifier(self.dbname), sql.Literal(comment)
                    )
                )
            self.created = True
        self.schemas += 1
        name = f"t{self.schemas}"
        import psycopg

        with psycopg.connect(self.database_url(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return self.database_url(options=f"-csearch_path={name}")

    def drop(self) -> None:
        if self.created:
            with self.admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Any:
    """The PostgreSQL server for this session, or the reason there is none (a str)."""
    url = (
        request.config.getoption("--postgresql")
        or os.environ.get("QKMS_TEST_POSTGRESQL")
        or DEFAULT_POSTGRESQL
    )
    if url == "off":
        yield "postgresql cases turned off (--postgresql off)"
        return
    try:
        import psycopg
    except ImportError:
        yield "psycopg is not installed: pip install -e '.[test]'"
        return
    server = PostgresServer(url)
    try:
        server.admin().close()
    except psycopg.Error as exc:
        reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        yield f"no PostgreSQL server at {url} ({reason})"
        return
    server.drop_stale()
    try:
        yield server
    finally:
        server.drop()


@pytest.fixture
def postgres_store(postgres_server: Any) -> str:
    """A postgresql:// URL of an empty keystore (a schema of its own), or the test skips."""
    if isinstance(postgres_server, str):
        pytest.skip(f"{postgres_server}; to run the PostgreSQL cases, {_HOW_TO_RUN}")
    return postgres_server.new_schema()


@pytest.fixture(autouse=True)
def store_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which backend this test's keystore uses; QKMS_STORE set to it for postgresql.

    A shared store keeps no master.key file, so its keystore gets a random QKMS_MASTER_KEY.
    """
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_store")
        monkeypatch.setenv("QKMS_STORE", url)
        monkeypatch.setenv("QKMS_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    return backend


@pytest.fixture
def home(isolated: Path) -> Path:
    return isolated


class Qkms:
    """Run qkms in-process through Click's runner; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: bytes | str | None = None) -> Result:
        return self.runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str, input: bytes | str | None = None) -> Any:
        """Run, assert exit 0, and return the parsed JSON on stdout (None when it is empty)."""
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    def fails(self, code: int, *args: str, input: bytes | str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout == "", "nothing may reach stdout when a command fails"
        return result

    def new_key(self, *args: str) -> str:
        return self.ok("keys", "create", *args)["KeyMetadata"]["KeyId"]


@pytest.fixture
def qkms() -> Qkms:
    return Qkms()


# The data key pair specs in DESIGN.md's order (the blob header numbers them 1-based), written
# out here rather than read from the code under test.
SPECS = (
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "ECC_NIST_EDWARDS25519",
)

# The six RSA signing algorithms AWS allows for every RSA key spec (CreateKey documentation).
RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]


def public_half(private_der: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo of a DER PKCS#8 private key, as cryptography computes it."""
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_der_private_key(private_der, password=None)
    return private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# The default keystore's account id (DESIGN.md: ARNs are arn:verenc:<account>:key/<uuid>).
ACCOUNT = "111122223333"


def arn(key_id: str) -> str:
    return f"arn:verenc:{ACCOUNT}:key/{key_id}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture(scope="session")
def qkms_bin() -> str:
    """The installed `qkms` console script, for true end-to-end runs."""
    candidate = Path(sys.executable).parent / "qkms"
    found = str(candidate) if candidate.exists() else shutil.which("qkms")
    if not found:
        pytest.fail("the qkms console script is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture
def run_bin(qkms_bin: str, home: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [qkms_bin, *args], input=input, capture_output=True, env=full_env, timeout=120
        )

    return run


def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.fail("openssl is required by the interoperability tests")
    return path


class Clock:
    """A clock a test moves by hand: `Keystore.open(home, clock=clock)`, then `clock.advance(...)`."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, *, days: float = 0, seconds: float = 0) -> None:
        self.now += days * 86400 + seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_pre_row_mac(home: Path) -> None:
    """Turn the keystore in home into what qkms wrote before the row_macs migration.

    Key material sealed under the first AAD (key id, version, spec: no public key), no row
    MACs, no recorded location: a real older keystore, built from today's through its key.
    """
    from qkms_cli.engine import wrap
    from qkms_cli.store.keystore import Keystore, material_aad
    from qkms_cli.store.migrations import MIGRATIONS

    store = Keystore.open(home)
    try:
        key = store.master_key()
        with store.write():
            rows = store._all(
                "SELECT m.key_id, m.version, m.public_key, m.wrapped, k.key_spec "
                "FROM key_material AS m JOIN keys AS k ON k.key_id = m.key_id"
            )
            for row in rows:
                ids = (row["key_id"], row["version"], row["key_spec"])
                secret = wrap.unwrap(key, row["wrapped"], material_aad(*ids, row))
                old = wrap.wrap(key, secret, wrap.secret_aad("key-material", *ids))
                store._exec(
                    "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = ?",
                    (old, row["key_id"], row["version"]),
                )
            store._exec("ALTER TABLE keys DROP COLUMN row_mac")
            store._exec("DELETE FROM meta WHERE name IN ('home_binding', 'home_binding_mac')")
            before = [name for name, _sql in MIGRATIONS].index("0005_row_macs")
            for _name, sql in MIGRATIONS[before + 1 :]:  # what later migrations add too
                for trigger in re.findall(r"CREATE TRIGGER (?:IF NOT EXISTS )?(\w+)", sql):
                    store._exec(f"DROP TRIGGER IF EXISTS {trigger}")
                for table in re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", sql):
                    store._exec(f"DROP TABLE {table}")
                for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql):
                    store._exec(f"ALTER TABLE {table} DROP COLUMN {column}")
            store._exec(f"PRAGMA user_version = {before}")
    finally:
        store.close()
