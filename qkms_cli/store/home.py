"""The keystore's home: where it is, made 0700, and refused unless it is the user's own."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from qkms_cli.engine import wrap
from qkms_cli.errors import KeystoreError

DB_NAME = "keystore.db"
MASTER_KEY_NAME = "master.key"
# A new key file waits under this name until the transaction that needs it has committed.
PENDING_KEY_NAME = "master.key.new"


def default_home() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("qkms"))


def resolve_home(home: str | os.PathLike[str] | None) -> Path:
    """`--home`, else `QKMS_HOME`, else the platform's config dir."""
    return _locate(home)[0]


def _locate(home: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The home, and whether the user named it (then a missing parent is a typo, not ours to make)."""
    named = home or os.environ.get("QKMS_HOME")
    if not named:
        return default_home(), False
    try:
        path = Path(named).expanduser()
        os.fsencode(path)
        if "\0" in str(path):
            raise ValueError(path)
    except (ValueError, RuntimeError):  # NUL, a lone surrogate, ~nosuchuser
        raise KeystoreError(
            f"The keystore home {named!r} is not a usable directory name."
        ) from None
    return path, True


def _owner_text(uid: int) -> str:
    try:
        import pwd

        return f"uid {uid} ({pwd.getpwuid(uid).pw_name})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _check_stat(path: Path, st: os.stat_result, *, is_dir: bool) -> None:
    """Refuse what another user owns or can reach (OpenSSH's StrictModes, GnuPG's home check)."""
    euid = os.geteuid()
    if st.st_uid != euid:
        raise KeystoreError(
            f"{path} belongs to {_owner_text(st.st_uid)}, not to you ({_owner_text(euid)}): "
            "whoever owns it can read or replace every key in it, so qkms refuses to use it. "
            "If you made it, fix it with: chown -R "
            f"{euid} '{path}'; otherwise remove it or choose another --home / QKMS_HOME."
        )
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        want = "700" if is_dir else "600"
        raise KeystoreError(
            f"{path} is accessible by other users (mode {mode:o}); qkms refuses to use it. "
            f"Fix it with: chmod {want} '{path}'"
        )


def _symlink_refused(path: Path) -> KeystoreError:
    return KeystoreError(
        f"{path} is a symbolic link; qkms does not follow links in its keystore (one planted "
        "there would redirect the keys). Name the real directory with --home or QKMS_HOME, or "
        "replace the link with the file it points to."
    )


def _check_private(path: Path, *, is_dir: bool) -> None:
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise _symlink_refused(path)
    _check_stat(path, st, is_dir=is_dir)


def _check_parent(path: Path) -> None:
    """Refuse a home whose parent any user may write without the sticky bit (they could swap it)."""
    parent = Path(os.path.dirname(os.path.abspath(path)))
    try:
        st = os.stat(parent)
    except OSError:
        return  # reported when the home is made or opened
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        raise KeystoreError(
            f"The keystore home {path} lies in {parent}, which every user may write to and "
            "which has no sticky bit: anyone could replace the keystore there. Keep it in a "
            f"private directory (the default is {default_home()}), or fix the parent with: "
            f"chmod o-w '{parent}' (or chmod +t '{parent}')."
        )


def prepare_home(home: str | os.PathLike[str] | None, *, create: bool = True) -> Path:
    """The home directory, made 0700 on first use; refused unless it is the user's own.

    It must be a real directory (not a symbolic link), owned by the effective user and closed
    to others, in a parent that other users cannot write to without the sticky bit.
    """
    path, explicit = _locate(home)
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise KeystoreError(f"Cannot use the keystore home {path}: {exc.strerror}.") from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise _symlink_refused(path)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise KeystoreError(f"The keystore home {path} is not a directory.")
    _check_parent(path)
    if st is None:
        if not create:
            raise KeystoreError(
                f"There is no keystore in {path}. Create one with: qkms keystore init"
            )
        if explicit and not path.parent.is_dir():
            raise KeystoreError(
                f"Cannot create the keystore home {path}: its parent directory {path.parent} "
                "does not exist. Create it first, or check --home / QKMS_HOME."
            )
        try:
            # The platform's config dir may not exist yet on a fresh machine; qkms makes it.
            path.mkdir(mode=0o700, parents=not explicit, exist_ok=True)
            st = os.lstat(path)
        except OSError as exc:
            raise KeystoreError(
                f"Cannot create the keystore home {path}: {exc.strerror}."
            ) from None
        if stat.S_ISLNK(st.st_mode):
            raise _symlink_refused(path)
        if not stat.S_ISDIR(st.st_mode):
            raise KeystoreError(f"The keystore home {path} is not a directory.")
    _check_stat(path, st, is_dir=True)
    return path


def create_private(path: Path) -> None:
    """Create the file (if missing) 0600 before anything writes a byte into it; check it is ours.

    An existing file is not opened: closing any descriptor of a database file drops every POSIX
    lock this process holds on it, including those of its other SQLite connections (`qkms
    serve` keeps one per thread), and SQLite may then checkpoint or reset the WAL under them and
    lose committed transactions (sqlite.org/howtocorrupt.html, 2.2). It is checked with lstat
    instead: a symbolic link, another user's file or open modes are refused; the home around it
    is the user's own and closed to others, so nobody can swap it before SQLite opens it.
    """
    if not os.path.lexists(path):
        try:
            # O_EXCL never follows a link; O_NOFOLLOW says so twice.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        except FileExistsError:
            pass  # another process made it meanwhile; this process holds no lock on it yet
        except OSError as exc:
            raise KeystoreError(f"Cannot open {path}: {exc.strerror}.") from None
    try:
        _check_private(path, is_dir=False)
        # What opening it for writing would have said, asked without a descriptor.
        if hasattr(os, "statvfs") and os.statvfs(path).f_flag & os.ST_RDONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        if not os.access(path, os.R_OK | os.W_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise KeystoreError(f"Cannot open {path}: {exc.strerror}.") from None


def open_lock(home: Path) -> int:
    """A descriptor of the home directory, for the writers' lock (flock): no file to make or
    leave behind, and not a database file, so closing it drops no SQLite lock."""
    fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        _check_stat(home, os.fstat(fd), is_dir=True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_companions(db: Path) -> None:
    """The database's -wal and -shm files, which SQLite opens itself, must be ours too."""
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{db}{suffix}")
        try:
            _check_private(companion, is_dir=False)
        except FileNotFoundError:
            continue


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file 0600 and flush it to disk (replacing a stale one of the same name)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in the directory durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> bytes | None:
    """A master key file's 32 bytes, None if there is no such file; never through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _symlink_refused(path) from None
        raise KeystoreError(f"Cannot read the master key {path}: {exc.strerror}.") from None
    try:
        _check_stat(path, os.fstat(fd), is_dir=False)
        key = os.read(fd, 1 << 16)
    except OSError as exc:
        raise KeystoreError(f"Cannot read the master key {path}: {exc.strerror}.") from None
    finally:
        os.close(fd)
    if len(key) != wrap.MASTER_KEY_SIZE:
        raise KeystoreError(
            f"The master key {path} is damaged ({len(key)} bytes, expected {wrap.MASTER_KEY_SIZE})."
        )
    return key
