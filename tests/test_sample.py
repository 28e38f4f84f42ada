"""The synthetic sample: deterministic, labelled, and in the sources' formats."""

from __future__ import annotations

import csv
import hashlib
import json

from ingestion.sample.generate import SampleSpec, generate


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_spec_writes_identical_files(tmp_path):
    spec = SampleSpec(metrics=2, first_year=2018, last_year=2019)
    generate(tmp_path / "a", spec)
    generate(tmp_path / "b", spec)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_sample_is_labelled_synthetic(tmp_path):
    generate(tmp_path, SampleSpec(metrics=1, first_year=2019, last_year=2019))
    assert "SYNTHETIC" in (tmp_path / "SYNTHETIC_SAMPLE.txt").read_text()
    metric = json.loads((tmp_path / "lginform" / "metricTypes.json").read_text())["metricType-array"][0]
    assert "SYNTHETIC" in metric["sourceName"]
    assert "SYNTHETIC" in next((tmp_path / "polls").glob("*.csv")).read_text().splitlines()[0]
    data = json.loads((tmp_path / "lginform" / f"data_{metric['identifier']}.json").read_text())
    # The real /data table: columns name metric and period, rows name the area and hold a cell per column.
    assert data["columns"][0]["period"] == {
        "identifier": "fin_2019_20",
        "label": "2019/20",
        "startDate": "2019-04-01T00:00:00",
        "endDate": "2020-03-31T23:59:59",
    }
    assert data["columns"][0]["metricType"]["identifier"] == metric["identifier"]
    first = data["rows"][0]
    assert first["area"]["identifier"].startswith("E") and len(first["values"]) == len(data["columns"])
    explorer = list(csv.reader((tmp_path / "lginform" / "government_data_explorer_long_format.csv").open()))
    assert explorer[0][:4] == ["Financial year", "Local authority code", "Local authority name", "Grouping"]
    assert {row[6].split(":")[0] for row in explorer[1:]} == {"Synthetic"}


def test_a_later_quarter_written_alone_has_the_same_values(tmp_path):
    """Incremental runs add one quarter: its values must be those a longer run would have written."""
    common = {"metrics": 2, "quarterly": True, "lginform_format": "csv", "sources": ("lginform",)}
    generate(tmp_path / "long", SampleSpec(first_year=2023, last_year=2024, last_quarter=1, **common))
    generate(tmp_path / "next", SampleSpec(first_year=2024, last_year=2024, last_quarter=1, **common))
    long_rows = list(csv.reader((tmp_path / "long" / "lginform" / "data_metricType-S9002.csv").open()))
    next_rows = list(csv.reader((tmp_path / "next" / "lginform" / "data_metricType-S9002.csv").open()))
    assert long_rows[0][-1] == next_rows[0][-1] == "2024/25 Q1" and len(next_rows[0]) == 4  # labels, as downloaded
    assert {r[0]: r[-1] for r in long_rows[2:]} == {r[0]: r[-1] for r in next_rows[2:]}
    assert sum(1 for r in next_rows[2:] if r[-1] not in ("", "-", "[c]")) > 100


def test_metrics_past_the_basket_are_synthetic_and_outside_it(tmp_path):
    generate(tmp_path, SampleSpec(metrics=99, first_year=2024, last_year=2024, sources=("lginform",)))
    listed = json.loads((tmp_path / "lginform" / "metricTypes.json").read_text())["metricType-array"]
    assert [m["identifier"] for m in listed[-2:]] == ["S9098", "S9099"]
    assert "outside the basket" in listed[-1]["label"] and "SYNTHETIC" in listed[-1]["sourceName"]
