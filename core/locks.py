"""One writer at a time: the warehouse folder (build, audit, publish, rollback, and a refresh, which runs
them in turn) and each source's loads are guarded by exclusive locks.

The locks are the kernel's (`flock`): released when the holder ends, however it ends, so a lock left by
a killed process is taken over by the next caller and nothing needs deleting. The lock file says who
holds it, for the message to whoever has to wait.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from core.errors import SliError

_held: set[str] = set()  # locks this process holds, so that a refresh's own steps do not wait for it


class Busy(SliError):
    """Another process holds the lock."""


@contextmanager
def holding(lock: Path, doing: str) -> Iterator[None]:
    """Hold LOCK while DOING; fail at once, naming the holder, when another process has it."""
    if str(lock) in _held:
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            raise Busy(
                f"cannot start {doing}: {holder}; wait for it to finish (the lock ends with that process,"
                " so there is nothing to remove)"
            ) from None
        os.ftruncate(fd, 0)
        since = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} is {doing} since {since}".encode(), 0)
        _held.add(str(lock))
        try:
            yield
        finally:
            _held.discard(str(lock))
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock
