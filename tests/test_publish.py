"""Publish swaps in only an audited candidate, keeps the previous file, and can roll back."""

from __future__ import annotations

import json

import pytest

from ingestion.errors import PublishError
from ingestion.landing import sha256_of
from ingestion.publish import publish, rollback
from ingestion.settings import get_paths


def _audited_candidate(paths, content: bytes) -> None:
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    paths.candidate.write_bytes(content)
    paths.audit_stamp.write_text(json.dumps({"candidate_sha256": sha256_of(paths.candidate)}))


def test_publish_keeps_the_previous_file_and_rollback_restores_it(tmp_path):
    paths = get_paths(tmp_path)
    _audited_candidate(paths, b"first warehouse")
    publish(paths)
    _audited_candidate(paths, b"second warehouse")
    publish(paths)
    assert paths.published.read_bytes() == b"second warehouse"
    assert paths.previous.read_bytes() == b"first warehouse"
    assert not paths.candidate.exists() and not paths.audit_stamp.exists()
    rollback(paths)
    assert paths.published.read_bytes() == b"first warehouse"


def test_publish_refuses_an_unaudited_or_changed_candidate(tmp_path):
    paths = get_paths(tmp_path)
    paths.warehouse_dir.mkdir(parents=True)
    paths.candidate.write_bytes(b"never audited")
    with pytest.raises(PublishError, match="not passed the audit"):
        publish(paths)
    _audited_candidate(paths, b"audited")
    paths.candidate.write_bytes(b"tampered after the audit")
    with pytest.raises(PublishError, match="changed after its audit"):
        publish(paths)
    assert not paths.published.exists()
