"""The synthetic sample: deterministic, labelled, and in the sources' formats."""

from __future__ import annotations

import hashlib
import json

from ingestion.sample.generate import SampleSpec, generate


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_spec_writes_identical_files(tmp_path):
    spec = SampleSpec(metrics=2, first_year=2018, last_year=2019)
    generate(tmp_path / "a", spec)
    generate(tmp_path / "b", spec)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_sample_is_labelled_synthetic(tmp_path):
    generate(tmp_path, SampleSpec(metrics=1, first_year=2019, last_year=2019))
    assert "SYNTHETIC" in (tmp_path / "SYNTHETIC_SAMPLE.txt").read_text()
    metric = json.loads((tmp_path / "lginform" / "metricTypes.json").read_text())["metricTypes"][0]
    assert "SYNTHETIC" in metric["sourceName"]
    assert "SYNTHETIC" in next((tmp_path / "polls").glob("*.csv")).read_text().splitlines()[0]
    data = json.loads((tmp_path / "lginform" / f"data_{metric['identifier']}.json").read_text())
    first = data["rows"][0]
    assert first["period"]["identifier"] == "fin_2019_20" and first["area"]["identifier"].startswith("E")
