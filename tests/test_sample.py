"""The synthetic sample: deterministic, labelled, and in the sources' formats."""

from __future__ import annotations

import csv
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


def test_a_later_quarter_written_alone_has_the_same_values(tmp_path):
    """Incremental runs add one quarter: its values must be those a longer run would have written."""
    common = {"metrics": 2, "quarterly": True, "lginform_format": "csv", "sources": ("lginform",)}
    generate(tmp_path / "long", SampleSpec(first_year=2023, last_year=2024, last_quarter=1, **common))
    generate(tmp_path / "next", SampleSpec(first_year=2024, last_year=2024, last_quarter=1, **common))
    long_rows = list(csv.reader((tmp_path / "long" / "lginform" / "data_metricType-S9002.csv").open()))
    next_rows = list(csv.reader((tmp_path / "next" / "lginform" / "data_metricType-S9002.csv").open()))
    assert long_rows[0][-1] == next_rows[0][-1] == "q1_2024_25" and len(next_rows[0]) == 4
    assert {r[0]: r[-1] for r in long_rows[2:]} == {r[0]: r[-1] for r in next_rows[2:]}
    assert sum(1 for r in next_rows[2:] if r[-1] not in ("", "-", "[c]")) > 100


def test_metrics_past_the_basket_are_synthetic_and_outside_it(tmp_path):
    generate(tmp_path, SampleSpec(metrics=99, first_year=2024, last_year=2024, sources=("lginform",)))
    listed = json.loads((tmp_path / "lginform" / "metricTypes.json").read_text())["metricTypes"]
    assert [m["identifier"] for m in listed[-2:]] == ["S9098", "S9099"]
    assert "outside the basket" in listed[-1]["label"] and "SYNTHETIC" in listed[-1]["sourceName"]
