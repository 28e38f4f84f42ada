"""Landing: keep every input exactly as received, named by source and content hash."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder, whatever the input called itself."""
    cleaned = _UNSAFE.sub("_", Path(name).name).strip("._")
    return cleaned or "unnamed"


def land(source_file: Path, landing_dir: Path, sha256: str) -> Path:
    """Copy a file into landing (once); the copy is never edited or deleted by the pipeline."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    target = landing_dir / f"{sha256[:16]}__{safe_name(source_file.name)}"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source_file, partial)
        os.replace(partial, target)
    return target
