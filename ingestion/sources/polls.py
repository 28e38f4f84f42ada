"""The LGA's national resident satisfaction polls: one release per round."""

from __future__ import annotations

from ingestion.contracts import VALUE_STATUS, Column, FileFormat, Table
from ingestion.declaration import Freshness, Source

POLL_ANSWERS = Table(
    source="polls",
    name="answers",
    grain="one row per round, question and answer option",
    key=("round_number", "question_code", "answer_option"),
    columns=(
        Column("round_number", "integer", "Poll round, as the release numbers it.", required=True, minimum=1),
        Column("fieldwork_start", "date", "First day of fieldwork.", required=True, plausible=True),
        Column("fieldwork_end", "date", "Last day of fieldwork (not before the start).", required=True, plausible=True),
        Column("base_n", "integer", "Respondents asked the question.", required=True, minimum=100, maximum=100000),
        Column(
            "question_code",
            "string",
            "Question code (see the `poll_questions` seed); the file may give the code or the wording, in any case"
            " or spacing, or a name in the `measure_aliases` seed.",
            required=True,
        ),
        Column("question_text", "string", "Question wording."),
        Column(
            "answer_option",
            "string",
            "Answer option label (the `poll_answer_options` seed, in any case or spacing).",
            required=True,
        ),
        Column("percent", "float", "Share giving this answer, in percentage points.", minimum=0, maximum=100),
        VALUE_STATUS,
    ),
    formats=(
        FileFormat(
            "Poll release table, one round per file",
            (".csv", ".xlsx"),
            ("Question code", "Answer"),
            optional=("Percent", "Proportion", "Round", "Fieldwork start", "Fieldwork end", "Base", "Question"),
            notes="`Round`, `Fieldwork start`, `Fieldwork end` and `Base` are columns or `Name: value` title"
            " rows above the table. The figures are in a `Percent` column (`87` or `87%`) or a"
            " `Proportion` / `Percent (0-1)` column (`0.87`): one of them is required.",
        ),
        FileFormat(
            "Poll round as the LGA prints it: question wording, answer and percentage",
            (".csv", ".xlsx"),
            ("Question", "Answer"),
            optional=("Percent", "Proportion", "Round", "Fieldwork", "Fieldwork start", "Fieldwork end", "Base"),
            notes="Questions by their wording (matched whatever the case, punctuation and spacing). `Round 19`"
            " or `Round: 19`, fieldwork as one range (`Fieldwork: 8-11 February 2018`, `28 February - 3 March"
            " 2018`) and `Base: 1,001`, as title rows or columns. A total row (`Very/fairly satisfied`) is"
            " checked against its parts and not stored.",
        ),
    ),
    file_rules=(
        "every question's answer options sum to 100 ± 2 percentage points",
        "one round per file",
        "fieldwork start on or before fieldwork end",
        "a total row (`Very/fairly satisfied`) equals the sum of its parts ± 2",
        "every question and answer is one the project knows (by code, wording or label, or through the"
        " `measure_aliases` seed)",
        "every row meets the contract: a round's figures only add up whole, so one bad row rejects"
        " the file instead of being quarantined",
    ),
    whole_file=True,
)

POLL_HEADLINES = Table(
    source="polls",
    name="headlines",
    grain="one row per round and key indicator: its headline share, for rounds published only as headlines",
    key=("round_number", "indicator_code"),
    columns=(
        *POLL_ANSWERS.columns[:4],
        Column(
            "indicator_code",
            "string",
            "The indicator's question code (the `poll_questions` seed); the file may give the code, the question's"
            " wording or the indicator's label (`Satisfied with the local area as a place to live`).",
            required=True,
        ),
        Column(
            "pct_satisfied",
            "float",
            "The headline share (the positive answers together), in percentage points.",
            minimum=0,
            maximum=100,
        ),
        VALUE_STATUS,
    ),
    formats=(
        FileFormat(
            "Headline figures of poll rounds (round, fieldwork, indicator, % satisfied, base), for rounds"
            " published only as headlines; several rounds per file",
            (".csv", ".xlsx"),
            ("Round", "Indicator", "% satisfied"),
            optional=("Fieldwork", "Fieldwork start", "Fieldwork end", "Base"),
            notes="Stored as headlines: a round with answers for an indicator keeps those, and a headline-only"
            " round gets the same margin of error and significance test from its share and base. Fieldwork as"
            " one range or a start and an end; `Round 19` or `19`.",
        ),
        FileFormat(
            "Tracking table of headline figures with the rounds across the columns (`Indicator`, `Round 1`,"
            " `Round 2`, ...), for backfilling the series",
            (".csv", ".xlsx"),
            ("Indicator",),
            notes="A `Fieldwork` row (one range per round) and a `Base` row give each round's details; every"
            " other row is an indicator, its cells the rounds' shares. A blank cell is a round that did not ask"
            " the question.",
        ),
    ),
)

SOURCE = Source(
    name="polls",
    title="LGA resident satisfaction polls",
    reader_name="LGA resident satisfaction polling",
    tables=(POLL_ANSWERS, POLL_HEADLINES),
    parser="ingestion.parsers.polls:parse",
    schedule="0 5 * * *",
    freshness=Freshness(240, "a round every four months"),
    samples=(("polls", "ingestion.sample.generate:write_polls"),),
    feeds=("pct_satisfied_council", "council_change_pp"),
    provenance="LGA resident satisfaction polling, round {poll_round_number}, fieldwork ended"
    " {poll_fieldwork_end:%-d %B %Y}; loaded {polls_last_loaded_at}",
)
