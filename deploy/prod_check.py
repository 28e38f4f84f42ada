"""The production shape, run for real on this machine without a container engine (`./dev prod-check`).

PostgreSQL and Redis from the OS packages; Airflow with the CeleryExecutor: API server, scheduler, DAG
processor, triggerer and one Celery worker, each started with the command and the settings of its
service in docker-compose.yml (read from that file, so the two cannot drift apart: only container
host names and paths become this machine's). A synthetic sample is published first; then a new poll
release is dropped in the inbox, its ingest DAG is triggered, and the check waits until the
asset-triggered `sli_warehouse` run has published it. It checks that the `sli_duckdb_writer` pool held
the DuckDB writers to one at a time, prints the runs' timeline, and stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.settings import DAGS_DIR, REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
BIN = Path(sys.executable).parent
WRITER_POOL = "sli_duckdb_writer"
_VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Ports:
    postgres: int = field(default_factory=free_port)
    redis: int = field(default_factory=free_port)
    api: int = field(default_factory=free_port)


def substitute(value: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, from VARIABLES (the .env it would read)."""

    def one(found: re.Match) -> str:
        name, kind, default = found.groups()
        if variables.get(name):
            return variables[name]
        if kind == "?":
            raise SystemExit(f"docker-compose.yml needs {name}: {default}")
        return default or ""

    return _VARIABLE.sub(one, value)


def airflow_settings(compose: dict, variables: dict[str, str], ports: Ports, home: Path) -> dict[str, str]:
    """The environment every Airflow service gets in docker-compose.yml, with the containers' host names
    and paths replaced by this machine's."""
    here = {
        "@postgres/": f"@127.0.0.1:{ports.postgres}/",
        "@redis:6379/": f"@127.0.0.1:{ports.redis}/",
        "http://airflow-apiserver:8080/": f"http://127.0.0.1:{ports.api}/",
        "/opt/sli/dags": str(DAGS_DIR),
        "/opt/sli/data": str(home / "data"),
    }
    settings = {}
    for name, value in compose["x-airflow-common"]["environment"].items():
        value = substitute(str(value), variables)
        for container, local in here.items():
            value = value.replace(container, local)
        settings[name] = value
    return settings | {
        "AIRFLOW_HOME": str(home / "airflow"),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(ports.api),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{ports.api}",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "airflow" / "logs"),
        "SLI_PROJECT_DIR": str(REPO_ROOT),
    }


def services(compose: dict) -> dict[str, list[str]]:
    """{service: its Airflow command}, for every long-running Airflow service of the compose file."""
    return {
        name: shlex.split(service["command"])
        for name, service in compose["services"].items()
        if name.startswith("airflow-") and isinstance(service.get("command"), str)
    }


def init_commands(compose: dict) -> list[list[str]]:
    """The `airflow-init` service's commands, one per line of its script."""
    script = compose["services"]["airflow-init"]["command"][-1]
    return [shlex.split(line) for line in script.splitlines() if line.strip()]


class Processes:
    """Everything the check starts, each in its own process group, with its output in a log file; stopped
    in reverse order whatever happens."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str], user: str | None = None) -> None:
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            as_user(user, command), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{name} stopped (exit {process.returncode}); its log ends:\n{tail}")

    def stop(self) -> None:
        for _, process in reversed(self.started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in reversed(self.started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop in 30 s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(what: str, ready, processes: Processes, timeout: float) -> float:
    """Poll READY until it is true; the seconds it took. Fails if a started process died meanwhile."""
    started = time.monotonic()
    while not ready():
        processes.check_alive()
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(1)
    return time.monotonic() - started


def as_user(user: str | None, command: list[str]) -> list[str]:
    """COMMAND run as USER when we are root (PostgreSQL refuses to run as root); as is otherwise."""
    return ["runuser", "-u", user, "--", *command] if user and os.geteuid() == 0 else command


def run(command: list[str], env: dict[str, str] | None = None, user: str | None = None) -> str:
    command = as_user(user, command)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise SystemExit(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return str(found)


def start_postgres(home: Path, ports: Ports, password: str, processes: Processes) -> None:
    """A cluster of its own in HOME, listening on localhost only; run as `postgres` when we are root."""
    user = "postgres" if os.geteuid() == 0 else None
    data = home / "postgres"
    data.mkdir()
    secret = home / "postgres.password"
    secret.write_text(password)
    if user:
        shutil.chown(data, user)
        shutil.chown(secret, user)
    run(
        [postgres_bin("initdb"), "-D", str(data), "-U", "airflow", f"--pwfile={secret}", "-A", "scram-sha-256"],
        user=user,
    )
    secret.unlink()
    processes.start(
        "postgres",
        [
            postgres_bin("postgres"),
            "-D",
            str(data),
            "-p",
            str(ports.postgres),
            "-k",
            str(data),
            "-c",
            "listen_addresses=127.0.0.1",
        ],
        os.environ.copy(),
        user,
    )
    ready = [postgres_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(ports.postgres), "-U", "airflow"]
    wait_for("PostgreSQL", lambda: subprocess.run(ready, capture_output=True).returncode == 0, processes, 60)
    run(
        [postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(ports.postgres), "-U", "airflow", "airflow"],
        env={**os.environ, "PGPASSWORD": password},
    )


def start_redis(ports: Ports, processes: Processes) -> None:
    server = shutil.which("redis-server")
    if not server:
        raise SystemExit("Redis is not installed (Debian: apt-get install redis-server)")
    processes.start(
        "redis",
        [server, "--port", str(ports.redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        os.environ.copy(),
    )

    def answers() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", ports.redis), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
        return False

    wait_for("Redis", answers, processes, 30)


def api_ready(ports: Ports) -> bool:
    with contextlib.suppress(OSError):
        with urllib.request.urlopen(f"http://127.0.0.1:{ports.api}/api/v2/version", timeout=2) as answer:
            return answer.status == 200
    return False


def query(settings: dict[str, str], sql: str, params: tuple = ()) -> list[tuple]:
    """Rows from Airflow's metadata database, read directly."""
    import psycopg2

    url = settings["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def writers_overlapping(settings: dict[str, str]) -> tuple[int, list[tuple]]:
    """The pool's slots, and any two of its task instances that ran at the same time."""
    [(slots,)] = query(settings, "select slots from slot_pool where pool = %s", (WRITER_POOL,))
    spans = query(
        settings,
        "select dag_id, task_id, run_id, start_date, end_date from task_instance"
        " where pool = %s and start_date is not null order by start_date",
        (WRITER_POOL,),
    )
    overlaps = [(a, b) for a, b in zip(spans, spans[1:]) if a[4] is None or b[3] < a[4]]
    return slots, overlaps


def timeline(settings: dict[str, str]) -> list[str]:
    rows = query(
        settings,
        "select r.dag_id, r.run_type, t.task_id, t.state, t.start_date, t.end_date, t.try_number, t.pool"
        " from task_instance t join dag_run r on r.dag_id = t.dag_id and r.run_id = t.run_id"
        " where t.start_date is not null order by t.start_date",
    )
    if not rows:
        return []
    origin = rows[0][4]
    return [
        f"  {(start - origin).total_seconds():7.1f}s  {(end - start).total_seconds() if end else 0:6.1f}s"
        f"  {dag_id:<28} {task_id:<8} {state:<8} run: {run_type:<15} try {tries}"
        + (f"  pool {pool}" if pool == WRITER_POOL else "")
        for dag_id, run_type, task_id, state, start, end, tries, pool in rows
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev prod-check", description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (logs, data) afterwards.")
    parser.add_argument("--timeout", type=float, default=900, help="Seconds to wait for the published run.")
    args = parser.parse_args(argv)

    began = time.monotonic()
    home = Path(tempfile.mkdtemp(prefix="sli-prod-check-"))
    home.chmod(0o755)  # PostgreSQL's own user reads its data folder inside
    (home / "logs").mkdir()
    compose = yaml.safe_load(COMPOSE.read_text())
    variables = {
        "FERNET_KEY": _fernet_key(),
        "JWT_SECRET": secrets.token_hex(32),
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "SLI_BASKET": "synthetic",  # the synthetic sample's basket
    }
    ports = Ports()
    settings = airflow_settings(compose, variables, ports, home)
    env = {**os.environ, **settings, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    processes = Processes(home / "logs")
    steps: list[tuple[str, float]] = []

    def step(name: str, since: float) -> float:
        steps.append((name, time.monotonic() - since))
        print(f"  {name}: {steps[-1][1]:.1f}s", flush=True)
        return time.monotonic()

    print(f"prod-check in {home} (executor {settings['AIRFLOW__CORE__EXECUTOR']}, ports {ports})", flush=True)
    try:
        mark = time.monotonic()
        start_postgres(home, ports, variables["POSTGRES_PASSWORD"], processes)
        start_redis(ports, processes)
        mark = step("PostgreSQL and Redis up", mark)

        for command in init_commands(compose):
            run([str(BIN / command[0]), *command[1:]], env)
        mark = step("metadata database migrated, writer pool set (the airflow-init service's commands)", mark)

        # The published starting point: the sample without its newest poll release, which arrives later.
        sli = str(BIN / "sli")
        run([sli, "sample", "--metrics", "6"], env)
        polls = sorted((home / "data" / "inbox" / "polls").glob("*.csv"))
        newest = polls[-1]
        held = home / newest.name
        shutil.move(newest, held)
        run([sli, "refresh"], env)
        mark = step("synthetic sample published without its newest poll round (sli refresh)", mark)

        for name, command in services(compose).items():
            processes.start(name, [str(BIN / "airflow"), *command], env)
        wait_for("the API server", lambda: api_ready(ports), processes, 180)
        wait_for(
            "the DAG processor to register the DAGs",
            lambda: len(query(settings, "select dag_id from dag where dag_id like 'sli_%%'")) == 5,
            processes,
            180,
        )
        paused = query(settings, "select dag_id from dag where is_paused and dag_id like 'sli_%%'")
        if paused:
            raise SystemExit(f"DAGs paused on creation: {paused}")
        mark = step("Airflow up: " + ", ".join(services(compose)) + "; 5 DAGs registered, none paused", mark)

        shutil.move(held, newest)
        run([str(BIN / "airflow"), "dags", "trigger", "sli_ingest_polls"], env)
        published = query_published_run(settings, processes, args.timeout)
        mark = step(f"new poll release ingested and published by the asset-triggered run {published}", mark)

        round_shown = run([sli, "sql", "select max(round_number) from fct_poll_answers", "--format", "csv"], env)
        expected = int(re.search(r"round_(\d+)", newest.name).group(1))
        if int(round_shown.splitlines()[1]) != expected:
            raise SystemExit(f"the published warehouse does not hold round {expected}: {round_shown}")
        slots, overlaps = writers_overlapping(settings)
        if slots != 1 or overlaps:
            raise SystemExit(f"pool {WRITER_POOL}: {slots} slot(s); writers at the same time: {overlaps}")
        print(
            f"  the published warehouse holds poll round {expected}; pool {WRITER_POOL}: 1 slot, no two writers"
            " at once",
            flush=True,
        )
        mark = time.monotonic()
        reason = bad_param_fails_at_once(env, settings, processes)
        step(f"a run with a misspelt param failed on its first try, without retries ({reason})", mark)
        print("timeline (start, duration, DAG, task, state):")
        print("\n".join(timeline(settings)), flush=True)
    finally:
        stopping = time.monotonic()
        processes.stop()
        print(f"  stopped everything it started in {time.monotonic() - stopping:.1f}s", flush=True)
        if args.keep:
            print(f"  kept {home} (logs in {home / 'logs'})")
        else:
            shutil.rmtree(home, ignore_errors=True)
    print(f"prod-check passed in {time.monotonic() - began:.0f}s")
    return 0


def query_published_run(settings: dict[str, str], processes: Processes, timeout: float) -> str:
    """Wait for an asset-triggered sli_warehouse run to succeed; fail as soon as one fails."""
    found: list[tuple] = []

    def finished() -> bool:
        runs = query(
            settings,
            "select run_id, state from dag_run where dag_id = 'sli_warehouse' and run_type = 'asset_triggered'",
        )
        failed = [run_id for run_id, state in runs if state == "failed"]
        if failed:
            raise SystemExit(f"sli_warehouse run {failed[0]} failed (see {processes.logs} and the task logs)")
        found[:] = [run_id for run_id, state in runs if state == "success"]
        return bool(found)

    wait_for("the asset-triggered sli_warehouse run to publish", finished, processes, timeout)
    return found[0]


def bad_param_fails_at_once(env: dict[str, str], settings: dict[str, str], processes: Processes) -> str:
    """Trigger an ingest run with a misspelt param: its task must fail on its first try (no retry is
    queued), with the reason in its log, which is returned."""
    run_id = "prod_check_bad_param"
    run(
        [str(BIN / "airflow"), "dags", "trigger", "sli_ingest_polls", "--run-id", run_id, "--conf", '{"pathz": []}'],
        env,
    )
    sql = "select state from dag_run where dag_id = 'sli_ingest_polls' and run_id = %s"
    wait_for(
        "the run with a bad param to fail", lambda: query(settings, sql, (run_id,)) == [("failed",)], processes, 300
    )
    [(state, tries)] = query(
        settings,
        "select state, try_number from task_instance where dag_id = 'sli_ingest_polls' and run_id = %s",
        (run_id,),
    )
    if (state, tries) != ("failed", 1):
        raise SystemExit(f"the bad-param task ended {state} after {tries} tries: it should fail once, at once")
    logs = Path(settings["AIRFLOW__LOGGING__BASE_LOG_FOLDER"])
    text = "".join(path.read_text(errors="replace") for path in logs.rglob("*.log") if run_id in str(path))
    found = re.search(r"input error \(not retried\): [^\"\n]*", text)
    if not found:
        raise SystemExit(f"the failed task's log under {logs} does not give the reason")
    return found.group(0)


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


if __name__ == "__main__":
    sys.exit(main())
