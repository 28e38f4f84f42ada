"""Publish swaps in only an audited candidate, keeps the previous file, and can roll back; both check the
file they install."""

from __future__ import annotations

import json

import duckdb
import pytest

from core.errors import PublishError
from core.settings import get_paths
from ingestion.landing import sha256_of
from warehouse.publish import publish, rollback


def _audited_candidate(paths, label: str) -> None:
    """A small real warehouse: a build record and one table saying which build it is."""
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.candidate)) as con:
        con.execute("create schema meta")
        con.execute("create table meta.build_info as select current_timestamp as built_at")
        con.execute("create table mart_sector_overview as select ? as label", [label])
    paths.audit_stamp.write_text(json.dumps({"candidate_sha256": sha256_of(paths.candidate)}))


def _label(database) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select label from mart_sector_overview").fetchall()[0][0]


def test_publish_keeps_the_previous_file_and_rollback_restores_it(tmp_path):
    paths = get_paths(tmp_path)
    _audited_candidate(paths, "first warehouse")
    publish(paths)
    _audited_candidate(paths, "second warehouse")
    publish(paths)
    assert _label(paths.published) == "second warehouse"
    assert _label(paths.previous) == "first warehouse"
    assert not paths.candidate.exists() and not paths.audit_stamp.exists()
    rollback(paths)
    assert _label(paths.published) == "first warehouse"


def test_publish_refuses_an_unaudited_or_changed_candidate(tmp_path):
    paths = get_paths(tmp_path)
    paths.warehouse_dir.mkdir(parents=True)
    paths.candidate.write_bytes(b"never audited")
    with pytest.raises(PublishError, match="not passed the audit"):
        publish(paths)
    _audited_candidate(paths.__class__(tmp_path / "other"), "unused")  # (a second home, untouched)
    paths.candidate.unlink()
    _audited_candidate(paths, "audited")
    with duckdb.connect(str(paths.candidate)) as con:
        con.execute("create table tampered as select 1 as x")
    with pytest.raises(PublishError, match="changed after its audit"):
        publish(paths)
    assert not paths.published.exists()


def test_publish_refuses_an_audited_file_that_is_not_a_warehouse(tmp_path):
    paths = get_paths(tmp_path)
    paths.warehouse_dir.mkdir(parents=True)
    paths.candidate.write_bytes(b"not a database")
    paths.audit_stamp.write_text(json.dumps({"candidate_sha256": sha256_of(paths.candidate)}))
    with pytest.raises(PublishError, match="is not a readable warehouse"):
        publish(paths)
    assert not paths.published.exists()


@pytest.mark.parametrize("damage", ["emptied", "changed", "not a database"])
def test_rollback_refuses_a_previous_file_that_is_damaged(tmp_path, damage):
    paths = get_paths(tmp_path)
    for label in ("first warehouse", "second warehouse"):
        _audited_candidate(paths, label)
        publish(paths)
    before = sha256_of(paths.published)
    if damage == "emptied":
        paths.previous.write_bytes(b"")
    elif damage == "changed":
        with duckdb.connect(str(paths.previous)) as con:
            con.execute("update mart_sector_overview set label = 'edited by hand'")
    else:
        paths.published_log.unlink()  # without the log, the file must still open as a warehouse
        paths.previous.write_bytes(b"SQLite format 3\0 or anything else")
    with pytest.raises(PublishError, match="cannot roll back: .*the published warehouse is unchanged"):
        rollback(paths)
    assert sha256_of(paths.published) == before and paths.previous.exists()
