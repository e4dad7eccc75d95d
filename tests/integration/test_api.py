"""The JSON API on the demo database; 2019 reproduces the seed article's figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.config import Settings
from metrics.indicators import INDICATORS
from tests.fixtures.accounts import SignedInClient, accounts_in

SEED_FACTS = Path(__file__).resolve().parents[2] / "data" / "reference" / "seed_facts.csv"


@pytest.fixture(scope="module")
def client(demo_database_url: str):
    app = create_app(Settings.from_env(database_url=demo_database_url))
    return SignedInClient(app, accounts_in(demo_database_url)["leader"])


def _values(client, **params: str) -> dict[str, float | None]:
    response = client.get("/api/v1/indicators", query_string=params)
    assert response.status_code == 200, response.get_json()
    return {item["id"]: item["value"] for item in response.get_json()["indicators"]}


def _seed(fact_id: str) -> float:
    with SEED_FACTS.open(encoding="utf-8") as handle:
        return next(float(row["value"]) for row in csv.DictReader(handle) if row["id"] == fact_id)


def test_2019_reproduces_the_seed_article(client) -> None:
    values = _values(client, scope="county", period="2019")
    assert round(values["collective_income_mean"], -3) == _seed("collective_income_mean")
    assert values["villages_over_100k"] == _seed("villages_over_100k")
    # 111 of 153 is 72.5%; the article writes 72% (it truncates).
    assert int(values["villages_over_100k_share"]) == _seed("villages_over_100k_share")
    assert values["villages_over_1m"] == _seed("villages_over_1m")
    assert values["villages_below_50k"] == 0  # 全市所有村集体年收入过5万元


def test_every_indicator_is_reported_with_its_definition(client) -> None:
    response = client.get("/api/v1/indicators?scope=county&period=2026-Q3").get_json()
    assert [i["id"] for i in response["indicators"]] == list(INDICATORS)
    for item in response["indicators"]:
        assert item["name"]["zh"] and item["name"]["en"] and item["unit"]["zh"]
        assert item["definition"]["zh"] and item["definition"]["en"]
    values = {i["id"]: i["value"] for i in response["indicators"]}
    assert 0 < values["service_on_time_rate"] <= 100
    assert values["service_cases"] > 50_000  # a quarter of a county of 670,000 people
    assert values["volunteer_team_shortfalls"] == 6  # one township and five villages


def test_township_and_village_scopes(client) -> None:
    county = _values(client, scope="county", period="2025")
    townships = [_values(client, scope="township", code=code, period="2025")
                 for code in ("421081100000", "421081105000")]
    assert all(t["service_cases"] < county["service_cases"] for t in townships)
    village = _values(client, scope="village", code="421081100201", period="2025")
    assert village["collective_income_mean"] is not None
    assert village["inspection_problem_rate"] is None  # inspections are by township only


def test_monthly_period_has_no_income_but_says_why(client) -> None:
    response = client.get("/api/v1/indicators?scope=county&period=2026-10").get_json()
    income = next(i for i in response["indicators"] if i["id"] == "collective_income_mean")
    assert income["value"] is None and "year" in income["note"]["en"]


@pytest.mark.parametrize(("query", "fragment"), [
    ("scope=city&period=2019", "scope"),
    ("scope=county&period=2019-13", "period"),
    ("scope=county", "period"),
    ("scope=township&code=4210811&period=2019", "12-digit"),
    ("scope=township&code=421081999000&period=2019", "unknown division"),
    ("scope=village&code=421081100000&period=2019", "is not a village"),
])
def test_bad_parameters_get_400_with_a_message(client, query: str, fragment: str) -> None:
    response = client.get(f"/api/v1/indicators?{query}")
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert fragment in body["en"] and body["zh"]


def test_health_reports_database_and_data_time(client) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["database"]["reachable"] is True
    assert body["data_as_of"] and body["latest_record_at"].startswith("2026-11-15")


def test_health_says_when_the_database_is_unreachable(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}"
    app = create_app(Settings.from_env(database_url=url))
    (tmp_path / "missing").rmdir()
    response = app.server.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["database"]["reachable"] is False


def test_two_apps_each_have_their_own_callbacks(tmp_path) -> None:
    first = create_app(Settings.from_env(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    second = create_app(Settings.from_env(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    assert first.callback_map and set(first.callback_map) == set(second.callback_map)


def test_every_rate_comes_with_its_counts(client) -> None:
    response = client.get("/api/v1/indicators?scope=county&period=2025").get_json()
    for item in response["indicators"]:
        if item["unit"]["zh"] == "%" and item["value"] is not None:
            assert item["denominator"] > 0, item["id"]
            assert item["value"] == pytest.approx(item["numerator"] * 100 / item["denominator"])
        else:
            assert item["numerator"] is None and item["denominator"] is None, item["id"]
