"""Open data: counts and time to close, small groups suppressed, nothing personal."""

from __future__ import annotations

import csv
import io

import httpx
from click.testing import CliRunner

from central.opendata import as_csv
from ventanilla.cli import cli


def post(central, key: str, service: str) -> str:
    response = httpx.post(
        f"{central.url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": service,
            "description": "Problema en la calle",
            "address_string": "Calle Sucre",
            "first_name": "Prudencio",
            "email": "prudencio@example.bo",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()[0]["service_request_id"]


def test_summary_counts_suppresses_small_groups_and_shows_median_days(start_central):
    central = start_central()
    runner = CliRunner()
    data = str(central.data_dir)
    key = runner.invoke(
        cli, ["central", "api-key", "add", "--data", data, "--name", "t"]
    ).output.split()[-1]
    potholes = [post(central, key, "bache") for _ in range(7)]
    lights = [post(central, key, "luminaria-apagada") for _ in range(2)]
    for code in potholes[:5]:
        runner.invoke(cli, ["central", "set-status", "--data", data, code, "en_revision"])
        assert (
            runner.invoke(
                cli, ["central", "set-status", "--data", data, code, "resuelto"]
            ).exit_code
            == 0
        )

    rows = httpx.get(f"{central.url}/opendata/summary.json", timeout=10).json()
    by_key = {(r["category"], r["status"]): r for r in rows}
    assert by_key[("bache", "resuelto")]["count"] == 5
    assert by_key[("bache", "resuelto")]["median_days_to_close"] == 0.0
    assert by_key[("bache", "recibido")]["count"] is None  # 2: suppressed
    assert by_key[("luminaria-apagada", "recibido")]["count"] is None
    assert {r["office"] for r in rows} == {"Alcaldía de Cochabamba (en línea)"}
    text = str(rows)
    for private in [*potholes, *lights, "Prudencio", "prudencio@"]:
        assert private not in text

    response = httpx.get(f"{central.url}/opendata/summary.csv", timeout=10)
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert {(r["category"], r["status"], r["count"]) for r in table} == {
        ("bache", "resuelto", "5"),
        ("bache", "recibido", "<5"),
        ("luminaria-apagada", "recibido", "<5"),
    }


def test_csv_cells_cannot_be_formulas():
    row = {
        "kind": "complaint",
        "category": "bache",
        "office": '=HYPERLINK("http://example.com","x")',
        "month": "2026-11",
        "status": "recibido",
        "count": 7,
        "median_days_to_close": None,
    }
    [parsed] = list(csv.DictReader(io.StringIO(as_csv([row]))))
    assert parsed["office"].startswith("'=")
