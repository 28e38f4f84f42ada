"""Council metrics in their real formats: the fixtures in tests/fixtures/lginform (real layouts, synthetic
values) parsed as published, every period label form resolved, and the test server's answers shaped
like the fixtures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.errors import InputError
from ingestion import periods
from ingestion.lginform_api import ApiSettings, Client, Credentials
from ingestion.parsers import lginform
from lginform_server import FakeLgInform, Metric

FIXTURES = Path(__file__).parent / "fixtures" / "lginform"


def _rows(frame, *columns):
    return sorted(
        tuple(None if value != value else value for value in row)  # NaN as None
        for row in frame[list(columns)].itertuples(index=False)
    )


@pytest.mark.parametrize(
    ("text", "identifier", "start", "end"),
    [
        ("2019/20", "fin_2019_20", date(2019, 4, 1), date(2020, 3, 31)),
        ("2019-20", "fin_2019_20", date(2019, 4, 1), date(2020, 3, 31)),
        ("2022/23 Q3", "q3_2022_23", date(2022, 10, 1), date(2022, 12, 31)),
        ("2022/23 Q4", "q4_2022_23", date(2023, 1, 1), date(2023, 3, 31)),
        ("Apr 2024", "m04_2024", date(2024, 4, 1), date(2024, 4, 30)),
        ("February 2024", "m02_2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("2021", "cal_2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2017/18 (academic)", "acad_2017_18", date(2017, 9, 1), date(2018, 8, 31)),
        ("cen_2021", "cen_2021", date(2021, 3, 21), date(2021, 3, 21)),
        ("cal_2019", "cal_2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("fin_2010_11", "fin_2010_11", date(2010, 4, 1), date(2011, 3, 31)),
        ("q1_2019_20", "q1_2019_20", date(2019, 4, 1), date(2019, 6, 30)),
        ("m12_2024", "m12_2024", date(2024, 12, 1), date(2024, 12, 31)),
        ("2016-09-01/P1Y", "acad_2016_17", date(2016, 9, 1), date(2017, 8, 31)),
        ("2016-04-01/P1Y", "fin_2016_17", date(2016, 4, 1), date(2017, 3, 31)),
        ("2023-07-01/P3M", "q2_2023_24", date(2023, 7, 1), date(2023, 9, 30)),
        ("2019-05-15/P1Y", "span_20190515_20200514", date(2019, 5, 15), date(2020, 5, 14)),
    ],
)
def test_one_period_parser_for_every_form(text, identifier, start, end):
    assert periods.parse(text) == periods.Period(identifier, start, end)


@pytest.mark.parametrize("text", ["2019/21", "Q5 2019", "Spring 2020", "latest:20", "", "2019-13-01/P1Y"])
def test_unknown_periods_say_what_was_not_understood(text):
    with pytest.raises(ValueError, match="period|request"):
        periods.parse(text)


def test_dates_decide_a_periods_identifier():
    assert periods.from_dates(date(2022, 4, 1), date(2023, 3, 31)).identifier == "fin_2022_23"
    assert periods.from_dates(date(2011, 3, 27), date(2011, 3, 27), census=True).identifier == "cen_2011"
    assert periods.from_dates(date(2020, 7, 1), date(2021, 6, 30)).identifier == "span_20200701_20210630"


def test_metric_type_list_and_single_metric_responses():
    listed = lginform.parse(FIXTURES / "metricTypes_page1.json")
    # A plain listing names metrics without polarity: nothing to load from it, each row says why.
    assert listed.tables["metric_types"].empty and {r.column for r in listed.rejects} == {"polarity"}
    one = lginform.parse(FIXTURES / "metricType-46.json").tables["metric_types"].iloc[0]
    assert (one.metric_id, one.polarity, one.unit_label, one.period_type) == (
        "46",
        "high_is_good",
        "per cent",
        "FinancialYear",
    )
    assert one.original_label.startswith("NI 192") and one.alternative_labels.count("; ") == 1
    assert (one.discontinued, one.null_as_zero, one.output_precision, one.source) == (False, False, 2, "lginform")
    stopped = lginform.parse(FIXTURES / "metricType-850.json").tables["metric_types"].iloc[0]
    assert bool(stopped.discontinued) and stopped.polarity == "low_is_good"


def test_data_table_cells_belong_to_their_columns():
    values = lginform.parse(FIXTURES / "data_metricType-46.json").tables["values"].to_pandas()
    assert _rows(values, "area_code", "metric_id", "period_id", "value", "value_status") == [
        ("E06000001", "46", "fin_2021_22", 38.21, "ok"),
        ("E06000001", "46", "fin_2022_23", 39.5, "ok"),
        ("E07000008", "46", "fin_2021_22", 49.873, "ok"),  # raw value, not the rounded `formatted`
        ("E07000008", "46", "fin_2022_23", None, "suppressed"),
        ("E07000163", "46", "fin_2021_22", 1234.5, "ok"),
        ("E07000163", "46", "fin_2022_23", None, "missing"),
    ]
    assert set(values["period_start"].dt.date) == {date(2021, 4, 1), date(2022, 4, 1)}
    assert set(values.loc[values.area_code == "E07000163", "area_status"]) == {"retired"}


def test_the_same_table_grouped_the_other_way_gives_the_same_rows():
    by_area = lginform.parse(FIXTURES / "data_metricType-46.json").tables["values"].to_pandas()
    by_period = lginform.parse(FIXTURES / "data_metricType-46_rows_by_period.json").tables["values"].to_pandas()
    columns = (
        "area_code",
        "area_label",
        "metric_id",
        "period_id",
        "period_label",
        "period_start",
        "value",
        "value_status",
    )
    assert _rows(by_area, *columns) == _rows(by_period, *columns)


def test_a_row_with_too_few_cells_rejects_the_file_naming_row_and_column(tmp_path):
    document = json.loads((FIXTURES / "data_metricType-46.json").read_text())
    document["rows"][1]["values"].pop()
    (tmp_path / "short.json").write_text(json.dumps(document))
    with pytest.raises(InputError, match=r"short.json, row 2, column 'values': row has 1 value\(s\) for 2 column"):
        lginform.parse(tmp_path / "short.json")


def test_an_unknown_period_in_a_table_names_the_file_column_and_label(tmp_path):
    document = json.loads((FIXTURES / "data_metricType-46.json").read_text())
    document["columns"][1]["period"] = {"identifier": "wk_2022_33", "label": "week 33"}
    (tmp_path / "odd.json").write_text(json.dumps(document))
    with pytest.raises(InputError, match=r"odd.json, column 'columns\[\].period': period not recognised: 'wk_2022_33'"):
        lginform.parse(tmp_path / "odd.json")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "data_metricType-3409.csv",
            [
                ("E06000001", "q3_2022_23", 82.4),
                ("E06000001", "q4_2022_23", 96.1),
                ("E07000008", "q3_2022_23", None),
                ("E07000008", "q4_2022_23", 1001.5),
                ("E08000025", "q3_2022_23", 81.0),
                ("E08000025", "q4_2022_23", None),
            ],
        ),
        (
            "report_download_metricType-3632.csv",
            [
                ("E06000001", "m04_2024", 512.3),
                ("E06000001", "m05_2024", 498.0),
                ("E08000025", "m04_2024", 1220.4),
                ("E08000025", "m05_2024", None),
            ],
        ),
        (
            "data_metricType-889.csv",
            [
                ("E06000001", "acad_2017_18", 24.1),
                ("E06000001", "acad_2018_19", 23.8),
                ("E10000002", "acad_2017_18", 19.2),
                ("E10000002", "acad_2018_19", None),
            ],
        ),
    ],
)
def test_csv_downloads_with_real_headers_and_period_labels(name, expected):
    values = lginform.parse(FIXTURES / name).tables["values"].to_pandas()
    assert _rows(values, "area_code", "period_id", "value") == expected
    header = (FIXTURES / name).read_text().splitlines()[0].split(",")
    assert set(values["period_label"]) == set(header[3:])  # labels kept as the download wrote them
    assert set(values["metric_id"]) == {name.split("-")[1].split(".")[0]}


def test_an_unknown_period_column_names_the_file_row_column_and_label(tmp_path):
    (tmp_path / "data_metricType-1.csv").write_text("area,area label,2019/20,Spring 2020\nE06000001,Hartlepool,1,2\n")
    with pytest.raises(InputError, match=r"data_metricType-1.csv, row 1, column 'Spring 2020': period not recognised"):
        lginform.parse(tmp_path / "data_metricType-1.csv")


def test_oflog_download_without_a_code_column():
    parsed = lginform.parse(FIXTURES / "oflog_long_format.csv")
    values, types = parsed.tables["values"].to_pandas(), parsed.tables["metric_types"]
    assert set(values["metric_id"]) == {"outcome_asc_carer_quality_of_life"}
    assert _rows(values, "area_code", "period_id", "value_status") == [
        ("E06000005", "fin_2016_17", "ok"),
        ("E06000005", "fin_2017_18", "ok"),
        ("E06000053", "fin_2016_17", "missing"),
        ("E10000007", "fin_2016_17", "ok"),
        ("E10000007", "fin_2017_18", "ok"),
    ]
    # The missing row's blank rank_order does not decide the measure's polarity.
    assert types[["metric_id", "label", "polarity", "source"]].to_dict("records") == [
        {
            "metric_id": "outcome_asc_carer_quality_of_life",
            "label": "Outcome, ASC Carer Quality of Life",
            "polarity": "high_is_good",
            "source": "data_explorer",
        }
    ]


def test_ons_explore_local_statistics_download():
    parsed = lginform.parse(FIXTURES / "ons_explore_local_statistics.csv")
    values, types = parsed.tables["values"].to_pandas(), parsed.tables["metric_types"]
    assert _rows(values, "area_code", "period_id", "value", "value_status", "area_status") == [
        ("E06000001", "acad_2016_17", 55.0, "ok", "current"),
        ("E06000001", "acad_2017_18", None, "suppressed", "current"),
        ("E09000001", "acad_2017_18", 71.0, "ok", "current"),
        ("E12000001", "acad_2017_18", 63.0, "ok", "unknown"),
    ]
    assert set(values["source_format"]) == {"ons_csv"}
    assert types[["metric_id", "unit_label", "source"]].to_dict("records") == [
        {
            "metric_id": "pupils_at_expected_standard_in_reading_writing_and_maths",
            "unit_label": "%",
            "source": "ons_explore_local_statistics",
        }
    ]
    assert types["polarity"].isna().all()  # ONS's own column is not read: the basket decides


def _shape(document):
    """The keys at every level of a JSON document (lists by their first item): what a parser relies on."""
    if isinstance(document, dict):
        return {key: _shape(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_shape(document[0])] if document else []
    return None


def _keys(shape, prefix=""):
    if isinstance(shape, dict):
        return {f"{prefix}{key}" for key in shape} | {
            k for key, v in shape.items() for k in _keys(v, f"{prefix}{key}.")
        }
    if isinstance(shape, list):
        return {k for item in shape for k in _keys(item, prefix + "[].")}
    return set()


def test_the_test_server_answers_in_the_fixtures_shapes():
    """The server's answers have every field of the real-format fixtures that the parser reads."""
    with FakeLgInform(metrics=[Metric("46", "Household waste recycled")], secret=None) as server:
        client = Client(ApiSettings(server.base_url, Credentials(server.key)), sleep=lambda s: None)
        listing = json.loads(client.get("/metricTypes", {"pageNumber": 1}).body)
        one = json.loads(client.get("/metricTypes/46", {}).body)
        table = json.loads(
            client.get(
                "/data",
                {
                    "metricType": "46",
                    "area": "x",
                    "period": "latest:2",
                    "rowGrouping": "area",
                    "columnGrouping": ["metricType", "period"],
                },
            ).body
        )
        csv_text = client.get(
            "/data.csv",
            {"metricType": "46", "area": "x", "period": "latest:2", "rowGrouping": "area", "columnGrouping": "period"},
        ).body.decode()
    fixture = json.loads((FIXTURES / "metricTypes_page1.json").read_text())
    assert _keys(_shape(listing)) >= {"metricType-array", "metricType-array.[].identifier"} and set(listing) == set(
        fixture
    )
    read = {
        "metricType.identifier",
        "metricType.label",
        "metricType.polarity",
        "metricType.originalLabel",
        "metricType.alternativeLabels",
        "metricType.measure.measurementUnit.label",
        "metricType.nullAsZero",
        "metricType.discontinued",
        "metricType.outputPrecision",
        "metricType.dataset.periodType.identifier",
    }
    assert read <= _keys(_shape(one)) and read <= _keys(
        _shape(json.loads((FIXTURES / "metricType-46.json").read_text()))
    )
    fixture_table = json.loads((FIXTURES / "data_metricType-46.json").read_text())
    assert _keys(_shape(table)) == _keys(_shape(fixture_table)) | {"rows.[].values.[].value"}
    assert csv_text.splitlines()[0] == (FIXTURES / "data_metricType-3409.csv").read_text().splitlines()[0].replace(
        "2022/23 Q3,2022/23 Q4", "2021/22,2022/23"
    )


def test_the_public_neighbour_mapping_loads_as_published():
    """`NN.json`: council code to its group's codes, itself included, in code order and without ranks."""
    parsed = lginform.parse(FIXTURES / "NN.json")
    pairs = parsed.tables["nearest_neighbours"]
    # Combined authorities and the GLA skipped; a council whose group is only itself kept, with no neighbour.
    assert set(pairs["council_code"]) == {"E06000001", "E06000002", "E06000053", "E09000001"}
    alone = pairs[pairs["council_code"].isin(["E06000053", "E09000001"])]
    assert len(alone) == 2 and alone["neighbour_code"].isna().all()
    assert len(pairs[pairs["council_code"] == "E06000001"]) == 14  # 16 codes, less itself and a combined authority
    assert len(pairs[pairs["council_code"] == "E06000002"]) == 15  # the usual: 15 neighbours
    assert pairs["neighbour_rank"].isna().all() and "E06000001" not in set(
        pairs.loc[pairs["council_code"] == "E06000001", "neighbour_code"]
    )
    assert parsed.warnings == [
        "3 code(s) of areas that are not councils skipped (e.g. combined authorities, the GLA): E47000001,"
        " E47000006, E61000001",
        "2 council(s) listed with no neighbour but themselves, kept with none: E06000053, E09000001",
    ]
