"""Safe files: bounded reads of regular files; output atomic, with dated backups, temps swept."""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sizing_xl.errors import InputError, SizingError, shown, shown_path

KEEP_BACKUPS = 3  # dated copies of a replaced file kept beside it
STALE_TEMP_SECONDS = 3600  # a temp file this old is a dead writer's, whatever its PID says
_TEMP = re.compile(r"\.sizing-(\d+)-[0-9a-f]+\.tmp$")
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(path: Path) -> str:
    """What a path that is not a regular file is, in words: 'a FIFO (named pipe)', 'a broken
    or looping symbolic link'."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError):
        return "a broken or looping symbolic link"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """A regular file's bytes, at most `limit`; a FIFO, device or directory is refused without
    blocking on it (opened non-blocking, checked by fstat), and a larger file is one line."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(what, f"cannot read {shown(str(path))}: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        kind = next((name for test, name in _KINDS if test(mode)), None)
        if kind:
            raise InputError(what, f"{shown(str(path))} is {kind}, not a file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(what, f"cannot read {shown(str(path))}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(what, f"{shown(str(path))} is larger than {limit // 2**20} MiB")
    return data


class OutputError(SizingError, OSError):
    """An output path this tool will not write: not a regular file, or no such directory."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{shown_path(path)}: {problem}")


def xlsx_target(path: str | os.PathLike[str]) -> Path:
    """A workbook's path: a .xlsx name, else an InputError naming --output-xlsx."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError("--output-xlsx", f"expected a .xlsx file name, got {shown(target.name)}")
    return target


def output_target(path: str | os.PathLike[str]) -> Path:
    """The regular file that writing path would replace.

    A symbolic link is followed: its target is replaced atomically and the link stays, as
    editors do. Devices, FIFOs, sockets and directories are refused, and so is a missing
    directory (it is never created: a typo in a path should not grow a tree).
    """
    given = Path(path)
    try:
        target = given.resolve(strict=False) if given.is_symlink() else given
        mode = target.stat().st_mode
    except RuntimeError:  # Path.resolve on a link that points back at itself
        raise OutputError(given, "is a symbolic link loop") from None
    except FileNotFoundError:
        mode = None
    except ValueError:  # a NUL byte: no file system takes it
        raise OutputError(given, "is not a valid file name") from None
    except OSError as exc:
        raise OutputError(given, f"cannot inspect ({exc.strerror})") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((word for test, word in _KINDS if test(mode)), "not a regular file")
        raise OutputError(given, f"is {kind}; only a regular file can be written")
    parent = target.parent
    try:
        problem = (
            ("is not writable" if not os.access(parent, os.W_OK) else None)
            if parent.is_dir()
            else "is not a directory"
            if parent.exists()
            else "does not exist"
        )
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror})"
    if problem:
        raise OutputError(given, f"the directory {shown_path(parent)} {problem}")
    return target


def write_atomic(path: str | os.PathLike[str], data: bytes, *, backup: bool = False) -> Path | None:
    """Replace path's file with data in one rename; with backup=True keep the old one, dated.

    A reader never sees a half-written file, and a failure (a full disk, a kill) leaves the
    old file whole. The backup is a hard link to the old file made before the rename, so it
    is complete or absent, never truncated. Returns the backup's path, if one was made.
    """
    target = output_target(path)
    sweep_stale_temps(target)
    tmp = target.with_name(f".{target.name}.sizing-{os.getpid()}-{os.urandom(4).hex()}.tmp")
    saved: Path | None = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # the new file gets the mode of the file it replaces, or the umask's
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        if backup and target.exists():
            saved = _keep_backup(target)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    if saved is not None:
        prune_backups(target)
    return saved


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def backup_pattern(target: Path) -> re.Pattern[str]:
    """Dated copies of target: <stem>.bak-<YYYYmmdd-HHMMSS>[-<n>]<suffix>."""
    return re.compile(
        re.escape(f"{target.stem}.bak-")
        + r"(\d{8}-\d{6})(?:-(\d+))?"
        + re.escape(target.suffix)
        + "$"
    )


def _keep_backup(target: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    pattern = backup_pattern(target)
    # numbered past every copy of this second, so a pruned name is never reused out of order
    taken = [
        int(m.group(2) or 1)
        for p in target.parent.iterdir()
        if (m := pattern.match(p.name)) and m.group(1) == stamp
    ]
    for n in range(max(taken, default=0) + 1, 10_000):
        saved = target.with_name(
            f"{target.stem}.bak-{stamp}{'' if n == 1 else f'-{n}'}{target.suffix}"
        )
        try:
            os.link(target, saved)  # atomic: the old file's bytes under a second name
            return saved
        except FileExistsError:
            continue  # taken meanwhile by another writer
        except OSError:  # a file system without hard links: copy, then rename into place
            if saved.exists():
                continue
            write_atomic(saved, target.read_bytes())
            return saved
    raise OutputError(target, "no free backup name; remove old .bak- copies")


def prune_backups(target: Path) -> None:
    """Keep the newest KEEP_BACKUPS dated copies of target."""
    pattern = backup_pattern(target)
    dated = []
    for path in target.parent.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            dated.append(((match.group(1), int(match.group(2) or 1)), path))
    dated.sort()
    for _, old in dated[: max(0, len(dated) - KEEP_BACKUPS)]:
        old.unlink(missing_ok=True)


def sweep_stale_temps(target: Path) -> None:
    """Remove temp files a killed writer of target left behind; live writers' are kept."""
    now = time.time()
    for tmp in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        match = _TEMP.search(tmp.name)
        if not tmp.is_file():
            continue
        try:
            old = now - tmp.stat().st_mtime > STALE_TEMP_SECONDS
        except OSError:
            continue
        if old or (match and not _alive(int(match.group(1)))):
            tmp.unlink(missing_ok=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) sends CTRL_C_EVENT there; rely on age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`'s lock file (`.NAME.lock` beside it) while the block
    runs, so that concurrent read-merge-write cycles of one file run one after another; the
    lock file stays, empty. Where the platform has no file locks (Pyodide), the block runs
    unlocked."""
    lock_path = path.with_name(f".{path.name}.lock")
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: msvcrt retries for about 10 s, then raises OSError
            try:
                import msvcrt
            except ImportError:
                yield
                return
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
