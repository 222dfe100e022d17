"""Atomic file output: write a temporary file beside the target, then rename it into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(
    path: str | os.PathLike[str],
    produce: Callable[[Path], None],
    *,
    backup: bool = False,
) -> Path | None:
    """Let produce() write a temporary file, then replace path with it in one rename.

    A reader never sees a half-written file, and a failure leaves the old file untouched.
    With backup=True an existing file is first copied to '<name>.bak<suffix>'; that copy's
    path is returned.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    saved: Path | None = None
    try:
        produce(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes the file private; give it the mode the replaced file had, or the umask's
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        if backup and target.exists():
            saved = target.with_name(f"{target.stem}.bak{target.suffix}")
            shutil.copy2(target, saved)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return saved


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
