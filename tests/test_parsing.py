"""Parsing units: numbers, dates, headers, and each source's parser on files written here."""

from __future__ import annotations

import json
from datetime import date

import pytest
import xlsxwriter

from ingestion.errors import InputError
from ingestion.sources import lginform, ope, polls, shared_services
from ingestion.sources.common import parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", (1234.5, "ok")),
        ("£1,234,000", (1234000.0, "ok")),
        ("1.2m", (1200000.0, "ok")),
        ("87%", (87.0, "ok")),
        (42, (42.0, "ok")),
        ("", (None, "missing")),
        ("..", (None, "missing")),
        ("[c]", (None, "suppressed")),
        ("x", (None, "suppressed")),
        (None, (None, "missing")),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_number_rejects_text():
    with pytest.raises(ValueError, match="not a number"):
        parse_number("about ten")


def test_parse_date_is_iso_or_day_first():
    assert parse_date("2018-02-08") == date(2018, 2, 8)
    assert parse_date("08/02/2018") == date(2018, 2, 8)
    with pytest.raises(ValueError):
        parse_date("February-ish")


def _write_poll(path, rows, title=True):
    lines = ["LGA resident satisfaction polling, round 19", ""] if title else []
    lines.append("Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer,Percent")
    lines += rows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_polls_finds_header_below_title_rows_and_quarantines_bad_rows(tmp_path):
    path = tmp_path / "round19.csv"
    _write_poll(path, [
        "19,2018-02-08,2018-02-11,1001,council_satisfaction,Q,Very satisfied,20",
        "19,2018-02-08,2018-02-11,1001,council_satisfaction,Q,Fairly satisfied,[c]",
        "19,2018-02-08,2018-02-11,1001,council_satisfaction,Q,Don't know,lots",
    ])
    parsed = polls.parse(path)
    answers = parsed.tables["answers"]
    assert list(answers["percent"].fillna(-1)) == [20.0, -1]
    assert list(answers["value_status"]) == ["ok", "suppressed"]
    assert list(answers["_source_row"]) == [4, 5]
    assert [(r.row, r.column) for r in parsed.rejects] == [(6, "Percent")]
    assert "lots" in parsed.rejects[0].reason


def test_polls_missing_column_rejects_the_file_naming_the_column(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer\n1,a,b,c,d,e,f\n")
    with pytest.raises(InputError) as error:
        polls.parse(path)
    assert "broken.csv" in str(error.value) and "Percent" in str(error.value)


def test_polls_reads_windows_1252(tmp_path):
    path = tmp_path / "cp1252.csv"
    _write_poll(path, ["19,2018-02-08,2018-02-11,1001,value_for_money,Value for £,Tend to agree,40"])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert polls.parse(path).tables["answers"]["question_text"][0] == "Value for £"


def test_lginform_data_response(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"rows": [
        {"area": {"identifier": "E09000001", "label": "City of London"}, "metricType": {"identifier": "123"},
         "period": {"identifier": "fin_2019_20", "label": "2019/20"}, "values": [{"value": 12.5, "formatted": "12.5"}]},
        {"area": {"identifier": "E09000002"}, "metricType": {"identifier": "123"},
         "period": {"identifier": "fin_2019_20"}, "values": [{"value": None, "formatted": "-"}]},
        {"area": {"identifier": "Barking"}, "metricType": {"identifier": "123"},
         "period": {"identifier": "fin_2019_20"}, "values": [{"value": 1}]},
    ]}))
    parsed = lginform.parse(path)
    values = parsed.tables["values"]
    assert list(values["area_code"]) == ["E09000001", "E09000002"]
    assert values["value"][0] == 12.5 and values["value"].isna()[1]
    assert list(values["value_status"]) == ["ok", "missing"]
    assert parsed.rejects[0].row == 3 and parsed.rejects[0].column == "area.identifier"


def test_lginform_rejects_non_json(tmp_path):
    path = tmp_path / "truncated.json"
    path.write_text('{"rows": [')
    with pytest.raises(InputError, match="truncated.json.*not valid JSON"):
        lginform.parse(path)


def test_shared_services_edition_from_title_and_blank_savings_not_zero(tmp_path):
    path = tmp_path / "map.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Shared Services Map, 2018 edition"])
    sheet.write_row(2, 0, shared_services.COLUMNS)
    sheet.write_row(3, 0, ["P1", "d", "E07000001; E07000002", "", "East", "ICT", "Live", "£1,500,000", "Actual"])
    sheet.write_row(4, 0, ["P2", "d", "E07000003", "", "East", "Legal", "Live", "", ""])
    sheet.write_row(5, 0, ["P3", "d", "Somewhere Council", "", "East", "Legal", "Live", "", ""])
    book.close()
    parsed = shared_services.parse(path)
    frame = parsed.tables["partnerships"]
    assert set(frame["edition_year"]) == {2018}
    assert frame["savings_gbp"][0] == 1_500_000 and frame["savings_gbp"].isna()[1]
    assert list(frame["savings_status"]) == ["ok", "not_reported"]
    assert [(r.row, r.column) for r in parsed.rejects] == [(6, "Councils involved")]


def test_corrupt_xlsx_is_rejected_with_the_file_name(tmp_path):
    path = tmp_path / "not_really.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(InputError, match="not_really.xlsx"):
        shared_services.parse(path)


def test_ope_unknown_basis_is_quarantined(tmp_path):
    path = tmp_path / "ope.csv"
    path.write_text("Measure,Value,Unit,Basis,Scope,As of date\n"
                    "jobs_created,5745,jobs,Achieved,programme,2019-05-31\n"
                    "jobs_created,100,jobs,guessed,programme,2019-05-31\n")
    parsed = ope.parse(path)
    assert list(parsed.tables["outputs"]["basis"]) == ["achieved"]
    assert parsed.rejects[0].column == "Basis" and "guessed" in parsed.rejects[0].reason
