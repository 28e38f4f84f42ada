"""Files that readers see whole or not at all: written beside their target, then renamed into place."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """Call WRITE with a temporary path beside TARGET, then rename it to TARGET (atomic on one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # concurrent writers never share one
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def write_text_atomically(target: Path, text: str) -> Path:
    return write_atomically(target, lambda partial: partial.write_text(text, encoding="utf-8"))
