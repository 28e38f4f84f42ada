"""One period parser for every form the council-metric sources use, giving an identifier and dates.

Identifiers are canonical, whatever form a period arrived in, so one period from two sources is one key:
``fin_2019_20`` (April to March), ``cal_2021``, ``acad_2017_18`` (September to August), ``q3_2022_23``
(quarters of a financial year: q1 = April to June), ``m04_2024`` (months), ``cen_2021`` (census day),
and, for any other span that comes with its dates, ``span_<start>_<end>``.

Forms read: those identifiers; labels as LG Inform prints them (``2019/20``, ``2022/23 Q3``,
``Apr 2024``, ``2021``, ``2017/18 (academic)``) and as data explorers do (``2019-20``); ISO intervals
as ONS publishes them (``2016-09-01/P1Y``, ``2023-07-01/P3M``); and start and end dates, which LG
Inform's JSON gives with every period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PATTERN = (
    r"^(?:fin_\d{4}_\d{2}|acad_\d{4}_\d{2}|cal_\d{4}|cen_\d{4}|q[1-4]_\d{4}_\d{2}|m\d{2}_\d{4}"
    r"|span_\d{8}_\d{8})$"
)
# Census days (ONS); a census period is the one day.
CENSUS_DAYS = {2001: date(2001, 4, 29), 2011: date(2011, 3, 27), 2021: date(2021, 3, 21)}
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_name) if name})


@dataclass(frozen=True)
class Period:
    identifier: str
    start: date
    end: date


def _years(first: str, second: str) -> int | None:
    """`2019` and `20` (or `2020`) as the start year of a span of two years, else None."""
    start = int(first)
    return start if (start + 1) % 100 == int(second) % 100 and len(second) in (2, 4) else None


def _fin(year: int) -> Period:
    return Period(f"fin_{year}_{(year + 1) % 100:02d}", date(year, 4, 1), date(year + 1, 3, 31))


def _acad(year: int) -> Period:
    return Period(f"acad_{year}_{(year + 1) % 100:02d}", date(year, 9, 1), date(year + 1, 8, 31))


def _cal(year: int) -> Period:
    return Period(f"cal_{year}", date(year, 1, 1), date(year, 12, 31))


def _quarter(number: int, year: int) -> Period:
    """Quarter NUMBER of the financial year starting in YEAR (q1 = April to June)."""
    start = date(year + (number == 4), 3 * number % 12 + 1, 1)
    return Period(f"q{number}_{year}_{(year + 1) % 100:02d}", start, _add_months(start, 3) - timedelta(days=1))


def _month(month: int, year: int) -> Period:
    start = date(year, month, 1)
    return Period(f"m{month:02d}_{year}", start, _add_months(start, 1) - timedelta(days=1))


def _census(year: int) -> Period:
    day = CENSUS_DAYS.get(year)
    return Period(f"cen_{year}", day, day) if day else Period(f"cen_{year}", date(year, 1, 1), date(year, 12, 31))


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def from_dates(start: date, end: date, census: bool = False) -> Period:
    """The canonical period for a span: a named kind where the dates are one, else `span_...`."""
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    if census or (start == end and CENSUS_DAYS.get(start.year) == start):
        return Period(f"cen_{start.year}", start, end)
    after = end + timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        if months == 12 and start.month in (4, 1, 9):
            return {4: _fin, 1: _cal, 9: _acad}[start.month](start.year)
        if months == 3 and start.month in (4, 7, 10, 1):
            number = {4: 1, 7: 2, 10: 3, 1: 4}[start.month]
            return _quarter(number, start.year - (number == 4))
        if months == 1:
            return _month(start.month, start.year)
    return Period(f"span_{start:%Y%m%d}_{end:%Y%m%d}", start, end)


def _from_identifier(text: str) -> Period | None:
    if match := re.fullmatch(r"(fin|acad)_(\d{4})_(\d{2})", text):
        year = _years(match.group(2), match.group(3))
        return None if year is None else (_fin if match.group(1) == "fin" else _acad)(year)
    if match := re.fullmatch(r"(cal|cen)_(\d{4})", text):
        return (_cal if match.group(1) == "cal" else _census)(int(match.group(2)))
    if match := re.fullmatch(r"q([1-4])_(\d{4})_(\d{2})", text):
        year = _years(match.group(2), match.group(3))
        return None if year is None else _quarter(int(match.group(1)), year)
    if match := re.fullmatch(r"m(\d{2})_(\d{4})", text):
        return _month(int(match.group(1)), int(match.group(2))) if 1 <= int(match.group(1)) <= 12 else None
    if match := re.fullmatch(r"span_(\d{8})_(\d{8})", text):
        return from_dates(
            datetime.strptime(match.group(1), "%Y%m%d").date(), datetime.strptime(match.group(2), "%Y%m%d").date()
        )
    return None


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")


def _from_iso_interval(text: str) -> Period | None:
    """`2016-09-01/P1Y`, `2023-07-01/P3M`, `2016-09-01/2017-08-31`, or one day `2021-03-21`."""
    first, _, second = text.partition("/")
    try:
        start = date.fromisoformat(first)
    except ValueError:
        return None
    if not second:
        return from_dates(start, start)
    if duration := _DURATION.fullmatch(second):
        years, months, days = (int(part or 0) for part in duration.groups())
        if not (years or months or days):
            return None
        month = _add_months(start.replace(day=1), 12 * years + months)
        after = month.replace(day=min(start.day, calendar.monthrange(month.year, month.month)[1]))
        return from_dates(start, after + timedelta(days=days - 1))
    try:
        return from_dates(start, date.fromisoformat(second))
    except ValueError:
        return None


def _from_label(text: str) -> Period | None:
    if match := re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})(\s*\(academic\))?", text, re.IGNORECASE):
        year = _years(match.group(1), match.group(2))
        return None if year is None else (_acad if match.group(3) else _fin)(year)
    if match := re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2})\s*Q([1-4])", text, re.IGNORECASE):
        year = _years(match.group(1), match.group(2))
        return None if year is None else _quarter(int(match.group(3)), year)
    if match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text):
        month = _MONTHS.get(match.group(1).lower())
        return _month(month, int(match.group(2))) if month else None
    if match := re.fullmatch(r"(\d{4})\s*\(census\)|census\s+(\d{4})", text, re.IGNORECASE):
        return _census(int(match.group(1) or match.group(2)))
    if re.fullmatch(r"(19|20)\d{2}", text):
        return _cal(int(text))
    return None


def parse(text: object) -> Period:
    """The period a label, identifier or ISO interval stands for; ValueError says what was not understood."""
    cleaned = re.sub(r"\s+", " ", str(text or "")).strip()
    if not cleaned:
        raise ValueError("no period given")
    if cleaned.lower().startswith("latest"):
        raise ValueError(f"{cleaned!r} is a request, not a period: the source must resolve it")
    period = _from_identifier(cleaned) or _from_iso_interval(cleaned) or _from_label(cleaned)
    if period is None:
        raise ValueError(
            f"period not recognised: {cleaned!r} (expected e.g. 2019/20, 2022/23 Q3, Apr 2024,"
            " 2021, 2017/18 (academic), 2016-09-01/P1Y or fin_2019_20)"
        )
    return period
