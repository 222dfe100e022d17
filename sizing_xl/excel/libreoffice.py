"""LibreOffice headless: recalculate workbooks and render them to PDF, with a fresh profile."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

# How formulas are treated on load: 0 recalculate always (even over cached values), 1 never
# (show what the file stores, as a viewer does).
_RECALC_MODE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    files: Sequence[Path],
    out_dir: Path,
    target: str = "xlsx",
    timeout: int = 600,
    *,
    recalculate: bool = True,
) -> list[Path]:
    """Open each file in LibreOffice and save it as `target` in out_dir.

    recalculate=False keeps the values the file stores, as a viewer without the UDFs shows them.
    """
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        mode = "0" if recalculate else "1"
        (user / "registrymodifications.xcu").write_text(
            _RECALC_MODE.replace("{mode}", mode), encoding="utf-8"
        )
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
    outputs = [out_dir / f"{Path(f).stem}.{target.split(':')[0]}" for f in files]
    missing = [p for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {', '.join(map(str, missing))}")
    return outputs
