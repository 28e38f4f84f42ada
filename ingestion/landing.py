"""Landing: keep every input exactly as received, named by source and content hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from core.atomic_files import write_atomically

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
LONGEST_NAME = (
    120  # with the hash prefix, well inside the 255 bytes a file name may have; the ledger keeps the original
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder, whatever the input called itself, shortened (its
    extension kept) when long."""
    cleaned = _UNSAFE.sub("_", Path(name).name).strip("._") or "unnamed"
    if len(cleaned) > LONGEST_NAME:
        suffix = Path(cleaned).suffix[:16]
        cleaned = cleaned[: LONGEST_NAME - len(suffix)] + suffix
    return cleaned


def landed_path(landing_dir: Path, name: str, sha256: str) -> Path:
    """Where content SHA256 received as NAME is kept; a landed file given again keeps its own name."""
    prefix = f"{sha256[:16]}__"
    return landing_dir / f"{prefix}{safe_name(name).removeprefix(prefix)}"


def _write_once(target: Path, write: Callable[[Path], object]) -> Path:
    """Write a landed file once, atomically; it is never edited or deleted by the pipeline."""
    if not target.exists():
        write_atomically(target, write)
    return target


class StillBeingWritten(OSError):
    """The file changed while it was read: what was copied is not the file that will be there."""


def land(source_file: Path, landing_dir: Path, sha256: str) -> Path:
    """Copy a file into landing, as received: the bytes are hashed as they are copied, and a copy that is
    not the content SHA256 names (the file changed since it was hashed) is refused, never kept."""

    def copy(partial: Path) -> None:
        digest = hashlib.sha256()
        with source_file.open("rb") as reader, partial.open("wb") as writer:
            for block in iter(lambda: reader.read(1 << 20), b""):
                digest.update(block)
                writer.write(block)
        if digest.hexdigest() != sha256:
            raise StillBeingWritten("its content changed while it was read")

    return _write_once(landed_path(landing_dir, source_file.name, sha256), copy)


def land_bytes(data: bytes, name: str, landing_dir: Path) -> tuple[Path, str]:
    """Keep a response exactly as received; return (its landed path, its SHA-256)."""
    sha = hashlib.sha256(data).hexdigest()
    return _write_once(landed_path(landing_dir, name, sha), lambda partial: partial.write_bytes(data)), sha
