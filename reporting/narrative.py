"""Sentences an adviser reads before the charts, from mart rows by fixed templates: no model, no network.

Each function takes one row of figures as the marts hold them and returns its sentences; a sentence whose
figures are missing (too few metrics, no earlier year, no direction) is left out, never guessed. Every
number a sentence prints is one of the row's own, so a test can check each against the mart it came from.
"""

from __future__ import annotations


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def council_summary(row: dict) -> list[str]:
    """ROW (`queries.council_summaries`): the council's bottom-quartile count in its latest assessment year
    against the year before, where most of them are, its direction of travel, and whether it is flagged (and
    if so, the LGA's support to it in the last three years, or that none is recorded)."""
    name, kind = row["council_name"], row["council_type"]
    sentences = []
    assessed, bottom = row["metrics_assessed"], row["metrics_bottom_quartile"]
    if assessed:
        sentence = (
            f"In {row['latest_assessment_year']}, {name} was in the bottom quartile of {kind} councils on"
            f" {bottom:,} of the {_count(assessed, 'basket metric')} it could be compared on"
        )
        before = row["previous_bottom_quartile"]
        if before is not None and row["previous_assessed"]:
            change = bottom - before
            than = f"in {row['previous_assessment_year']}"
            sentence += (
                f", {abs(change):,} {'more' if change > 0 else 'fewer'} than {than}"
                if change
                else f", as many as {than}"
            )
        sentences.append(sentence + ".")
        if bottom >= 2 and row["top_area"] and not row["top_area_tied"]:
            most = "most of them" if row["top_area_bottom"] * 2 > bottom else "more than any other service area"
            sentences.append(f"{row['top_area']} holds {row['top_area_bottom']:,} of those {bottom:,}: {most}.")
    with_direction = row["metrics_with_direction"]
    if with_direction:
        sentences.append(
            f"Since the baseline it improved on {row['metrics_improving']:,} of the"
            f" {_count(with_direction, 'metric')} with a direction of travel and worsened on"
            f" {row['metrics_worsening']:,}."
        )
    if row["is_at_risk"]:
        sentences.append(f"It is flagged as at risk: {row['flagged_because']}.")
        if row["support_loaded"]:
            received = row["support_last_three_years"]
            sentences.append(
                f"In the three years to {row['built_on']}, the LGA's record shows"
                f" {_count(received, 'piece')} of improvement support to it: {row['support_received']}."
                if received
                else f"No LGA improvement support to it is recorded in the three years to {row['built_on']}."
            )
    return sentences


_DIRECTION = {
    "improving": "improving",
    "worsening": "worsening",
    "no_change": "no change",
    "increasing": "increasing (neither higher nor lower is better)",
    "decreasing": "decreasing (neither higher nor lower is better)",
}


def metric_summary(row: dict) -> list[str]:
    """ROW (`queries.metric_summaries`): the metric's spread across councils in its latest period, its
    direction since the baseline by both methods, and the councils that moved quartile since the period before."""
    unit = f" ({row['unit']})" if row["unit"] else ""
    sentences = [
        f"In {row['latest_period']}, the median of the {_count(row['councils'], 'council')} with a value was"
        f" {row['median_shown']}{unit}; the middle half of them lay between {row['lower_shown']} and"
        f" {row['upper_shown']}."
    ]
    if row["direction"] in _DIRECTION:
        sentences.append(
            f"Since {row['baseline_period']}, the median went from {row['baseline_shown']} to {row['latest_shown']}:"
            f" {_DIRECTION[row['direction']]}."
        )
    if row["direction_lga_method"] in _DIRECTION and row["councils_paired"]:
        sentences.append(
            f"By the LGA's method, the mean over the {_count(row['councils_paired'], 'council')} with a value in"
            f" both periods, it is {_DIRECTION[row['direction_lga_method']]}."
        )
    if row["previous_period"] and row["polarity"] != "not_applicable":
        sentences.append(
            f"Since {row['previous_period']}, {_count(row['moved_up'], 'council')} moved up a quartile in England"
            f" and {row['moved_down']:,} moved down."
        )
    return sentences


def overview_summary(q: dict) -> list[str]:
    """Q (a row of the sector overview, or an edition of it): the quarter's key facts as sentences, each left
    out when its figures are missing."""
    sentences = []
    if q["pct_satisfied_council"] is not None:
        sentence = (
            f"In poll round {q['poll_round_number']}, {q['pct_satisfied_council']:.0f}% of residents were satisfied"
            " with the way their council runs things"
        )
        if q["council_change_pp"] is not None and q["council_previous_round_number"] is not None:
            change = q["council_change_pp"]
            moved = f"{'up' if change > 0 else 'down'} {abs(change):.1f} points" if change else "unchanged"
            verdict = "a significant change" if q["council_change_significant"] else "not a significant change"
            sentence += f", {moved} on round {q['council_previous_round_number']}: {verdict}"
        sentences.append(sentence + ".")
    if q["share_metrics_improving"] is not None:
        sentence = (
            f"Of the {q['metrics_with_polarity']} basket metrics compared with the baseline,"
            f" {q['metrics_improving']} ({q['share_metrics_improving']:.0%}) were improving by their median"
        )
        if q["share_metrics_improving_lga_method"] is not None:
            sentence += (
                f", and {q['metrics_improving_lga_method']} of {q['metrics_compared_lga_method']}"
                f" ({q['share_metrics_improving_lga_method']:.0%}) by the LGA's method"
            )
        sentences.append(sentence + ".")
    if q["councils_at_risk"] is not None:
        sentences.append(f"{_count(q['councils_at_risk'], 'council is', 'councils are')} flagged at risk.")
    return sentences
