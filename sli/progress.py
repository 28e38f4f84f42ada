"""What a refresh tells people: one line per stage with its counts and time, progress while a long stage
runs, and the per-file and dbt lines only when asked for (`-v`). The CLI and the Airflow tasks share it,
so a task log carries the same summaries as a terminal."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ingestion.loader import LoadResult

LONG = 20  # steps from which a stage reports its progress in a log
# dbt's per-node result lines: "12 of 86 OK created sql table model main.dim_council ...".
_DBT_RESULT = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")


@dataclass
class Reporter:
    echo: Callable[[str], None]  # writes one line
    verbose: bool = False  # every file's line and every dbt line too
    # On a terminal, writes text as it is (no newline), so that progress is one line rewritten in place;
    # without it (a log), progress is a line at each quarter done.
    rewrite: Callable[[str], None] | None = None
    on_file_line: Callable[[LoadResult], None] | None = None  # how a verbose file line is printed
    quiet: Callable[[str], None] = lambda line: None  # where dbt's lines go when not verbose (a DEBUG log)
    _started: float = field(default_factory=time.perf_counter)
    _shown: int = -1

    @contextmanager
    def stage(self, name: str, starting: str) -> Iterator[Stage]:
        """One stage, timed: its start is said only when verbose, and its summary line (which the body
        sets) when it ends. A stage that raises prints no summary."""
        if self.verbose:
            self.echo(f"{name:<8} starting: {starting}")
        started, ended = time.perf_counter(), Stage()
        yield ended
        self._clear()
        self.echo(f"{name:<8} {ended.summary} ({time.perf_counter() - started:.1f}s)")

    def progress(self, label: str, done: int, total: int) -> None:
        """LABEL: DONE of TOTAL, shown in place on a terminal; in a log, at each quarter of a long stage."""
        if self.verbose or total <= 0:
            return
        if self.rewrite:
            self.rewrite(f"\r{label}: {done} of {total}\x1b[K")
            self._shown = done
        elif total >= LONG and done < total and done * 4 // total > max(self._shown, 0) * 4 // total:
            self.echo(f"{label}: {done} of {total}")
            self._shown = done

    def _clear(self) -> None:
        if self.rewrite and self._shown >= 0:
            self.rewrite("\r\x1b[K")
        self._shown = -1

    def files(self, source: str, total: int) -> Callable[[LoadResult], None]:
        """The callback for each file of SOURCE's ingest: its line when verbose or when it needs a look
        (rejected, stopped, rows quarantined, warnings), and the progress."""
        done = 0

        def on_file(result: LoadResult) -> None:
            nonlocal done
            done += 1
            notable = result.status in ("rejected", "stopped") or result.rows_rejected or result.warnings
            if (self.verbose or notable) and self.on_file_line:
                self._clear()
                self.on_file_line(result)
            self.progress(f"ingest   {source}", done, total)

        return on_file

    def dbt(self) -> DbtProgress:
        return DbtProgress(self)

    def elapsed(self) -> float:
        return time.perf_counter() - self._started


@dataclass
class Stage:
    summary: str = ""  # what the stage's line says when it ends


def describe_loads(results: Iterable[LoadResult]) -> str:
    """`12 file(s): 10 loaded, 2 skipped; 40,210 rows, 3 quarantined`."""
    results = list(results)
    statuses = Counter(result.status for result in results)
    loaded = [result for result in results if result.status == "loaded"]
    parts = ", ".join(
        f"{statuses[status]} {status}"
        for status in ("loaded", "skipped", "rejected", "stopped")
        if statuses[status] or status == "loaded"
    )
    return (
        f"{len(results)} file(s): {parts}; {sum(r.rows_accepted for r in loaded):,} rows,"
        f" {sum(r.rows_rejected for r in loaded):,} quarantined"
    )


@dataclass
class DbtProgress:
    """Follows `dbt build`'s output: nodes done of total, and how each ended."""

    reporter: Reporter
    done: int = 0
    total: int = 0
    ended: Counter = field(default_factory=Counter)

    def on_line(self, line: str) -> None:
        (self.reporter.echo if self.reporter.verbose else self.reporter.quiet)(line)
        found = _DBT_RESULT.search(line)
        if found:
            self.done, self.total = self.done + 1, int(found.group(2))
            self.ended[found.group(3)] += 1
            self.reporter.progress("build    dbt nodes", self.done, self.total)

    def summary(self) -> str:
        ended = ", ".join(f"{n} {status.lower()}" for status, n in sorted(self.ended.items()))
        return f"{self.done} of {self.total} dbt nodes ({ended or 'none'})"
