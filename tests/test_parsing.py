"""Parsing units: numbers, dates, headers, and each source's parser on files written here."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from core.errors import InputError
from ingestion.parsers import lginform, ope, polls, shared_services
from ingestion.parsers.common import parse_date, parse_number, read_sheet
from ingestion.sources.ope import OPE_OUTPUTS


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


@pytest.mark.parametrize("text", ["3,5", "1.234,5", "1,2,3,4", "12,34", "£1,5m", "-0,5"])
def test_a_decimal_comma_or_odd_grouping_is_ambiguous_never_another_number(text):
    with pytest.raises(ValueError, match="ambiguous number"):
        parse_number(text)


def test_the_vectorised_value_reader_refuses_what_parse_number_refuses(tmp_path):
    """Council values are read by Arrow first: its rule for commas must be parse_number's."""
    path = tmp_path / "data_metricType-9.csv"
    path.write_text(
        'area,area label,area long label,2021/22\nE06000001,Hartlepool,H,"3,5"\nE07000008,Cambridge,C,"1,234"\n'
    )
    parsed = lginform.parse(path)
    assert [(r.row, r.reason[:22]) for r in parsed.rejects] == [(2, "ambiguous number: '3,5")]
    assert parsed.tables["values"]["value"].to_pylist() == [1234.0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_repeated_columns_reject_the_file_naming_both(tmp_path, suffix):
    path = tmp_path / f"ope{suffix}"
    rows = [
        ["Measure", "Value", "Unit", "Basis", "Scope", "As of date", " VALUE"],
        ["jobs_created", "1", "jobs", "achieved", "programme", "2024-03-31", "2"],
    ]
    if suffix == ".csv":
        path.write_text("\n".join(",".join(row) for row in rows))
    else:
        book = xlsxwriter.Workbook(str(path))
        for number, row in enumerate(rows):
            book.add_worksheet() if not number else None
            book.worksheets()[0].write_row(number, 0, row)
        book.close()
    with pytest.raises(InputError, match=r"'Value' appears 2 times \(columns B, G, as 'Value', ' VALUE'\)"):
        ope.parse(path)


def test_invisible_characters_are_taken_out_of_cells_and_lone_cr_rows_read(tmp_path):
    path = tmp_path / "ope.csv"
    path.write_bytes(
        (
            "Measure,Value,Unit,Basis,Scope,As of date\r"
            "jobs\u200b_created,\u00a01200,jobs,achieved\ufeff,programme,2024-03-31\r"
        ).encode()
    )
    frame = ope.parse(path).tables["outputs"]
    assert frame[["measure", "value", "basis"]].values.tolist() == [["jobs_created", 1200.0, "achieved"]]


def test_parse_date_is_iso_or_day_first():
    assert parse_date("2018-02-08") == date(2018, 2, 8)
    assert parse_date("08/02/2018") == date(2018, 2, 8)
    with pytest.raises(ValueError):
        parse_date("February-ish")


HEADER = "Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer,Percent"
ROUND = [
    ("Very satisfied", "20"),
    ("Fairly satisfied", "45"),
    ("Neither satisfied nor dissatisfied", "15"),
    ("Fairly dissatisfied", "10"),
    ("Very dissatisfied", "8"),
    ("Don't know", "2"),
]


def _poll_rows(percents=None, question="council_satisfaction", start="2018-02-08", end="2018-02-11", round_="19"):
    percents = percents or [p for _, p in ROUND]
    return [f"{round_},{start},{end},1001,{question},Q,{answer},{pct}" for (answer, _), pct in zip(ROUND, percents)]


def _write_poll(path, rows, title=True, header=HEADER, encoding="utf-8"):
    lines = ["LGA resident satisfaction polling, round 19", ""] if title else []
    path.write_text("\n".join([*lines, header, *rows]) + "\n", encoding=encoding)
    return path


def test_polls_finds_header_below_title_rows_skips_notes_and_keeps_markers_as_null(tmp_path):
    rows = _poll_rows(["20", "45", "15", "10", "[c]", "10"])
    path = _write_poll(tmp_path / "round19.csv", rows + ["", "Source: LGA polling (synthetic)", "[c] = suppressed"])
    parsed = polls.parse(path)
    answers = parsed.tables["answers"]
    assert list(answers["_source_row"]) == [4, 5, 6, 7, 8, 9]
    assert answers["percent"].isna().tolist() == [False, False, False, False, True, False]
    assert answers["value_status"][4] == "suppressed" and parsed.rejects == []


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        ("Percent", ["20", "45", "15", "10", "8", "2"], 20.0),
        ("Percent", ["20%", "45%", "15%", "10%", "8%", "2%"], 20.0),
        ("Proportion", ["0.20", "0.45", "0.15", "0.10", "0.08", "0.02"], 20.0),
        ("Percent (0-1)", ["0.2", "0.45", "0.15", "0.1", "0.08", "0.02"], 20.0),
    ],
)
def test_polls_percentages_in_every_declared_form(tmp_path, header, cells, expected):
    path = _write_poll(tmp_path / "r.csv", _poll_rows(cells), header=HEADER.replace("Percent", header))
    answers = polls.parse(path).tables["answers"]
    assert answers["percent"][0] == pytest.approx(expected) and answers["percent"].sum() == pytest.approx(100)


def test_polls_proportions_in_a_percent_column_are_rejected_by_the_sum_rule(tmp_path):
    path = _write_poll(tmp_path / "r.csv", _poll_rows(["0.2", "0.45", "0.15", "0.1", "0.08", "0.02"]))
    with pytest.raises(InputError, match=r"r\.csv.*sum to 100 ± 2: council_satisfaction sums to 1"):
        polls.parse(path)


def test_polls_round_within_tolerance_loads_and_outside_is_rejected(tmp_path):
    assert (
        len(
            polls.parse(_write_poll(tmp_path / "ok.csv", _poll_rows(["21", "45", "15", "10", "8", "3"]))).tables[
                "answers"
            ]
        )
        == 6
    )  # 102
    with pytest.raises(InputError, match="sums to 103"):
        polls.parse(_write_poll(tmp_path / "bad.csv", _poll_rows(["22", "45", "15", "10", "8", "3"])))


def test_polls_round_details_from_title_rows(tmp_path):
    path = tmp_path / "release.csv"
    path.write_text(
        "LGA resident satisfaction polling\nRound: 19\nFieldwork start: 08/02/2018\n"
        'Fieldwork end: 11 February 2018\n"Base: 1,001"\n\nQuestion code,Answer,Percent\n'
        + "\n".join(f"council_trust,{answer},{pct}" for answer, pct in ROUND)
        + "\n",
        encoding="utf-8",
    )
    answers = polls.parse(path).tables["answers"]
    assert set(answers["round_number"]) == {19} and set(answers["base_n"]) == {1001}
    assert set(answers["fieldwork_start"]) == {date(2018, 2, 8)} and set(answers["fieldwork_end"]) == {
        date(2018, 2, 11)
    }


def test_polls_file_rules_one_round_and_fieldwork_in_order(tmp_path):
    two_rounds = _write_poll(tmp_path / "two.csv", _poll_rows() + _poll_rows(question="council_trust", round_="20"))
    with pytest.raises(InputError, match="one round per file.*19, 20"):
        polls.parse(two_rounds)
    backwards = _write_poll(tmp_path / "back.csv", _poll_rows(start="2018-02-12"))
    with pytest.raises(InputError, match="row 4.*fieldwork starts"):
        polls.parse(backwards)


def test_polls_missing_column_rejects_the_file_naming_the_column(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Percent\n1,a,b,c,d,e,f\n")
    with pytest.raises(InputError) as error:
        polls.parse(path)
    assert "broken.csv" in str(error.value) and "Answer" in str(error.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_polls_reads_utf8_bom_and_windows_1252(tmp_path, encoding):
    rows = [row.replace(",Q,", ",Value for £,") for row in _poll_rows(question="value_for_money")]
    path = _write_poll(tmp_path / "enc.csv", rows, title=False, encoding=encoding)
    assert polls.parse(path).tables["answers"]["question_text"][0] == "Value for £"


def test_polls_xlsx_release(tmp_path):
    path = tmp_path / "round19.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["LGA resident satisfaction polling, round 19"])
    sheet.write_row(2, 0, HEADER.split(","))
    for index, (answer, pct) in enumerate(ROUND, start=3):
        sheet.write_row(index, 0, [19, "2018-02-08", "2018-02-11", 1001, "council_trust", "Q", answer, int(pct)])
    book.close()
    answers = polls.parse(path).tables["answers"]
    assert list(answers["base_n"].unique()) == [1001] and answers["percent"].sum() == 100


def test_lginform_data_response(tmp_path):
    period = {"identifier": "fin_2019_20", "label": "2019/20"}
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(
            {
                "columns": [{"metricType": {"identifier": "123"}, "period": period}],
                "rows": [
                    {
                        "area": {"identifier": "E09000001", "label": "City of London"},
                        "values": [{"value": 12.5, "formatted": "12.5"}],
                    },
                    {"area": {"identifier": "E09000002"}, "values": [{"value": None, "formatted": "-"}]},
                    {"area": {"identifier": "E07000163"}, "values": [{"value": "lots"}]},
                ],
            }
        )
    )
    parsed = lginform.parse(path)
    values = parsed.tables["values"].to_pandas()
    assert list(values["area_code"]) == ["E09000001", "E09000002"]
    assert values["value"][0] == 12.5 and values["value"].isna()[1]
    assert list(values["value_status"]) == ["ok", "missing"] and list(values["area_status"]) == ["current", "current"]
    assert list(values["period_id"]) == ["fin_2019_20"] * 2
    assert parsed.rejects[0].row == 3 and parsed.rejects[0].column == "values[0]"


def test_lginform_rejects_non_json(tmp_path):
    path = tmp_path / "truncated.json"
    path.write_text('{"rows": [')
    with pytest.raises(InputError, match="truncated.json.*not valid JSON"):
        lginform.parse(path)


def test_lginform_data_csv_download(tmp_path):
    path = tmp_path / "data_metricType-4321.csv"
    path.write_text(
        "area,area label,area long label,2018/19,2019/20\n"
        "area,area label,area long label,2018/19,2019/20\n"
        'E08000025,Birmingham,Birmingham (metropolitan district),"1,234.5",..\n'
        "E07000163,Craven,Craven (district),17,18\n",
        encoding="utf-8",
    )
    parsed = lginform.parse(path)
    values = parsed.tables["values"].to_pandas()
    assert set(values["metric_id"]) == {"4321"} and parsed.rows_read == 4
    assert list(values["period_id"]) == ["fin_2018_19", "fin_2019_20", "fin_2018_19", "fin_2019_20"]
    assert values["value"][0] == 1234.5 and values["value_status"][1] == "missing"
    assert list(values["area_status"]) == ["current", "current", "retired", "retired"]


def test_lginform_data_csv_needs_the_metric_in_its_name(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("area,area label,2019/20\nE08000025,Birmingham,1\n")
    with pytest.raises(InputError, match="name the file after it"):
        lginform.parse(path)


LONG_HEADER = "Local authority code,Local authority name,Region,Financial year,Measure,Code,Value,rank_order,Median"


@pytest.mark.parametrize(
    ("spelling", "polarity"),
    [
        ("desc", "high_is_good"),
        ("DESC", "high_is_good"),
        ("asc", "low_is_good"),
        ("None", "not_applicable"),
        ("", None),
    ],
)  # blank says nothing: the basket decides
def test_long_format_council_metrics_and_their_polarity(tmp_path, spelling, polarity):
    path = tmp_path / "explorer.csv"
    path.write_text(
        f"{LONG_HEADER}\n"
        f"E06000001,Hartlepool,North East,2019-20,Household waste recycled,WASTE01,41.2,{spelling},40\n"
        f"E06000002,Middlesbrough,North East,2019-20,Household waste recycled,WASTE01,,{spelling},40\n"
        f"E06000001,Hartlepool,North East,2020-21,Household waste recycled,WASTE01,39.9,{spelling},40\n",
        encoding="utf-8",
    )
    parsed = lginform.parse(path)
    values, types = parsed.tables["values"].to_pandas(), parsed.tables["metric_types"]
    assert list(values["period_id"]) == ["fin_2019_20", "fin_2019_20", "fin_2020_21"]
    assert values["value"].isna().tolist() == [False, True, False] and values["value_status"][1] == "missing"
    assert types[["metric_id", "label", "polarity", "source", "source_name"]].to_dict("records") == [
        {
            "metric_id": "WASTE01",
            "label": "Household waste recycled",
            "polarity": polarity,
            "source": "data_explorer",
            "source_name": "government data explorer download",
        }
    ]


def test_long_format_codes_differing_only_in_case_are_one_measure(tmp_path):
    path = tmp_path / "explorer.csv"
    path.write_text(
        f"{LONG_HEADER}\n"
        "E06000001,Hartlepool,North East,2019-20,Household waste recycled,WASTE01,41.2,desc,40\n"
        "E06000002,Middlesbrough,North East,2019-20,Household waste recycled,waste01,39.0,desc,40\n"
        "E06000003,Redcar,North East,2019-20,Household waste recycled, Waste01 ,38.5,desc,40\n"
    )
    parsed = lginform.parse(path)
    assert set(parsed.tables["values"]["metric_id"].to_pylist()) == {"WASTE01"}
    assert parsed.tables["metric_types"]["metric_id"].tolist() == ["WASTE01"]


def test_long_format_bad_year_and_polarity_are_quarantined(tmp_path):
    path = tmp_path / "explorer.csv"
    path.write_text(
        f"{LONG_HEADER}\n"
        "E06000001,Hartlepool,North East,2019,Waste,W1,41.2,desc,40\n"
        "E06000001,Hartlepool,North East,2019-20,Waste,W1,41.2,upwards,40\n"
    )
    parsed = lginform.parse(path)
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "Financial year"), (3, "rank_order")]


MAP_HEADER = [
    "Partnership name",
    "Description",
    "Councils involved",
    "Other public bodies",
    "Region",
    "Service category",
    "Status",
    "Savings to date (£)",
    "Savings basis",
]


def _edition(path, rows, title="Shared Services Map, 2018 edition"):
    """An edition as the map publishes it: a title row, a blank row, the table; a workbook or, by PATH's
    suffix, a CSV file."""
    lines = [[title], [], MAP_HEADER, *rows]
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(lines)
        return path
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for index, row in enumerate(lines):
        sheet.write_row(index, 0, row)
    book.close()
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_shared_services_edition_from_title_and_savings_forms(tmp_path, suffix):
    """A workbook and a CSV file of one edition read alike."""
    parsed = shared_services.parse(
        _edition(
            tmp_path / f"map{suffix}",
            [
                ["P1", "d", "E07000001; E07000002", "", "East", "ICT", "Live", "£1,500,000", "Actual"],
                ["P2", "d", "E07000003", "", "East", "Legal", "Live", "", ""],
                ["P3", "d", "E07000004", "", "East", "Legal", "Live", "1.2m", "Expected"],
                ["P4", "d", "", "", "East", "Legal", "Live", "", ""],
            ],
        )
    )
    frame = parsed.tables["partnerships"]
    assert set(frame["edition_year"]) == {2018}
    assert frame["savings_gbp"].tolist()[0::2] == [1_500_000, 1_200_000] and frame["savings_gbp"].isna()[1]
    assert list(frame["savings_status"]) == ["ok", "not_reported", "ok"]
    assert frame["savings_basis"].fillna("").tolist() == ["actual", "", "expected"]
    assert [(r.row, r.column, r.reason) for r in parsed.rejects] == [(7, "Councils involved", "no councils given")]


def test_shared_services_resolves_council_names_and_reports_the_rest(tmp_path):
    parsed = shared_services.parse(
        _edition(
            tmp_path / "map.xlsx",
            [
                [
                    "P1",
                    "d",
                    "Brighton & Hove City Council; Kingston upon Hull, City of; ADUR district council",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "P2",
                    "d",
                    "City of London Corporation;  Royal Borough of Windsor and Maidenhead ; County Durham",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                ["P3", "d", "Borsetshire County Council; E07999999; Cambridge", "", "", "", "", "", ""],
            ],
        )
    )
    frame = parsed.tables["partnerships"]
    assert list(frame["council_codes"]) == [
        "E06000043;E06000010;E07000223",
        "E09000001;E06000040;E06000047",
        "E07000008",
    ]
    assert frame["unresolved_councils"][2] == (
        "Borsetshire County Council (not in the council register); E07999999 (code not in the council register)"
    )
    assert frame["unresolved_councils"][:2].isna().all()
    assert parsed.warnings == [f"row 6: council(s) not resolved, kept as unresolved: {frame['unresolved_councils'][2]}"]


def test_shared_services_name_of_a_reused_name_resolves_to_the_council_of_the_edition(tmp_path):
    older = shared_services.parse(
        _edition(
            tmp_path / "2019.xlsx",
            [["P", "d", "Somerset County Council", "", "", "", "", "", ""]],
            "Shared Services Map, 2019 edition",
        )
    )
    newer = shared_services.parse(
        _edition(
            tmp_path / "2024.xlsx",
            [["P", "d", "Somerset Council", "", "", "", "", "", ""]],
            "Shared Services Map, 2024 edition",
        )
    )
    assert older.tables["partnerships"]["council_codes"][0] == "E10000027"
    assert newer.tables["partnerships"]["council_codes"][0] == "E06000066"


def test_corrupt_xlsx_is_rejected_with_the_file_name(tmp_path):
    path = tmp_path / "not_really.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(InputError, match="not_really.xlsx.*cannot read as an .xlsx"):
        shared_services.parse(path)


def test_ope_outputs_and_awards_are_told_apart_by_their_columns(tmp_path):
    outputs = tmp_path / "ope.csv"
    outputs.write_text(
        "Measure,Value,Unit,Basis,Scope,As of date,Partnership\n"
        "jobs_created,5745,jobs,Achieved,programme,2019-05-31,\n"
        "capital_receipts,£1.5m,GBP,Target,partnership,31/03/2020,Borsetshire OPE\n"
    )
    frame = ope.parse(outputs).tables["outputs"]
    assert list(frame["basis"]) == ["achieved", "target"] and frame["value"][1] == 1_500_000
    assert frame["partnership_name"][1] == "Borsetshire OPE" and frame["as_of_date"][1] == date(2020, 3, 31)
    awards = tmp_path / "awards.csv"
    awards.write_text(
        'Partnership,Round,Fund,Award (£)\nBorsetshire OPE,OPE 5,One Public Estate,"£250,000"\n'
        "Borsetshire OPE,BLRF 1,Brownfield Land Release Fund,1.1m\n"
    )
    frame = ope.parse(awards).tables["awards"]
    assert list(frame["award_gbp"]) == [250_000, 1_100_000] and list(frame["funding_round"]) == ["OPE 5", "BLRF 1"]


def test_empty_files_are_rejected_as_empty(tmp_path):
    for name in ("empty.csv", "blank_lines.csv"):
        path = tmp_path / name
        path.write_text("" if name == "empty.csv" else "\n ,\n\n")
        with pytest.raises(InputError, match=f"{name}: the file is empty"):
            ope.parse(path)


def test_huge_cell_is_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(
        "Measure,Value,Unit,Basis,Scope,As of date\n" + '"' + "x" * 200_000 + '",1,jobs,target,programme,2019-01-01\n'
    )
    with pytest.raises(InputError, match="huge.csv, row 2: unreadable CSV"):
        ope.parse(path)


def test_notes_below_the_table_are_not_data(tmp_path):
    path = tmp_path / "ope.csv"
    path.write_text(
        "Measure,Value,Unit,Basis,Scope,As of date\njobs_created,1,jobs,target,programme,2019-01-01\n\n"
        "Notes:\nFigures are self-reported.\n"
    )
    table = read_sheet(path, OPE_OUTPUTS.formats[0])
    assert [number for number, _ in table.records] == [2] and table.notes == ["Notes:", "Figures are self-reported."]


def test_a_workbook_is_read_from_its_first_visible_sheet_with_a_header_without_hidden_rows():
    corpus = Path(__file__).resolve().parent / "bad_inputs" / "shared_services"
    parsed = shared_services.parse(corpus / "map_306_cover_hidden_rows_and_sheets.xlsx")
    rows = parsed.tables["partnerships"]
    rows = rows.to_pandas() if hasattr(rows, "to_pandas") else rows
    assert rows["partnership_name"].tolist() == ["Tees Valley waste", "Durham and Darlington legal"]
    assert rows["_source_row"].tolist() == [4, 6] and not parsed.rejects  # row numbers as the spreadsheet shows


def test_the_ope_funding_table_as_published_gives_an_award_per_partnership_and_year(tmp_path):
    parsed = ope.parse(Path(__file__).parent / "fixtures" / "ope" / "ope_funding_by_year.csv")
    awards = parsed.tables["awards"]
    assert parsed.rows_read == 7 and not parsed.rejects  # blank cells are no award, not zeros
    assert set(awards["fund"]) == {"One Public Estate"}
    assert awards.groupby("funding_round")["award_gbp"].sum().to_dict() == {
        "2016/17": 1_750_000.0,
        "2017/18": 300_000.0,
        "2018/19": 670_000.0,
        "2019/20": 265_000.0,
    }
    bad = tmp_path / "funding.csv"
    bad.write_text("Partnership,2016/17 Funding,2017-18 funding (£)\nP1,lots,100\n")
    parsed = ope.parse(bad)
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "2016/17 Funding")]
    assert parsed.tables["awards"][["funding_round", "award_gbp"]].values.tolist() == [["2017/18", 100.0]]


PUBLISHED_ROUND = Path(__file__).parent / "fixtures" / "polls" / "round_as_published.csv"


def test_a_poll_round_as_the_lga_prints_it_loads(tmp_path):
    """Question wording (any case and punctuation), `Round 19`, fieldwork as one range, a base with a
    thousands separator, and total rows checked against their parts but never stored."""
    parsed = polls.parse(PUBLISHED_ROUND)
    answers = parsed.tables["answers"]
    assert not parsed.rejects and len(answers) == 12 and parsed.rows_read == 12
    assert set(answers["question_code"]) == {"council_satisfaction", "area_satisfaction"}
    assert {(r.round_number, r.fieldwork_start, r.fieldwork_end, r.base_n) for r in answers.itertuples()} == {
        (19, date(2018, 2, 8), date(2018, 2, 11), 1001)
    }
    assert answers.groupby("question_code")["percent"].sum().to_dict() == {
        "area_satisfaction": 100.0,
        "council_satisfaction": 100.0,
    }
    assert parsed.warnings == [
        "4 total row(s) (Very/fairly dissatisfied, Very/fairly satisfied) checked against their parts, not stored"
    ]


def test_a_total_row_that_is_not_its_parts_rejects_the_round(tmp_path):
    path = tmp_path / "round.csv"
    path.write_text(
        PUBLISHED_ROUND.read_text(encoding="utf-8").replace("Very/fairly satisfied,63%", "Very/fairly satisfied,68%")
    )
    with pytest.raises(
        InputError,
        match=r"row 9, column 'Answer': the total 'Very/fairly satisfied' \(68\) is not the sum of its parts \(63\)",
    ):
        polls.parse(path)


def test_an_unknown_question_wording_is_rejected_naming_the_nearest_known(tmp_path):
    path = tmp_path / "round.csv"
    path.write_text(
        PUBLISHED_ROUND.read_text(encoding="utf-8").replace(
            "with the way your local council runs things", "with how your council runs things"
        )
    )
    parsed = polls.parse(path)
    assert parsed.rejects[0].reason.startswith(
        "unknown question 'Overall, how satisfied or dissatisfied are you with how"
    )
    assert "nearest known: council_satisfaction" in parsed.rejects[0].reason


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("8-11 February 2018", date(2018, 2, 8), date(2018, 2, 11)),
        ("28 February - 3 March 2018", date(2018, 2, 28), date(2018, 3, 3)),
        ("28 December - 2 January 2018", date(2017, 12, 28), date(2018, 1, 2)),
        ("8th–11th February 2018", date(2018, 2, 8), date(2018, 2, 11)),
        ("2 to 5 June 2023", date(2023, 6, 2), date(2023, 6, 5)),
    ],
)
def test_fieldwork_ranges_in_the_usual_english_forms(text, start, end):
    assert polls.fieldwork_range(text) == (start, end)


def test_a_round_column_may_say_round(tmp_path):
    path = tmp_path / "round.csv"
    rows = "\n".join(f'Round 40,2024-02-07,2024-02-10,"1,000",council_satisfaction,{a},{p}' for a, p in ROUND)
    path.write_text("Round,Fieldwork start,Fieldwork end,Base,Question code,Answer,Percent\n" + rows + "\n")
    answers = polls.parse(path).tables["answers"]
    assert set(answers["round_number"]) == {40} and set(answers["base_n"]) == {1000}


def test_headline_figures_by_round_and_a_tracking_table_give_the_same_headlines():
    """Rounds published only as headlines: one row per round and indicator, or the rounds across the columns."""
    fixtures = Path(__file__).parent / "fixtures" / "polls"
    rows = polls.parse(fixtures / "headlines_only.csv").tables["headlines"]
    across = polls.parse(fixtures / "tracking_rounds_across.csv")
    tracked = across.tables["headlines"]
    assert not across.rejects and across.rows_read == 7  # blank cells: rounds that did not ask the question
    columns = ["round_number", "fieldwork_start", "fieldwork_end", "base_n", "indicator_code", "pct_satisfied"]
    shared = tracked[tracked["round_number"].isin([1, 2]) & (tracked["indicator_code"] != "council_trust")]
    pd.testing.assert_frame_equal(
        rows[columns].sort_values(columns, ignore_index=True), shared[columns].sort_values(columns, ignore_index=True)
    )
    assert set(zip(tracked["round_number"], tracked["indicator_code"])) >= {(3, "council_trust"), (2, "council_trust")}
