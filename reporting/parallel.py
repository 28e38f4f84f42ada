"""Independent jobs in forked workers, one per core: writing hundreds of pages is Python-bound (templates,
escaping, charts), and each page is a file of its own, so the pages are written side by side."""

from __future__ import annotations

import os
from collections.abc import Callable
from multiprocessing import get_context

_JOBS: list[Callable[[], None]] = []  # inherited by the forked workers: nothing is pickled but an index


def _run(index: int) -> None:
    _JOBS[index]()


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_parallel(jobs: list[Callable[[], None]]) -> None:
    """Run JOBS, each once, in forked workers (in this process with one core); an error in any is raised here."""
    workers = min(len(jobs), cores())
    if workers < 2:
        for job in jobs:
            job()
        return
    _JOBS[:] = jobs
    try:
        with get_context("fork").Pool(workers) as pool:
            pool.map(_run, range(len(jobs)), chunksize=1)
    finally:
        _JOBS.clear()
