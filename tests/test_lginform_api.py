"""The LG Inform client against a local server that speaks the API in its real shapes: signing, paging,
both formats, incremental fetches, the usage-limit stop and resume, 401s, 500s and slow answers, fetches
that bring nothing they should, and a refresh of the real basket end to end."""

from __future__ import annotations

import json
import shutil
from datetime import date

import duckdb
import pytest

from conftest import REPO, airflow_env, sli
from core.settings import get_paths
from ingestion import basket
from ingestion.landing import sha256_of
from ingestion.ledger import Ledger
from ingestion.lginform_api import ApiError, ApiSettings, Client, Credentials, NetworkLimits, NotAuthorized
from ingestion.lginform_fetch import IncompleteFetch, fetch
from lginform_server import COUNCILS, FINANCIAL_YEARS, FakeLgInform, Metric

METRICS = ["101", "102", "103", "104", "105"]


def _server(**options) -> FakeLgInform:
    return FakeLgInform(metrics=[Metric(m, f"Metric {m}") for m in METRICS], **options)


def _client(server: FakeLgInform, secret: str | None = "same", sleep=lambda seconds: None, **limits) -> Client:
    """A client of SERVER; LIMITS are `NetworkLimits` fields."""
    secret = server.secret if secret == "same" else secret
    return Client(ApiSettings(server.base_url, Credentials(server.key, secret)), NetworkLimits(**limits), sleep=sleep)


def _credentials(server: FakeLgInform) -> dict[str, str]:
    """The environment `sli` reads the API's address and credentials from."""
    return {"SLI_LGINFORM_URL": server.base_url, "SLI_LGINFORM_KEY": server.key, "SLI_LGINFORM_SECRET": server.secret}


def _values(paths, source_format: str) -> list[tuple]:
    return duckdb.execute(
        f"select area_code, metric_id, period_id, value, value_status, area_status"
        f" from read_parquet('{paths.raw}/lginform/values/*.parquet') where source_format = ?"
        " order by all",
        [source_format],
    ).fetchall()


def test_signed_fetch_lands_every_response_and_loads_values_and_metadata(tmp_path):
    paths = get_paths(tmp_path)
    with _server() as server:
        result = fetch(paths, _client(server), metrics=["101", "103"])
    assert result.run.status == "complete" and result.run.pending == [] and result.run.total == 2
    assert [params["pageNumber"] for params in server.calls_to("/metricTypes") if "pageNumber" in params] == [
        "1",
        "2",
        "3",
        "4",
    ]
    landed = sorted(p.name.split("__", 1)[1] for p in (paths.landing / "lginform").iterdir())
    assert landed == [
        "data_metricType-101.json",
        "data_metricType-103.json",
        "metricType-101.json",
        "metricType-103.json",
        "metricTypes_page1.json",
        "metricTypes_page2.json",
        "metricTypes_page3.json",
        "metricTypes_page4.json",
    ]
    rows = _values(paths, "api_json")
    assert len(rows) == 2 * 4 * 2  # metrics x councils x periods
    assert ("E09000001", "101", "fin_2022_23", None, "suppressed", "current") in rows
    assert {row[5] for row in rows if row[0] == "E07000163"} == {"retired"}
    polarity = duckdb.execute(
        f"select metric_id, polarity from read_parquet('{paths.raw}/lginform/metric_types/*.parquet') order by 1"
    ).fetchall()
    assert polarity == [("101", "high_is_good"), ("103", "high_is_good")]


def test_token_mode_sends_the_key_unsigned(tmp_path):
    with _server(secret=None) as server:
        result = fetch(get_paths(tmp_path), _client(server, secret=None), metrics=["102"])
    assert result.run.status == "complete" and len(server.calls_to("/data")) == 1


def test_csv_and_json_give_the_same_values(tmp_path):
    json_paths, csv_paths = get_paths(tmp_path / "json"), get_paths(tmp_path / "csv")
    with _server() as server:
        fetch(json_paths, _client(server), metrics=["104"])
        fetch(csv_paths, _client(server), metrics=["104"], csv_format=True)
    from_csv = _values(csv_paths, "api_csv")
    # The CSV prints one decimal place where JSON has the raw value, and a blank where JSON says [c].
    assert [(r[0], r[2], None if r[3] is None else round(r[3], 1)) for r in _values(json_paths, "api_json")] == [
        (r[0], r[2], r[3]) for r in from_csv
    ]
    assert len(from_csv) == 8 and [r[4] for r in from_csv if r[3] is None] == ["missing"]


def test_second_run_fetches_only_metrics_changed_since_the_last_complete_run(tmp_path):
    paths = get_paths(tmp_path)
    with _server() as server:
        fetch(paths, _client(server), metrics=METRICS)
        server.metrics[2].changed = date.today().isoformat()
        server.calls.clear()
        second = fetch(paths, _client(server), metrics=METRICS)
    since = {params.get("dataChangedSince") for params in server.calls_to("/metricTypes") if "pageNumber" in params}
    assert since == {date.today().isoformat()}
    assert [params["metricType"] for params in server.calls_to("/data")] == ["103"]
    assert second.run.total == 1 and second.run.status == "complete"


def test_usage_limit_stops_cleanly_and_the_next_run_fetches_only_the_rest(tmp_path):
    paths = get_paths(tmp_path)
    with _server(
        quota=4 + 2 * 2
    ) as server:  # four listing pages (the last one empty), then two metrics (metadata + data each)
        first = fetch(paths, _client(server), metrics=METRICS)
        assert first.run.status == "stopped" and first.run.pending == ["103", "104", "105"]
        assert "usage limit" in first.run.message and "3 of 5" in first.run.message
        assert Ledger(paths.ledger).last_api_run("lginform").pending == ["103", "104", "105"]
        server.quota, server.calls = None, []
        second = fetch(paths, _client(server), metrics=METRICS)
    assert second.resumed and second.run.status == "complete"
    assert [path for path, _ in server.calls if path == "/metricTypes"] == []  # no new listing: it resumed
    assert [params["metricType"] for params in server.calls_to("/data")] == ["103", "104", "105"]
    assert duckdb.execute(
        f"select count(distinct metric_id) from read_parquet('{paths.raw}/lginform/values/*.parquet')"
    ).fetchone() == (5,)


def test_wrong_secret_fails_at_once_with_advice_and_without_the_secret(tmp_path):
    with _server() as server:
        client = _client(server, secret="wrong-secret-value")
        with pytest.raises(NotAuthorized) as error:
            fetch(get_paths(tmp_path), client, metrics=METRICS)
    message = str(error.value)
    assert "check the application key and secret" in message
    assert "wrong-secret-value" not in message and "Signature" not in message and "test-key" not in message
    assert client.calls == 1
    assert Ledger(get_paths(tmp_path).ledger).last_api_run("lginform") is None  # nothing half-done to resume


def _everything_written(paths, *texts: str) -> str:
    """Every file under the home, and TEXTS, as one text to search for a credential."""
    found = [path.read_bytes().decode("utf-8", "replace") for path in paths.home.rglob("*") if path.is_file()]
    return "\n".join([*found, *texts])


def test_a_4xx_answer_quoting_the_url_leaves_no_credential_in_any_message_log_or_file(tmp_path, caplog):
    paths = get_paths(tmp_path)
    with _server(echo_400=1) as server:
        client = _client(server)
        with pytest.raises(ApiError) as error:
            fetch(paths, client, metrics=["101"])
    message = str(error.value)
    assert "LG Inform answered 400" in message and "ApplicationKey=[redacted]" in message
    written = _everything_written(paths, message, caplog.text)
    assert server.key not in written and server.secret not in written
    assert "Signature=[redacted]" in message and "Signature=[redacted]%" not in message


def test_a_redirect_to_another_host_is_refused_before_the_credentials_reach_it(tmp_path):
    with _server() as other, _server() as server:
        server.redirect_to = other.base_url
        with pytest.raises(ApiError) as error:
            fetch(get_paths(tmp_path), _client(server), metrics=["101"])
    assert f"redirected a call to another host ({other.base_url}); refused" in str(error.value)
    assert other.received == [] and len(server.received) == 1  # refused at once, not retried
    assert server.key not in str(error.value)


def test_server_errors_are_retried_with_backoff(tmp_path):
    delays = []
    with _server(fail_500=2) as server:
        result = fetch(get_paths(tmp_path), _client(server, sleep=delays.append, backoff=0.5), metrics=["101"])
    assert result.run.status == "complete" and delays == [0.5, 1.0]


def test_persistent_server_errors_fail_after_the_retries_and_keep_the_place(tmp_path):
    paths = get_paths(tmp_path)
    with _server(broken_paths={"/metricTypes/102"}) as server:
        with pytest.raises(ApiError, match="failed 3 times.*HTTP 500"):
            fetch(paths, _client(server, retries=2), metrics=["101", "102"])
        run = Ledger(paths.ledger).last_api_run("lginform")
        assert (run.status, run.pending) == ("stopped", ["102"])
        server.broken_paths, server.calls = set(), []
        resumed = fetch(paths, _client(server), metrics=["101", "102"])
    assert resumed.resumed and resumed.run.status == "complete"
    assert [params["metricType"] for params in server.calls_to("/data")] == ["102"]


def test_slow_answer_times_out_and_is_retried(tmp_path):
    with _server(slow_seconds=2.0) as server:
        result = fetch(get_paths(tmp_path), _client(server, read_seconds=0.3), metrics=["105"])
    assert result.run.status == "complete"
    assert [path for path, _ in server.calls].count("/metricTypes") == 5  # 4 pages and the timed-out retry


def test_cli_fetches_with_env_credentials_and_exits_75_on_the_usage_limit(tmp_path):
    with _server(quota=4 + 2) as server:
        env = _credentials(server)
        stopped = sli(tmp_path, "ingest", "lginform", "--metric", "101", "--metric", "102", check=False, env=env)
        assert stopped.returncode == 75, stopped.stdout + stopped.stderr
        assert "stopped" in stopped.stdout and "1 of 2 metric(s) left" in stopped.stdout
        server.quota = None
        resumed = sli(tmp_path, "ingest", "lginform", env=env)
    assert resumed.returncode == 0 and "data_metricType-102.json" in resumed.stdout
    assert server.secret not in stopped.stdout + stopped.stderr + resumed.stdout + resumed.stderr


def test_airflow_ingest_dag_takes_the_credentials_from_its_connection(tmp_path):
    with FakeLgInform(metrics=[Metric("S9001", "Basket metric one"), Metric("S9002", "Basket metric two")]) as server:
        port = server.base_url.rsplit(":", 1)[1]
        env = {
            **airflow_env(tmp_path),
            "SLI_LGINFORM_KEY": "",
            "AIRFLOW_CONN_SLI_LGINFORM": json.dumps(
                {
                    "conn_type": "http",
                    "host": "127.0.0.1",
                    "port": int(port),
                    "login": server.key,
                    "password": server.secret,
                }
            ),
        }
        result = sli(tmp_path, "run-dags", "sli_ingest_lginform", env=env)
    assert "sli_ingest_lginform: success (ingest=success)" in result.stdout
    assert [params["metricType"] for params in server.calls_to("/data")] == ["S9001", "S9002"]
    paths = get_paths(tmp_path)
    assert duckdb.execute(f"select count(*) from read_parquet('{paths.raw}/lginform/values/*.parquet')").fetchone() == (
        16,
    )
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "airflow").rglob("*.log"))
    assert server.secret not in logs + result.stdout + result.stderr


def test_manual_run_params_choose_the_metrics_and_period(tmp_path):
    with FakeLgInform(metrics=[Metric("S9001", "one"), Metric("S9002", "two"), Metric("S9003", "three")]) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        env = {
            **airflow_env(tmp_path),
            "AIRFLOW_CONN_SLI_LGINFORM": json.dumps(
                {"conn_type": "http", "host": "127.0.0.1", "port": port, "login": server.key, "password": server.secret}
            ),
        }
        sli(
            tmp_path,
            "run-dags",
            "sli_ingest_lginform",
            "--conf",
            '{"metrics": ["S9003"], "period": "fin_2022_23"}',
            env=env,
        )
    assert [(p["metricType"], p["period"]) for p in server.calls_to("/data")] == [("S9003", "fin_2022_23")]


def test_a_listing_without_any_basket_metric_fails_and_fetches_nothing(tmp_path):
    paths = get_paths(tmp_path)
    with _server() as server:
        with pytest.raises(IncompleteFetch, match=r"listed 5 metric\(s\) and none of the 2 asked for \(S9001, S9002\)"):
            fetch(paths, _client(server), metrics=["S9001", "S9002"])
    assert server.calls_to("/data") == [] and Ledger(paths.ledger).last_api_run("lginform") is None


def test_a_metric_without_values_fails_the_run_and_the_next_run_asks_again(tmp_path):
    paths = get_paths(tmp_path)
    with _server() as server:
        server.metrics[1].has_data = False  # 102: /data answers an empty table
        with pytest.raises(IncompleteFetch, match=r"no values from LG Inform for 1 metric\(s\): 102"):
            fetch(paths, _client(server), metrics=["101", "102", "103"])
        run = Ledger(paths.ledger).last_api_run("lginform")
        assert run.status == "failed" and "102" in run.message and run.pending == []
        assert [p["metricType"] for p in server.calls_to("/data")] == ["101", "102", "103"]  # the rest is fetched
        server.metrics[1].has_data, server.calls = True, []
        again = fetch(paths, _client(server), metrics=["101", "102", "103"])
    # No complete run yet: the next one lists everything again, not only what changed.
    assert again.run.status == "complete" and again.run.changed_since is None
    assert {p["metricType"] for p in server.calls_to("/data")} == {"101", "102", "103"}


def test_basket_metrics_missing_from_the_listing_are_named(tmp_path):
    with _server() as server:
        result = fetch(get_paths(tmp_path), _client(server), metrics=["101", "999"])
    assert result.run.status == "complete" and result.run.message == "not listed by LG Inform: 999"


def _published_sha(home):
    published = home / "warehouse" / "sli.duckdb"
    return sha256_of(published) if published.exists() else None


def test_refresh_of_the_real_basket_against_the_api_fills_every_metric(tmp_path, sample_inbox):
    """SLI_BASKET=lginform, credentials set, a server speaking the real shapes: every basket metric of
    LG Inform reaches fct_council_metric_values with its periods and values; an Oflog download mapped by
    the basket reaches the marts and the council pages; a metric that comes back empty stops the refresh."""
    home = tmp_path / "home"
    shutil.copytree(sample_inbox, home / "inbox", ignore=shutil.ignore_patterns("lginform"))
    ids = basket.lginform_ids("lginform")
    metrics = [
        Metric(
            i,
            f"Metric {i}",
            polarity="Low value is good" if i == "3632" else "High value is good",
            discontinued=i == "850",
        )
        for i in ids
    ]
    with FakeLgInform(metrics=metrics, page_size=50) as server:
        env = {
            "SLI_LGINFORM_URL": server.base_url,
            "SLI_LGINFORM_KEY": server.key,
            "SLI_LGINFORM_SECRET": server.secret,
            "SLI_BASKET": "lginform",
        }
        sli(
            home,
            "ingest",
            "council-metrics",
            str(REPO / "tests" / "fixtures" / "lginform" / "oflog_long_format.csv"),
            env=env,
        )
        result = sli(home, "refresh", env=env)
        assert result.stdout.splitlines()[0].startswith(f"LG Inform: the LG Inform API at {server.base_url}")
        assert "basket 'lginform'" in result.stdout.splitlines()[0]
        values = (
            duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True)
            .execute(
                "select metric_id, council_code, period_id, value, value_status from fct_council_metric_values"
                " order by all"
            )
            .fetchall()
        )
        expected = sorted(
            (
                m.identifier,
                code,
                period,
                m.value(code, period),
                "ok" if m.value(code, period) is not None else "suppressed",
            )
            for m in metrics
            for code, _ in COUNCILS
            for period, *_ in FINANCIAL_YEARS
        )
        oflog = [row for row in values if row[0] == "outcome_asc_carer_quality_of_life"]
        assert [row for row in values if row[0] != "outcome_asc_carer_quality_of_life"] == expected
        assert len(oflog) == 5 and {row[1] for row in oflog} == {"E06000005", "E06000053", "E10000007"}
        with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
            assert con.execute("select metric_id from dim_metric where is_discontinued").fetchall() == [("850",)]
            overview = con.execute(
                "select metrics_discontinued, metrics_compared_lga_method from mart_sector_overview"
                " order by quarter_start desc limit 1"
            ).fetchone()
        assert overview[0] == 1 and overview[1] >= 1
        darlington = (home / "reports").glob("*/councils/E06000005.html")
        assert "Outcome, ASC Carer Quality of Life" in next(darlington).read_text()

    # A later run finds metric 46 changed, but its values come back empty: the refresh stops, nothing is published.
    before = _published_sha(home)
    with FakeLgInform(metrics=[Metric("46", "Household waste", changed="2999-01-01", has_data=False)]) as empty:
        failed = sli(home, "refresh", check=False, env={**env, "SLI_LGINFORM_URL": empty.base_url})
    assert failed.returncode == 1 and "no values from LG Inform for 1 metric(s): 46" in failed.stderr
    assert _published_sha(home) == before


# --- the API as a network: cut bodies, 429s, trickles, sizes, deadlines, wrong answers --------------


def test_a_body_cut_short_is_retried_like_a_server_error(tmp_path):
    delays = []
    with _server(truncate=2) as server:
        result = fetch(get_paths(tmp_path), _client(server, sleep=delays.append, backoff=0.5), metrics=["101"])
    assert result.run.status == "complete" and delays == [0.5, 1.0]
    assert _values(get_paths(tmp_path), "api_json")  # the values arrived whole


def test_429_waits_as_long_as_retry_after_says_then_resumes(tmp_path):
    delays = []
    with _server(too_many=["3"]) as server:
        result = fetch(get_paths(tmp_path), _client(server, sleep=delays.append), metrics=["101"])
    assert result.run.status == "complete" and delays == [3.0]


def test_429_asking_for_longer_than_a_run_waits_stops_the_run_for_the_next(tmp_path):
    paths = get_paths(tmp_path)
    with _server() as server:
        first = fetch(paths, _client(server), metrics=["101"])  # complete: the next run asks what changed since
        for metric in server.metrics:
            metric.changed = "2999-01-01"
        server.too_many = ["200", "7200"]  # the first wait is taken, the second is too long
        delays = []
        stopped = fetch(paths, _client(server, sleep=delays.append), metrics=["101", "102"])
        assert stopped.run.status == "stopped" and delays == [200.0]
        assert "asked to wait 7,200 s (429 Too Many Requests)" in stopped.run.message
        assert Ledger(paths.ledger).last_api_run("lginform").status == "stopped"
        again = fetch(paths, _client(server), metrics=["101", "102"])
    assert again.run.status == "complete" and again.run.changed_since == first.run.started_at[:10]


def test_a_server_that_trickles_bytes_is_cut_off_at_the_calls_deadline_and_retried(tmp_path):
    with _server(trickle_seconds=0.05) as server:
        result = fetch(get_paths(tmp_path), _client(server, read_seconds=5, call_seconds=0.5), metrics=["101"])
    assert result.run.status == "complete"
    assert [path for path, _ in server.calls].count("/metricTypes") == 5  # 4 pages and the cut-off retry


def test_an_answer_over_the_size_limit_is_refused_not_retried(tmp_path):
    with _server() as server:
        with pytest.raises(ApiError, match=r"answer at /metricTypes\?.* bytes, over 104 allowed"):
            fetch(get_paths(tmp_path), _client(server, answer_mb=0.0001), metrics=["101"])
    assert len(server.calls) == 1


def test_a_run_stops_at_its_deadline_and_the_next_run_resumes_it(tmp_path):
    paths, now = get_paths(tmp_path), [0.0]

    def after_each_file(loaded) -> None:
        now[0] += 100  # each file takes 100 s on this clock

    with _server() as server:
        client = Client(
            ApiSettings(server.base_url, Credentials(server.key, server.secret)),
            NetworkLimits(run_seconds=150),
            clock=lambda: now[0],
        )
        stopped = fetch(paths, client, metrics=["101", "102", "103"], on_file=after_each_file)
        assert stopped.run.status == "stopped" and stopped.run.pending == ["102", "103"]
        assert "the run reached its time limit (150 s) before /metricTypes/102" in stopped.run.message
        resumed = fetch(paths, _client(server), metrics=["101", "102", "103"])
    assert resumed.resumed and resumed.run.status == "complete"


def test_metric_ids_sent_as_numbers_are_the_metrics_asked_for(tmp_path):
    paths = get_paths(tmp_path)
    with _server(numeric_ids=True) as server:
        result = fetch(paths, _client(server), metrics=["101", "102"])
    assert result.run.status == "complete"
    assert {row[1] for row in _values(paths, "api_json")} == {"101", "102"}


@pytest.mark.parametrize(
    ("csv_format", "metrics", "reason"),
    [
        (False, ["102"], "holds metric(s) 101, not metric 102 its name says"),
        (False, ["101", "102"], "byte for byte the one loaded as data_metricType-101.json: another metric's table"),
        (True, ["101", "102"], "byte for byte the one loaded as data_metricType-101.csv: another metric's table"),
    ],
    ids=["json", "json-already-loaded", "csv-already-loaded"],
)
def test_an_answer_holding_another_metrics_table_fails_the_run(tmp_path, csv_format, metrics, reason):
    paths = get_paths(tmp_path)
    with _server(data_of={"102": "101"}) as server:
        with pytest.raises(IncompleteFetch, match="no values from LG Inform for 1 metric"):
            fetch(paths, _client(server), metrics=metrics, csv_format=csv_format)
    run = Ledger(paths.ledger).last_api_run("lginform")
    assert run.status == "failed" and f"102 (file data_metricType-102.{'csv' if csv_format else 'json'}" in run.message
    assert reason in run.message
    if metrics != ["102"]:  # what was loaded is 101's alone
        assert {row[1] for row in _values(paths, "api_csv" if csv_format else "api_json")} == {"101"}


def test_asking_for_metrics_while_a_run_is_unfinished_says_it_resumes_that_run(tmp_path):
    with _server(quota=4 + 2) as server:
        env = _credentials(server)
        sli(tmp_path, "ingest", "lginform", "--metric", "101", "--metric", "102", check=False, env=env)
        server.quota = None
        resumed = sli(tmp_path, "ingest", "lginform", "--metric", "104", env=env)
    assert "stopped with 1 metric(s) left: this run resumes it; 104 (asked for, not in it)" in resumed.stdout
    assert "data_metricType-102.json" in resumed.stdout and "data_metricType-104" not in resumed.stdout
